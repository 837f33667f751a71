"""The worked example in docs/receipt-format.md verifies, and the document shows its actual bytes."""

from __future__ import annotations

import runpy
from pathlib import Path

from tiezheng.genesis import Genesis
from tiezheng.verifier import verify_receipt_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"


def test_example_receipt_is_valid():
    genesis = Genesis.load(EXAMPLES / "genesis.json")
    for name in ("receipt.tzr", "receipt.json"):
        verdict = verify_receipt_file(EXAMPLES / name, genesis, record=EXAMPLES / "record.txt")
        assert verdict.valid, verdict.checks


def test_receipt_format_doc_shows_the_committed_example(tmp_path, monkeypatch):
    doc = ROOT / "docs" / "receipt-format.md"
    original = doc.read_text()
    script = runpy.run_path(str(ROOT / "scripts" / "make_receipt_example.py"), run_name="not_main")
    copy = tmp_path / "receipt-format.md"
    copy.write_text(original)
    monkeypatch.setitem(script["render_doc"].__globals__, "DOC", copy)
    script["render_doc"]()
    assert copy.read_text() == original, "run: python scripts/make_receipt_example.py"
