"""REST /v1 against a real node process: the happy paths, and bad input on every endpoint."""

from __future__ import annotations

import base64
import os
import socket
import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiezheng.batch import BatchEnvelope
from tiezheng.evidence_id import EvidenceId
from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.receipt import Receipt
from tiezheng.signed_statement import SignedStatement
from tiezheng.verifier import verify_receipt

CBOR = {"content-type": "application/cbor"}


def post_cbor(node, path: str, data: bytes, **params) -> httpx.Response:
    return httpx.post(node.url + path, content=data, headers=CBOR, params=params, timeout=60)


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body


@pytest.fixture(scope="module")
def genesis(dev_node) -> Genesis:
    return Genesis.load(dev_node.data_dir / "genesis.json")


@pytest.fixture(scope="module")
def proven(dev_node, agency):
    """One record anchored and proven, shared by the read tests."""
    response = post_cbor(dev_node, "/v1/evidence", agency.signed(b"shared record").to_cbor(), wait="true")
    assert response.status_code == 200 and response.json()["status"] == "proven"
    return response.json()


# Submitting


def test_submit_cbor_then_json_duplicate(dev_node, agency, genesis):
    signed = agency.signed("现场执法记录".encode())
    first = post_cbor(dev_node, "/v1/evidence", signed.to_cbor(), wait="true")
    assert first.status_code == 200
    body = first.json()
    assert body["new"] is True and body["status"] == "proven" and body["statement_hash"] == signed.statement.hash.hex()
    receipt = Receipt.from_cbor(base64.b64decode(body["receipt"]))
    assert verify_receipt(receipt, genesis, digest=sm3("现场执法记录".encode())).valid
    again = httpx.post(
        dev_node.url + "/v1/evidence", json={"signed_statement": base64.b64encode(signed.to_cbor()).decode()}
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["new"] is False


def test_submit_without_wait_is_accepted_with_a_reserved_id(dev_node, agency):
    response = post_cbor(dev_node, "/v1/evidence", agency.signed(b"no wait").to_cbor())
    assert response.status_code in (200, 202)
    EvidenceId.parse(response.json()["id"])


def test_batch_envelope_and_signed_list(dev_node, agency, genesis):
    statements = [agency.statement(b"env %d" % i) for i in range(200)]
    envelope = BatchEnvelope.build(statements, agency.key, time=1)
    response = post_cbor(dev_node, "/v1/evidence/batch", envelope.to_cbor(), wait="true")
    assert response.status_code == 200
    body = response.json()
    assert body["new"] == 200 and body["status"] == "proven" and len(body["ids"]) == 200
    assert body["fresh"] == [True] * 200
    assert body["indexes"] == list(range(body["indexes"][0], body["indexes"][0] + 200))
    overlapping = BatchEnvelope.build([statements[7], agency.statement(b"env new"), statements[3]], agency.key, time=2)
    again = post_cbor(dev_node, "/v1/evidence/batch", overlapping.to_cbor()).json()
    assert again["fresh"] == [False, True, False] and again["new"] == 1
    assert [again["ids"][0], again["ids"][2]] == [body["ids"][7], body["ids"][3]]
    listed = [base64.b64encode(agency.signed(b"listed %d" % i).to_cbor()).decode() for i in range(5)]
    response = httpx.post(dev_node.url + "/v1/evidence/batch", json={"statements": listed}, params={"wait": "true"})
    assert response.status_code == 200 and response.json()["new"] == 5 and response.json()["fresh"] == [True] * 5
    receipt = httpx.get(dev_node.url + f"/v1/evidence/{body['ids'][123]}/receipt").content
    assert verify_receipt(Receipt.from_cbor(receipt), genesis, digest=sm3(b"env 123")).valid


# Reading


def test_get_record_receipt_and_search(dev_node, proven, agency):
    record = httpx.get(dev_node.url + f"/v1/evidence/{proven['id']}").json()
    assert record["status"] == "proven" and record["statement"]["agency"] == agency.code
    assert record["signers"][0]["role"] == "agency" and record["block"]["height"] >= 1
    as_json = httpx.get(dev_node.url + f"/v1/evidence/{proven['id']}/receipt", params={"format": "json"})
    assert as_json.headers["content-type"].startswith("application/json")
    assert Receipt.from_json(as_json.text).evidence_id == proven["id"]
    by_accept = httpx.get(dev_node.url + f"/v1/evidence/{proven['id']}/receipt", headers={"accept": "application/json"})
    assert by_accept.headers["content-type"].startswith("application/json")
    cbor = httpx.get(dev_node.url + f"/v1/evidence/{proven['id']}/receipt")
    assert (
        cbor.headers["content-type"] == "application/cbor"
        and Receipt.from_cbor(cbor.content).leaf_index == proven["index"]
    )
    found = httpx.get(dev_node.url + "/v1/evidence", params={"digest": sm3(b"shared record").hex()}).json()
    assert [i["id"] for i in found["items"]] == [proven["id"]]
    page = httpx.get(dev_node.url + "/v1/evidence", params={"agency": agency.code, "limit": 2, "order": "asc"}).json()
    assert len(page["items"]) == 2 and page["next"] is not None
    following = httpx.get(
        dev_node.url + "/v1/evidence",
        params={"agency": agency.code, "limit": 2, "order": "asc", "cursor": page["next"]},
    ).json()
    assert following["items"][0]["index"] > page["items"][1]["index"]
    timed = httpx.get(
        dev_node.url + "/v1/evidence", params={"from": "2000-01-01T00:00:00Z", "to": "2999-01-01T00:00:00+08:00"}
    )
    assert timed.status_code == 200 and timed.json()["items"]


def test_log_blocks_registry(dev_node, proven, genesis):
    head = httpx.get(dev_node.url + "/v1/log/head").json()
    assert head["size"] > proven["index"] and head["seals"][0]["name"] == "dev-validator"
    inclusion = httpx.get(dev_node.url + "/v1/log/proof/inclusion", params={"id": proven["id"]}).json()
    from tiezheng.merkle import verify_inclusion

    assert verify_inclusion(
        bytes.fromhex(inclusion["leaf_hash"]),
        inclusion["index"],
        inclusion["size"],
        [bytes.fromhex(h) for h in inclusion["proof"]],
        bytes.fromhex(inclusion["root"]),
    )
    consistency = httpx.get(dev_node.url + "/v1/log/proof/consistency", params={"old": 1}).json()
    from tiezheng.merkle import verify_consistency

    assert verify_consistency(
        1,
        consistency["new_size"],
        bytes.fromhex(consistency["old_root"]),
        bytes.fromhex(consistency["new_root"]),
        [bytes.fromhex(h) for h in consistency["proof"]],
    )
    blocks = httpx.get(dev_node.url + "/v1/blocks", params={"limit": 3}).json()["items"]
    assert blocks[0]["height"] == head["height"] and blocks[0]["log_size"] == head["size"]
    one = httpx.get(dev_node.url + "/v1/blocks/1").json()
    assert one["height"] == 1 and one["parent"] == genesis.hash.hex()
    assert httpx.get(dev_node.url + "/v1/agencies").json()[0]["active"] is True
    assert httpx.get(dev_node.url + "/v1/validators").json()[0]["name"] == "dev-validator"
    assert httpx.get(dev_node.url + "/v1/genesis").json()["hash"] == genesis.hash.hex()
    health = httpx.get(dev_node.url + "/healthz").json()
    assert health["log_size"] == head["size"] or health["log_size"] > head["size"]
    metrics = httpx.get(dev_node.url + "/metrics").text
    assert "tiezheng_records_committed_total" in metrics and "tiezheng_pending_records" in metrics
    accepted = {
        line.split("{")[1].split("}")[0]: float(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith("tiezheng_records_accepted_total{")
    }
    assert accepted.get('endpoint="evidence"', 0) >= 1, accepted  # the shared record, at least
    # A dev node's digest index is tiny: it is in memory within moments of start-up.
    deadline = time.monotonic() + 10
    while "tiezheng_digest_filter_ready 1.0" not in metrics and time.monotonic() < deadline:
        time.sleep(0.1)
        metrics = httpx.get(dev_node.url + "/metrics").text
    assert "tiezheng_digest_filter_ready 1.0" in metrics


def test_openapi_is_complete(dev_node):
    document = httpx.get(dev_node.url + "/openapi.json").json()
    for path in (
        "/v1/evidence", "/v1/evidence/batch", "/v1/evidence/{evidence_id}", "/v1/evidence/{evidence_id}/receipt",
        "/v1/log/head", "/v1/log/proof/inclusion", "/v1/log/proof/consistency", "/v1/blocks", "/v1/blocks/{height}",
        "/v1/agencies", "/v1/validators", "/v1/genesis", "/healthz", "/metrics", "/rpc",
        "/v1/admin/agencies", "/v1/admin/agencies/{code}/revoke",
    ):  # fmt: skip
        assert path in document["paths"], path
        for method, operation in document["paths"][path].items():
            assert operation.get("summary"), (path, method)
    submit = document["paths"]["/v1/evidence"]["post"]
    assert set(submit["requestBody"]["content"]) == {"application/cbor", "application/json"}
    assert {"400", "403", "409", "413", "422", "429", "503"} <= set(submit["responses"])  # a process step's too
    assert "SignedStatementBody" in document["components"]["schemas"]
    batch = document["components"]["schemas"]["BatchSubmitted"]
    assert "fresh" in batch["required"] and batch["properties"]["fresh"]["items"]["type"] == "boolean"
    docs = httpx.get(dev_node.url + "/docs")
    assert docs.status_code == 200 and "/static/swagger-ui-bundle.js" in docs.text
    assert "https://" not in docs.text  # no CDN: the API docs work on a closed network
    assert httpx.get(dev_node.url + "/static/swagger-ui-bundle.js").status_code == 200
    assert httpx.get(dev_node.url + "/redoc").status_code == 404


# Bad input, endpoint by endpoint


def test_bad_submissions(dev_node, agency):
    assert_error(
        httpx.post(dev_node.url + "/v1/evidence", content=b"x", headers={"content-type": "text/plain"}),
        415,
        "unsupported-media-type",
    )
    assert_error(post_cbor(dev_node, "/v1/evidence", b""), 400, "bad-cbor")
    random = post_cbor(dev_node, "/v1/evidence", os.urandom(200))
    assert random.status_code == 400 and random.json()["error"]["code"] in (
        "bad-cbor",
        "non-canonical-cbor",
        "bad-field",
    )
    assert_error(post_cbor(dev_node, "/v1/evidence", b"\xa0"), 400, "missing-field")
    assert_error(post_cbor(dev_node, "/v1/evidence", b"x" * 70_000), 413, "too-large")
    assert_error(httpx.post(dev_node.url + "/v1/evidence", json={"wrong": 1}), 400, "invalid-request")
    assert_error(httpx.post(dev_node.url + "/v1/evidence", json={"signed_statement": "!!!"}), 400, "invalid-request")
    # A key twice: refused, as the same map is in CBOR, rather than read as its last value.
    valid = base64.b64encode(agency.signed(b"twice").to_cbor()).decode()
    twice = f'{{"signed_statement": "AAAA", "signed_statement": "{valid}"}}'.encode()
    body = assert_error(
        httpx.post(dev_node.url + "/v1/evidence", content=twice, headers={"content-type": "application/json"}),
        400,
        "invalid-request",
    )
    assert "duplicate key" in body["error"]["message"]
    assert_error(
        httpx.post(dev_node.url + "/v1/evidence", content=b"{not json", headers={"content-type": "application/json"}),
        400,
        "invalid-request",
    )
    assert_error(
        post_cbor(dev_node, "/v1/evidence", agency.signed(b"x").to_cbor(), timeout="0"), 400, "invalid-request"
    )
    assert_error(
        post_cbor(dev_node, "/v1/evidence", agency.signed(b"x").to_cbor(), wait="maybe"), 400, "invalid-request"
    )
    stranger = SM2PrivateKey.generate()
    unknown = SignedStatement.sign(
        agency.statement(b"x").__class__(
            kind="permit", digest=sm3(b"x"), agency="NOBODY-001", key=stranger.public_key().key_id, time=1
        ),
        stranger,
    )
    assert_error(post_cbor(dev_node, "/v1/evidence", unknown.to_cbor()), 403, "unknown-agency")
    wrong_key = SignedStatement.sign(
        agency.statement(b"x").__class__(
            kind="permit", digest=sm3(b"x"), agency=agency.code, key=stranger.public_key().key_id, time=1
        ),
        stranger,
    )
    assert_error(post_cbor(dev_node, "/v1/evidence", wrong_key.to_cbor()), 403, "wrong-agency-key")
    good = agency.signed(b"tamper me")
    bad_sig = SignedStatement(
        good.statement,
        (
            type(good.signatures[0])(
                "agency", good.signatures[0].public_key, agency.signed(b"other").signatures[0].value
            ),
        ),
    )
    assert_error(post_cbor(dev_node, "/v1/evidence", bad_sig.to_cbor()), 400, "bad-agency-signature")


def test_bad_batches(dev_node, agency):
    assert_error(httpx.post(dev_node.url + "/v1/evidence/batch", json={}), 400, "invalid-request")
    both = {"envelope": "AA==", "statements": ["AA=="]}
    assert_error(httpx.post(dev_node.url + "/v1/evidence/batch", json=both), 400, "invalid-request")
    assert_error(httpx.post(dev_node.url + "/v1/evidence/batch", json={"statements": []}), 400, "batch-size")
    listed = {
        "statements": [base64.b64encode(agency.signed(b"ok").to_cbor()).decode(), base64.b64encode(b"junk").decode()]
    }
    body = assert_error(httpx.post(dev_node.url + "/v1/evidence/batch", json=listed), 400, "bad-cbor")
    assert body["error"]["message"].startswith("statement 1:")
    assert post_cbor(dev_node, "/v1/evidence/batch", os.urandom(500)).status_code == 400
    statements = [agency.statement(b"r %d" % i) for i in range(3)]
    envelope = BatchEnvelope.build(statements, agency.key, time=1)
    forged = BatchEnvelope(
        envelope.header, envelope.signatures, (*envelope.statements[:2], agency.statement(b"swapped").to_cbor())
    )
    assert_error(post_cbor(dev_node, "/v1/evidence/batch", forged.to_cbor()), 400, "bad-batch-root")
    unsigned = BatchEnvelope(envelope.header, (), envelope.statements)
    assert_error(post_cbor(dev_node, "/v1/evidence/batch", unsigned.to_cbor()), 400, "missing-agency-signature")
    too_many = {"statements": ["AA=="] * 10_001}  # the code of an empty list, and of an envelope too large
    assert_error(httpx.post(dev_node.url + "/v1/evidence/batch", json=too_many, timeout=60), 400, "batch-size")


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/v1/evidence/garbage", 400, "bad-evidence-id"),
        ("/v1/evidence/DEV-000000-00", 400, "evidence-id-checksum"),
        (f"/v1/evidence/{EvidenceId('OTHER', 1)}", 404, "wrong-chain"),
        (f"/v1/evidence/{EvidenceId('DEV', 999_999)}", 404, "not-found"),
        (f"/v1/evidence/{EvidenceId('DEV', 999_999)}/receipt", 404, "not-found"),
        ("/v1/evidence/DEV-000000-00/receipt", 400, "evidence-id-checksum"),
        ("/v1/evidence?digest=zz", 400, "invalid-request"),
        ("/v1/evidence?digest=00", 400, "invalid-request"),
        ("/v1/evidence?digest=" + "ab " * 32, 400, "invalid-request"),  # bytes.fromhex would read it
        ("/v1/evidence?subject=" + "0" * 63, 400, "invalid-request"),
        ("/v1/evidence?from=yesterday", 400, "invalid-request"),
        ("/v1/evidence?from=2026-01-01T00:00:00", 400, "invalid-request"),
        ("/v1/evidence?cursor=abc", 400, "invalid-request"),
        ("/v1/evidence?limit=0", 400, "invalid-request"),
        ("/v1/evidence?limit=5000", 400, "invalid-request"),
        ("/v1/evidence?order=sideways", 400, "invalid-request"),
        ("/v1/evidence?kind=Not+A+Kind", 400, "invalid-request"),
        ("/v1/evidence?agency=%E6%9C%BA%E6%9E%84", 400, "invalid-request"),
        ("/v1/log/proof/inclusion", 400, "invalid-request"),
        ("/v1/log/proof/inclusion?index=0&id=DEV-000000-9H", 400, "invalid-request"),
        ("/v1/log/proof/inclusion?index=99999999", 400, "out-of-range"),
        ("/v1/log/proof/inclusion?index=-1", 400, "invalid-request"),
        ("/v1/log/proof/inclusion?index=0&size=99999999", 400, "out-of-range"),
        ("/v1/log/proof/consistency", 400, "invalid-request"),
        ("/v1/log/proof/consistency?old=0", 400, "invalid-request"),
        ("/v1/log/proof/consistency?old=99999999", 400, "out-of-range"),
        ("/v1/blocks/0", 404, "not-found"),
        ("/v1/blocks/99999999", 404, "not-found"),
        ("/v1/blocks/abc", 400, "invalid-request"),
        ("/v1/blocks?limit=0", 400, "invalid-request"),
        ("/v1/blocks?before=x", 400, "invalid-request"),
        ("/v1/nowhere", 404, "no-endpoint"),
        ("/rpc/v1/evidence/DEV-000000-9H", 404, "no-endpoint"),  # a client given the JSON-RPC URL as the base
        ("/v1/evidence/DEV-0004W8-68", 404, "not-found"),  # a route, and no such record
        # Unicode digits pass str.isdigit but not int(); heights past 2**63 do not fit a store key.
        ("/v1/evidence?cursor=%C2%B2", 400, "invalid-request"),
        ("/v1/evidence?cursor=1234567890123456789", 400, "invalid-request"),
        ("/v1/evidence?from=%C2%B2", 400, "invalid-request"),
        ("/v1/evidence?to=%D9%A3", 400, "invalid-request"),
        ("/v1/blocks/18446744073709551616", 400, "invalid-request"),
        ("/v1/blocks?before=18446744073709551616", 400, "invalid-request"),
        ("/v1/log/proof/inclusion?index=18446744073709551616", 400, "invalid-request"),
        ("/v1/log/proof/consistency?old=1&new=18446744073709551616", 400, "invalid-request"),
        ("/v1/matters?cursor=%D9%A3", 400, "invalid-request"),
        ("/v1/alerts?cursor=99999999999999999999", 400, "invalid-request"),
        # int() reads these as numbers; a URL's numbers are ASCII digits, nothing else.
        ("/v1/blocks/1_0", 400, "invalid-request"),
        ("/v1/blocks/-1", 400, "invalid-request"),
        ("/v1/log/proof/inclusion?index=%201", 400, "invalid-request"),
        ("/v1/evidence?limit=%2B5", 400, "invalid-request"),
        ("/v1/alerts?limit=%D9%A3", 400, "invalid-request"),
        ("/v1/reports/agency?from=%C2%B2", 400, "invalid-request"),
    ],
)
def test_bad_reads(dev_node, proven, path, status, code):
    assert_error(httpx.get(dev_node.url + path), status, code)


def test_bad_admin_requests(dev_node, agency):
    from eth_account import Account

    from tiezheng.cli.admin import _calldata

    url = dev_node.url + "/v1/admin/agencies"
    assert_error(httpx.post(url, json={"transaction": "nothex"}), 400, "invalid-request")
    for loose in ("0x 02 c0", "02c0", "0x2c0", "0x"):  # 0x and whole bytes of hex, nothing else
        assert_error(httpx.post(url, json={"transaction": loose}), 400, "invalid-request")
    # A code never registered is refused before a transaction is mined (and an admin nonce used up).
    assert_error(httpx.post(url + "/%00/revoke", json={"transaction": "0xdeadbeef"}), 404, "unknown-agency")
    assert_error(httpx.post(url, json={"transaction": "0xdeadbeef"}), 400, "invalid-transaction")
    assert_error(httpx.post(url, json={}), 400, "invalid-request")
    admin = Account.from_key(dev_node.accounts()["admin"]["evm_private_key"])
    nonce = int(dev_node.rpc("eth_getTransactionCount", admin.address, "pending"), 16)

    def signed(account, to: str, data: bytes) -> str:
        transaction = {
            "chainId": 7301,
            "nonce": nonce,
            "gas": 500_000,
            "maxFeePerGas": 0,
            "maxPriorityFeePerGas": 0,
            "to": to,
            "data": data,
            "type": 2,
        }
        return "0x" + bytes(account.sign_transaction(transaction).raw_transaction).hex()

    from tiezheng.gm import SM2PrivateKey

    point = SM2PrivateKey.generate().public_key().to_bytes()

    def registering(code: str, name: str, key: bytes = point) -> bytes:
        arguments = [code, name, key, "0x" + "22" * 20]
        return _calldata("register(string,string,bytes,address)", ["string", "string", "bytes", "address"], arguments)

    register = registering("C1", "n")
    assert_error(httpx.post(url, json={"transaction": signed(admin, "0x" + "33" * 20, register)}), 400, "wrong-call")
    # What no agency can be registered as: the registry would keep it, but it could never anchor, or its
    # name would read as another's. Refused before anything is submitted, whoever signed.
    registry = "0x0000000000000000000000000000000000007A01"
    for arguments, code in (
        (("bad code!", "n"), "bad-field"),
        (("C1", ""), "bad-field"),
        (("C1", "line\nbreak"), "bad-field"),
        (("C1", "某局\u202e局某"), "invisible-character"),
        (("C1", "n", b"\x04" + b"\x01" * 64), "bad-field"),
    ):
        assert_error(httpx.post(url, json={"transaction": signed(admin, registry, registering(*arguments))}), 400, code)
    assert_error(
        httpx.post(
            url, json={"transaction": signed(Account.create(), "0x0000000000000000000000000000000000007A01", register)}
        ),
        403,
        "not-admin",
    )
    revoke = _calldata("revoke(string)", ["string"], ["SOMEONE"])
    assert_error(
        httpx.post(
            dev_node.url + f"/v1/admin/agencies/{agency.code}/revoke",  # registered; the call revokes another
            json={"transaction": signed(admin, "0x0000000000000000000000000000000000007A01", revoke)},
        ),
        400,
        "wrong-call",
    )
    revoke_unknown = httpx.post(
        dev_node.url + "/v1/admin/agencies/SOMEONE/revoke",
        json={"transaction": signed(admin, "0x0000000000000000000000000000000000007A01", revoke)},
        timeout=60,
    )
    assert_error(revoke_unknown, 404, "unknown-agency")
    assert int(dev_node.rpc("eth_getTransactionCount", admin.address, "pending"), 16) == nonce  # nothing mined


def test_admin_bodies_in_cbor_and_their_limits(dev_node):
    from tiezheng import cbor

    url = dev_node.url + "/v1/admin/agencies"
    assert_error(post_cbor(dev_node, "/v1/admin/agencies", cbor.encode({"transaction": "0xdeadbeef"})), 400,
                 "invalid-transaction")  # fmt: skip
    assert_error(post_cbor(dev_node, "/v1/admin/agencies", cbor.encode({"transaction": 7})), 400, "invalid-request")
    assert_error(post_cbor(dev_node, "/v1/admin/agencies", cbor.encode(["0xdeadbeef"])), 400, "invalid-request")
    assert_error(post_cbor(dev_node, "/v1/admin/agencies", b"\xa1\x61"), 400, "bad-cbor")
    assert_error(httpx.post(url, content=b"transaction=0x", headers={"content-type": "text/plain"}), 415,
                 "unsupported-media-type")  # fmt: skip
    oversized = httpx.post(url, json={"transaction": "0x" + "00" * 40_000}, timeout=60)
    assert_error(oversized, 413, "too-large")
    webhook = {"url": "http://127.0.0.1:9/hook", "auth": {"signer": "0x" + "11" * 20, "time": 1, "signature": "0x"}}
    assert_error(post_cbor(dev_node, "/v1/webhooks", cbor.encode(webhook)), 403, "stale-signature")


DEEP_JSON = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "path",
    [
        "/v1/evidence",
        "/v1/evidence/batch",
        "/v1/admin/agencies",
        "/v1/admin/agencies/X/revoke",
        "/v1/webhooks",
        "/v1/alerts/DEV-000001-00/ack",
    ],
)
def test_deeply_nested_json_is_refused_not_fatal(dev_node, path):
    # The curve library py-evm imports raises the recursion limit to 100,000, deep enough
    # for the standard library's C parser to overflow the stack on this body.
    response = httpx.post(dev_node.url + path, content=DEEP_JSON, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert httpx.get(dev_node.url + "/healthz").json()["status"] == "ok"


def test_deeply_nested_json_rpc_is_a_parse_error(dev_node):
    response = httpx.post(dev_node.rpc_url, content=DEEP_JSON, headers={"content-type": "application/json"})
    assert response.json()["error"]["code"] == -32700
    assert httpx.get(dev_node.url + "/healthz").json()["status"] == "ok"


def test_openapi_documents_the_errors_the_node_sends(dev_node):
    document = httpx.get(dev_node.url + "/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            unprocessable = operation["responses"].get("422")  # only where the node sends one, in its own shape
            assert unprocessable is None or unprocessable["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorResponse"
            }, (path, method)
            if (operation.get("parameters") or operation.get("requestBody")) and path != "/rpc":
                assert "400" in operation["responses"], (path, method)  # JSON-RPC answers 200 with its error
            if method == "post" and path != "/rpc":
                assert set(operation["requestBody"]["content"]) == {"application/cbor", "application/json"}, path

    def refs(value):
        if isinstance(value, dict):
            yield from ([value["$ref"]] if "$ref" in value else [])
            for item in value.values():
                yield from refs(item)
        elif isinstance(value, list):
            for item in value:
                yield from refs(item)

    for ref in set(refs(document)):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=600), st.sampled_from(["/v1/evidence", "/v1/evidence/batch"]))
def test_fuzzed_bodies_get_clean_4xx(dev_node, body, path):
    response = post_cbor(dev_node, path, body)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"]


def test_a_content_length_that_is_no_number_is_a_bad_request(dev_node):
    with socket.create_connection(("127.0.0.1", dev_node.port), timeout=10) as connection:
        connection.sendall(
            b"POST /v1/evidence HTTP/1.1\r\nHost: x\r\nContent-Type: application/cbor\r\n"
            b"Content-Length: -1\r\nConnection: close\r\n\r\n"
        )
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]


def rejections(dev_node, code: str) -> float:
    prefix = f'tiezheng_submissions_rejected_total{{code="{code}"}} '
    found = [line for line in httpx.get(dev_node.url + "/metrics").text.splitlines() if line.startswith(prefix)]
    return float(found[0].removeprefix(prefix)) if found else 0.0


@pytest.mark.parametrize("path", ["/v1/evidence", "/rpc", "/v1/webhooks"])
def test_a_client_gone_mid_body_is_not_a_node_failure(dev_node, path):
    internal, gone = rejections(dev_node, "internal"), rejections(dev_node, "client-disconnected")
    with socket.create_connection(("127.0.0.1", dev_node.port), timeout=10) as connection:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        connection.sendall(head.encode() + b'{"a')
    if path == "/rpc":
        time.sleep(1)  # JSON-RPC answers in its own error shape and counts no rejection to wait for
    else:
        deadline = time.monotonic() + 10
        while rejections(dev_node, "client-disconnected") == gone and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rejections(dev_node, "client-disconnected") == gone + 1
    assert rejections(dev_node, "internal") == internal and "ClientDisconnect" not in dev_node.log()


@pytest.mark.parametrize("path", ["/healthz", "/v1/events", "/"])
def test_head_answers_at_once_even_for_the_event_stream(dev_node, path):
    started = time.monotonic()
    answer = httpx.head(dev_node.url + path, timeout=5)
    assert answer.status_code == 200 and answer.content == b"" and time.monotonic() - started < 3


def test_node_still_serves(dev_node):
    assert httpx.get(dev_node.url + "/healthz").json()["status"] == "ok"
