"""The browser's CBOR decoder (web/src/cbor.js) accepts and refuses exactly what the Python one does.

Both read receipts a court is handed, so a file one refuses as "bad-cbor" the other must not call
"non-canonical-cbor", and neither may accept what the other refuses. The inputs are deterministic
encodings of random values, the same values written the ways the format forbids, and random
mutations of both.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

from tiezheng import cbor
from tiezheng.errors import DecodeError

ROOT = Path(__file__).resolve().parents[1]
MAX_SIZE = 4096


def _python(data: bytes) -> dict[str, Any]:
    try:
        cbor.decode(data, max_size=MAX_SIZE)
    except DecodeError as exc:
        return {"error": exc.code}
    return {"ok": True}


def _value(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["int", "neg", "big", "text", "bytes", "bool", "null"] + (["list", "map"] * 2 if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "int":
        return rng.choice([0, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, rng.randrange(2**64)])
    if kind == "neg":
        return -1 - rng.randrange(2**64)
    if kind == "big":
        return rng.randrange(2**20)
    if kind == "text":
        return "".join(rng.choice("ab受理\u0085\ufeff") for _ in range(rng.randrange(30)))
    if kind == "bytes":
        return rng.randbytes(rng.randrange(40))
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "list":
        return [_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {f"k{rng.randrange(30)}": _value(rng, depth + 1) for _ in range(rng.randrange(5))}


# Each byte string is a value the format forbids or a form of a value it allows but not the
# deterministic one; the comment says which code both decoders owe it.
CRAFTED = [
    "b90001616101",  # map length in two bytes: non-canonical
    "a161611801",  # 1 in two bytes: non-canonical
    "a161611b0000000000000001",  # 1 in nine bytes: non-canonical
    "a2616201616102",  # keys out of order: non-canonical
    "a2616101616102",  # a duplicate key: bad
    "bf616101ff",  # an indefinite-length map: bad
    "a161617f6161ff",  # an indefinite-length text: bad
    "c101",  # a tag: bad
    "f90000",  # half-precision 0.0: bad (a float, though it reads as the number 0)
    "fa3f800000",  # single-precision 1.0: bad
    "fb3ff0000000000000",  # double-precision 1.0: bad
    "f7",  # undefined: bad
    "f0",  # an unassigned simple value: bad
    "a1016161",  # an integer map key: bad
    "6261ff",  # text that is not UTF-8: bad
    "63efbbbf",  # text holding only U+FEFF: read and kept
    "c249010000000000000000",  # a bignum (tag 2): bad
    "",  # empty: bad
    "00" * (MAX_SIZE + 1),  # too large
    "81" * 8 + "00",  # an item inside eight containers: read
    "81" * 9 + "00",  # inside nine, past the depth limit: bad
    "81" * 8 + "80",  # nine containers, the innermost empty (no item inside nine): read
    "81" * 8 + "a0",  # the same with an empty map: read
    "81" * 8 + "a0" + "00",  # trailing bytes after the one item: bad
    "0000",  # an item followed by another: bad
]


def _inputs() -> list[bytes]:
    rng = random.Random(8949)
    good = [cbor.encode(_value(rng)) for _ in range(300)]
    inputs = list(good) + [bytes.fromhex(h) for h in CRAFTED]
    for _ in range(3000):
        data = bytearray(rng.choice(good))
        position = rng.randrange(len(data))
        action = rng.choice(("flip", "byte", "cut", "insert", "widen"))
        if action == "flip":
            data[position] ^= 1 << rng.randrange(8)
        elif action == "byte":
            data[position] = rng.randrange(256)
        elif action == "cut":
            del data[position:]
        elif action == "insert":
            data[position:position] = bytes([rng.randrange(256)])
        elif data[position] & 0x1F < 24:
            # The head of an item with its argument written in the next longer form: a valid
            # encoding of the same value that is not the deterministic one.
            major, argument = data[position] & 0xE0, data[position] & 0x1F
            data[position : position + 1] = bytes([major | 24, argument])
        inputs.append(bytes(data))
    return inputs


def test_the_browser_decoder_agrees_with_the_python_one(tmp_path):
    inputs = _inputs()
    (tmp_path / "inputs.json").write_text(json.dumps([data.hex() for data in inputs]))
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "cbor_decode.mjs"), str(tmp_path / "inputs.json")],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    browser = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(browser) == len(inputs)
    disagreements = [
        (data.hex(), python, theirs)
        for data, theirs in zip(inputs, browser, strict=True)
        if theirs != (python := _python(data))
    ]
    assert not disagreements, disagreements[:10]
    verdicts = {json.dumps(line, sort_keys=True) for line in browser}
    assert verdicts >= {'{"ok": true}', '{"error": "bad-cbor"}', '{"error": "non-canonical-cbor"}'}, verdicts
    assert '{"error": "too-large"}' in verdicts
