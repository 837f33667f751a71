"""Fuzzing the signed-off JSON documents: genesis, workflow templates and calendars.

A court reads a genesis it was handed; a node reads templates and calendars an
operator installs. Damaged fields (a value swapped for one of another type or
size, deleted, or joined by an unknown one), damaged bytes and random text must
each give the document's own DecodeError, or a document that reads the same again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng.errors import DecodeError
from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey
from tiezheng.workflow.calendar import WorkCalendar
from tiezheng.workflow.template import TemplateError, WorkflowTemplate

from .support.mutations import HOSTILE_JSON_VALUES, damaged_bytes, damaged_value
from .support.toychain import make_genesis

DATA = Path(__file__).parents[1] / "client" / "tiezheng" / "workflow" / "data"
PERMIT = json.loads((DATA / "permit.workflow.json").read_text())

#: name → (a valid document, its decoder)
DOCUMENTS: dict[str, tuple[Any, Callable[[bytes], Any]]] = {
    "genesis": (make_genesis([SM2PrivateKey.generate() for _ in range(2)]).document, Genesis.from_json),
    "permit template": (PERMIT, WorkflowTemplate.from_json),
    "enforcement template": (json.loads((DATA / "enforcement.workflow.json").read_text()), WorkflowTemplate.from_json),
    "calendar": (json.loads((DATA / "calendar-cn.json").read_text()), WorkCalendar.from_json),
}


def _reads_again_or_is_refused(decode: Callable[[bytes], Any], data: bytes) -> None:
    try:
        decoded = decode(data)
    except DecodeError as exc:
        assert exc.code and exc.message
        return
    assert decode(json.dumps(decoded.document).encode()).hash == decoded.hash


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_damaged_fields_are_refused_with_a_decode_error(name, data):
    document, decode = DOCUMENTS[name]
    damaged = data.draw(damaged_value(document, HOSTILE_JSON_VALUES, rounds=3))
    _reads_again_or_is_refused(decode, json.dumps(damaged).encode())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_damaged_bytes_are_refused_with_a_decode_error(name, data):
    document, decode = DOCUMENTS[name]
    _reads_again_or_is_refused(decode, data.draw(damaged_bytes(json.dumps(document).encode())))


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@settings(max_examples=30, deadline=None)
@given(text=st.text(max_size=100) | st.binary(max_size=100))
def test_random_input_is_refused_with_a_decode_error(name, text):
    decode = DOCUMENTS[name][1]
    with pytest.raises(DecodeError):
        decode(text.encode() if isinstance(text, str) else text)


@pytest.mark.parametrize("role", [["owner"], {"owner": 1}, 7, None])
def test_a_stage_role_of_another_type_is_a_template_error(role):
    document = json.loads(json.dumps(PERMIT))
    document["stages"][0]["role"] = role
    with pytest.raises(TemplateError, match="role must be one of the template's roles"):
        WorkflowTemplate.from_json(json.dumps(document))


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_an_unpaired_surrogate_escape_is_refused_not_carried_to_the_hash(name):
    document, decode = DOCUMENTS[name]
    text = json.dumps({**document, "name": "\ud800"})  # json.dumps writes it as the escape \ud800
    assert "\\ud800" in text
    with pytest.raises(DecodeError, match="surrogate"):
        decode(text.encode())
