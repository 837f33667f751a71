"""The workflow templates and calendars this node holds, by the SM3 hash the chain registers them under.

Tiezheng's own files come with the protocol library; a deployment adds its own
(``*.workflow.json``, ``*.calendar.json``) in ``--workflow-dir`` folders. A file
is only used when the ProcessTrail contract has registered its hash, so a
file edited on one node is simply another, unregistered, template.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from tiezheng.workflow import (
    WorkCalendar,
    WorkflowError,
    WorkflowTemplate,
    builtin_calendar,
    builtin_templates,
    superseded_templates,
)

log = logging.getLogger("tiezheng.process")


_Loaded = TypeVar("_Loaded")


def _read(load: Callable[[Path], _Loaded], path: Path) -> _Loaded:
    """A file of a --workflow-dir, read by ``load``; a refusal names the file, among the folder's many."""
    try:
        return load(path)
    except WorkflowError as exc:
        raise type(exc)(f"{path}: {exc.message}", code=exc.code) from None


class WorkflowLibrary:
    def __init__(self, folders: Iterable[Path] = ()) -> None:
        templates = [*builtin_templates(), *superseded_templates()]  # a chain may have matters under either
        calendars = [builtin_calendar()]
        for folder in folders:
            if not folder.is_dir():
                raise WorkflowError(f"--workflow-dir {folder} is not a folder", code="unreadable")
            for path in sorted(folder.glob("*.workflow.json")):
                templates.append(_read(WorkflowTemplate.load, path))
            for path in sorted(folder.glob("*.calendar.json")):
                calendars.append(_read(WorkCalendar.load, path))
        self._templates = {t.hash: t for t in templates}
        self._calendars = {c.hash: c for c in calendars}
        log.info("workflow library: %d templates, %d calendars", len(self._templates), len(self._calendars))

    def template(self, template_hash: bytes) -> WorkflowTemplate | None:
        return self._templates.get(template_hash)

    def calendar(self, calendar_hash: bytes) -> WorkCalendar | None:
        return self._calendars.get(calendar_hash)

    @property
    def templates(self) -> list[WorkflowTemplate]:
        return list(self._templates.values())

    @property
    def template_ids(self) -> dict[bytes, str]:
        """Template hash → id, for naming templates in lists and reports."""
        return {t.hash: t.id for t in self._templates.values()}

    def stage_positions(self) -> dict[str, dict[str, int]]:
        """Template id → each stage's position in its latest revision, for listing stages in process order."""
        latest: dict[str, WorkflowTemplate] = {}
        for template in self._templates.values():
            if template.id not in latest or template.revision > latest[template.id].revision:
                latest[template.id] = template
        return {i: {stage.key: n for n, stage in enumerate(t.stages)} for i, t in latest.items()}
