"""The browser's decoders (web/src) accept and refuse exactly what the Python ones do, with the same code.

Both verifiers read what a court is handed, so a file one refuses as "bad-cbor" the other must not
call "non-canonical-cbor" or "bad-statement", and neither may accept what the other refuses. Each
layer is fed its own mutations: CBOR byte strings; statements, batch headers, consensus headers
and validator sets whose decoded values are changed and encoded again deterministically (so the
difference lies above CBOR); genesis files and receipt files (CBOR and JSON) changed field by field.
Consensus headers and receipts are fed in both their versions: version 2 (arrays where version 1 has
maps), and version 1, which courts hold from older chains.
"""

from __future__ import annotations

import itertools
import json
import random
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cbor2
import pytest

from tiezheng import cbor
from tiezheng.batch import BatchHeader
from tiezheng.errors import TiezhengError
from tiezheng.genesis import Genesis, ValidatorSet
from tiezheng.header import FIELDS_V2, ConsensusHeader
from tiezheng.receipt import Receipt
from tiezheng.statement import Statement

from .support.mutations import BYTE_MUTATIONS, mutate_bytes, positions

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "vectors" / "receipts"
VECTORS_V1 = ROOT / "tests" / "vectors" / "receipts-v1"  # receipt v1 over consensus headers v1
MAX_SIZE = 4096  # the CBOR layer's limit in tests/js/decoders.mjs

PYTHON_DECODERS: dict[str, Callable[[bytes], object]] = {
    "cbor": lambda data: cbor.decode(data, max_size=MAX_SIZE),
    "statement": Statement.from_cbor,
    "batch-header": BatchHeader.from_cbor,
    "consensus-header": ConsensusHeader.from_cbor,
    "validator-set": ValidatorSet.from_keys,
    "genesis": Genesis.from_json,
    "receipt-file": Receipt.from_file_bytes,
}


def _python(kind: str, data: bytes, *, messages: bool = False) -> dict[str, Any]:
    try:
        PYTHON_DECODERS[kind](data)
    except TiezhengError as exc:
        return {"error": exc.code, "message": exc.message} if messages else {"error": exc.code}
    return {"ok": True}


def _browser(inputs: list[tuple[str, bytes]], folder: Path, *, messages: bool = False) -> list[dict[str, Any]]:
    (folder / "inputs.json").write_text(json.dumps([{"kind": kind, "hex": data.hex()} for kind, data in inputs]))
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "decoders.mjs"), str(folder / "inputs.json"),
         *(["--messages"] if messages else [])],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return [json.loads(line) for line in result.stdout.splitlines()]


def _assert_agree(inputs: list[tuple[str, bytes]], folder: Path, *, messages: bool = False) -> set[str]:
    """Both sides' verdict on every input is the same (with ``messages``, the error's message too: where the
    messages are the same sentence, it tells which field either side found wrong first); returns the verdicts
    seen, for coverage checks."""
    browser = _browser(inputs, folder, messages=messages)
    assert len(browser) == len(inputs)
    disagreements = [
        (kind, data.hex()[:400], python, theirs)
        for (kind, data), theirs in zip(inputs, browser, strict=True)
        if theirs != (python := _python(kind, data, messages=messages))
    ]
    assert not disagreements, disagreements[:10]
    return {line.get("error", "ok") for line in browser}


# --- CBOR -------------------------------------------------------------------------------------


def _value(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["int", "neg", "text", "bytes", "bool", "null"] + (["list", "map"] * 2 if depth < 3 else [])
    kind = rng.choice(kinds)
    if kind == "int":
        return rng.choice([0, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, rng.randrange(2**64)])
    if kind == "neg":
        return -1 - rng.randrange(2**64)
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
# deterministic one; the comment says which verdict both decoders owe it.
CRAFTED_CBOR = [
    "b90001616101",  # map length in two bytes: non-canonical
    "a161611801",  # 1 in two bytes: non-canonical
    "a161611b0000000000000001",  # 1 in nine bytes: non-canonical
    "a2616201616102",  # keys out of order: non-canonical
    "a2616101616102",  # a duplicate key: bad
    "bf616101ff",  # an indefinite-length map: bad
    "a161617f6161ff",  # an indefinite-length text: bad
    "c101",  # a tag: bad
    "d9d9f7a0",  # tag 55799 (self-described CBOR), which cbor2 passes over unasked: bad, as every tag
    "d9d9f700",  # the same before a plain integer: bad, not merely non-canonical
    "a16161d9d9f701",  # the same inside a map: bad
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
    "81" * 8 + "a0" + "00",  # bytes after the one item: bad
    "0000",  # an item followed by another: bad
    "b9000161611801",  # two non-shortest forms, one wrapped in the other: non-canonical
    "b900016161f93c00",  # a float inside a non-canonical map: bad (the type is named first)
]


def test_the_cbor_decoders_agree(tmp_path):
    rng = random.Random(8949)
    good = [cbor.encode(_value(rng)) for _ in range(300)]
    inputs = [("cbor", data) for data in good + [bytes.fromhex(h) for h in CRAFTED_CBOR]]
    inputs += [("cbor", mutate_bytes(rng, rng.choice(good), (*BYTE_MUTATIONS, "widen"))) for _ in range(3000)]
    seen = _assert_agree(inputs, tmp_path)
    assert seen >= {"ok", "bad-cbor", "non-canonical-cbor", "too-large"}, seen


# --- Protocol objects -------------------------------------------------------------------------

# Values every field is tried with: each type CBOR carries here and some it must not, the
# edges of the integer ranges, and texts at and past the rules' lengths and characters.
ODD_VALUES: list[Any] = [
    None, True, 0, 1, -1, 24, 2**53 - 1, 2**53, 2**63 - 1, 2**63, 2**64 - 1, -(2**63) - 1, -(2**64),
    1.0, 0.0, 1.5, cbor2.undefined, cbor2.CBORSimpleValue(16), cbor2.CBORTag(1, 0),
    "", "a", "permit", "x-a", "X-a", "agency", "official", "a" * 33, "受" * 33, "\ufeff", "a\x00", "a\x7f", "a\u0085",
    "\u202e", "VEC-000000-X8", "vec-000000-x8", "\ufeffVEC-000000-X8", "VEC-000000-X9",
    b"", b"\x00" * 31, b"\x00" * 32, b"\x00" * 33, b"\x00" * 65, [], [1], [1.0], {}, {"a": 1}, {1: 2},
    [{"role": "official", "key": b"\x01" * 32}], [{"role": "agency", "key": b"\x01" * 32}],
]  # fmt: skip


def _receipt(name: str, folder: Path = VECTORS) -> Receipt:
    return Receipt.load(folder / f"{name}.tzr")


def _value_mutations(base: dict[str, Any], extra_fields: list[str], rng: random.Random) -> Iterator[dict[str, Any]]:
    """The map with each field removed, each field (and a few it lacks) set to each odd value, and random mixes."""
    fields = [*base, *extra_fields]
    yield base
    for field in fields:
        if field in base:
            yield {k: v for k, v in base.items() if k != field}
        for odd in ODD_VALUES:
            yield {**base, field: odd}
    for key in (1, b"k"):
        yield {**base, key: 1}
    for _ in range(400):
        mixed = dict(base)
        for _ in range(rng.randrange(1, 4)):
            field = rng.choice(fields)
            if rng.random() < 0.2:
                mixed.pop(field, None)
            else:
                mixed[field] = rng.choice(ODD_VALUES)
        yield mixed


def _array_mutations(base: list[Any], rng: random.Random) -> Iterator[list[Any]]:
    """The fixed-layout array cut short at each length, each position (and the one past the end) set to each odd
    value, lengthened past its last position, and random mixes: where its items are named by position, these
    are what a map's removed, mistyped and unknown fields are."""
    yield base
    for length in range(len(base)):
        yield base[:length]
    for position in range(len(base) + 1):
        for odd in ODD_VALUES:
            yield [*base[:position], odd, *base[position + 1 :]]
    yield [*base, b"\x01" * 32, b"\x02" * 32]
    for _ in range(400):
        mixed = list(base)
        for _ in range(rng.randrange(1, 4)):
            position = rng.randrange(len(mixed) + 1)
            if rng.random() < 0.2:
                del mixed[position:]
            else:
                mixed[position : position + 1] = [rng.choice(ODD_VALUES)]
        yield mixed


def _encoded(value: Any) -> bytes | None:
    """The value's deterministic CBOR (cbor2 writes floats, undefined and tags too, as a forger would)."""
    try:
        return cbor2.dumps(value, canonical=True)
    except (TypeError, ValueError, cbor2.CBOREncodeError):
        return None


def _object_inputs(
    kind: str, base: dict[str, Any] | list[Any], extra_fields: list[str], seed: int
) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    mutations = _value_mutations(base, extra_fields, rng) if isinstance(base, dict) else _array_mutations(base, rng)
    inputs = [(kind, data) for value in mutations if (data := _encoded(value))]
    inputs += [(kind, data) for top in (1.0, cbor2.undefined, [], 0, "x", b"x", None) if (data := _encoded(top))]
    return inputs


@pytest.mark.parametrize(
    ("kind", "base", "extra_fields"),
    [
        ("statement", lambda: cbor2.loads(_receipt("direct").statement), ["zz"]),
        (
            "statement",
            lambda: _minimal_statement(),
            ["stage", "prev", "meta", "cosigners", "subject", "operator", "zz"],
        ),
        ("batch-header", lambda: cbor2.loads(_receipt("batch").batch.header), ["zz"]),
        ("consensus-header", lambda: cbor2.loads(_receipt("direct").header), []),
        ("consensus-header", lambda: _handover_header(), []),
        ("consensus-header", lambda: cbor2.loads(_receipt("direct", VECTORS_V1).header), ["zz"]),
    ],
    ids=[
        "statement",
        "minimal-statement",
        "batch-header",
        "consensus-header",
        "consensus-header-handover",
        "consensus-header-v1",
    ],
)
def test_the_object_decoders_agree(kind, base, extra_fields, tmp_path):
    inputs = _object_inputs(kind, base(), extra_fields, seed=len(kind))
    seen = _assert_agree(inputs, tmp_path)
    assert "ok" in seen and "bad-cbor" in seen and len(seen) >= 4, seen


def _handover_header() -> list[Any]:
    """A version 2 header that hands over to another validator set: the one with all twelve positions."""
    header = cbor2.loads(_receipt("after-handover").transitions[0].sealed.header)
    assert len(header) == len(FIELDS_V2)
    return header


def test_the_consensus_header_versions_agree(tmp_path):
    """Each version in the other's form, a newer one, and next_validators written out, null or left off where it
    must not be: the same code and the same sentence from both."""
    array = cbor2.loads(_receipt("direct").header)
    handover = _handover_header()
    mapped = cbor2.loads(_receipt("direct", VECTORS_V1).header)
    validators = array[FIELDS_V2.index("validators")]
    headers: list[Any] = [
        array,
        handover,
        mapped,
        [1, *array[1:]],  # version 1 as an array: malformed (bad-field), not newer
        {**mapped, "v": 2},  # version 2 as a map: the same
        [3, *array[1:]],  # a newer version: unsupported-version, in either form
        {**mapped, "v": 3},
        {k: v for k, v in mapped.items() if k != "next_validators"} | {"v": 2},
        {k: v for k, v in mapped.items() if k != "next_validators"},  # version 1 must name the next set
        [*array, validators],  # the unchanged set written out: a second encoding of the header
        [*array, None],
        [*array, b"\x00" * 31],
        [*handover[:-1], validators],
        [*handover, validators],  # a thirteenth item
        [2, *array[1:]][:-1],  # validators missing too
        [*array[:-2], array[-1], array[-2]],  # two positions swapped
        dict(zip(FIELDS_V2, array, strict=False)),  # version 2's values under version 1's names
    ]
    inputs = [("consensus-header", data) for value in headers if (data := _encoded(value))]
    seen = _assert_agree(inputs, tmp_path, messages=True)
    assert {"ok", "unsupported-version", "missing-field", "bad-field"} <= seen, seen


def test_the_consensus_header_readers_find_the_same_fault_first(tmp_path):
    """Both read a header's fields in one order (v, hash, chain, height, … next_validators), the same in either
    version: given two fields of no type they may have (or one missing, in version 1's map), both name the same
    one. Every field breaks a rule whose code is bad-field, so only the message can tell which was found first."""
    headers: list[Any] = []
    for base in (cbor2.loads(_receipt("direct").header), _handover_header()):
        for first, second in itertools.combinations(range(len(base)), 2):
            headers.append([True if i in (first, second) else item for i, item in enumerate(base)])
    mapped = cbor2.loads(_receipt("direct", VECTORS_V1).header)
    for missing, wrong in itertools.permutations(mapped, 2):
        headers.append({k: True if k == wrong else v for k, v in mapped.items() if k != missing})
    inputs = [("consensus-header", cbor2.dumps(value, canonical=True)) for value in headers]
    seen = _assert_agree(inputs, tmp_path, messages=True)
    assert {"bad-field", "missing-field"} <= seen, seen


def _minimal_statement() -> dict[str, Any]:
    """The direct vector's statement with only the fields every statement has."""
    required = ("v", "kind", "digest", "agency", "key", "time")
    return {k: v for k, v in cbor2.loads(_receipt("direct").statement).items() if k in required}


def test_the_meta_rules_agree(tmp_path):
    base = _minimal_statement()
    metas: list[Any] = [{"k": odd} for odd in ODD_VALUES]
    metas += [{key: 1} for key in ("", "A", "a" * 32, "a" * 33, "a b", "a_b.c-d", "1a", "\ufeffa", 1, b"k")]
    metas += [
        {f"k{i:02}": i for i in range(16)},
        {f"k{i:02}": i for i in range(17)},
        {f"k{i:02}": "受" * 30 for i in range(12)},  # past the meta's encoded size
        {"k": [[[[[[[[1]]]]]]]]},
        {"k": {1: 2}},
    ]
    inputs = [("statement", data) for meta in metas if (data := _encoded({**base, "meta": meta}))]
    seen = _assert_agree(inputs, tmp_path)
    assert {"ok", "bad-cbor", "bad-statement"} <= seen, seen


def test_the_validator_set_decoders_agree(tmp_path):
    handover = _receipt("after-handover")
    keys = cbor2.loads(handover.transitions[0].next_set)
    compressed = [bytes([2 + key[-1] % 2]) + key[1:33] for key in keys]
    sets: list[Any] = [
        keys, compressed, [keys[0], compressed[0]], [], [b"\x04" + b"\x00" * 64], ["x"], {"a": keys[0]}, [1],
        [b"\x06" + keys[0][1:]], [[keys[0]]], [1.0], 1.0, keys * 17,
    ]  # fmt: skip
    inputs = [("validator-set", data) for value in sets if (data := _encoded(value))]
    seen = _assert_agree(inputs, tmp_path)
    assert "ok" in seen and len(seen) >= 3, seen


# --- Files: genesis and receipts -------------------------------------------------------------

ODD_JSON: list[Any] = [
    None, True, 0, -1, 2**53, 2**64 - 1, 2**64, -(2**64), -(2**64) - 1, 10**30, "", "1", "VEC", "x" * 200,
    [], {}, [1], {"a": 1}, "\ufeff", "a\u0085b", "\u202e", "a\x7fb", "A" * 9, "é" * 129,
]  # fmt: skip


def _replaced(document: Any, path: tuple[Any, ...], new: Any, *, delete: bool = False) -> Any:
    copy = json.loads(json.dumps(document))
    holder = copy
    for step in path[:-1]:
        holder = holder[step]
    if delete:
        del holder[path[-1]]
    else:
        holder[path[-1]] = new
    return copy


def _json_file_mutations(document: dict[str, Any], rng: random.Random, limit: int) -> Iterator[bytes]:
    paths = [p for p in positions(document) if p]
    for path in rng.sample(paths, min(limit, len(paths))):
        if isinstance(path[-1], str):
            yield json.dumps(_replaced(document, path, None, delete=True)).encode()
        for odd in rng.sample(ODD_JSON, 6):
            yield json.dumps(_replaced(document, path, odd), ensure_ascii=False).encode()
    text = json.dumps(document)
    for depth in (8, 9, 63, 64, 65):
        for inner in ("[]", "{}", "[1]"):
            nested = "[" * (depth - 1) + inner + "]" * (depth - 1)
            yield (text[:-1] + f', "zz": {nested}}}').encode()
    for number in ("1.0", "1e0", "-0", str(2**64), str(-(2**64) - 1), "9" * 401):
        yield (text[:-1] + f', "zz": {number}}}').encode()
    yield b"\xef\xbb\xbf" + text.encode()
    yield text.encode()[:-1] + b', "zz": "\xff"}'
    yield text.encode("utf-16")
    yield text.replace(": ", ":  \u3000", 1).encode()


def test_the_genesis_readers_agree(tmp_path):
    document = json.loads((VECTORS / "genesis.json").read_text())
    inputs = [("genesis", data) for data in _json_file_mutations(document, random.Random(1), limit=40)]
    seen = _assert_agree(inputs, tmp_path)
    assert {"ok", "bad-genesis"} <= seen, seen


@pytest.mark.parametrize("folder", [VECTORS, VECTORS_V1], ids=["v2", "v1"])
def test_the_receipt_file_readers_agree(folder, tmp_path):
    rng = random.Random(2)
    document = json.loads((folder / "direct.json").read_text())
    inputs = [("receipt-file", data) for data in _json_file_mutations(document, rng, limit=60)]
    for name in ("direct", "batch", "after-handover"):
        value = _receipt(name, folder).to_value()
        for path in rng.sample([p for p in positions(value) if p], 25):
            for odd in rng.sample(ODD_VALUES, 4):
                if (data := _encoded(_replaced_value(value, path, odd))) is not None:
                    inputs.append(("receipt-file", data))
        inputs += [("receipt-file", data) for changed in _resized(value) if (data := _encoded(changed))]
        inputs += [("receipt-file", data) for changed in _two_faults(value, rng) if (data := _encoded(changed))]
    seen = _assert_agree(inputs, tmp_path)
    assert {"ok", "bad-receipt", "bad-cbor", "missing-field", "bad-field"} <= seen, seen


def _resized(value: dict[str, Any]) -> Iterator[Any]:
    """The receipt without each of its fields, and with each array in it one item shorter and one longer."""
    for key in value:
        yield {k: v for k, v in value.items() if k != key}
    for path in positions(value):
        array = _at(value, path)
        if isinstance(array, list):
            if array:
                yield _replaced_value(value, path, array[:-1])
            yield _replaced_value(value, path, [*array, b"\x00" * 32])


def _two_faults(value: dict[str, Any], rng: random.Random) -> Iterator[Any]:
    """The receipt without one field and with another part, read before it or after, of no type it may have: the
    code (missing-field or bad-field) says which fault a reader found first, so both must read in the same order."""
    paths = [p for p in positions(value) if p]
    for key in value:
        for path in rng.sample([p for p in paths if p[0] != key], 12):
            yield _replaced_value({k: v for k, v in value.items() if k != key}, path, True)


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _replaced_value(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """``value`` (CBOR's, with bytes) with the item at ``path`` replaced."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_replaced_value(v, rest, new) if k == head else v) for k, v in value.items()}
    return [(_replaced_value(v, rest, new) if i == head else v) for i, v in enumerate(value)]


def test_the_verify_page_reads_the_nodes_genesis_without_rounding_its_integers(tmp_path):
    """/verify without a chosen genesis takes the node's GET /v1/genesis answer: an integer past 2^53 in the
    document (a balance in wei, say) must reach the hash exactly, or every receipt of that chain fails."""
    document = json.loads((VECTORS / "genesis.json").read_text(encoding="utf-8"))
    document["x-execution"] = {"balance": 5 * 10**18 + 1, "limit": 2**64 - 1, "debt": -(2**60) - 3}
    genesis = Genesis.from_document(document)
    answer = json.dumps({"hash": genesis.hash.hex(), "document": document}, ensure_ascii=False)
    (tmp_path / "answer.json").write_text(answer, encoding="utf-8")
    script = (
        'import fs from "node:fs";'
        f'const {{ genesisOfAnswer, parseGenesis }} = await import("{ROOT / "web/src/genesis.js"}");'
        f'const sm = await import("{ROOT / "web/src/sm.js"}"); await sm.ready();'
        f'const text = genesisOfAnswer(fs.readFileSync("{tmp_path / "answer.json"}", "utf8"));'
        "const hex = Array.from(parseGenesis(text, sm.sm3).hash, (b) => b.toString(16).padStart(2, '0')).join('');"
        "console.log(hex);"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == genesis.hash.hex()
