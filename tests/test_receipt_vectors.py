"""The shared receipt vectors (tests/vectors/receipts): every verifier gives every case its stated verdict.

The Python verifier is checked here directly; the browser's (web/src, bundled into the node's
static assets) is run under Node on the same files and must agree case by case, and on the
RFC 9162 proof vectors too. The bundles themselves must be exactly what the pinned build makes.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Final

import pytest

from tiezheng.errors import TiezhengError
from tiezheng.genesis import Genesis
from tiezheng.verifier import CHECKS, verify_receipt_file

from .support.mutations import mutate_bytes

REPO = Path(__file__).resolve().parents[1]
VECTORS = REPO / "tests" / "vectors" / "receipts"
MANIFEST = json.loads((VECTORS / "manifest.json").read_text())
#: Receipt v1 over consensus headers v1, made before v2: frozen, as the receipts courts hold are.
SUITES: Final = {suite: json.loads((REPO / "tests" / "vectors" / suite / "manifest.json").read_text()) for suite in (
    "receipts",
    "receipts-v1",
)}  # fmt: skip
ALL_CASES: Final = [(suite, case) for suite, manifest in SUITES.items() for case in manifest["cases"]]


@pytest.mark.parametrize(("suite", "case"), ALL_CASES, ids=[f"{s}/{c['name']}" for s, c in ALL_CASES])
def test_python_verifier_gives_each_vector_its_verdict(suite, case):
    folder = REPO / "tests" / "vectors" / suite
    record = folder / case["record"] if case["record"] else None
    verdict = verify_receipt_file(folder / case["receipt"], Genesis.load(folder / case["genesis"]), record=record)
    assert verdict.valid == case["valid"]
    assert (verdict.failed.name if verdict.failed else None) == case["failed"]
    assert verdict.decided == case.get("decided", True)  # the v1 set predates undecided verdicts: all decided


@pytest.mark.parametrize("suite", SUITES)
def test_vectors_cover_every_check_and_both_verdicts(suite):
    failed = {c["failed"] for c in SUITES[suite]["cases"]}
    assert set(CHECKS) <= failed  # every check is the first to fail in some case
    assert None in failed  # and some cases are valid


def test_the_vectors_are_of_the_formats_they_stand_for():
    """The current set is receipt v2 over headers v2; the frozen set is v1 over v1 (a regenerated script would
    otherwise quietly turn it into a second copy of the current one)."""
    from tiezheng.header import ConsensusHeader
    from tiezheng.receipt import Receipt

    for suite, version in (("receipts", 2), ("receipts-v1", 1)):
        receipt = Receipt.load(REPO / "tests" / "vectors" / suite / "batch.tzr")
        assert (receipt.version, ConsensusHeader.from_cbor(receipt.header).version) == (version, version)


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


def _python_verdict(folder: Path, case: dict) -> tuple[bool, str | None, str | None]:
    """(valid, failed check, error code) from the Python verifier, as `tiezheng verify` reaches it."""
    record = folder / case["record"] if case["record"] else None
    try:
        genesis = Genesis.load(folder / case["genesis"])
    except TiezhengError as exc:  # GenesisError, or the FieldError of a field's own rule
        return False, "genesis", exc.code  # `tiezheng verify` refuses it before any receipt check
    verdict = verify_receipt_file(folder / case["receipt"], genesis, record=record)
    failed = verdict.failed
    return verdict.valid, failed.name if failed else None, failed.code if failed else None


@pytest.mark.parametrize("suite", SUITES)
def test_browser_verifier_agrees_on_every_receipt_vector(browser_verdicts, suite):
    got = {r["name"]: (r["valid"], r["failed"]) for r in browser_verdicts if r["suite"] == suite}
    assert got == {c["name"]: (c["valid"], c["failed"]) for c in SUITES[suite]["cases"]}


@pytest.mark.parametrize("suite", SUITES)
def test_both_verifiers_give_the_same_error_code_for_every_receipt_vector(browser_verdicts, suite):
    """A check that refuses its input names why with a code; a court's tool may act on it, so the two agree."""
    got = {r["name"]: (r["valid"], r["failed"], r["code"]) for r in browser_verdicts if r["suite"] == suite}
    want = {c["name"]: _python_verdict(REPO / "tests" / "vectors" / suite, c) for c in SUITES[suite]["cases"]}
    assert got == want
    codes = {code for _, _, code in want.values() if code}
    assert len(codes) >= 10, codes  # the vectors exercise many distinct refusals, not one


def test_browser_verifier_agrees_on_every_proof_vector(browser_verdicts):
    proofs = [r for r in browser_verdicts if r["suite"] not in SUITES]
    suites = {r["suite"] for r in proofs}
    assert suites == {"rfc6962/inclusion", "rfc6962/consistency", "sm3/inclusion", "sm3/consistency"}
    wrong = [r for r in proofs if r["valid"] == r["wantErr"]]
    assert not wrong and len(proofs) > 400, wrong[:5]


MOSTLY_FLIPS: Final = ("flip", "flip", "flip", "cut", "insert", "byte")  # bit flips are the likeliest damage


def test_both_verifiers_agree_on_mutated_receipts(tmp_path):
    """Differential fuzzing: random byte flips, cuts and insertions in the good receipts get the same verdict,
    failing at the same check, from both verifiers (and the browser's never throws)."""
    rng = random.Random(9162)
    good = [c for c in MANIFEST["cases"] if c["valid"] and c["receipt"].endswith(".tzr")]
    cases = []
    for number in range(400):
        case = rng.choice(good)
        data = mutate_bytes(
            rng, (VECTORS / case["receipt"]).read_bytes(), ("flip", "flip", "flip", "cut", "insert", "byte")
        )
        name = f"mutant-{number}.tzr"
        (tmp_path / name).write_bytes(bytes(data))
        cases.append({"name": name, "receipt": name, "genesis": case["genesis"], "record": case["record"]})
    # The JSON rendering as other editors save it: with a UTF-8 byte order mark or JSON's whitespace
    # ahead (read), in UTF-16 (refused); whitespace JSON does not allow makes it no receipt in either.
    rendering = (VECTORS / "direct.json").read_text(encoding="utf-8")
    for name, data in (
        ("bom.json", b"\xef\xbb\xbf" + rendering.encode()),
        ("indented.json", b"\xef\xbb\xbf" + b" \r\n\t" * 8 + rendering.encode()),
        ("formfeed.json", b"\x0c" + rendering.encode()),
        ("ideographic-space.json", "\u3000".encode() + rendering.encode()),
        ("utf16le.json", rendering.encode("utf-16-le")),
        ("utf16.json", rendering.encode("utf-16")),
    ):
        (tmp_path / name).write_bytes(data)
        cases.append({"name": name, "receipt": name, "genesis": "genesis.json", "record": "direct.txt"})
    # Base64 in more than its one form, and a rendering padded past the size both verifiers read.
    statement_b64 = json.loads(rendering)["statement"]["b64"]
    # Padding left out where it belongs, or added where none does (Python's b64decode reads the latter).
    other_form = statement_b64.rstrip("=") if statement_b64.endswith("=") else statement_b64 + "="
    stray = rendering.replace(f'"{statement_b64}"', f'"{other_form}"', 1)
    # A key named twice: one reader would keep the first value, another the last.
    leaf_twice = rendering.replace("{", '{\n  "leaf": 999,', 1)
    b64_twice = rendering.replace('"statement": {', '"statement": {"b64": "AAAA", ', 1)
    assert b64_twice != rendering
    for name, data in (
        ("other-padding.json", stray.encode()),
        ("oversized.json", b"{" + b" " * 140_000 + rendering[1:].encode()),
        ("leaf-twice.json", leaf_twice.encode()),
        ("b64-twice.json", b64_twice.encode()),
    ):
        (tmp_path / name).write_bytes(data)
        cases.append({"name": name, "receipt": name, "genesis": "genesis.json", "record": "direct.txt"})
    # The genesis file as editors and hostile hands may leave it: read alike, or refused alike.
    genesis_text = (VECTORS / "genesis.json").read_text(encoding="utf-8")
    key = json.loads(genesis_text)["validators"][0]["public_key"]
    for name, data in (
        ("genesis-bom.json", b"\xef\xbb\xbf" + genesis_text.encode()),
        ("genesis-version-true.json", genesis_text.replace('"version": 1', '"version": true', 1).encode()),
        ("genesis-hex-spaces.json", genesis_text.replace(key, key[:10] + " " + key[10:], 1).encode()),
        ("genesis-bad-utf8.json", genesis_text.replace('"name": "', '"name": "\xff', 1).encode("latin-1")),
        ("genesis-lone-surrogate.json", genesis_text.replace('"name": "', '"name": "\\ud800', 1).encode()),
        ("genesis-name-control.json", genesis_text.replace('"name": "', '"name": "\\u0007', 1).encode()),
    ):
        assert data != genesis_text.encode()
        (tmp_path / name).write_bytes(data)
        cases.append({"name": name, "receipt": "direct.tzr", "genesis": name, "record": "direct.txt"})
    for name in {c["genesis"] for c in cases} | {c["record"] for c in cases if c["record"]} | {"direct.tzr"}:
        if not (tmp_path / name).exists():
            shutil.copy(VECTORS / name, tmp_path / name)
    (tmp_path / "manifest.json").write_text(json.dumps({"cases": cases}))
    run = subprocess.run(
        ["node", str(REPO / "tests" / "js" / "receipt_vectors.mjs"), str(tmp_path / "manifest.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    browser = {r["name"]: r for r in map(json.loads, run.stdout.splitlines()) if r["suite"] == "extra"}
    disagreements = []
    for case in cases:
        python = _python_verdict(tmp_path, case)
        other = browser[case["name"]]
        if "error" in other or (other["valid"], other["failed"], other["code"]) != python:
            disagreements.append((case["name"], python, other))
    assert not disagreements, disagreements[:10]
    assert browser["bom.json"]["valid"] and browser["indented.json"]["valid"] and browser["genesis-bom.json"]["valid"]
    assert not browser["other-padding.json"]["valid"] and not browser["oversized.json"]["valid"]
    for name in ("leaf-twice.json", "b64-twice.json"):
        assert (browser[name]["failed"], browser[name]["code"]) == ("receipt", "bad-receipt"), name
    for name in ("version-true", "hex-spaces", "bad-utf8", "lone-surrogate", "name-control"):
        assert browser[f"genesis-{name}.json"]["failed"] == "genesis", name
    refused = ("formfeed.json", "ideographic-space.json", "utf16le.json", "utf16.json")
    assert not any(browser[name]["valid"] for name in refused)
    reached = {r["failed"] for r in browser.values()}
    assert {"receipt", "signatures", "seals"} <= reached, reached  # the mutations reach past the decoder


def test_browser_bundles_are_reproducible():
    run = subprocess.run(["node", "web/build.mjs", "--check"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


def test_a_batch_headers_cosigners_the_statement_does_not_name_are_not_counted():
    """The log holds the statement: a co-signer only its batch header names (an older record's, or one a header
    made later adds) is neither counted by the verdict nor printed on the certificate."""
    from tiezheng.certificate import facts
    from tiezheng.receipt import Receipt

    genesis = Genesis.load(VECTORS / "genesis.json")
    verdict = verify_receipt_file(VECTORS / "notary-not-anchored.tzr", genesis, record=VECTORS / "late.txt")
    signatures = next(c for c in verdict.checks if c.name == "signatures")
    assert verdict.valid and "1 co-signer(s) it names are not named by the statement" in signatures.detail
    shown = facts(Receipt.load(VECTORS / "notary-not-anchored.tzr"), genesis, "https://example.org/verify")
    assert [signer.split(" ")[0] for signer in shown.signers] == ["agency"]
    reviewed = facts(Receipt.load(VECTORS / "batch.tzr"), genesis, "https://example.org/verify")
    assert [signer.split(" ")[0] for signer in reviewed.signers] == ["agency", "reviewer"]
