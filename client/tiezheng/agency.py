"""What an agency's registration must say, checked by the command that builds it and the node that takes it.

AgencyRegistry keeps any string it is given; but an agency whose code is not one a
statement can name could never anchor, and its name is shown on every page and
certificate of its records, so a control or direction-changing character there could
make one agency read as another. (The node checks every registration against these rules,
through its admin endpoint, a raw transaction or another contract alike.)
"""

from __future__ import annotations

from typing import Final

from .schema import FieldError, check_text, display_forging_character
from .statement import AGENCY_CODE

MAX_AGENCY_NAME: Final = 128


def check_registration(code: str, name: str) -> None:
    """FieldError (code ``bad-field``, or ``invisible-character``) naming what is wrong with a registration."""
    if not AGENCY_CODE.fullmatch(code):
        raise FieldError(f"agency code {code[:80]!r} must match {AGENCY_CODE.pattern}, as statements name agencies")
    check_text(name, "agency name", max_length=MAX_AGENCY_NAME)
    hidden = display_forging_character(name)
    if hidden is not None:
        raise FieldError(f"agency name holds {hidden}, which can make it read as another", code="invisible-character")
