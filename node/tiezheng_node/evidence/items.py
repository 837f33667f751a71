"""A submission on its way into the log: what admission checked, and what the block will write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from tiezheng.signing import Signature


class Entry(NamedTuple):
    """One statement of a submission, with what the indexes need (a tuple: admission makes millions)."""

    statement: bytes
    leaf_hash: bytes  # SM3(0x00 ‖ statement): its leaf in the log, and its identity for deduplication
    digest: bytes
    agency: str
    kind: str
    subject: bytes | None
    signatures: tuple[Signature, ...]  # direct signatures; empty for a batch member
    position: int  # position in its batch (0 for a single statement)


@dataclass(frozen=True)
class BatchInfo:
    header: bytes
    signatures: tuple[Signature, ...]
    statements: tuple[bytes, ...]  # every statement of the envelope, in order (stored with the batch)

    @property
    def size(self) -> int:
        return len(self.statements)


@dataclass
class Submission:
    """Statements accepted together; ``first_index`` is the leaf index reserved for the first new one."""

    kind: str  # "s": a signed statement; "b": a batch envelope
    payload: bytes  # the signed statement ("s"), kept until the block writes its leaf; empty for a batch
    entries: list[Entry]  # the new statements, in log order (duplicates left out)
    batch: BatchInfo | None
    accepted_ms: int
    first_index: int = -1
    durable: bool = False
    members: list[int] | None = field(default=None)  # positions of the new statements, when some were duplicates

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.entries) - 1
