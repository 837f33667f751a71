"""Annotated hex dumps of CBOR, in the style of cbor.me: every header byte and what it means.

Byte strings that themselves hold CBOR (a receipt's statement, header, batch
header) are annotated inside, so a reader can follow a receipt byte by byte.
"""

from __future__ import annotations

MAJOR = ("unsigned", "negative", "bytes", "text", "array", "map", "tag", "simple")
NESTED = {"statement", "header", "next_validators"}


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


def _item(data: bytes, offset: int, depth: int, lines: list[str], key: str | None) -> int:
    major, argument, body = _head(data, offset)
    pad = "   " * depth
    head_hex = data[offset:body].hex()
    if major in (0, 1):
        value = argument if major == 0 else -1 - argument
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # {value}")
        return body
    if major == 7:
        name = {20: "false", 21: "true", 22: "null"}.get(argument, f"simple({argument})")
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # {name}")
        return body
    if major == 3:
        text = data[body : body + argument].decode("utf-8")
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # text({argument})")
        lines.append(f"{pad}   {data[body : body + argument].hex():<{37 - len(pad)}} # {text!r}")
        return body + argument
    if major == 2:
        content = data[body : body + argument]
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # bytes({argument})")
        if key in NESTED and content:
            nested: list[str] = []
            try:
                if _item(content, 0, depth + 1, nested, None) == len(content):
                    lines.append(f"{pad}   # … which is CBOR:")
                    lines.extend(nested)
                    return body + argument
            except (KeyError, ValueError, IndexError, UnicodeDecodeError):
                pass  # not CBOR after all (a 32-byte hash under the same key name)
        for start in range(0, len(content), 16):
            lines.append(f"{pad}   {content[start : start + 16].hex()}")
        return body + argument
    if major == 4:
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # array({argument})")
        position = body
        for _ in range(argument):
            position = _item(data, position, depth + 1, lines, key)
        return position
    if major == 5:
        lines.append(f"{pad}{head_hex:<{40 - len(pad)}} # map({argument})")
        position = body
        for _ in range(argument):
            _, key_size, key_body = _head(data, position)
            item_key = data[key_body : key_body + key_size].decode("utf-8", "replace")
            position = _item(data, position, depth + 1, lines, None)
            position = _item(data, position, depth + 1, lines, item_key)
        return position
    raise ValueError(f"{MAJOR[major]} items do not occur in Tiezheng formats")
