"""Every published RFC 6962 proof case (SHA-256), and our own SM3 cases in the same shape."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from tiezheng.gm import sm3
from tiezheng.merkle import verify_consistency, verify_inclusion

VECTORS = Path(__file__).parent / "vectors"


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _cases(suite: str, kind: str) -> list[Path]:
    return sorted((VECTORS / suite / kind).rglob("*.json"))


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(values: list[str] | None) -> list[bytes]:
    return [_b64(v) for v in values or []]


def _check_inclusion(path: Path, hash_function) -> None:
    case = json.loads(path.read_text())
    verdict = verify_inclusion(
        _b64(case["leafHash"]),
        case["leafIdx"],
        case["treeSize"],
        _proof(case["proof"]),
        _b64(case["root"]),
        hash_function,
    )
    assert verdict is not case["wantErr"], f"{path}: {case['desc']}"


def _check_consistency(path: Path, hash_function) -> None:
    case = json.loads(path.read_text())
    verdict = verify_consistency(
        case["size1"], case["size2"], _b64(case["root1"]), _b64(case["root2"]), _proof(case["proof"]), hash_function
    )
    assert verdict is not case["wantErr"], f"{path}: {case['desc']}"


def test_all_196_published_cases_are_present():
    assert len(_cases("rfc6962", "inclusion")) + len(_cases("rfc6962", "consistency")) == 196


@pytest.mark.parametrize("path", _cases("rfc6962", "inclusion"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_rfc6962_inclusion(path):
    _check_inclusion(path, sha256)


@pytest.mark.parametrize("path", _cases("rfc6962", "consistency"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_rfc6962_consistency(path):
    _check_consistency(path, sha256)


@pytest.mark.parametrize("path", _cases("sm3", "inclusion"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_sm3_inclusion(path):
    _check_inclusion(path, sm3)


@pytest.mark.parametrize("path", _cases("sm3", "consistency"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_sm3_consistency(path):
    _check_consistency(path, sm3)


def test_sm3_vectors_are_what_the_generator_writes(tmp_path):
    import runpy

    generator = runpy.run_path(str(Path(__file__).parents[1] / "scripts" / "make_sm3_vectors.py"))
    generator["write_vectors"](tmp_path)
    written = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(VECTORS / "sm3"): p.read_bytes() for p in (VECTORS / "sm3").rglob("*") if p.is_file()}
    assert written == committed
    assert len(_cases("sm3", "inclusion")) > 50 and len(_cases("sm3", "consistency")) > 50
