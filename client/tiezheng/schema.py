"""Field-by-field reading of decoded CBOR maps, with errors that name the field and the rule."""

from __future__ import annotations

import re
from typing import Any, Final

from .errors import DecodeError

MAX_UINT: Final = 2**64 - 1


class FieldError(DecodeError):
    code = "bad-field"


class MapReader:
    """Takes fields out of a map one by one; ``finish`` rejects whatever is left over."""

    def __init__(self, value: Any, what: str) -> None:
        if type(value) is not dict:
            raise FieldError(f"{what} must be a map")
        self._map: dict[str, Any] = value
        self._what = what
        self._taken: set[str] = set()

    def _take(self, key: str, optional: bool) -> Any:
        self._taken.add(key)
        if key not in self._map:
            if optional:
                return None
            raise FieldError(f"{self._what}.{key} is missing", code="missing-field")
        value = self._map[key]
        if value is None and optional:
            # An absent field is left out; a null would be a second encoding of the same object.
            raise self.error(key, "must be left out when absent, not null")
        return value

    def error(self, key: str, rule: str) -> FieldError:
        return FieldError(f"{self._what}.{key} {rule}")

    def uint(self, key: str, *, optional: bool = False, maximum: int = MAX_UINT) -> Any:
        value = self._take(key, optional)
        if value is None and optional:
            return None
        if type(value) is not int or not 0 <= value <= maximum:
            raise self.error(key, f"must be an unsigned integer ≤ {maximum}")
        return value

    def bytes(self, key: str, *, size: int | None = None, max_size: int = 1 << 20, optional: bool = False) -> Any:
        value = self._take(key, optional)
        if value is None and optional:
            return None
        if type(value) is not bytes:
            raise self.error(key, "must be a byte string")
        if size is not None and len(value) != size:
            raise self.error(key, f"must be {size} bytes, not {len(value)}")
        if len(value) > max_size:
            raise self.error(key, f"must be at most {max_size} bytes")
        return value

    def text(
        self, key: str, *, optional: bool = False, max_length: int = 256, pattern: re.Pattern[str] | None = None
    ) -> Any:
        value = self._take(key, optional)
        if value is None and optional:
            return None
        if type(value) is not str:
            raise self.error(key, "must be text")
        check_text(value, f"{self._what}.{key}", max_length=max_length, pattern=pattern)
        return value

    def list(self, key: str, *, optional: bool = False, max_items: int = 64) -> Any:
        value = self._take(key, optional)
        if value is None and optional:
            return None
        if type(value) is not list:
            raise self.error(key, "must be an array")
        if len(value) > max_items:
            raise self.error(key, f"must have at most {max_items} items")
        return value

    def hashes(
        self, key: str, *, size: int = 32, max_items: int = 64, optional: bool = False, packed: bool = False
    ) -> Any:
        """An array of fixed-size hashes (a Merkle proof), or with ``packed`` (receipt v2) the hashes end to end
        in one byte string."""
        if packed:
            return self._packed_hashes(key, size=size, max_items=max_items)
        values = self.list(key, optional=optional, max_items=max_items)
        if values is None:
            return None
        for position, item in enumerate(values):
            if type(item) is not bytes or len(item) != size:
                raise self.error(f"{key}[{position}]", f"must be a {size}-byte hash")
        return values

    def _packed_hashes(self, key: str, *, size: int, max_items: int) -> list[bytes]:
        value = self.bytes(key, max_size=size * max_items)
        if len(value) % size:
            raise self.error(key, f"must hold whole {size}-byte hashes, not {len(value)} bytes")
        return [value[at : at + size] for at in range(0, len(value), size)]

    def any(self, key: str, *, optional: bool = False) -> Any:
        return self._take(key, optional)

    def finish(self) -> None:
        unknown = sorted(map(repr, set(self._map) - self._taken))  # repr: the keys of a JSON map need not all be text
        if unknown:
            raise FieldError(f"{self._what} has unknown field {unknown[0]}", code="unknown-field")


def check_version(version: int, known: tuple[int, ...], what: str, error: type[FieldError] = FieldError) -> None:
    """Refuse a version this build does not read. One past the newest it knows is a newer format
    (``unsupported-version``: a verifier gives no verdict on it, as a newer release may read it); an older
    one that never existed is malformed, with ``error``'s own code."""
    if version in known:
        return
    reads = f"{known[0]}" if len(known) == 1 else f"versions {', '.join(map(str, known[:-1]))} and {known[-1]}"
    if version > max(known):
        raise error(f"{what} version {version} is not supported (this build reads {reads})", code="unsupported-version")
    raise error(f"{what} version {version} does not exist (this build reads {reads})")


def object_fields(value: Any, what: str, names: tuple[str, ...], *, compact: bool) -> MapReader:
    """An object's fields: a map of them, or with ``compact`` (receipt v2) the array of all of them in ``names``
    order."""
    return array_fields(value, what, names, required=len(names)) if compact else MapReader(value, what)


def array_fields(value: Any, what: str, names: tuple[str, ...], *, required: int) -> MapReader:
    """A fixed-layout array read as the map of its named positions: the first ``required`` items must be
    there, the rest may be left off the end (but not given as null), and nothing may follow them."""
    if type(value) is not list:
        raise FieldError(f"{what} must be an array")
    if not required <= len(value) <= len(names):
        count = f"{required}" if required == len(names) else f"{required} to {len(names)}"
        raise FieldError(f"{what} must have {count} items ({', '.join(names)}), not {len(value)}")
    return MapReader(dict(zip(names, value, strict=False)), what)


_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")

#: Unicode's control and format characters (categories Cc and Cf, Unicode 15): invisible, and
#: some reorder the text around them (U+202E), so a certificate could read other than what was
#: signed. Decoding allows the format ones, which older records may hold; admission refuses them.
INVISIBLE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


#: What a name shown to people must not hold: control characters (C0, DEL, C1), which break lines and
#: drive terminals, and the bidirectional controls, which reorder the text around them. Unlike INVISIBLE,
#: it lets through the format characters real names need (ZWJ and ZWNJ, the Mongolian vowel separator).
DISPLAY_FORGING: Final = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_utf8(text: str) -> bool:
    """False for text holding bytes the locale could not decode (argv and the environment keep them as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_forging_character(text: str) -> str | None:
    """The first character of ``text`` that could make it display as other text, named as "U+202E" is, or None."""
    found = DISPLAY_FORGING.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def shown_safely(text: str) -> str:
    """``text`` with every character that could make it display as other text written as an escape (\\u202e),
    for a terminal or a log: the rest, Chinese included, as it is."""
    return DISPLAY_FORGING.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def invisible_character(text: str) -> str | None:
    """The first control or format character in ``text``, named as "U+200B" is, or None if it has none."""
    found = INVISIBLE.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def check_text(value: str, where: str, *, max_length: int, pattern: re.Pattern[str] | None = None) -> None:
    if not value:
        raise FieldError(f"{where} must not be empty")
    if len(value) > max_length:
        raise FieldError(f"{where} must be at most {max_length} characters")
    if _CONTROL.search(value):
        raise FieldError(f"{where} must not contain control characters")
    if pattern is not None and not pattern.fullmatch(value):
        raise FieldError(f"{where} must match {pattern.pattern}")
