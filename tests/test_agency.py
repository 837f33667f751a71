"""What an agency may be registered as: codes statements can name, names that read as themselves."""

from __future__ import annotations

import pytest

from tiezheng.agency import check_registration
from tiezheng.schema import FieldError


@pytest.mark.parametrize(
    "name",
    ["北京市市场监督管理局", "Beijing Municipal Administration", "ᠪᠡᠭᠡᠵᠢᠩ\u180eᠬᠣᠲᠠ", "سلام\u200cدنیا", "क्\u200dष"],
)
def test_names_real_agencies_have_are_taken(name):
    """Mongolian's vowel separator and the zero-width joiners are parts of real names, not forgeries."""
    check_registration("11110000000000000X", name)


@pytest.mark.parametrize(
    ("code", "name", "refused"),
    [
        ("bad code!", "某局", "bad-field"),
        ("", "某局", "bad-field"),
        ("A" * 65, "某局", "bad-field"),
        ("A1", "", "bad-field"),
        ("A1", "某" * 129, "bad-field"),
        ("A1", "某局\nA2  revoked", "bad-field"),
        ("A1", "某局\x1b[2J", "bad-field"),
        ("A1", "某局\u202e局某", "invisible-character"),
        ("A1", "\u2067某局", "invisible-character"),
        ("A1", "某\u200f局", "invisible-character"),
    ],
)
def test_what_would_never_anchor_or_would_read_as_another_is_refused(code, name, refused):
    with pytest.raises(FieldError) as caught:
        check_registration(code, name)
    assert caught.value.code == refused
