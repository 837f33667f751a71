"""Hypothesis strategies that damage valid encodings: the inputs the fuzz tests feed every decoder.

Two kinds of damage: to the bytes (bit flips, truncations, insertions, bytes set
to values that mean something in CBOR, DER or RLP headers), and to the decoded
value (a map value or array item swapped for a value of another type or size,
deleted, or joined by an unknown one) before it is encoded again, so that the
decoder's field checks, not only its parser, see malformed input.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any, Final

from hypothesis import strategies as st

#: Values that break some rule of every format here: wrong type, wrong size, out of range, too deep.
HOSTILE_VALUES: Final[tuple[Any, ...]] = (
    None,
    True,
    False,
    0,
    -1,
    2**53,
    2**64 - 1,
    -(2**64),
    b"",
    b"\x00" * 31,
    b"\x00" * 32,
    b"\xff" * 33,
    b"\x04" * 65,
    b"x" * 100,
    "",
    "\x00",
    "x" * 300,
    "DEV-000000-00",
    "sm3",
    [],
    {},
    [b"\x00" * 32] * 3,
    [[[[[[[[[[]]]]]]]]]],
    {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {}}}}}}}}},
)

#: The same, as JSON can carry them (no byte strings), with a few the JSON formats add.
HOSTILE_JSON_VALUES: Final[tuple[Any, ...]] = (
    *(v for v in HOSTILE_VALUES if not isinstance(v, bytes) and v != [b"\x00" * 32] * 3),
    10**30,
    -(10**30),
    "\ud800",
    "0x",
    "0" * 64,
    "04" + "00" * 64,
    {"b64": "AAAA"},
    {"b64": "!!"},
    {"b64": 5},
    [{}],
    [[]],
)

#: Bytes that are headers in the formats decoded here: CBOR major types, DER tags and lengths, RLP prefixes.
HEADER_BYTES: Final = (0x00, 0x01, 0x02, 0x04, 0x18, 0x1B, 0x30, 0x40, 0x5F, 0x7F, 0x80, 0x81, 0x9F, 0xA0, 0xB8, 0xBF)
HEADER_BYTES_MORE: Final = (0xC0, 0xD8, 0xF4, 0xF6, 0xF8, 0xF9, 0xFB, 0xFF)


def positions(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every item in a decoded value (the value's own path, (), first)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from positions(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from positions(item, (*path, index))


@st.composite
def damaged_value(draw: st.DrawFn, value: Any, hostile: tuple[Any, ...] = HOSTILE_VALUES, rounds: int = 2) -> Any:
    """``value`` (decoded CBOR or JSON) with one to ``rounds`` parts replaced, deleted or joined by another."""
    damaged = copy.deepcopy(value)

    def hostile_value() -> Any:
        return copy.deepcopy(draw(st.sampled_from(hostile)))  # a copy: a later round may change it

    for _ in range(draw(st.integers(1, rounds))):
        path = draw(st.sampled_from(list(positions(damaged))))
        if not path:
            damaged = hostile_value()
            continue
        parent = damaged
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(("replace", "delete", "add")))
        if action == "replace":
            parent[path[-1]] = hostile_value()
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(("zz", "v", "x-extra", "")))] = hostile_value()
        else:
            parent.append(hostile_value())
        if not isinstance(damaged, dict | list):
            break
    return damaged


@st.composite
def damaged_bytes(draw: st.DrawFn, data: bytes, rounds: int = 3) -> bytes:
    """``data`` with one to ``rounds`` bit flips, truncations, insertions or header bytes written over it."""
    damaged = bytearray(data)
    for _ in range(draw(st.integers(1, rounds))):
        action = draw(st.sampled_from(("flip", "truncate", "insert", "set")))
        if action == "truncate" or not damaged:
            damaged = damaged[: draw(st.integers(0, len(damaged)))]
        elif action == "flip":
            position = draw(st.integers(0, len(damaged) - 1))
            damaged[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "set":
            position = draw(st.integers(0, len(damaged) - 1))
            damaged[position] = draw(st.sampled_from(HEADER_BYTES + HEADER_BYTES_MORE))
        else:
            position = draw(st.integers(0, len(damaged)))
            damaged[position:position] = draw(st.binary(min_size=1, max_size=9))
    return bytes(damaged)


def nested(depth: int, opening: bytes = b"[", closing: bytes = b"]") -> bytes:
    """``depth`` nested arrays (or what ``opening`` and ``closing`` make): what overflows recursive parsers."""
    return opening * depth + closing * depth


#: How ``mutate_bytes`` may change a byte string: one bit, one byte, the end cut off, a byte put in.
BYTE_MUTATIONS: Final = ("flip", "byte", "cut", "insert")


def mutate_bytes(rng: random.Random, data: bytes, actions: tuple[str, ...] = BYTE_MUTATIONS) -> bytes:
    """``data`` changed at one random position by one of ``actions`` (repeat one to weight it). "widen"
    rewrites a CBOR item head's argument in the next longer form: the same value, not deterministically."""
    mutated = bytearray(data)
    position = rng.randrange(len(mutated))
    action = rng.choice(actions)
    if action == "flip":
        mutated[position] ^= 1 << rng.randrange(8)
    elif action == "byte":
        mutated[position] = rng.randrange(256)
    elif action == "cut":
        del mutated[position:]
    elif action == "insert":
        mutated[position:position] = bytes([rng.randrange(256)])
    elif action == "widen" and mutated[position] & 0x1F < 24:
        major, argument = mutated[position] & 0xE0, mutated[position] & 0x1F
        mutated[position : position + 1] = bytes([major | 24, argument])
    return bytes(mutated)
