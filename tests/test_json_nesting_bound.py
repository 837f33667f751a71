"""Every JSON decoder bounds nesting itself, before the standard library's recursive parser runs.

That parser recurses in C as deep as the interpreter's recursion limit allows, and
py-evm raises the limit to 100,000 when the node imports it: a genesis, receipt or
keystore of brackets then overflowed the C stack and killed the process (SIGSEGV)
instead of being refused.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng.errors import DecodeError, KeystoreError, TiezhengError
from tiezheng.genesis import Genesis
from tiezheng.gm import keystore
from tiezheng.jsondoc import MAX_JSON_DEPTH, check_nesting
from tiezheng.receipt import Receipt
from tiezheng.workflow.calendar import WorkCalendar
from tiezheng.workflow.template import WorkflowTemplate

from .support.mutations import nested

JSON_DECODERS: dict[str, Callable[[bytes], Any]] = {
    "genesis": Genesis.from_json,
    "receipt": Receipt.from_json,
    "workflow template": WorkflowTemplate.from_json,
    "calendar": WorkCalendar.from_json,
    "keystore": keystore.inspect,
}


@pytest.mark.parametrize("name", sorted(JSON_DECODERS))
@pytest.mark.parametrize("opening, closing", [(b"[", b"]"), (b'{"a":', b"}")])
def test_nesting_past_the_bound_is_refused_by_name(name, opening, closing):
    decode = JSON_DECODERS[name]
    with pytest.raises((DecodeError, KeystoreError), match="nests deeper than 64 levels"):
        decode(nested(MAX_JSON_DEPTH + 1, opening, closing + b"0" if opening == b"[" else closing))


@pytest.mark.parametrize("name", sorted(JSON_DECODERS))
def test_nesting_within_the_bound_reaches_the_format_checks(name):
    with pytest.raises(TiezhengError) as refused:
        JSON_DECODERS[name](nested(MAX_JSON_DEPTH))
    assert "nests deeper" not in str(refused.value)


def test_deep_nesting_is_refused_even_with_py_evms_recursion_limit():
    script = textwrap.dedent(
        """
        import sys
        sys.setrecursionlimit(100_000)  # what importing py-evm does
        from tiezheng.errors import TiezhengError
        from tiezheng.genesis import Genesis
        from tiezheng.gm import keystore
        from tiezheng.receipt import Receipt
        from tiezheng.workflow.template import WorkflowTemplate

        for decode, depth in ((Genesis.from_json, 1_000_000), (Receipt.from_json, 60_000),
                              (WorkflowTemplate.from_json, 1_000_000), (keystore.inspect, 30_000)):
            try:
                decode(b"[" * depth + b"]" * depth)
            except TiezhengError as exc:
                print(exc.code)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["bad-genesis", "bad-receipt", "bad-template", "keystore-corrupt"]


def test_brackets_inside_strings_and_escapes_do_not_count():
    deep_text = "[" * 1000 + '\\"[{' + "]" * 10
    check_nesting(json.dumps({"a": deep_text, "b": ["\\", '"[[['], "c": "\\\\"}), "document")


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\n'),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
        max_leaves=30,
    )
)
def test_the_bound_counts_exactly_the_nesting_the_parser_sees(value):
    text = json.dumps(value)

    def depth(item: Any) -> int:
        if isinstance(item, list):
            return 1 + max(map(depth, item), default=0)
        if isinstance(item, dict):
            return 1 + max(map(depth, item.values()), default=0)
        return 0

    check_nesting(text, "document")  # strategies here stay far below the bound
    wrapped = "[" * (MAX_JSON_DEPTH - depth(value)) + text + "]" * (MAX_JSON_DEPTH - depth(value))
    check_nesting(wrapped, "document")
    with pytest.raises(DecodeError):
        check_nesting("[" + wrapped + "]", "document")
