"""The worked example of docs/receipt-format.md: a genesis, a record, its receipt, and the annotated bytes.

    .venv/bin/python scripts/make_receipt_example.py          # re-render the doc from the committed example
    .venv/bin/python scripts/make_receipt_example.py --new    # make a new example (signatures differ each time)

The example files in docs/examples are also shared test vectors: tests check that
the receipt verifies (and its tampered twins fail) in every verifier.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from cbor_annotate import annotate  # noqa: E402
from tests.support.toychain import ToyChain, statement_for  # noqa: E402
from tiezheng.gm import SM2PrivateKey  # noqa: E402
from tiezheng.receipt import Receipt  # noqa: E402
from tiezheng.signed_statement import SignedStatement  # noqa: E402
from tiezheng.statement import operator_hash, subject_hash  # noqa: E402

EXAMPLES = ROOT / "docs" / "examples"
DOC = ROOT / "docs" / "receipt-format.md"
RECORD = "行政许可决定书\n京市监许〔2026〕第 0417 号\n准予许可。\n".encode()


def make_example() -> None:
    validators = [SM2PrivateKey(0x1000 + i) for i in range(4)]
    agency = SM2PrivateKey(0xA6E2C1)
    chain = ToyChain(validators, chain_code="DEMO")
    for filler in range(5):
        chain.submit(SignedStatement.sign(statement_for(agency, b"earlier record %d" % filler), agency))
    statement = statement_for(
        agency,
        RECORD,
        kind="permit",
        subject=subject_hash("京市监许〔2026〕第 0417 号"),
        operator=operator_hash(b"example-agency-salt", "official-0042"),
        stage="审批签发",
    )
    chain.submit(SignedStatement.sign(statement, agency))
    chain.seal_block()
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    (EXAMPLES / "genesis.json").write_bytes(chain.genesis.to_json())
    (EXAMPLES / "record.txt").write_bytes(RECORD)
    receipt = chain.receipt(5)
    receipt.save(EXAMPLES / "receipt.tzr", overwrite=True)
    (EXAMPLES / "receipt.json").write_text(receipt.to_json())


def render_doc() -> None:
    data = (EXAMPLES / "receipt.tzr").read_bytes()
    Receipt.from_cbor(data)  # the committed example must decode
    dump = annotate(data)
    section = (
        "<!-- example -->\n"
        f"`docs/examples/receipt.tzr`, {len(data)} bytes, annotated (`python scripts/make_receipt_example.py`):\n\n"
        f"```\n{dump}\n```\n<!-- /example -->"
    )
    text = DOC.read_text()
    DOC.write_text(re.sub(r"<!-- example -->.*?<!-- /example -->", lambda _: section, text, flags=re.S))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--new", action="store_true", help="make a new example before rendering")
    if parser.parse_args().new:
        make_example()
    render_doc()
