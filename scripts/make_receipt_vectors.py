"""Shared receipt test vectors: good receipts and tampered twins, with the verdict each must get.

    .venv/bin/python scripts/make_receipt_vectors.py     # rewrite tests/vectors/receipts

They are receipts of the current format (receipt v2 over consensus headers v2). The vectors of
receipt v1 over headers v1 (tests/vectors/receipts-v1) were made by this script's earlier
version and are kept as they are: receipts a court already holds must keep their verdicts.

Every verifier of Tiezheng receipts (the Python one in client/tiezheng, the browser's in
web/src) is checked against these files: each case names a receipt, a genesis, the record
(or none), and the expected verdict — VALID, or INVALID at a named check. The verdict is
set here by construction (what was tampered with), not by running a verifier.

Signatures are randomised, so a run writes different bytes each time; the committed files
are the vectors, and the tests check them, not this script's output.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import cbor2

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from tests.support.toychain import ToyChain, make_genesis, statement_for  # noqa: E402
from tiezheng import cbor  # noqa: E402
from tiezheng.batch import BatchEnvelope, BatchHeader, BatchProof  # noqa: E402
from tiezheng.evidence_id import EvidenceId  # noqa: E402
from tiezheng.gm import SM2PrivateKey, SM2PublicKey  # noqa: E402
from tiezheng.header import FIELDS_V2, ConsensusHeader, Seal  # noqa: E402
from tiezheng.merkle.rfc9162 import leaf_hash  # noqa: E402
from tiezheng.merkle.verify import root_from_inclusion_proof  # noqa: E402
from tiezheng.receipt import Receipt  # noqa: E402
from tiezheng.signed_statement import SignedStatement  # noqa: E402
from tiezheng.signing import Cosigner, Signature  # noqa: E402
from tiezheng.statement import Statement, subject_hash  # noqa: E402

OUT = ROOT / "tests" / "vectors" / "receipts"
DIRECT_RECORD = "行政处罚决定书\n京市监罚〔2026〕第 1123 号\n".encode()
BATCH_RECORD = b"batch record 20"
LATE_RECORD = "结果反馈 after the validator hand-over".encode()
BOM_RECORD = b"a stage whose text begins with U+FEFF"
PREV_RECORDS = {
    "prev-lower-case": b"a step naming its previous step in lower case",
    "prev-next-line": b"a step naming its previous step after a U+0085",
    "prev-bom": b"a step naming its previous step after a U+FEFF",
}


def flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def non_minimal_der(signature: bytes) -> bytes:
    """The same (r, s) with r given a redundant leading zero byte: valid BER, not DER."""
    r_length = signature[3]
    r = signature[4 : 4 + r_length]
    rest = signature[4 + r_length :]
    body = bytes((0x02, r_length + 1)) + b"\x00" + r + rest
    return bytes((0x30, len(body))) + body


def with_raw_field(statement: Statement, name: str, value: Any) -> Statement:
    """The statement with a field as no encoder of ours writes it: what an older or hostile signer could."""
    fields = cbor2.loads(statement.to_cbor())
    fields[name] = value
    object.__setattr__(statement, name, value)
    object.__setattr__(statement, "_encoded", cbor.encode(fields))
    return statement


def main() -> None:
    validators = [SM2PrivateKey(0x5EC0 + i) for i in range(4)]
    successors = [SM2PrivateKey(0x5EC0 + 16 + i) for i in range(4)]
    agency = SM2PrivateKey(0xA6E2C2)
    official, notary = SM2PrivateKey(0x0FF1C1A1), SM2PrivateKey(0x0707A41)
    chain = ToyChain(validators, chain_code="VEC")
    for filler in range(5):
        chain.submit(SignedStatement.sign(statement_for(agency, b"earlier record %d" % filler), agency))
    statement = statement_for(
        agency,
        DIRECT_RECORD,
        kind="enforcement-record",
        subject=subject_hash("京市监罚〔2026〕第 1123 号"),
        cosigners=(Cosigner.of(official, "official"), Cosigner.of(notary, "notary")),
    )
    signed = SignedStatement.sign(statement, agency)
    # The non-minimal-der case pads r with a zero byte: r must not have one already, or the padded
    # signature would outgrow any DER SM2 signature and fail as a malformed receipt instead.
    while signed.signatures[0].value[3] != 32:
        signed = SignedStatement.sign(statement, agency)
    direct_index = chain.submit(signed.cosign(official, "official").cosign(notary, "notary"))
    bom_index = chain.submit(SignedStatement.sign(statement_for(agency, BOM_RECORD, stage="\ufeff受理"), agency))
    # prev as older records may spell it (admission now asks for the chain's own spelling).
    prev_spellings = {"prev-lower-case": "vec-000000-x8", "prev-next-line": "\x85VEC-000000-X8",
                      "prev-bom": "\ufeffVEC-000000-X8"}  # fmt: skip
    prev_indexes = {}
    for name, spelling in prev_spellings.items():
        odd = with_raw_field(
            statement_for(agency, PREV_RECORDS[name], prev=str(EvidenceId("VEC", 0))), "prev", spelling
        )
        prev_indexes[name] = chain.submit(SignedStatement.sign(odd, agency))
    chain.seal_block()
    reviewer = SM2PrivateKey(0x2E71E3E2)
    reviewed = (Cosigner.of(reviewer, "reviewer"),)  # named in the header and in each statement, which the log holds
    batch_statements = [
        dataclasses.replace(statement_for(agency, b"batch record %d" % i, stage="初审"), cosigners=reviewed)
        for i in range(37)
    ]
    envelope = BatchEnvelope.build(batch_statements, agency, time=1, cosigners=reviewed)
    batch_indexes = chain.submit_batch(envelope.cosign(reviewer, "reviewer"))
    chain.seal_block(next_keys=successors)
    late_index = chain.submit(SignedStatement.sign(statement_for(agency, LATE_RECORD, kind="process-step"), agency))
    chain.seal_block()

    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    (OUT / "genesis.json").write_bytes(chain.genesis.to_json())
    other = make_genesis(validators, chain_code="VEC", chain_id=4243)
    (OUT / "other-genesis.json").write_bytes(other.to_json())
    (OUT / "direct.txt").write_bytes(DIRECT_RECORD)
    (OUT / "batch.txt").write_bytes(BATCH_RECORD)
    (OUT / "late.txt").write_bytes(LATE_RECORD)
    (OUT / "tampered.txt").write_bytes(DIRECT_RECORD[:-1] + b"!")
    (OUT / "bom-stage.txt").write_bytes(BOM_RECORD)
    for name, record in PREV_RECORDS.items():
        (OUT / f"{name}.txt").write_bytes(record)

    cases: list[dict[str, Any]] = []

    def case(name: str, receipt: Receipt | bytes, record: str | None, failed: str | None, **extra: Any) -> None:
        data = receipt if isinstance(receipt, bytes) else receipt.to_cbor()
        file = f"{name}.tzr"
        (OUT / file).write_bytes(data)
        cases.append(
            {
                "name": name,
                "receipt": file,
                "genesis": extra.get("genesis", "genesis.json"),
                "record": record,
                "valid": failed is None,
                "failed": failed,
                "decided": extra.get("decided", True),
                "description": extra["description"],
            }
        )

    direct = chain.receipt(direct_index)
    batch = chain.receipt(batch_indexes[20])
    late = chain.receipt(late_index)
    late_statement = Statement.from_cbor(late.statement)

    case("direct", direct, "direct.txt", None, description="a statement signed by the agency, an official and a notary")
    case("direct-no-record", direct, None, None, description="the same receipt checked without the record")
    case(
        "batch",
        batch,
        "batch.txt",
        None,
        description="member 20 of a batch of 37 signed once by the agency and once by the reviewer its header names",
    )
    case(
        "after-handover", late, "late.txt", None, description="a record sealed by a new validator set after a hand-over"
    )
    case(
        "bom-stage",
        chain.receipt(bom_index),
        "bom-stage.txt",
        None,
        description="a stage beginning with U+FEFF (admission refuses it now; an older record may hold it): kept as is",
    )
    for name, failed, description in (
        ("prev-lower-case", None, "prev in lower case: read as the ID it names"),
        ("prev-next-line", None, "prev after U+0085, which both verifiers strip as Python's str.strip() does"),
        ("prev-bom", "statement", "prev after U+FEFF, which is no space: not an evidence ID"),
    ):
        case(name, chain.receipt(prev_indexes[name]), f"{name}.txt", failed, description=description)
    json_file = "direct.json"
    (OUT / json_file).write_text(direct.to_json())
    cases.append(
        {
            "name": "direct-json",
            "receipt": json_file,
            "genesis": "genesis.json",
            "record": "direct.txt",
            "valid": True,
            "failed": None,
            "decided": True,
            "description": "the JSON rendering of the direct receipt",
        }
    )

    case("truncated", direct.to_cbor()[:-7], "direct.txt", "receipt", description="the file is cut short")
    value = direct.to_value() | {"note": "added"}
    case("unknown-field", cbor.encode(value), "direct.txt", "receipt", description="the receipt has a field v2 lacks")
    case(
        "null-batch",
        cbor.encode(direct.to_value() | {"batch": None}),
        "direct.txt",
        "receipt",
        description="an absent batch proof written as null: a second encoding of the same receipt",
    )
    case(
        "empty-transitions",
        cbor.encode(direct.to_value() | {"transitions": []}),
        "direct.txt",
        "receipt",
        description="no hand-overs written as an empty list rather than left out",
    )
    partial = direct.to_value()
    partial["inclusion"] = partial["inclusion"][:-1]
    case(
        "inclusion-partial-hash",
        cbor.encode(partial),
        "direct.txt",
        "receipt",
        description="the inclusion proof's hashes, written end to end, one byte short of whole hashes",
    )
    case(
        "batch-empty-signatures",
        cbor.encode(batch.to_value() | {"signatures": []}),
        "batch.txt",
        "receipt",
        description="a batched record's receipt with an empty signatures list rather than none",
    )
    # Formats newer than this build reads: no verdict (UNDECIDED), not INVALID, in every verifier.
    for name, changed, failed, description in (
        ("newer-receipt", direct.to_value() | {"v": 3}, "receipt", "a receipt of version 3"),
        (
            "newer-statement",
            direct.to_value() | {"statement": cbor.encode(cbor.decode(direct.statement, max_size=4096) | {"v": 2})},
            "statement",
            "a receipt holding a statement of version 2",
        ),
        (
            "newer-header",
            direct.to_value() | {"header": cbor.encode([3, *cbor.decode(direct.header, max_size=4096)[1:]])},
            "header",
            "a receipt holding a consensus header of version 3",
        ),
        (
            "newer-header-layout",
            direct.to_value() | {"header": cbor.encode([3, *cbor.decode(direct.header, max_size=4096)[1:], 7, 8])},
            "header",
            "a receipt holding a consensus header of version 3 with more fields than version 2's",
        ),
        (
            "newer-statement-fields",
            direct.to_value()
            | {
                "statement": cbor.encode(
                    {k: v for k, v in cbor.decode(direct.statement, max_size=4096).items() if k != "kind"}
                    | {"v": 2, "zz": 1}
                )
            },
            "statement",
            "a receipt holding a statement of version 2 that has a field version 1 lacks and lacks one it has",
        ),
    ):
        case(name, cbor.encode(changed), "direct.txt", failed, description=f"{description}: undecided", decided=False)
    case(
        "version-0",
        cbor.encode(direct.to_value() | {"v": 0}),
        "direct.txt",
        "receipt",
        description="a receipt of version 0, which never existed: malformed, not newer",
    )
    case(
        "respelt-as-v1",
        dataclasses.replace(direct, version=1),
        "direct.txt",
        "header",
        description="the receipt re-spelt as version 1 over its version 2 header: v1 receipts carry v1 headers",
    )
    raw = direct.to_cbor()
    case(
        "non-canonical",
        b"\xb9\x00" + bytes((raw[0] & 0x1F,)) + raw[1:],
        "direct.txt",
        "receipt",
        description="the receipt's map length written in a longer form than needed",
    )
    case(
        "wrong-genesis",
        direct,
        "direct.txt",
        "genesis",
        genesis="other-genesis.json",
        description="checked against another chain's genesis",
    )
    good_id = str(EvidenceId("VEC", direct_index))
    typo = good_id[:5] + ("Q" if good_id[5] != "Q" else "R") + good_id[6:]
    case(
        "mistyped-id",
        dataclasses.replace(direct, evidence_id=typo),
        "direct.txt",
        "evidence-id",
        description="one symbol of the evidence ID changed",
    )
    case(
        "lower-case-id",
        dataclasses.replace(direct, evidence_id=good_id.lower()),
        "direct.txt",
        "evidence-id",
        description="the evidence ID spelt in lower case: it names the same leaf, but the receipt's bytes changed",
    )
    case(
        "other-leaf",
        dataclasses.replace(direct, leaf_index=direct_index + 1),
        "direct.txt",
        "evidence-id",
        description="the leaf index no longer matches the ID",
    )
    case("tampered-record", direct, "tampered.txt", "digest", description="one byte of the record changed")
    statement_value = cbor.decode(direct.statement, max_size=4096)
    statement_value["time"] += 1
    case(
        "altered-statement",
        dataclasses.replace(direct, statement=cbor.encode(statement_value)),
        "direct.txt",
        "signatures",
        description="the statement's time changed after signing",
    )
    case(
        "statement-bytes-key",
        dataclasses.replace(direct, statement=cbor2.dumps({**statement_value, b"k": 1, "zz": 2}, canonical=True)),
        None,
        "statement",
        description="the statement holds a byte-string map key (and an unknown text one)",
    )
    case(
        "malformed-statement",
        dataclasses.replace(direct, statement=cbor.encode({**statement_value, "kind": "Permit"})),
        None,
        "statement",
        description="the statement's kind breaks the kind rule",
    )
    cosign = direct.signatures[1]
    case(
        "bad-cosignature",
        dataclasses.replace(
            direct,
            signatures=(
                direct.signatures[0],
                dataclasses.replace(cosign, value=direct.signatures[2].value),
                direct.signatures[2],
            ),
        ),
        "direct.txt",
        "signatures",
        description="the official's signature replaced by the notary's",
    )
    official_signature, notary_signature = direct.signatures[1:]
    case(
        "added-cosigner",
        dataclasses.replace(
            direct, signatures=(*direct.signatures, Signature.create(SM2PrivateKey(0x5EA1), direct.statement, "notary"))
        ),
        "direct.txt",
        "signatures",
        description="a third, valid co-signature by a notary the statement does not name",
    )
    case(
        "removed-cosigner",
        dataclasses.replace(direct, signatures=direct.signatures[:2]),
        "direct.txt",
        "signatures",
        description="the notary's co-signature, which the statement names, left out",
    )
    case(
        "swapped-cosigners",
        dataclasses.replace(direct, signatures=(direct.signatures[0], notary_signature, official_signature)),
        "direct.txt",
        "signatures",
        description="the official's and the notary's co-signatures in the other order than the statement names them",
    )
    case(
        "cosigner-role-changed",
        dataclasses.replace(
            direct,
            signatures=(
                direct.signatures[0],
                dataclasses.replace(official_signature, role="approver"),
                notary_signature,
            ),
        ),
        "direct.txt",
        "signatures",
        description="the official's co-signature presented as an approver's",
    )
    agency_signature = direct.signatures[0]
    case(
        "non-minimal-der",
        dataclasses.replace(
            direct,
            signatures=(
                dataclasses.replace(agency_signature, value=non_minimal_der(agency_signature.value)),
                *direct.signatures[1:],
            ),
        ),
        "direct.txt",
        "signatures",
        description="the agency's signature in BER with a redundant zero byte (same r and s, not DER)",
    )
    stranger = SM2PrivateKey(0x57A2)
    case(
        "wrong-agency-key",
        dataclasses.replace(
            direct, signatures=(Signature.create(stranger, direct.statement, "agency"), *direct.signatures[1:])
        ),
        "direct.txt",
        "signatures",
        description="signed by a key other than the one the statement names",
    )
    assert batch.batch is not None
    path = list(batch.batch.path)
    path[2] = flip(path[2], 0)
    case(
        "bad-batch-path",
        dataclasses.replace(batch, batch=dataclasses.replace(batch.batch, path=tuple(path))),
        "batch.txt",
        "batch-path",
        description="one hash of the path to the batch root changed",
    )
    case(
        "batch-cosigner-removed",
        dataclasses.replace(batch, batch=dataclasses.replace(batch.batch, signatures=batch.batch.signatures[:1])),
        "batch.txt",
        "signatures",
        description="the reviewer's signature, which the batch header names, left out",
    )
    notary = SM2PrivateKey(0x7A0C0DE)

    def rewrapped(receipt: Receipt, statement: Statement) -> Receipt:
        """The logged statement under a one-statement header made later, naming a notary, which it signs."""
        header = BatchHeader(
            agency=statement.agency,
            key=statement.key,
            root=leaf_hash(receipt.statement),
            size=1,
            time=2,
            cosigners=(Cosigner.of(notary, "notary"),),
        ).to_cbor()
        signatures = (Signature.create(agency, header, "agency"), Signature.create(notary, header, "notary"))
        return dataclasses.replace(receipt, signatures=(), batch=BatchProof(header, signatures, 0, ()))

    case(
        "notary-not-anchored",
        rewrapped(late, late_statement),
        "late.txt",
        None,
        description="a logged statement naming no co-signer, wrapped later in a header the agency's key signed "
        "with a notary it names (as records from before statements named their batch's co-signers were): valid, "
        "and the notary is not counted, as the log never held it",
    )
    case(
        "notary-instead-of-reviewer",
        rewrapped(batch, Statement.from_cbor(batch.statement)),
        "batch.txt",
        "batch-path",
        description="a batched statement naming its reviewer, wrapped later in a header naming a notary instead",
    )
    case(
        "wrong-batch-position",
        dataclasses.replace(batch, batch=dataclasses.replace(batch.batch, index=21)),
        "batch.txt",
        "batch-path",
        description="the batch position changed",
    )
    transition = late.transitions[0]
    forged_seals = tuple(Seal(s.validator, transition.sealed.seals[0].signature) for s in transition.sealed.seals)
    case(
        "forged-handover",
        dataclasses.replace(
            late,
            transitions=(
                dataclasses.replace(transition, sealed=dataclasses.replace(transition.sealed, seals=forged_seals)),
            ),
        ),
        "late.txt",
        "validator-set",
        description="the hand-over's seals all copied from the first validator's",
    )
    keys = [SM2PublicKey.from_bytes(k) for k in cbor.decode(transition.next_set, max_size=1 << 16)]
    case(
        "handover-compressed-keys",
        dataclasses.replace(
            late,
            transitions=(
                dataclasses.replace(transition, next_set=cbor.encode([k.to_bytes(compressed=True) for k in keys])),
            ),
        ),
        "late.txt",
        "validator-set",
        description="the hand-over's next set spelt with compressed keys: the same keys, not the bytes it names",
    )
    case(
        "missing-handover",
        dataclasses.replace(late, transitions=()),
        "late.txt",
        "header",
        description="the hand-over to the set that sealed the block left out",
    )
    inclusion = list(direct.inclusion)
    inclusion[0] = flip(inclusion[0], 31)
    case(
        "bad-inclusion",
        dataclasses.replace(direct, inclusion=tuple(inclusion)),
        "direct.txt",
        "inclusion",
        description="one hash of the inclusion proof changed",
    )
    case(
        "short-inclusion",
        dataclasses.replace(direct, inclusion=direct.inclusion[:-1]),
        "direct.txt",
        "inclusion",
        description="the inclusion proof's last hash dropped",
    )
    header_value = cbor.decode(direct.header, max_size=4096)
    header_value[FIELDS_V2.index("time")] += 1
    case(
        "altered-header",
        dataclasses.replace(direct, header=cbor.encode(header_value)),
        "direct.txt",
        "seals",
        description="the block time changed after sealing",
    )
    case(
        "header-bad-bytes",
        dataclasses.replace(direct, header=direct.header[:-3]),
        "direct.txt",
        "header",
        description="the consensus header cut short",
    )
    resealed = ConsensusHeader.from_cbor(direct.header)
    small = dataclasses.replace(resealed, log_size=direct_index).to_cbor()
    case(
        "header-too-small",
        dataclasses.replace(
            direct, header=small, seals=tuple(Seal.create(k, i, small) for i, k in enumerate(validators[:3]))
        ),
        "direct.txt",
        "header",
        description="a properly sealed header whose log does not yet hold the leaf",
    )
    repeated = cbor.encode([*cbor.decode(direct.header, max_size=4096), resealed.validators])
    case(
        "header-repeats-validators",
        dataclasses.replace(
            direct, header=repeated, seals=tuple(Seal.create(k, i, repeated) for i, k in enumerate(validators[:3]))
        ),
        "direct.txt",
        "header",
        description="a sealed header naming its next validator set though the set does not change: a second "
        "encoding of the same header",
    )
    # A log past 2^53 - 1 records (no float holds its size): only validators could seal one.
    huge_size = 2**53 + 1
    huge_path = []
    while root_from_inclusion_proof(b"\x00" * 32, direct_index, huge_size, huge_path) is None:
        huge_path.append(bytes([len(huge_path) + 1]) * 32)
    huge_root = root_from_inclusion_proof(leaf_hash(direct.statement), direct_index, huge_size, huge_path)
    huge = dataclasses.replace(resealed, log_size=huge_size, log_root=huge_root).to_cbor()
    case(
        "log-past-2-53",
        dataclasses.replace(
            direct,
            header=huge,
            inclusion=tuple(huge_path),
            seals=tuple(Seal.create(k, i, huge) for i, k in enumerate(validators[:3])),
        ),
        "direct.txt",
        None,
        description="a header sealed for a log of 2^53 + 1 records: sizes are integers of any size up to 2^64 - 1",
    )
    case(
        "too-few-seals",
        dataclasses.replace(direct, seals=direct.seals[:2]),
        "direct.txt",
        "seals",
        description="two seals where the quorum of four is three",
    )
    case(
        "duplicate-seal",
        dataclasses.replace(direct, seals=(*direct.seals[:2], direct.seals[0])),
        "direct.txt",
        "seals",
        description="validator 0's seal given twice",
    )
    seals = list(direct.seals)
    seals[1] = Seal(1, flip(seals[1].signature, 10))
    case(
        "bad-seal",
        dataclasses.replace(direct, seals=tuple(seals)),
        "direct.txt",
        "seals",
        description="one seal's signature changed",
    )
    case(
        "seal-outside-set",
        dataclasses.replace(direct, seals=(*direct.seals, Seal(7, direct.seals[0].signature))),
        "direct.txt",
        "seals",
        description="a seal naming validator 7 of a set of four",
    )

    manifest = {
        "about": "Shared receipt vectors: every Tiezheng verifier must give each case its verdict "
        "(scripts/make_receipt_vectors.py; docs/receipt-format.md).",
        "cases": cases,
    }
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
