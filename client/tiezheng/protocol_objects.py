"""Recognising the bytes an SM2 key signs as a protocol object, so that no tool signs them as a plain file.

A statement, a batch header and a consensus header are signed over their exact CBOR
bytes, with the same SM2 signer ID a detached file signature uses (GM/T 0009's
default, which every signature in Tiezheng uses). So an agency that signs "a file" someone handed it, when
that file is the CBOR of a statement, has signed the statement: the sender can submit
it and the record verifies. ``tiezheng sign`` asks this module first and refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from .batch import BatchHeader
from .errors import TiezhengError
from .header import ConsensusHeader
from .statement import MAX_STATEMENT_SIZE, Statement

LATER_OBJECT: Final = "protocol object of a later version"
#: The largest object recognised; every signed protocol object is smaller than a statement's bound.
MAX_SIGNED_OBJECT: Final = MAX_STATEMENT_SIZE

_READERS: Final[tuple[tuple[str, Callable[[bytes], object]], ...]] = (
    ("statement", Statement.from_cbor),
    ("batch header", BatchHeader.from_cbor),
    ("consensus header", ConsensusHeader.from_cbor),
)


def signed_object_kind(data: bytes) -> str | None:
    """What protocol object ``data`` is, exactly as it would be signed ("statement", "batch header",
    "consensus header"), or None for any other bytes."""
    if len(data) > MAX_SIGNED_OBJECT:
        return None
    newer = False
    for kind, read in _READERS:
        try:
            read(data)
        except TiezhengError as exc:
            newer = newer or exc.code == "unsupported-version"
            continue
        return kind
    # A later release's object is a protocol object all the same (which one, this build cannot tell): signing
    # it as a plain file would make a key meant for files sign what a node of that release would accept.
    return LATER_OBJECT if newer else None
