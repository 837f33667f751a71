"""Deterministic CBOR (RFC 8949 §4.2.1) for every signed or hashed protocol object.

Encoding is cbor2's canonical mode. For the text-keyed maps used here its
length-first key order is the same as the bytewise order §4.2.1 asks for,
because a text string's header byte encodes its length.

Decoding is deliberately narrow: only integers, byte and text strings, arrays,
maps with text keys, booleans and null are accepted (no tags, no floats, no
indefinite lengths, no duplicate keys, bounded depth and size), and the input
must be the *only* encoding of its value: it is re-encoded and compared, which
rejects non-minimal integers and lengths and unsorted keys. Anything else is a
DecodeError naming what was wrong.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any, Final

import cbor2

from .errors import DecodeError

MAX_DEPTH: Final = 8
_CONTAINERS: Final = (dict, list)


class CBORError(DecodeError):
    code = "bad-cbor"


def encode(value: Any) -> bytes:
    """The deterministic encoding of a value built from int, bytes, str, list, dict, bool and None."""
    return cbor2.dumps(value, canonical=True)


def _refuse_tag(*_args: object) -> object:
    raise cbor2.CBORDecodeError("CBOR tags are not allowed")


# cbor2 decodes these tags itself; override them all so that none is ever interpreted.
_KNOWN_TAGS: Final = (0, 1, 2, 3, 4, 5, 21, 22, 23, 24, 25, 28, 29, 30, 32, 33, 34, 35, 36, 37, 100, 256, 258, 260, 261)
_NO_TAGS: Final = dict.fromkeys(_KNOWN_TAGS, _refuse_tag)
_DECODER_OPTIONS: Final[dict[str, Any]] = {
    "tag_hook": _refuse_tag,
    "semantic_decoders": _NO_TAGS,
    "max_depth": MAX_DEPTH,
    "allow_indefinite": False,
    "allow_duplicate_keys": False,
    "strict_hashable_types": True,
}


def decode(data: bytes, *, max_size: int, what: str = "CBOR", types_checked_by_caller: bool = False) -> Any:
    """Decode strictly; ``what`` names the object in error messages.

    ``types_checked_by_caller`` skips the walk that refuses floats and other types
    this format does not allow, for callers that check the exact type of every
    value themselves (the statement decoder, on the hot path of admission).
    """
    if type(data) is not bytes:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise CBORError(f"{what} must be bytes")
        data = bytes(data)
    if len(data) > max_size:
        raise CBORError(f"{what} is {len(data)} bytes; the limit is {max_size}", code="too-large")
    if not data:
        raise CBORError(f"{what} is empty")
    try:
        value = cbor2.loads(data, **_DECODER_OPTIONS)
    except Exception as exc:  # cbor2 raises CBORDecodeError, ValueError, EOFError, …
        raise CBORError(f"{what} is not valid CBOR: {_first_line(exc)}") from None
    if not types_checked_by_caller:
        try:
            _check_plain(value, what, 0)
        except CBORError:
            _refuse_self_described(data, what)  # what made the value immutable, named as such
            raise
    # The decoded maps keep their encoded key order, and cbor2 always writes the
    # shortest form of each item: so the input is the deterministic encoding exactly
    # when every map's keys are in deterministic order and re-encoding reproduces it.
    # (Cheaper than encode(value), which sorts every map.)
    try:
        # The slow path only runs when the fast one says no, to tell "non-canonical"
        # apart from canonical data cbor2 re-encodes differently (shortest-form floats).
        memo = len(data) <= _MEMO_INPUT_LIMIT
        canonical = (_keys_in_order(value, memo) and cbor2.dumps(value) == data) or encode(value) == data
    except Exception:
        raise CBORError(f"{what} holds a value that has no deterministic encoding") from None
    if not canonical:
        _refuse_self_described(data, what)
        # cbor2 reads the first item and ignores what follows it; bytes after the item make the
        # input no single CBOR item at all (as the browser's decoder says), not a variant encoding.
        # Looked for only here, off the path every well-formed input takes.
        if _item_length(data) < len(data):
            raise CBORError(f"{what} is not valid CBOR: bytes follow its one item")
        if types_checked_by_caller:
            _check_plain(value, what, 0)  # a type the format lacks is named before how it was written
        raise CBORError(f"{what} is not in deterministic CBOR encoding (RFC 8949 §4.2.1)", code="non-canonical-cbor")
    return value


class _TagFound(Exception):
    pass


def _refuse_self_described(data: bytes, what: str) -> None:
    """Refuse tag 55799 (self-described CBOR, RFC 8949 §3.4.6) as every other tag is refused.

    cbor2 passes over that one tag without asking the tag hook, so the item behind it
    decodes (immutable) and fails later as non-canonical, where the browser's decoder,
    and the rule, say a tag is no valid input at all. Walks the item's heads (``data``
    is known to decode: definite lengths, nesting bounded); only on a failure path.
    """
    position = 0

    def argument(info: int) -> int:
        nonlocal position
        if info < 24:
            return info
        size = 1 << (info - 24)
        value = int.from_bytes(data[position : position + size], "big")
        position += size
        return value

    def item() -> None:
        nonlocal position
        initial = data[position]
        position += 1
        major, count = initial >> 5, argument(initial & 31)
        if major == 6:
            raise _TagFound
        if major in (2, 3):
            position += count
        elif major in (4, 5):
            for _ in range(count * (2 if major == 5 else 1)):
                item()

    try:
        item()
    except _TagFound:
        raise CBORError(f"{what} is not valid CBOR: CBOR tags are not allowed (tag 55799)") from None
    except (IndexError, RecursionError):
        return


def _item_length(data: bytes) -> int:
    """How many bytes the first CBOR item of ``data`` spans (``data`` is known to decode)."""
    stream = io.BytesIO(data)
    cbor2.CBORDecoder(stream, **_DECODER_OPTIONS).decode()
    return stream.tell()


def _keys_in_order(value: Any, memo: bool) -> bool:
    """True if every map in ``value`` has text keys in RFC 8949 §4.2.1 order (shorter first, then bytewise).

    With ``memo`` each map's key sequence is looked up in a small memo first: the
    objects of one format repeat a handful of layouts, and admission decodes
    millions of statements. Only small inputs use it, so what it keeps is bounded.
    """
    if type(value) is dict:
        keys = tuple(value)
        if not (_memo_key_sequence_in_order(keys) if memo else _key_sequence_in_order(keys)):
            return False
        # A loop, not all(generator): this runs for every statement admitted.
        for item in value.values():  # noqa: SIM110
            if type(item) in _CONTAINERS and not _keys_in_order(item, memo):
                return False
        return True
    if type(value) is list:
        return all(_keys_in_order(item, memo) for item in value if type(item) in _CONTAINERS)
    return True


def _key_sequence_in_order(keys: tuple[Any, ...]) -> bool:
    previous: tuple[int, bytes] | None = None
    for key in keys:
        if type(key) is not str:
            return False
        encoded = key.encode("utf-8")
        current = (len(encoded), encoded)
        if previous is not None and current <= previous:
            return False
        previous = current
    return True


# 256 layouts of inputs up to 4 KiB: the memo never holds more than about a megabyte,
# whatever a client sends (a statement is at most 2 KiB).
_MEMO_INPUT_LIMIT: Final = 4096
_memo_key_sequence_in_order: Final = lru_cache(maxsize=256)(_key_sequence_in_order)


_SCALARS: Final = frozenset((type(None), bool, int, bytes, str))


def check_plain(value: Any, what: str = "CBOR") -> None:
    """Refuse a decoded value holding what this format does not allow (a float, undefined, a key that is
    not text): the walk ``decode`` leaves to callers that check every type themselves."""
    _check_plain(value, what, 0)


def _check_plain(value: Any, what: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CBORError(f"{what} nests too deeply")
    if type(value) in _SCALARS:
        return
    # Scalars are passed over without a call: an envelope's list holds 10,000 statements.
    if type(value) is list:
        for item in value:
            if type(item) not in _SCALARS:
                _check_plain(item, what, depth + 1)
        return
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise CBORError(f"{what} has a map key that is not text")
            if type(item) not in _SCALARS:
                _check_plain(item, what, depth + 1)
        return
    raise CBORError(f"{what} contains a {type(value).__name__}, which this format does not allow")


def _first_line(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]
