"""Tiezheng's precompiles: SM3, SM2 signature verification, and evidence append (docs/contracts.md).

Gas follows the models of Ethereum's own precompiles: SHA-256's per-word pricing
for SM3, ecrecover's flat price (scaled to SM2's measured cost) for SM2 verify.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from eth.abc import ComputationAPI
from eth.exceptions import VMError
from eth_abi import decode as abi_decode
from eth_abi.exceptions import DecodingError

from tiezheng.errors import TiezhengError
from tiezheng.gm import sm3
from tiezheng.signed_statement import SignedStatement
from tiezheng.signing import cached_public_key
from tiezheng.statement import KIND_ALERT, KIND_PROCESS_STEP

from ..evidence.checks import written_refusal
from .addresses import (
    EVIDENCE_APPEND_PRECOMPILE,
    EVIDENCE_APPENDED_TOPIC,
    EVIDENCE_REGISTRY,
    SM2_VERIFY_PRECOMPILE,
    SM3_PRECOMPILE,
)

SM3_BASE_GAS: Final = 60
SM3_WORD_GAS: Final = 12
SM2_VERIFY_BASE_GAS: Final = 4_000
SM2_VERIFY_WORD_GAS: Final = 12
EVIDENCE_APPEND_BASE_GAS: Final = 30_000
EVIDENCE_APPEND_BYTE_GAS: Final = 16
MAX_EVIDENCE_INPUT: Final = 8 * 1024

Precompile = Callable[[ComputationAPI], ComputationAPI]


class EvidenceRejected(VMError):
    """The evidence-append precompile refused its input; the calling frame fails."""


def _words(data: bytes) -> int:
    return (len(data) + 31) // 32


def sm3_precompile(computation: ComputationAPI) -> ComputationAPI:
    data = computation.msg.data_as_bytes
    computation.consume_gas(SM3_BASE_GAS + SM3_WORD_GAS * _words(data), reason="SM3 precompile")
    computation.output = sm3(data)
    return computation


_FALSE: Final = (0).to_bytes(32, "big")
_TRUE: Final = (1).to_bytes(32, "big")


def sm2_verify_precompile(computation: ComputationAPI) -> ComputationAPI:
    data = computation.msg.data_as_bytes
    try:
        public_key, message, signature = abi_decode(["bytes", "bytes", "bytes"], data)
    except (DecodingError, ValueError, TypeError, OverflowError):
        computation.consume_gas(SM2_VERIFY_BASE_GAS, reason="SM2 verify precompile")
        computation.output = _FALSE
        return computation
    computation.consume_gas(SM2_VERIFY_BASE_GAS + SM2_VERIFY_WORD_GAS * _words(message), reason="SM2 verify precompile")
    try:
        # A contract verifying many signatures of a few signers pays for each key's decoding once.
        valid = cached_public_key(public_key).verify(message, signature)
    except TiezhengError:
        valid = False
    computation.output = _TRUE if valid else _FALSE
    return computation


#: Kinds a contract cannot anchor: the node checks a process step against its matter
#: and holds the matter until the step is sealed, and raises alerts itself; neither
#: check can run inside the EVM.
CHECKED_ELSEWHERE: Final[dict[str, str]] = {
    KIND_PROCESS_STEP: "process steps are submitted to the node's /v1/evidence, which checks them against their matter",
    KIND_ALERT: "alerts are raised by the chain's supervision, not anchored",
}


def evidence_append_precompile(computation: ComputationAPI) -> ComputationAPI:
    """Check a signed statement for EvidenceRegistry and log it for the block's evidence batch."""
    message = computation.msg
    data = message.data_as_bytes
    computation.consume_gas(
        EVIDENCE_APPEND_BASE_GAS + EVIDENCE_APPEND_BYTE_GAS * len(data), reason="evidence append precompile"
    )
    if message.sender != EVIDENCE_REGISTRY:
        raise EvidenceRejected("evidence append is callable only by EvidenceRegistry")
    if message.is_static:
        raise EvidenceRejected("evidence append cannot run in a static call")
    if len(data) > MAX_EVIDENCE_INPUT:
        raise EvidenceRejected("evidence append input is too large")
    try:
        key_id, agency, signed_bytes = abi_decode(["bytes32", "string", "bytes"], data)
        signed = SignedStatement.from_cbor(signed_bytes)
        if signed.statement.key != key_id or signed.statement.agency != agency:
            raise EvidenceRejected("the statement names another agency or key than the caller's")
        if signed.statement.kind in CHECKED_ELSEWHERE:
            raise EvidenceRejected(CHECKED_ELSEWHERE[signed.statement.kind])
        # The log holds no text that reads other than it is, whichever way a statement came in.
        statement = signed.statement
        refusal = written_refusal(statement.stage, statement.meta, statement.prev)
        if refusal is not None:
            raise EvidenceRejected(refusal[0])
        signed.check()
    except EvidenceRejected:
        raise
    except (DecodingError, ValueError, TypeError, OverflowError, TiezhengError) as exc:
        raise EvidenceRejected(f"evidence rejected: {exc}") from None
    statement_hash = sm3(signed.statement.to_cbor())
    computation.add_log_entry(
        EVIDENCE_APPEND_PRECOMPILE,
        (int.from_bytes(EVIDENCE_APPENDED_TOPIC, "big"), int.from_bytes(statement_hash, "big")),
        signed_bytes,
    )
    computation.output = statement_hash
    return computation


PRECOMPILES: Final[dict[bytes, Precompile]] = {
    SM3_PRECOMPILE: sm3_precompile,
    SM2_VERIFY_PRECOMPILE: sm2_verify_precompile,
    EVIDENCE_APPEND_PRECOMPILE: evidence_append_precompile,
}
