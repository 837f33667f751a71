"""Receipts whose times lie past the year 9999 still render: in the certificate and in `tiezheng verify`.

A statement may claim any time below 2^53 ms (about the year 287,000) and a
consensus header carries a 64-bit time; Python's datetime stops at 9999. Such a
receipt verifies, so the certificate and the verdict must show it, not raise
ValueError or OverflowError.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng import certificate
from tiezheng.cli.offline import render_verdict
from tiezheng.gm import SM2PrivateKey
from tiezheng.header import ConsensusHeader
from tiezheng.receipt import Receipt
from tiezheng.signed_statement import SignedStatement
from tiezheng.verifier import verify_receipt

from .support.toychain import ToyChain, statement_for

AGENCY_KEY = SM2PrivateKey.generate()
LAST_DATETIME_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
STATEMENT_TIMES = st.sampled_from([0, LAST_DATETIME_MS, LAST_DATETIME_MS + 1, 2**53 - 1]) | st.integers(0, 2**53 - 1)
HEADER_TIMES = st.sampled_from([LAST_DATETIME_MS - 8 * 3_600_000 + 1, LAST_DATETIME_MS + 1, 2**64 - 1]) | st.integers(
    0, 2**64 - 1
)


def _receipt(statement_time: int) -> tuple[Receipt, ToyChain]:
    chain = ToyChain([SM2PrivateKey.generate()])
    chain.submit(SignedStatement.sign(statement_for(AGENCY_KEY, b"record", time=statement_time), AGENCY_KEY))
    chain.seal_block()
    return chain.receipt(0), chain


@settings(max_examples=30, deadline=None)
@given(STATEMENT_TIMES)
def test_a_valid_receipt_renders_whatever_time_its_statement_claims(statement_time):
    receipt, chain = _receipt(statement_time)
    verdict = verify_receipt(receipt, chain.genesis)
    assert verdict.valid
    assert "VALID" in render_verdict(verdict)
    facts = certificate.facts(receipt, chain.genesis, "https://verify.example/")
    assert facts.verdict.startswith("回执离线验证通过")
    assert str(statement_time) in facts.claimed or statement_time <= LAST_DATETIME_MS
    assert facts.evidence_id in certificate.render_html(facts)


@settings(max_examples=30, deadline=None)
@given(HEADER_TIMES)
def test_a_certificate_renders_whatever_time_the_header_carries(header_time):
    receipt, chain = _receipt(1_700_000_000_000)
    header = dataclasses.replace(ConsensusHeader.from_cbor(receipt.header), time=header_time)
    altered = dataclasses.replace(receipt, header=header.to_cbor())
    facts = certificate.facts(altered, chain.genesis, "https://verify.example/")
    assert facts.verdict.startswith("验证未通过")  # the seals were over the original header
    assert facts.block_time
    assert certificate.render_html(facts)
