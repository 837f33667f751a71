"""Process trails: workflow templates, working-day calendars, and how process-step statements move a matter."""

from .calendar import CalendarError, Limit, WorkCalendar, WorkflowError, builtin_calendar
from .statements import close_statement, open_statement, step_statement
from .template import Stage, TemplateError, WorkflowTemplate, builtin_templates, superseded_templates
from .trail import (
    CLOCK_SKEW_MS,
    Claim,
    Due,
    Matter,
    StepError,
    StepRecord,
    apply_step,
    check_step,
    open_matter,
    read_claim,
    recalculated,
    running_limits,
    watched,
)

__all__ = [
    "CLOCK_SKEW_MS",
    "CalendarError",
    "Claim",
    "Due",
    "Limit",
    "Matter",
    "Stage",
    "StepError",
    "StepRecord",
    "TemplateError",
    "WorkCalendar",
    "WorkflowError",
    "WorkflowTemplate",
    "apply_step",
    "builtin_calendar",
    "builtin_templates",
    "check_step",
    "close_statement",
    "open_matter",
    "open_statement",
    "read_claim",
    "recalculated",
    "running_limits",
    "step_statement",
    "superseded_templates",
    "watched",
]
