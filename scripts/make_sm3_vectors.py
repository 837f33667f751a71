"""Write tests/vectors/sm3: RFC 9162 proof cases with SM3, in transparency-dev's JSON shape.

Each case is a happy path plus mutations of it. Whether a mutated case must be
rejected is decided from the tree itself (is there a leaf, size and proof of the
reference tree that match it exactly?), never by running a verifier, so the
vectors can judge our verifier and anyone else's.

    python scripts/make_sm3_vectors.py [OUT_DIR]
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from pathlib import Path

from tiezheng.gm import sm3
from tiezheng.merkle.rfc9162 import consistency_proof, inclusion_proof, leaf_hash, root

# The eight leaves of the RFC 6962 reference tests (certificate-transparency-go).
LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
]
INCLUSION_CASES = [(0, 1), (0, 8), (5, 8), (2, 3), (1, 5), (6, 8), (3, 4), (4, 7), (6, 7)]
CONSISTENCY_CASES = [(1, 1), (1, 8), (6, 8), (2, 5), (6, 7), (3, 7), (4, 8), (7, 8)]
HERE = Path(__file__).resolve().parents[1]
README = """# RFC 9162 proof test vectors with SM3

Inclusion and consistency proof cases for Merkle trees hashed with SM3
(leaf hash = SM3(0x00 ‖ leaf), node hash = SM3(0x01 ‖ left ‖ right)), in the
JSON shape of transparency-dev/merkle's published SHA-256 cases (`../rfc6962`),
so that any implementation of Tiezheng's log — the browser verifier, a court's own
tool — can check itself against ours.

- `leaves.json`: the eight leaves (base64) every tree here is built from (the RFC 6962 reference leaves).
- `inclusion/N/*.json`: `leafIdx`, `treeSize`, `root`, `leafHash`, `proof`, `desc`, `wantErr`
- `consistency/N/*.json`: `size1`, `size2`, `root1`, `root2`, `proof`, `desc`, `wantErr`

`happy-path.json` must verify; each other file mutates it, and `wantErr` says whether a
verifier must reject it. That verdict comes from the tree itself (the case is valid
exactly when it equals a proof of the reference tree), not from running a verifier.
A verifier needs the guards listed in `../rfc6962/README.md` to agree with every case.

Regenerate with `python scripts/make_sm3_vectors.py`; a test checks the files here are
exactly what it writes.
"""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def garbage(tag: str) -> bytes:
    return sm3(b"garbage:" + tag.encode())


def is_valid_inclusion(case: dict) -> bool:
    index, size = case["leafIdx"], case["treeSize"]
    if not 0 <= index < size <= len(LEAVES):
        return False
    return (
        case["leafHash"] == leaf_hash(LEAVES[index])
        and case["root"] == root(LEAVES[:size])
        and case["proof"] == inclusion_proof(LEAVES[:size], index)
    )


def is_valid_consistency(case: dict) -> bool:
    size1, size2 = case["size1"], case["size2"]
    if not 0 < size1 <= size2 <= len(LEAVES):
        return False
    expected = [] if size1 == size2 else consistency_proof(LEAVES[:size2], size1)
    return case["root1"] == root(LEAVES[:size1]) and case["root2"] == root(LEAVES[:size2]) and case["proof"] == expected


Mutation = tuple[str, Callable[[dict], dict]]


def inclusion_mutations(case: dict) -> list[Mutation]:
    proof = case["proof"]
    mutations: list[Mutation] = [
        ("happy-path", lambda c: c),
        ("wrong-leaf", lambda c: {**c, "leafHash": leaf_hash(b"WrongLeaf")}),
        ("empty-root", lambda c: {**c, "root": sm3(b"")}),
        ("random-root", lambda c: {**c, "root": garbage("root")}),
        ("leafIdx-plus-@1", lambda c: {**c, "leafIdx": c["leafIdx"] + 1}),
        ("leafIdx-sub-@1", lambda c: {**c, "leafIdx": c["leafIdx"] - 1}),
        ("leafIdx-XOR-@2", lambda c: {**c, "leafIdx": c["leafIdx"] ^ 2}),
        ("treeSize-mul-@2", lambda c: {**c, "treeSize": c["treeSize"] * 2}),
        ("treeSize-div-@2", lambda c: {**c, "treeSize": c["treeSize"] // 2}),
        ("treeSize-equals-leafIdx", lambda c: {**c, "treeSize": c["leafIdx"]}),
        ("preceding-garbage", lambda c: {**c, "proof": [garbage("pre"), *c["proof"]]}),
        ("trailing-garbage", lambda c: {**c, "proof": [*c["proof"], garbage("post")]}),
        ("preceding-root", lambda c: {**c, "proof": [c["root"], *c["proof"]]}),
        ("trailing-root", lambda c: {**c, "proof": [*c["proof"], c["root"]]}),
        ("short-hash-in-proof", lambda c: {**c, "proof": [*c["proof"], b"\x00" * 20]}),
        ("long-leaf-hash", lambda c: {**c, "leafHash": c["leafHash"] + b"\x00"}),
    ]
    for i in range(len(proof)):
        mutations.append(
            (
                f"modified-proof[{i}]-bit-@3",
                lambda c, i=i: {**c, "proof": _replace(c["proof"], i, flip(c["proof"][i], 3))},
            )
        )
        mutations.append(
            (f"removed-component[{i}]", lambda c, i=i: {**c, "proof": c["proof"][:i] + c["proof"][i + 1 :]})
        )
    if proof:
        mutations.append(
            ("inserted-component", lambda c: {**c, "proof": [*c["proof"][:1], garbage("ins"), *c["proof"][1:]]})
        )
    return mutations


def consistency_mutations(case: dict) -> list[Mutation]:
    mutations: list[Mutation] = [
        ("happy-path", lambda c: c),
        ("wrong-root1", lambda c: {**c, "root1": garbage("root1")}),
        ("wrong-root2", lambda c: {**c, "root2": garbage("root2")}),
        ("swapped-roots", lambda c: {**c, "root1": c["root2"], "root2": c["root1"]}),
        ("size1-plus-@1", lambda c: {**c, "size1": c["size1"] + 1}),
        ("size1-sub-@1", lambda c: {**c, "size1": c["size1"] - 1}),
        ("size1-XOR-@2", lambda c: {**c, "size1": c["size1"] ^ 2}),
        ("size2-mul-@2", lambda c: {**c, "size2": c["size2"] * 2}),
        ("size2-div-@2", lambda c: {**c, "size2": c["size2"] // 2}),
        ("size1-zero", lambda c: {**c, "size1": 0, "root1": sm3(b"")}),
        ("empty-proof", lambda c: {**c, "proof": []}),
        ("preceding-garbage", lambda c: {**c, "proof": [garbage("pre"), *c["proof"]]}),
        ("trailing-garbage", lambda c: {**c, "proof": [*c["proof"], garbage("post")]}),
        ("preceding-root1", lambda c: {**c, "proof": [c["root1"], *c["proof"]]}),
        ("trailing-root2", lambda c: {**c, "proof": [*c["proof"], c["root2"]]}),
        ("truncated-proof", lambda c: {**c, "proof": c["proof"][:-1]}),
        ("short-root1", lambda c: {**c, "root1": c["root1"][:16]}),
    ]
    for i in range(len(case["proof"])):
        mutations.append(
            (
                f"modified-proof[{i}]-bit-@4",
                lambda c, i=i: {**c, "proof": _replace(c["proof"], i, flip(c["proof"][i], 4))},
            )
        )
    return mutations


def _replace(items: list[bytes], index: int, value: bytes) -> list[bytes]:
    return [*items[:index], value, *items[index + 1 :]]


def _dump(case: dict, keys: tuple[str, ...]) -> str:
    out: dict = {}
    for key in keys:
        value = case[key]
        if isinstance(value, bytes):
            value = b64(value)
        elif isinstance(value, list):
            value = [b64(v) for v in value]
        out[key] = value
    return json.dumps(out, indent=2) + "\n"


def write_vectors(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "README.md").write_text(README)
    (out / "leaves.json").write_text(
        json.dumps({"hash": "sm3", "leaves": [b64(leaf) for leaf in LEAVES]}, indent=2) + "\n"
    )
    for number, (index, size) in enumerate(INCLUSION_CASES):
        base = {
            "leafIdx": index,
            "treeSize": size,
            "root": root(LEAVES[:size]),
            "leafHash": leaf_hash(LEAVES[index]),
            "proof": inclusion_proof(LEAVES[:size], index),
        }
        folder = out / "inclusion" / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        for name, mutate in inclusion_mutations(base):
            case = mutate(dict(base))
            case["desc"] = name.replace("-", " ")
            case["wantErr"] = not is_valid_inclusion(case)
            assert name != "happy-path" or not case["wantErr"]
            (folder / f"{name}.json").write_text(
                _dump(case, ("leafIdx", "treeSize", "root", "leafHash", "proof", "desc", "wantErr"))
            )
    for number, (size1, size2) in enumerate(CONSISTENCY_CASES):
        base = {
            "size1": size1,
            "size2": size2,
            "root1": root(LEAVES[:size1]),
            "root2": root(LEAVES[:size2]),
            "proof": [] if size1 == size2 else consistency_proof(LEAVES[:size2], size1),
        }
        folder = out / "consistency" / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        for name, mutate in consistency_mutations(base):
            case = mutate(dict(base))
            case["desc"] = name.replace("-", " ")
            case["wantErr"] = not is_valid_consistency(case)
            assert name != "happy-path" or not case["wantErr"]
            (folder / f"{name}.json").write_text(
                _dump(case, ("size1", "size2", "root1", "root2", "proof", "desc", "wantErr"))
            )


if __name__ == "__main__":
    write_vectors(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "tests" / "vectors" / "sm3")
