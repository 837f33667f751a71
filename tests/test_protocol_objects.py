"""Statements, signatures, batch envelopes, evidence IDs, genesis: encodings and their strict decoding."""

from __future__ import annotations

import contextlib
import json
from dataclasses import replace

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng import cbor
from tiezheng.batch import MAX_BATCH_SIZE, BatchEnvelope, BatchError, BatchHeader, BatchProof
from tiezheng.errors import DecodeError, EvidenceIdError
from tiezheng.evidence_id import (
    CROCKFORD,
    EvidenceId,
    EvidenceIdChecksumError,
    check_value,
    encode_base32,
    format_evidence_id,
    format_evidence_ids,
)
from tiezheng.genesis import Genesis, GenesisError
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.merkle.rfc9162 import leaf_hash
from tiezheng.signed_statement import SignedStatement
from tiezheng.signing import Cosigner, Signature, SignatureError
from tiezheng.statement import Statement, operator_hash, subject_hash

from .support.toychain import make_genesis, statement_for

AGENCY_KEY = SM2PrivateKey(0x1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF)


def full_statement() -> Statement:
    return statement_for(
        AGENCY_KEY,
        b"permit decision",
        subject=subject_hash("京审批〔2026〕17号"),
        operator=operator_hash(b"agency-salt-0123456789", "110101199001011234"),
        stage="审批签发",
        prev=str(EvidenceId("DEV", 41)),
        meta={"decision": "approve", "sequence": 3, "late": False, "before": sm3(b"draft")},
    )


# Statements


def test_statement_round_trip_and_identity():
    statement = full_statement()
    encoded = statement.to_cbor()
    assert Statement.from_cbor(encoded) == statement
    assert statement.hash == sm3(encoded)
    assert statement.prev_id == EvidenceId("DEV", 41)
    assert b"110101199001011234" not in encoded  # the official's ID never appears


def _value() -> dict:
    return cbor.decode(full_statement().to_cbor(), max_size=4096)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda v: v.update(v=2), "unsupported-version"),
        (lambda v: v.pop("digest"), "missing-field"),
        (lambda v: v.pop("agency"), "missing-field"),
        (lambda v: v.update(extra=1), "unknown-field"),
        (lambda v: v.update({b"k": 1}), "bad-cbor"),
        (lambda v: v.update({b"k": 1, "zz": 2}), "bad-cbor"),  # once a TypeError: bytes and text do not sort
        (lambda v: v.update(digest=b"\x00" * 31), "bad-statement"),
        (lambda v: v.update(digest="00" * 32), "bad-statement"),
        (lambda v: v.update(key=b"\x00" * 33), "bad-statement"),
        (lambda v: v.update(time=-1), "bad-statement"),
        (lambda v: v.update(time=2**60), "bad-statement"),
        (lambda v: v.update(kind="unknown-kind"), "bad-statement"),
        (lambda v: v.update(kind="Permit"), "bad-statement"),
        (lambda v: v.update(agency=""), "bad-statement"),
        (lambda v: v.update(agency="a b"), "bad-statement"),
        (lambda v: v.update(stage="x" * 33), "bad-statement"),
        (lambda v: v.update(stage="line\nbreak"), "bad-statement"),
        (lambda v: v.update(prev="DEV-00001A-00"), "evidence-id-checksum"),
        (lambda v: v.update(prev="not an id"), "bad-evidence-id"),
        (lambda v: v.update(prev="\ufeff" + str(EvidenceId("DEV", 41))), "bad-evidence-id"),  # no space to Python
        (lambda v: v.update(meta={}), "bad-statement"),
        (lambda v: v.update(meta={"k": 1.5}), "bad-cbor"),  # a float is no value of this format at all
        (lambda v: v.update(meta={"k": [1]}), "bad-statement"),
        (lambda v: v.update(meta={f"k{i}": i for i in range(17)}), "bad-statement"),
        (lambda v: v.update(meta={"k": "x" * 257}), "bad-statement"),
        (lambda v: v.update(meta={"k": b"x" * 65}), "bad-statement"),
    ],
)
def test_invalid_statements_are_rejected_with_a_code(change, code):
    value = _value()
    change(value)
    with pytest.raises(DecodeError) as caught:
        Statement.from_cbor(cbor2.dumps(value, canonical=True))
    assert caught.value.code == code, caught.value


@pytest.mark.parametrize(
    "spelling",
    [str.lower, lambda t: " " + t, lambda t: t + "\x85", lambda t: "\u3000" + t, lambda t: t.replace("0", "O")],
)
def test_prev_reads_in_any_spelling_the_id_parser_reads(spelling):
    """Admission asks for the chain's own spelling now (tests/node); records logged before still read."""
    value = _value()
    value["prev"] = spelling(str(EvidenceId("DEV", 41)))
    assert value["prev"] != str(EvidenceId("DEV", 41))
    assert Statement.from_cbor(cbor2.dumps(value, canonical=True)).prev == value["prev"]


def test_non_canonical_encodings_are_rejected():
    value = _value()
    unsorted = cbor2.dumps(dict(sorted(value.items(), reverse=True)))
    with pytest.raises(DecodeError, match="deterministic") as caught:
        Statement.from_cbor(unsorted)
    assert caught.value.code == "non-canonical-cbor"
    encoded = full_statement().to_cbor()
    # The version 1 as a two-byte integer (0x18 0x01) instead of one byte.
    stretched = encoded.replace(b"\x61v\x01", b"\x61v\x18\x01")
    with pytest.raises(DecodeError, match="deterministic"):
        Statement.from_cbor(stretched)
    with pytest.raises(DecodeError):
        Statement.from_cbor(encoded + b"\x00")
    with pytest.raises(DecodeError, match="limit"):
        Statement.from_cbor(b"\x00" * 5000)


plain_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**64) + 1, 2**64 - 1) | st.binary(max_size=6) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=10,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@settings(max_examples=400)
@given(plain_values)
def test_decode_accepts_exactly_the_deterministic_encoding(value):
    if _depth(value) > cbor.MAX_DEPTH - 1:
        return
    canonical = cbor.encode(value)
    assert cbor.decode(canonical, max_size=1 << 16) == value
    as_built = cbor2.dumps(value)  # every map's keys in the order they were inserted
    if as_built == canonical:
        assert cbor.decode(as_built, max_size=1 << 16) == value
    else:
        with pytest.raises(DecodeError) as caught:
            cbor.decode(as_built, max_size=1 << 16)
        assert caught.value.code == "non-canonical-cbor"


def test_a_key_layout_seen_in_order_does_not_vouch_for_a_nested_map_out_of_order():
    inner_sorted, inner_unsorted = {"a": 1, "bb": 2}, {"bb": 2, "a": 1}
    assert cbor.decode(cbor2.dumps({"k": inner_sorted, "m": 1}), max_size=100) == {"k": inner_sorted, "m": 1}
    with pytest.raises(DecodeError, match="deterministic"):
        cbor.decode(cbor2.dumps({"k": inner_unsorted, "m": 1}), max_size=100)
    with pytest.raises(DecodeError, match="deterministic"):
        cbor.decode(cbor2.dumps([{"m": 1, "k": 2}]), max_size=100)


@settings(max_examples=500)
@given(st.binary(max_size=300))
def test_statement_decoder_fuzz(data):
    with contextlib.suppress(DecodeError):
        Statement.from_cbor(data)


@settings(max_examples=300)
@given(st.data())
def test_statement_decoder_fuzz_mutations(data):
    encoded = bytearray(full_statement().to_cbor())
    for _ in range(data.draw(st.integers(1, 4))):
        encoded[data.draw(st.integers(0, len(encoded) - 1))] = data.draw(st.integers(0, 255))
    try:
        decoded = Statement.from_cbor(bytes(encoded))
    except DecodeError:
        return
    assert decoded.to_cbor() == bytes(encoded)  # whatever decodes is canonical


# Signatures


OFFICIAL, NOTARY = SM2PrivateKey.generate(), SM2PrivateKey.generate()
NAMED = (Cosigner.of(OFFICIAL, "official"), Cosigner.of(NOTARY, "notary"))


def cosigned_statement() -> SignedStatement:
    statement = replace(full_statement(), cosigners=NAMED)
    return SignedStatement.sign(statement, AGENCY_KEY).cosign(OFFICIAL, "official").cosign(NOTARY, "notary")


def test_signed_statement_with_cosigners():
    signed = cosigned_statement()
    signed.check()
    again = SignedStatement.from_cbor(signed.to_cbor())
    assert again == signed and again.statement.cosigners == NAMED
    again.check()
    assert Statement.from_cbor(signed.statement.to_cbor()).cosigners == NAMED


def test_the_cosigners_are_exactly_those_the_statement_names():
    signed = cosigned_statement()
    agency, official, notary = signed.signatures
    stranger = SM2PrivateKey.generate()
    extra = Signature.create(stranger, signed.statement.to_cbor(), "witness")
    as_approver = Signature("approver", official.public_key, official.value)
    for signatures, code in (
        ((agency, official, notary, extra), "undeclared-cosigner"),  # a signer it does not name, added
        ((agency, official), "missing-cosignature"),  # a signer it names, removed
        ((agency, notary, official), "undeclared-cosigner"),  # the order it names them in
        ((agency, as_approver, notary), "undeclared-cosigner"),  # the role it names
        ((agency,), "missing-cosignature"),
    ):
        with pytest.raises(SignatureError) as caught:
            SignedStatement(signed.statement, signatures).check()
        assert caught.value.code == code, signatures
    unnamed = SignedStatement.sign(full_statement(), AGENCY_KEY)
    with pytest.raises(SignatureError) as caught:
        SignedStatement(unnamed.statement, (*unnamed.signatures, extra)).check()
    assert caught.value.code == "undeclared-cosigner"
    # Refused where the signature is added, too: a co-signer is named before anyone signs.
    with pytest.raises(DecodeError) as refused:
        unnamed.cosign(stranger, "witness")
    assert refused.value.code == "undeclared-cosigner"
    with pytest.raises(DecodeError):
        SignedStatement.sign(replace(full_statement(), cosigners=NAMED), AGENCY_KEY).cosign(NOTARY, "notary")


COSIGNER_ROLES = st.sampled_from(["official", "reviewer", "approver", "notary", "witness", "supervisor", "x-clerk"])


@settings(max_examples=25, deadline=None)
@given(st.lists(COSIGNER_ROLES, max_size=4), st.data())
def test_any_named_cosigners_round_trip_and_only_their_signatures_in_order_pass(roles, data):
    keys = [SM2PrivateKey.generate() for _ in roles]
    named = tuple(Cosigner.of(key, role) for key, role in zip(keys, roles, strict=True))
    statement = replace(full_statement(), cosigners=named)
    assert Statement.from_cbor(statement.to_cbor()) == statement
    signed = SignedStatement.sign(statement, AGENCY_KEY)
    for key, role in zip(keys, roles, strict=True):
        signed = signed.cosign(key, role)
    signed.check()
    order = data.draw(st.permutations(range(len(roles))))
    kept = data.draw(st.integers(0, len(roles)))
    cosignatures = [signed.signatures[1 + i] for i in order][:kept]
    altered = SignedStatement(statement, (signed.signatures[0], *cosignatures))
    if list(order[:kept]) == list(range(len(roles))):
        altered.check()  # all of them, in the order named: the only set of signatures that passes
    else:
        with pytest.raises(SignatureError):
            altered.check()


@pytest.mark.parametrize(
    ("cosigners", "message"),
    [
        ([], "omitted rather than empty"),
        ([{"role": "agency", "key": b"\x01" * 32}], "not the agency"),
        ([{"role": "janitor", "key": b"\x01" * 32}], "not registered"),
        ([{"role": "notary", "key": b"\x01" * 31}], "32 bytes"),
        ([{"role": "notary", "key": b"\x01" * 32}, {"role": "witness", "key": b"\x01" * 32}], "one key twice"),
        ([{"role": "notary", "key": bytes([i]) * 32} for i in range(8)], "at most 7"),
        ([{"role": "notary"}], "missing"),
        ([{"role": "notary", "key": b"\x01" * 32, "name": "x"}], "unknown"),
        ({"role": "notary"}, "must be an array"),
    ],
)
def test_malformed_cosigner_lists_are_refused(cosigners, message):
    value = full_statement().to_value() | {"cosigners": cosigners}
    with pytest.raises(DecodeError, match=message):
        Statement.from_cbor(cbor.encode(value))


def test_signature_problems_are_named():
    statement = full_statement()
    with pytest.raises(DecodeError, match="not the key id"):
        SignedStatement.sign(statement, SM2PrivateKey.generate())
    signed = SignedStatement.sign(statement, AGENCY_KEY)
    with pytest.raises(SignatureError) as caught:
        SignedStatement(statement, ()).check()
    assert caught.value.code == "missing-agency-signature"
    as_own_cosigner = replace(statement, cosigners=(Cosigner.of(AGENCY_KEY, "official"),))
    with pytest.raises(SignatureError) as caught:
        SignedStatement.sign(as_own_cosigner, AGENCY_KEY).cosign(AGENCY_KEY, "official").check()
    assert caught.value.code == "duplicate-signer"
    agency_signature = signed.signatures[0]
    as_official = Signature("official", agency_signature.public_key, agency_signature.value)
    with pytest.raises(SignatureError) as caught:
        SignedStatement(statement, (as_official,)).check()
    assert caught.value.code == "missing-agency-signature"
    with pytest.raises(DecodeError, match="not registered"):
        Cosigner.of(SM2PrivateKey.generate(), "janitor")


# Batch envelopes


def test_a_batch_header_and_each_of_its_statements_name_the_same_cosigners():
    """The co-signers sign the header once; each statement names them too, so that the log, which holds the
    statements and not the header, anchors who co-signed each record."""
    statements = [replace(statement_for(AGENCY_KEY, b"record %d" % i), cosigners=NAMED[:1]) for i in range(5)]
    envelope = BatchEnvelope.build(statements, AGENCY_KEY, time=5, cosigners=NAMED[:1]).cosign(OFFICIAL, "official")
    header, _ = BatchEnvelope.from_cbor(envelope.to_cbor()).check()
    assert header.cosigners == NAMED[:1]
    for proof, statement in zip(envelope.proofs(), statements, strict=True):
        proof.check(statement.to_cbor())
    with pytest.raises(SignatureError) as caught:
        BatchEnvelope(envelope.header, envelope.signatures[:1], envelope.statements).check()
    assert caught.value.code == "missing-cosignature"
    with pytest.raises(SignatureError) as caught:
        replace(envelope.proofs()[0], signatures=envelope.signatures[:1]).check(statements[0].to_cbor())
    assert caught.value.code == "missing-cosignature"
    with pytest.raises(DecodeError) as refused:
        envelope.cosign(NOTARY, "notary")  # the header names no notary
    assert refused.value.code == "undeclared-cosigner"
    for named in ((), NAMED):  # statements naming none, or others, than the header
        other = [replace(s, cosigners=named) for s in statements]
        with pytest.raises(BatchError) as refused_batch:
            BatchEnvelope.build(other, AGENCY_KEY, time=5, cosigners=NAMED[:1])
        assert refused_batch.value.code == "cosigners-in-batch"


def test_a_header_made_later_cannot_change_the_cosigners_a_record_names():
    """Whoever holds the agency's key can sign a new header over a logged statement. Over one naming its
    co-signers, a header naming others fails; over one naming none (as records did before statements named their
    batch's co-signers), the proof holds, and verifiers count none of the header's co-signers."""

    def rewrapped(statement):
        header = BatchHeader(
            agency=statement.agency, key=statement.key, root=leaf_hash(statement.to_cbor()), size=1, time=5,
            cosigners=NAMED[1:],
        ).to_cbor()  # fmt: skip
        signatures = (Signature.create(AGENCY_KEY, header, "agency"), Signature.create(NOTARY, header, "notary"))
        return BatchProof(header, signatures, 0, ())

    reviewed = replace(statement_for(AGENCY_KEY, b"logged with its official"), cosigners=NAMED[:1])
    with pytest.raises(BatchError) as caught:
        rewrapped(reviewed).check(reviewed.to_cbor())
    assert caught.value.code == "cosigners-in-batch"
    unnamed = statement_for(AGENCY_KEY, b"logged without co-signers")
    assert rewrapped(unnamed).check(unnamed.to_cbor()).cosigners == NAMED[1:]  # verifies; not counted (vectors)
    with pytest.raises(BatchError) as refused:  # and no new batch is built so
        BatchEnvelope.build([unnamed], AGENCY_KEY, time=5, cosigners=NAMED[1:])
    assert refused.value.code == "cosigners-in-batch"


def test_batch_envelope_round_trip_and_proofs():
    statements = [statement_for(AGENCY_KEY, b"record %d" % i) for i in range(100)]
    envelope = BatchEnvelope.build(statements, AGENCY_KEY, time=5)
    header, parsed = BatchEnvelope.from_cbor(envelope.to_cbor()).check()
    assert header.size == 100 and parsed == statements
    for proof, statement in zip(envelope.proofs(), statements, strict=True):
        assert proof.check(statement.to_cbor()).root == header.root


def test_batch_envelope_problems():
    statements = [statement_for(AGENCY_KEY, b"record %d" % i) for i in range(3)]
    envelope = BatchEnvelope.build(statements, AGENCY_KEY, time=5)
    with pytest.raises(BatchError, match="twice"):
        BatchEnvelope(envelope.header, envelope.signatures, (*envelope.statements[:2], envelope.statements[0])).parse()
    with pytest.raises(BatchError, match="says 3"):
        BatchEnvelope(envelope.header, envelope.signatures, envelope.statements[:2]).parse()
    other = statement_for(AGENCY_KEY, b"other")
    with pytest.raises(BatchError, match="root"):
        BatchEnvelope(envelope.header, envelope.signatures, (*envelope.statements[:2], other.to_cbor())).parse()
    foreign = statement_for(SM2PrivateKey.generate(), b"foreign")
    with pytest.raises(BatchError, match="agency/key"):
        BatchEnvelope.build([*statements, foreign], AGENCY_KEY, time=5)
    with pytest.raises(SignatureError):
        BatchEnvelope(envelope.header, (), envelope.statements).check()
    with pytest.raises(BatchError):
        BatchEnvelope.build([], AGENCY_KEY, time=5)
    assert MAX_BATCH_SIZE == 10_000


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_envelope_decoder_fuzz(data):
    with contextlib.suppress(DecodeError):
        BatchEnvelope.from_cbor(data).parse()


# Evidence IDs


@given(st.sampled_from(["DEV", "GZ01", "BJ", "ZZZZZZZZ"]), st.integers(0, 2**64 - 1))
def test_evidence_id_round_trip(chain, index):
    evidence_id = EvidenceId(chain, index)
    text = str(evidence_id)
    assert EvidenceId.parse(text) == evidence_id
    assert EvidenceId.parse(text.lower()) == evidence_id
    assert EvidenceId.parse(f"  {text}\n") == evidence_id


@given(
    st.sampled_from(["DEV", "GZ01", "ZZZZZZZZ"]),
    st.one_of(st.integers(0, 2**31), st.sampled_from([0, 1023, 1024, 2**20 - 1, 2**20, 2**30 - 1, 2**30])),
)
def test_fast_id_formatting_is_the_definition(chain, index):
    symbols = encode_base32(index).rjust(6, "0")
    check = check_value(chain, symbols)
    assert format_evidence_id(chain, index) == f"{chain}-{symbols}-{CROCKFORD[check // 32]}{CROCKFORD[check % 32]}"


@given(
    st.sampled_from(["DEV", "GZ01", "ZZZZZZZZ"]),
    st.lists(st.one_of(st.integers(0, 2**64 - 1), st.integers(2**30 - 3, 2**30 + 3), st.integers(0, 2**20))),
)
def test_formatting_many_ids_is_formatting_each(chain, indexes):
    assert format_evidence_ids(chain, indexes) == [format_evidence_id(chain, i) for i in indexes]


@given(st.integers(0, 10**9), st.data())
def test_every_single_substitution_and_adjacent_swap_is_detected(index, data):
    text = str(EvidenceId("DEV", index))
    symbols = [i for i, c in enumerate(text) if c != "-"]
    position = data.draw(st.sampled_from(symbols))
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if position < 3 else CROCKFORD
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != text[position]]))
    substituted = text[:position] + replacement + text[position + 1 :]
    _assert_not_another_record(substituted, index)
    if position + 1 < len(text) and text[position + 1] != "-" and text[position] != text[position + 1]:
        swapped = text[:position] + text[position + 1] + text[position] + text[position + 2 :]
        _assert_not_another_record(swapped, index)


def _assert_not_another_record(text: str, index: int) -> None:
    try:
        parsed = EvidenceId.parse(text)
    except EvidenceIdError:
        return
    pytest.fail(f"{text} resolved to {parsed} instead of being reported as mistyped (was leaf {index})")


@pytest.mark.parametrize("index", [2**64, 2**65 - 1])
def test_an_index_past_64_bits_is_malformed_even_with_good_check_symbols(index):
    text = format_evidence_id("DEV", index)  # 13 symbols spell up to 2**65 - 1
    with pytest.raises(EvidenceIdError, match="out of range") as refused:
        EvidenceId.parse(text)
    assert not isinstance(refused.value, EvidenceIdChecksumError)
    with pytest.raises(EvidenceIdError):
        EvidenceId("DEV", index)


def test_mistyped_is_distinguished_from_malformed():
    good = str(EvidenceId("DEV", 123456))
    typo = good[:5] + ("A" if good[5] != "A" else "B") + good[6:]
    with pytest.raises(EvidenceIdChecksumError, match="typo"):
        EvidenceId.parse(typo)
    for garbage in (
        "",
        "DEV",
        "DEV-0-00",
        "DEV-00000U-00",
        "D-000000-00",
        "DEV-000000-000",
        "中文-000000-00",
        "DEV_000000_00",
    ):
        with pytest.raises(EvidenceIdError) as caught:
            EvidenceId.parse(garbage)
        assert caught.value.code == "bad-evidence-id"
    assert EvidenceId.parse(good.replace("0", "O")) == EvidenceId("DEV", 123456)


# Genesis


def test_genesis_hash_ignores_formatting_but_not_content():
    genesis = make_genesis([SM2PrivateKey.generate()])
    reformatted = Genesis.from_json(json.dumps(genesis.document, sort_keys=True, indent=None))
    assert reformatted.hash == genesis.hash
    changed = dict(genesis.document, name="another")
    assert Genesis.from_document(changed).hash != genesis.hash
    assert Genesis.from_document(dict(genesis.document, x=2**64 - 1, y=[-(2**64)]))  # the widest CBOR integers
    for huge in (2**64, -(2**64) - 1, [1, {"deep": 2**70}]):
        with pytest.raises(GenesisError, match="integer outside"):  # a bignum tag: the browser refuses it too
            Genesis.from_document(dict(genesis.document, x=huge))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"format": "tiezheng-genesis"}',
        '{"format": "tiezheng-genesis", "version": 1, "chain_id": 1, "chain_code": "DEV", "time": 1, "validators": []}',
        '{"format": "tiezheng-genesis", "version": 1, "chain_id": 1.5, "chain_code": "DEV", "time": 1,'
        ' "validators": []}',
        '{"format": "tiezheng-genesis", "version": 1, "chain_id": 1, "chain_code": "dev", "time": 1, "validators": []}',
        '{"format": "tiezheng-genesis", "version": 2}',
        '{"format": "tiezheng-genesis", "format": "tiezheng-genesis"}',
        '{"format": "tiezheng-genesis", "version": 1, "chain_id": 1, "chain_code": "DEV", "time": 1,'
        ' "validators": [{"public_key": "04"}]}',
    ],
)
def test_bad_genesis_files(text):
    with pytest.raises(GenesisError):
        Genesis.from_json(text)


def test_a_genesis_reads_as_the_browsers_verifier_reads_it(tmp_path):
    genesis = make_genesis([SM2PrivateKey(7)])
    text = genesis.to_json().decode()
    assert Genesis.from_json(b"\xef\xbb\xbf" + text.encode()).hash == genesis.hash  # a byte order mark passed over
    key = genesis.document["validators"][0]["public_key"]
    for changed in (text.replace('"version": 1', '"version": true'), text.replace(key, key[:8] + " " + key[8:])):
        assert changed != text
        with pytest.raises(GenesisError):
            Genesis.from_json(changed)
    endless = tmp_path / "endless"
    endless.write_bytes(b" " * (5 * 1024 * 1024))
    with pytest.raises(GenesisError, match="too large"):
        Genesis.load(endless)  # read no further than the limit (/dev/zero would never end)


def test_validator_set_quorum():
    from tiezheng.genesis import Validator, ValidatorSet

    for n, quorum in ((1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (7, 5), (10, 7)):
        keys = [SM2PrivateKey(i + 1).public_key() for i in range(n)]
        assert ValidatorSet(tuple(Validator(str(i), k) for i, k in enumerate(keys))).quorum == quorum


@settings(max_examples=300)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text() | st.binary(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=20,
    )
)
def test_cbor_round_trip_of_plain_values(value):
    try:
        encoded = cbor.encode(value)
    except Exception:
        return
    try:
        assert cbor.decode(encoded, max_size=1 << 20) == value
    except DecodeError as exc:
        # Only what the format forbids may fail: integers beyond 64 bits (tagged bignums) or deep nesting.
        assert exc.code == "bad-cbor"


def test_large_inputs_leave_nothing_behind_in_the_key_layout_memo():
    from tiezheng.cbor import _memo_key_sequence_in_order as memo

    memo.cache_clear()
    for n in range(5):
        huge = cbor2.dumps({f"{n}-{i:06d}": i for i in range(2_000)})  # ~20 KiB, one layout each
        with pytest.raises(DecodeError):
            Statement.from_cbor(huge)  # too large for a statement: refused before decoding
        assert cbor.decode(huge, max_size=1 << 20) is not None
    assert memo.cache_info().currsize == 0
    cbor.decode(full_statement().to_cbor(), max_size=4096)
    assert memo.cache_info().currsize == 2  # the statement's map and its meta map


def test_the_invisible_characters_are_unicodes_control_and_format_ones():
    import sys
    import unicodedata

    from tiezheng.schema import INVISIBLE

    for code_point in range(sys.maxunicode + 1):
        character = chr(code_point)
        category = unicodedata.category(character)
        if category in ("Cc", "Cf"):
            assert INVISIBLE.match(character), f"U+{code_point:04X} ({category}) is not refused"
        elif INVISIBLE.match(character):
            assert category == "Cn", f"U+{code_point:04X} ({category}) is refused"  # unassigned before Unicode 15
