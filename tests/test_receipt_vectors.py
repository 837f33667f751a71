"""The shared receipt vectors (tests/vectors/receipts): every verifier gives every case its stated verdict.

The Python verifier is checked here directly; the browser's (web/src, bundled into the node's
static assets) is run under Node on the same files and must agree case by case, and on the
RFC 9162 proof vectors too. The bundles themselves must be exactly what the pinned build makes.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tiezheng.genesis import Genesis
from tiezheng.verifier import CHECKS, verify_receipt_file

REPO = Path(__file__).resolve().parents[1]
VECTORS = REPO / "tests" / "vectors" / "receipts"
MANIFEST = json.loads((VECTORS / "manifest.json").read_text())


@pytest.mark.parametrize("case", MANIFEST["cases"], ids=[c["name"] for c in MANIFEST["cases"]])
def test_python_verifier_gives_each_vector_its_verdict(case):
    record = VECTORS / case["record"] if case["record"] else None
    verdict = verify_receipt_file(VECTORS / case["receipt"], Genesis.load(VECTORS / case["genesis"]), record=record)
    assert verdict.valid == case["valid"]
    assert (verdict.failed.name if verdict.failed else None) == case["failed"]


def test_vectors_cover_every_check_and_both_verdicts():
    failed = {c["failed"] for c in MANIFEST["cases"]}
    assert set(CHECKS) <= failed  # every check is the first to fail in some case
    assert None in failed  # and some cases are valid


@pytest.fixture(scope="module")
def browser_verdicts() -> list[dict]:
    run = subprocess.run(
        ["node", str(REPO / "tests" / "js" / "receipt_vectors.mjs")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_browser_verifier_agrees_on_every_receipt_vector(browser_verdicts):
    got = {r["name"]: (r["valid"], r["failed"]) for r in browser_verdicts if r["suite"] == "receipts"}
    assert got == {c["name"]: (c["valid"], c["failed"]) for c in MANIFEST["cases"]}


def test_browser_verifier_agrees_on_every_proof_vector(browser_verdicts):
    proofs = [r for r in browser_verdicts if r["suite"] != "receipts"]
    suites = {r["suite"] for r in proofs}
    assert suites == {"rfc6962/inclusion", "rfc6962/consistency", "sm3/inclusion", "sm3/consistency"}
    wrong = [r for r in proofs if r["valid"] == r["wantErr"]]
    assert not wrong and len(proofs) > 400, wrong[:5]


def test_browser_bundles_are_reproducible():
    run = subprocess.run(["node", "web/build.mjs", "--check"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
