"""Annotated hex dumps of CBOR, in the style of cbor.me: every header byte and what it means.

Byte strings that themselves hold CBOR (a receipt's statement, header, batch
header) are annotated inside, so a reader can follow a receipt byte by byte, and
the items of the fixed-layout arrays of receipt v2 and header v2 are named by
their positions.
"""

from __future__ import annotations

from tiezheng.batch import PROOF_FIELDS
from tiezheng.header import FIELDS_V2, SEAL_FIELDS, TRANSITION_FIELDS
from tiezheng.receipt import CHAIN_FIELDS
from tiezheng.signing import SIGNATURE_FIELDS

MAJOR = ("unsigned", "negative", "bytes", "text", "array", "map", "tag", "simple")
NESTED = {"statement", "header", "next_validators"}
#: Arrays whose items are named by position, by the key (or position) they are found under.
LAYOUTS = {
    "header": FIELDS_V2,
    "chain": CHAIN_FIELDS,
    "batch": PROOF_FIELDS,
    "seal": SEAL_FIELDS,
    "signature": SIGNATURE_FIELDS,
    "transition": TRANSITION_FIELDS,
}
#: Arrays of such arrays: each item has the layout named.
LISTS = {"seals": "seal", "signatures": "signature", "transitions": "transition"}


def annotate(data: bytes) -> str:
    lines: list[str] = []
    end = _item(data, 0, 0, lines, None)
    if end != len(data):
        lines.append(f"-- {len(data) - end} trailing bytes")
    return "\n".join(lines)


def _head(data: bytes, offset: int) -> tuple[int, int, int]:
    initial = data[offset]
    major, info = initial >> 5, initial & 0x1F
    if info < 24:
        return major, info, offset + 1
    size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
    return major, int.from_bytes(data[offset + 1 : offset + 1 + size], "big"), offset + 1 + size


def _item(data: bytes, offset: int, depth: int, lines: list[str], key: str | None, named: bool = False) -> int:
    """One item; ``key`` is the map key or array position name it is found under, shown when ``named``."""
    major, argument, body = _head(data, offset)
    pad = "   " * depth
    head_hex = data[offset:body].hex()
    label = f"{key}: " if named else ""
    if major in (0, 1):
        value = argument if major == 0 else -1 - argument
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # {label}{value}")
        return body
    if major == 7:
        name = {20: "false", 21: "true", 22: "null"}.get(argument, f"simple({argument})")
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # {label}{name}")
        return body
    if major == 3:
        text = data[body : body + argument].decode("utf-8")
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # {label}text({argument})")
        lines.append(f"{pad}   {data[body : body + argument].hex():<{37 - len(pad)}} # {text!r}")
        return body + argument
    if major == 2:
        content = data[body : body + argument]
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # {label}bytes({argument})")
        if key in NESTED and content:
            nested: list[str] = []
            try:
                if _item(content, 0, depth + 1, nested, key) == len(content):
                    lines.append(f"{pad}   # … which is CBOR:")
                    lines.extend(nested)
                    return body + argument
            except (KeyError, ValueError, IndexError, UnicodeDecodeError):
                pass  # not CBOR after all (a 32-byte hash under the same key name)
        for start in range(0, len(content), 16):
            lines.append(f"{pad}   {content[start : start + 16].hex()}")
        return body + argument
    if major == 4:
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # {label}array({argument})")
        layout = LAYOUTS.get(key or "")
        position = body
        for index in range(argument):
            if layout is not None and index < len(layout):
                position = _item(data, position, depth + 1, lines, layout[index], named=True)
            else:
                position = _item(data, position, depth + 1, lines, LISTS.get(key or "", key))
        return position
    if major == 5:
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # {label}map({argument})")
        position = body
        for _ in range(argument):
            _, key_size, key_body = _head(data, position)
            item_key = data[key_body : key_body + key_size].decode("utf-8", "replace")
            position = _item(data, position, depth + 1, lines, None)
            position = _item(data, position, depth + 1, lines, item_key)
        return position
    raise ValueError(f"{MAJOR[major]} items do not occur in Tiezheng formats")
