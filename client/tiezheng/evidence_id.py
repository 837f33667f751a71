"""Evidence IDs (存证编号): short, printable, checksummed, and resolvable to a leaf index offline.

Form: ``<CHAIN>-<INDEX>-<CHECK>``, for example ``DEV-00000G-A1`` (leaf 16 of chain DEV):

* CHAIN is the chain's code from its genesis (2–8 letters and digits);
* INDEX is the record's leaf index in the evidence log, in Crockford base32,
  zero-padded to at least six symbols; a leaf index is below 2^64 (RFC 9162's
  tree sizes are 64-bit), so at most 13 symbols;
* CHECK is two Crockford symbols holding an ISO/IEC 7064-style pure check value:
  c = Σ vᵢ·32^(L−1−i) mod 1021 over the symbol values of CHAIN (0–35), a
  separator (36) and INDEX (0–31). 1021 is prime and larger than every symbol
  value, so every single-symbol substitution and every swap of two adjacent
  symbols changes c: such typos are always reported as typos, never resolved to
  another record. Other errors slip through with probability about 1/1021.

Reading is forgiving where Crockford base32 is: case is ignored, and in INDEX
and CHECK the letters O, I and L are read as 0, 1 and 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from .errors import EvidenceIdError

CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CHAIN_SYMBOLS: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SEPARATOR_VALUE: Final = 36
_MODULUS: Final = 1021
_MIN_INDEX_SYMBOLS: Final = 6
MAX_INDEX: Final = 2**64 - 1  # RFC 9162 leaf indexes are 64-bit; 13 symbols spell more, and are refused
_DECODE: Final = {symbol: value for value, symbol in enumerate(CROCKFORD)} | {"O": 0, "I": 1, "L": 1}
CHAIN_CODE_PATTERN: Final = re.compile(r"[A-Z0-9]{2,8}")
_SHAPE: Final = re.compile(r"([A-Za-z0-9]{2,8})-([0-9A-Za-z]{6,13})-([0-9A-Za-z]{2})")


class EvidenceIdChecksumError(EvidenceIdError):
    """The ID is well-formed but its check symbols do not match: it was mistyped."""

    code = "evidence-id-checksum"


@dataclass(frozen=True, slots=True, order=True)
class EvidenceId:
    chain: str
    index: int

    def __post_init__(self) -> None:
        if not CHAIN_CODE_PATTERN.fullmatch(self.chain):
            raise EvidenceIdError(f"chain code {self.chain!r} must be 2–8 upper-case letters or digits")
        if not 0 <= self.index <= MAX_INDEX:
            raise EvidenceIdError(f"leaf index {self.index} is out of range")

    def __str__(self) -> str:
        return format_evidence_id(self.chain, self.index)

    @classmethod
    def parse(cls, text: str) -> EvidenceId:
        """Read an ID; EvidenceIdChecksumError when it is mistyped, EvidenceIdError when malformed."""
        if not isinstance(text, str):
            raise EvidenceIdError("an evidence ID is text")
        match = _SHAPE.fullmatch(text.strip())
        if match is None:
            raise EvidenceIdError(
                f"{text[:40]!r} is not an evidence ID (expected CHAIN-INDEX-CHECK, like DEV-00000G-A1)"
            )
        chain, index_text, check_text = match.group(1).upper(), match.group(2).upper(), match.group(3).upper()
        try:
            index_values = [_DECODE[symbol] for symbol in index_text]
            check = _DECODE[check_text[0]] * 32 + _DECODE[check_text[1]]
        except KeyError as exc:
            raise EvidenceIdError(f"{exc.args[0]!r} is not a base32 symbol (Crockford: no U)") from None
        canonical_index = "".join(CROCKFORD[v] for v in index_values)
        if check != check_value(chain, canonical_index):
            raise EvidenceIdChecksumError(f"{text.strip()!r} has a typo: its check symbols do not match")
        index = 0
        for value in index_values:
            index = index * 32 + value
        return cls(chain, index)


def format_evidence_id(chain: str, index: int) -> str:
    """``str(EvidenceId(chain, index))`` without building the object (nodes format thousands per request).

    Over the index symbols, the check value's Horner sum is the index itself (its
    symbols are its base-32 digits), so c = (prefix · 32^L + index) mod 1021,
    where the prefix part depends only on the chain code.
    """
    if 0 <= index < 1 << 30:  # six symbols, the form of every index below a billion: from a table of symbol pairs
        symbols = _PAIRS[index >> 20] + _PAIRS[index >> 10 & 1023] + _PAIRS[index & 1023]
        check = (_chain_value(chain) * _SIX_SYMBOLS_WEIGHT + index) % _MODULUS
    else:
        symbols = encode_base32(index).rjust(_MIN_INDEX_SYMBOLS, "0")
        check = (_chain_value(chain) * pow(32, len(symbols), _MODULUS) + index) % _MODULUS
    return f"{chain}-{symbols}-{CROCKFORD[check // 32]}{CROCKFORD[check % 32]}"


def format_evidence_ids(chain: str, indexes: Iterable[int]) -> list[str]:
    """``format_evidence_id`` for each index: a batch's answer names up to 10,000 records.

    The six-symbol form as one expression per index, with no call: the prefix's
    part of the check value is computed once, and the check symbols come from a
    table of all 1021 values.
    """
    prefix = f"{chain}-"
    base = _chain_value(chain) * _SIX_SYMBOLS_WEIGHT
    pairs, checks = _PAIRS, _CHECK_SYMBOLS
    return [
        f"{prefix}{pairs[i >> 20]}{pairs[i >> 10 & 1023]}{pairs[i & 1023]}-{checks[(base + i) % _MODULUS]}"
        if 0 <= i < 1 << 30
        else format_evidence_id(chain, i)
        for i in indexes
    ]


_PAIRS: Final = tuple(a + b for a in CROCKFORD for b in CROCKFORD)
_CHECK_SYMBOLS: Final = _PAIRS[:_MODULUS]  # check value c is spelt CROCKFORD[c // 32] + CROCKFORD[c % 32]
_SIX_SYMBOLS_WEIGHT: Final = pow(32, 6, _MODULUS)


@lru_cache(maxsize=64)
def _chain_value(chain: str) -> int:
    """The check value's Horner state after the chain code and the separator."""
    check = 0
    for value in [_CHAIN_SYMBOLS.index(c) for c in chain] + [_SEPARATOR_VALUE]:
        check = (check * 32 + value) % _MODULUS
    return check


def encode_base32(number: int) -> str:
    symbols = []
    while True:
        number, value = divmod(number, 32)
        symbols.append(CROCKFORD[value])
        if number == 0:
            return "".join(reversed(symbols))


def check_value(chain: str, index_symbols: str) -> int:
    """The check value over the chain code and the (canonical, upper-case) index symbols."""
    values = [_CHAIN_SYMBOLS.index(c) for c in chain] + [_SEPARATOR_VALUE] + [CROCKFORD.index(c) for c in index_symbols]
    check = 0
    for value in values:
        check = (check * 32 + value) % _MODULUS
    return check
