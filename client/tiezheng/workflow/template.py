"""Workflow templates as data: a matter's stages, who handles each, its time limit, what a step must carry.

A template is a JSON file (format ``tiezheng-workflow``), versioned by
``revision``; its SM3 hash (over the deterministic CBOR of the parsed file) is
what the chain registers in the ProcessTrail contract and what each matter names
when it is opened. The files Tiezheng ships are in ``data/``:
an administrative permit (受理 → 初审 → 复核 → [集体讨论] → 审批签发 → 结果反馈), an
enforcement case (立案 … 决定 → 送达 and 公示, each within 7 working days of the decision,
in either order → 执行), and a cross-department "one thing" service (newborn registration).

    {
      "format": "tiezheng-workflow", "version": 1,
      "id": "administrative-permit", "revision": 1,
      "name": {"zh": "行政许可", "en": "Administrative permit"},
      "roles": {"owner": {"zh": "受理机关", "en": "issuing agency"}, …},
      "limit": {"working_days": 20},                         # the whole matter (optional)
      "stages": [
        {"key": "受理", "en": "Acceptance", "role": "owner",
         "limit": {"working_days": 1},                       # or days/hours/minutes/seconds; "since": "决定"
         "fields": ["operator", "before"],                   # what a step here must carry
         "decisions": ["approve", "reject"],                 # approve / return / reject
         "next": ["初审"], "returns": []},                   # allowed forward and backward moves
        {"key": "听证", …, "entered_when": "hearing"},       # follows exactly when the step before asks
        {"key": "执行", …, "requires": ["送达", "公示"]},     # entered once both are done, in either order
        …
      ]
    }

The first stage is where a matter starts; a stage whose ``next`` is empty
ends the matter when approved. ``owner`` is the agency that opens the matter;
every other role is bound to an agency code when the matter is opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from ..files import open_regular
from ..jsondoc import document_hash, load_json
from ..schema import invisible_character
from .calendar import Limit, WorkflowError

FORMAT: Final = "tiezheng-workflow"
VERSION: Final = 1
DECISIONS: Final = ("approve", "return", "reject")
OWNER: Final = "owner"
ROLE: Final = re.compile(r"[a-z][a-z0-9-]{0,31}")
#: What a stage may require of a step: statement fields, or meta keys (see docs/workflow.md).
BOOLEAN_STEP_FIELDS: Final = ("hearing",)
STEP_FIELDS: Final = ("operator", "before", "decision", "next", "opinion", "hearing", "published_at", "document_no")
MAX_STAGES: Final = 32


class TemplateError(WorkflowError):
    code = "bad-template"


@dataclass(frozen=True)
class Stage:
    key: str
    english: str
    role: str
    limit: Limit | None
    fields: tuple[str, ...]
    decisions: tuple[str, ...]
    next: tuple[str, ...]
    returns: tuple[str, ...]
    entered_when: str | None = None  # a boolean step field: this stage follows exactly when it is true
    requires: tuple[str, ...] = ()  # stages approved, and not sent back to by a later return, before this one

    @property
    def terminal(self) -> bool:
        return not self.next


@dataclass(frozen=True)
class WorkflowTemplate:
    id: str
    revision: int
    name: dict[str, str]
    roles: dict[str, dict[str, str]]
    limit: Limit | None
    stages: tuple[Stage, ...]
    document: dict[str, Any] = field(repr=False, compare=False)

    @cached_property
    def hash(self) -> bytes:
        return document_hash(self.document)

    @cached_property
    def by_key(self) -> dict[str, Stage]:
        return {s.key: s for s in self.stages}

    @property
    def start(self) -> Stage:
        return self.stages[0]

    def stage(self, key: str) -> Stage | None:
        return self.by_key.get(key)

    def counted_from(self, key: str) -> str | None:
        """The earlier stage whose completion starts stage ``key``'s limit, if it runs from one."""
        stage = self.by_key.get(key)
        return stage.limit.since if stage is not None and stage.limit is not None else None

    def label(self, language: str = "zh") -> str:
        return self.name.get(language) or self.name["zh"]

    @property
    def other_roles(self) -> list[str]:
        """Roles bound to agencies when a matter is opened (every role but the owner)."""
        return [r for r in self.roles if r != OWNER]

    # Reading

    @classmethod
    def from_document(cls, document: Any) -> WorkflowTemplate:
        if type(document) is not dict or document.get("format") != FORMAT:
            raise TemplateError(f'a workflow template must say "format": "{FORMAT}"')
        if document.get("version") != VERSION:
            raise TemplateError(f"workflow template version {document.get('version')!r} is not supported")
        identifier = document.get("id")
        if type(identifier) is not str or not re.fullmatch(r"[a-z][a-z0-9-]{0,63}", identifier):
            raise TemplateError("template.id must be 1–64 lower-case letters, digits or dashes")
        revision = document.get("revision")
        if type(revision) is not int or not 1 <= revision < 2**32:
            raise TemplateError("template.revision must be a positive integer")
        name = _names(document.get("name"), "template.name")
        roles_value = document.get("roles")
        if type(roles_value) is not dict or OWNER not in roles_value:
            raise TemplateError('template.roles must be an object with at least the "owner" role')
        roles = {}
        for role, label in roles_value.items():
            if not ROLE.fullmatch(role):
                raise TemplateError(f"template.roles: {role!r} must match {ROLE.pattern}")
            roles[role] = _names(label, f"template.roles.{role}")
        limit = _limit(document["limit"], "template.limit") if "limit" in document else None
        if limit is not None and limit.since is not None:
            raise TemplateError("template.limit runs from the opening: since is for a stage's limit")
        stages_value = document.get("stages")
        if type(stages_value) is not list or not 1 <= len(stages_value) <= MAX_STAGES:
            raise TemplateError(f"template.stages must list 1 to {MAX_STAGES} stages")
        stages = tuple(_stage(item, f"template.stages[{i}]", roles) for i, item in enumerate(stages_value))
        template = cls(identifier, revision, name, roles, limit, stages, document)
        template._check_graph()
        return template

    @classmethod
    def from_json(cls, data: bytes | str) -> WorkflowTemplate:
        return cls.from_document(load_json(data, "workflow template", TemplateError))

    @classmethod
    def load(cls, path: str | Path) -> WorkflowTemplate:
        try:
            with open_regular(path) as handle:
                return cls.from_json(handle.read())
        except OSError as exc:
            raise TemplateError(f"cannot read template {path}: {exc.strerror}", code="unreadable") from None

    def _check_graph(self) -> None:
        keys = [s.key for s in self.stages]
        if len(set(keys)) != len(keys):
            raise TemplateError("template.stages: a stage key appears twice")
        known = set(keys)
        for stage in self.stages:
            for target in (*stage.next, *stage.returns):
                if target not in known:
                    raise TemplateError(f"stage {stage.key}: {target!r} is not a stage of this template")
            if stage.limit and stage.limit.since and stage.limit.since not in known:
                raise TemplateError(f"stage {stage.key}: limit.since {stage.limit.since!r} is not a stage")
            if stage.returns and "return" not in stage.decisions:
                raise TemplateError(f"stage {stage.key} lists returns but not the decision 'return'")
            if "return" in stage.decisions and not stage.returns:
                raise TemplateError(f"stage {stage.key} allows 'return' but lists no stage to return to")
            if stage.next and "approve" not in stage.decisions:
                raise TemplateError(f"stage {stage.key} has next stages but no 'approve' decision")
            for target in stage.next:
                flag = self.by_key[target].entered_when
                if flag is not None and flag not in stage.fields:
                    raise TemplateError(
                        f"stage {stage.key} leads to {target}, entered when {flag} is true, but does not require {flag}"
                    )
        reachable, frontier = {self.stages[0].key}, [self.stages[0]]
        while frontier:
            for target in frontier.pop().next:
                if target not in reachable:
                    reachable.add(target)
                    frontier.append(self.by_key[target])
        unreachable = [k for k in keys if k not in reachable]
        if unreachable:
            raise TemplateError(f"stage {unreachable[0]} cannot be reached from {keys[0]}")
        for stage in self.stages:
            since = stage.limit.since if stage.limit else None
            if since is not None and stage.key not in self.ahead_of(since):
                raise TemplateError(f"stage {stage.key}: its limit runs from {since}, which does not come before it")
            for required in stage.requires:
                if required not in known or stage.key not in self.ahead_of(required):
                    raise TemplateError(f"stage {stage.key} requires {required!r}, which is not a stage before it")
                if self.by_key[required].entered_when is not None:
                    # A matter that did not ask for it would never be done with it.
                    raise TemplateError(f"stage {stage.key} requires {required}, which is entered only on request")
        if not any(s.terminal for s in self.stages):
            raise TemplateError("no stage ends the matter (one needs an empty next)")

    @cached_property
    def required_somewhere(self) -> frozenset[str]:
        """The stages some stage ``requires``."""
        return frozenset(required for stage in self.stages for required in stage.requires)

    def ahead_of(self, key: str) -> frozenset[str]:
        """The stages a matter moving forward from ``key`` may come to (not ``key`` itself, unless by a loop)."""
        return self._ahead[key]

    @cached_property
    def _ahead(self) -> dict[str, frozenset[str]]:
        # Computed once per template: every step's checks ask it, for each return in the matter's history.
        ahead: dict[str, frozenset[str]] = {}
        for stage in self.stages:
            found: set[str] = set()
            frontier = list(stage.next)
            while frontier:
                target = frontier.pop()
                if target not in found:
                    found.add(target)
                    frontier.extend(self.by_key[target].next)
            ahead[stage.key] = frozenset(found)
        return ahead


def _names(value: Any, where: str) -> dict[str, str]:
    if type(value) is not dict or type(value.get("zh")) is not str or type(value.get("en")) is not str:
        raise TemplateError(f'{where} must give "zh" and "en" names')
    return {"zh": value["zh"], "en": value["en"]}


def _stage(value: Any, where: str, roles: dict[str, Any]) -> Stage:
    if type(value) is not dict:
        raise TemplateError(f"{where} must be an object")
    unknown = set(value) - {
        "key", "en", "role", "limit", "fields", "decisions", "next", "returns", "entered_when", "requires"
    }  # fmt: skip
    if unknown:
        raise TemplateError(f"{where} has unknown field {sorted(unknown)[0]!r}")
    key = value.get("key")
    if type(key) is not str or not 1 <= len(key) <= 32 or re.search(r"[\x00-\x1f\x7f]", key):
        raise TemplateError(f"{where}.key must be 1–32 printable characters (it is the statements' stage)")
    english = value.get("en", key)
    for name, text in (("key", key), ("en", english)):
        # Such a stage would read as another on every page, and a step naming it is refused at admission.
        if type(text) is str and (found := invisible_character(text)) is not None:
            raise TemplateError(f"{where}.{name} holds {found}, an invisible or direction-changing character")
    role = value.get("role")
    if type(role) is not str or role not in roles:
        raise TemplateError(f"{where}.role must be one of the template's roles")
    fields = _strings(value.get("fields", []), f"{where}.fields")
    bad = [f for f in fields if f not in STEP_FIELDS]
    if bad:
        raise TemplateError(f"{where}.fields: {bad[0]!r} is not a step field ({', '.join(STEP_FIELDS)})")
    decisions = _strings(value.get("decisions", ["approve"]), f"{where}.decisions")
    if not decisions or any(d not in DECISIONS for d in decisions):
        raise TemplateError(f"{where}.decisions must be some of {', '.join(DECISIONS)}")
    limit = _limit(value["limit"], f"{where}.limit") if "limit" in value else None
    entered_when = value.get("entered_when")
    if entered_when is not None and entered_when not in BOOLEAN_STEP_FIELDS:
        raise TemplateError(f"{where}.entered_when must be a yes/no step field ({', '.join(BOOLEAN_STEP_FIELDS)})")
    return Stage(
        key=key,
        english=english if type(english) is str else key,
        role=role,
        limit=limit,
        fields=tuple(fields),
        decisions=tuple(decisions),
        next=tuple(_strings(value.get("next", []), f"{where}.next")),
        returns=tuple(_strings(value.get("returns", []), f"{where}.returns")),
        entered_when=entered_when,
        requires=tuple(_strings(value.get("requires", []), f"{where}.requires")),
    )


def _limit(value: Any, where: str) -> Limit:
    try:
        return Limit.from_value(value, where)
    except WorkflowError as exc:
        raise TemplateError(exc.message) from None


def _strings(value: Any, where: str) -> list[str]:
    if type(value) is not list or any(type(v) is not str for v in value):
        raise TemplateError(f"{where} must be a list of text")
    return list(value)


def builtin_templates() -> list[WorkflowTemplate]:
    """The current revisions of the templates shipped with Tiezheng (data/*.workflow.json)."""
    folder = Path(__file__).parent / "data"
    return [WorkflowTemplate.load(path) for path in sorted(folder.glob("*.workflow.json"))]


def superseded_templates() -> list[WorkflowTemplate]:
    """Earlier revisions of the shipped templates (data/superseded/): matters opened under one follow it to the
    end, so a node keeps holding its file; a new chain registers only the current revisions."""
    folder = Path(__file__).parent / "data" / "superseded"
    return [WorkflowTemplate.load(path) for path in sorted(folder.glob("*.workflow.json"))]
