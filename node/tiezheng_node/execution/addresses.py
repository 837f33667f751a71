"""Fixed addresses of Tiezheng's precompiles and system contracts (docs/contracts.md)."""

from __future__ import annotations

from typing import Final

from eth_typing import Address
from eth_utils import keccak, to_canonical_address

SM3_PRECOMPILE: Final = Address(to_canonical_address("0x0000000000000000000000000000000000000a01"))
SM2_VERIFY_PRECOMPILE: Final = Address(to_canonical_address("0x0000000000000000000000000000000000000a02"))
EVIDENCE_APPEND_PRECOMPILE: Final = Address(to_canonical_address("0x0000000000000000000000000000000000000a03"))

AGENCY_REGISTRY: Final = Address(to_canonical_address("0x0000000000000000000000000000000000007a01"))
EVIDENCE_REGISTRY: Final = Address(to_canonical_address("0x0000000000000000000000000000000000007a02"))
VALIDATOR_SET: Final = Address(to_canonical_address("0x0000000000000000000000000000000000007a03"))
PROCESS_TRAIL: Final = Address(to_canonical_address("0x0000000000000000000000000000000000007a04"))

SYSTEM_CONTRACTS: Final = {
    "AgencyRegistry": AGENCY_REGISTRY,
    "EvidenceRegistry": EVIDENCE_REGISTRY,
    "ValidatorSet": VALIDATOR_SET,
    "ProcessTrail": PROCESS_TRAIL,
}

#: Topic 0 of the log the evidence-append precompile emits; topic 1 is the statement's SM3 hash.
EVIDENCE_APPENDED_TOPIC: Final = keccak(text="EvidenceAppended(bytes32)")
