"""The SDK and the ``tiezheng`` command against a real HTTP server that answers what the API does not promise.

A proxy's HTML page sent with status 200, JSON cut short, a field missing, a field
of another type: each must reach the caller as BadResponseError (``bad-response``)
naming the request, and the command line as one line on standard error and exit
status 2, never a traceback.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiezheng import cbor
from tiezheng.bounded import AnswerTooLarge, node_client
from tiezheng.errors import TiezhengError
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import SM2PrivateKey
from tiezheng.responses import MAX_EXCERPT, ApiError, BadResponseError, NodeUnreachable, StreamEnded
from tiezheng.sdk import AsyncClient, Client, Digest, EvidenceRecord, MatterView
from tiezheng.signed_statement import SignedStatement

from .support.canned_http import CannedServer, canned_server
from .support.mutations import HOSTILE_JSON_VALUES, damaged_value
from .support.toychain import ToyChain, statement_for

TIEZHENG = str(Path(sys.executable).parent / "tiezheng")
ID = str(EvidenceId("TST", 5))
MATTER_ID = str(EvidenceId("TST", 2))
AGENCY = "91110000MA01TEST0X"
T0 = 1_780_000_000_000
HTML = b"<html>\n<head><title>200 OK</title></head>\n<body><h1>Welcome to nginx!</h1>" + b"<p>x</p>\n" * 100

RECORD: dict[str, Any] = {
    "id": ID,
    "index": 5,
    "status": "proven",
    "statement_hash": "ab" * 32,
    "statement": {
        "version": 1,
        "kind": "permit",
        "digest": "cd" * 32,
        "agency": AGENCY,
        "key": "ef" * 32,
        "time": T0,
        "stage": "受理",
        "subject": "01" * 32,
        "prev": None,
    },
    "signers": [{"role": "agency", "public_key": "04" + "00" * 64, "key_id": "ef" * 32}],
    "block": {"height": 3, "time": T0 + 1000, "hash": "12" * 32},
}
STEP: dict[str, Any] = {
    "id": MATTER_ID,
    "stage": "受理",
    "decision": "approve",
    "agency": AGENCY,
    "claimed": T0,
    "sealed": T0 + 1000,
    "activated": T0,
    "deadline": T0 + 86_400_000,
    "overdue": False,
    "next": "审查",
}
MATTER: dict[str, Any] = {
    "id": MATTER_ID,
    "template": "administrative-permit",
    "template_hash": "34" * 32,
    "subject": "01" * 32,
    "owner": AGENCY,
    "parties": {},
    "opened": T0,
    "deadline": T0 + 20 * 86_400_000,
    "status": "open",
    "outcome": None,
    "closed": None,
    "current": "审查",
    "current_agency": AGENCY,
    "stage_deadline": T0 + 2 * 86_400_000,
    "overdue": False,
    "latest": MATTER_ID,
    "steps": [STEP],
    "alerts": [ID],
}
ALERT: dict[str, Any] = {
    "id": ID,
    "matter": MATTER_ID,
    "severity": "red",
    "scope": "stage",
    "stage": "审查",
    "agency": AGENCY,
    "template": "administrative-permit",
    "deadline": T0,
    "raised": T0 + 1,
    "status": "open",
    "deliveries": {},
}
AGENCY_ROW: dict[str, Any] = {
    "code": AGENCY,
    "name": "市场监督管理局",
    "public_key": "04" + "00" * 64,
    "key_id": "ef" * 32,
    "account": "0x" + "00" * 20,
    "registered_at": 1,
    "revoked_at": 0,
    "active": True,
}


def _tree_head() -> dict[str, Any]:
    chain = ToyChain([SM2PrivateKey.generate()])
    chain.log.append(b"one record")
    sealed = chain.seal_block()
    return {
        "chain_id": chain.genesis.chain_id,
        "size": 1,
        "root": chain.log.root().hex(),
        "height": 1,
        "block_hash": "56" * 32,
        "time": T0,
        "header": base64.b64encode(sealed.header).decode(),
        "seals": [
            {"validator": 0, "name": "validator-0", "signature": base64.b64encode(sealed.seals[0].signature).decode()}
        ],
    }


TREE_HEAD = _tree_head()
CONSISTENCY = {"old_size": 1, "new_size": 4, "old_root": "ab" * 32, "new_root": "cd" * 32, "proof": ["ef" * 32] * 2}


def without(value: Any, path: tuple[Any, ...]) -> Any:
    damaged = copy.deepcopy(value)
    parent = damaged
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return damaged


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    damaged = copy.deepcopy(value)
    parent = damaged
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return damaged


class Endpoint:
    """A path, the answer the API promises there, and which field to take away and which to spoil."""

    def __init__(self, path: str, valid: Any, missing: tuple[Any, ...], wrong: tuple[Any, ...], new: Any) -> None:
        self.path = path
        self.valid = valid
        self.missing = missing
        self.wrong = wrong
        self.new = new

    def damaged(self, damage: str) -> bytes:
        text = json.dumps(self.valid, ensure_ascii=False)
        if damage == "html":
            return HTML
        if damage == "truncated":
            return text[: len(text) // 2].encode()
        if damage == "missing":
            return json.dumps(without(self.valid, self.missing)).encode()
        return json.dumps(replaced(self.valid, self.wrong, self.new)).encode()


DAMAGES = ("html", "truncated", "missing", "wrong-type")
ENDPOINTS = {
    "get": Endpoint(f"/v1/evidence/{ID}", RECORD, ("statement",), ("index",), "5"),
    "find": Endpoint(
        "/v1/evidence", {"items": [RECORD], "next": None}, ("items", 0, "id"), ("items", 0, "statement", "digest"), 42
    ),
    "matter": Endpoint(f"/v1/matters/{MATTER_ID}", MATTER, ("steps", 0, "stage"), ("subject",), ["01"]),
    "alerts": Endpoint("/v1/alerts", {"items": [ALERT], "next": None}, ("items", 0, "severity"), ("items",), {}),
    "head": Endpoint("/v1/log/head", TREE_HEAD, ("header",), ("seals", 0, "signature"), "not base64!"),
    "consistency": Endpoint("/v1/log/proof/consistency", CONSISTENCY, ("new_size",), ("proof", 1), "ef" * 31),
}
SDK_CALLS: dict[str, Callable[[Any], Any]] = {
    "get": lambda client: client.get(ID),
    "find": lambda client: client.find_by_digest(Digest(b"\x01" * 32)),
    "matter": lambda client: client.matter(MATTER_ID),
    "alerts": lambda client: client.alerts(),
    "head": lambda client: client.tree_head(),
    "consistency": lambda client: client.consistency_proof(1, 4),
}


@pytest.fixture
def node() -> Iterator[CannedServer]:
    with canned_server() as server:
        yield server


def assert_bad_response(error: BadResponseError, path: str) -> None:
    assert error.code == "bad-response"
    assert path in error.message and "\n" not in error.message, error.message
    assert error.excerpt is None or len(error.excerpt) <= MAX_EXCERPT


# The SDK


@pytest.mark.parametrize("operation", ENDPOINTS)
def test_the_undamaged_answers_read_well(node, operation):
    endpoint = ENDPOINTS[operation]
    node.answer(endpoint.path, json.dumps(endpoint.valid).encode())
    with Client(node.url, retry_for=0) as client:
        assert SDK_CALLS[operation](client)


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("operation", ENDPOINTS)
def test_a_damaged_answer_is_a_bad_response(node, operation, damage):
    endpoint = ENDPOINTS[operation]
    node.answer(endpoint.path, endpoint.damaged(damage))
    with Client(node.url, retry_for=0) as client, pytest.raises(BadResponseError) as caught:
        SDK_CALLS[operation](client)
    assert_bad_response(caught.value, endpoint.path)


@pytest.mark.parametrize("operation", ENDPOINTS)
def test_the_async_client_reports_it_the_same_way(node, operation):
    endpoint = ENDPOINTS[operation]
    node.answer(endpoint.path, endpoint.damaged("missing"))

    async def call() -> None:
        async with AsyncClient(node.url, retry_for=0) as client:
            await {
                "get": lambda: client.get(ID),
                "find": lambda: client.find_by_digest(Digest(b"\x01" * 32)),
                "matter": lambda: client.matter(MATTER_ID),
                "alerts": lambda: client.alerts(),
                "head": lambda: client.tree_head(),
                "consistency": lambda: client.consistency_proof(1, 4),
            }[operation]()

    with pytest.raises(BadResponseError) as caught:
        asyncio.run(call())
    assert_bad_response(caught.value, endpoint.path)


def test_the_html_page_is_quoted_at_most_200_characters_on_one_line(node):
    node.answer(f"/v1/evidence/{ID}", HTML, content_type="text/html")
    with Client(node.url, retry_for=0) as client, pytest.raises(BadResponseError) as caught:
        client.get(ID)
    assert caught.value.excerpt == HTML.decode()[:MAX_EXCERPT]
    assert "not JSON" in caught.value.message and f"GET {node.url}/v1/evidence/{ID}" in caught.value.message


def test_an_error_page_is_an_api_error_on_one_line(node):
    node.answer(f"/v1/evidence/{ID}", HTML, status=500, content_type="text/html")
    with Client(node.url, retry_for=0) as client, pytest.raises(ApiError) as caught:
        client.get(ID)
    assert caught.value.code == "http-error" and caught.value.status == 500
    assert "\n" not in caught.value.message and len(caught.value.message) < MAX_EXCERPT + 50


def receipt_value() -> dict[str, Any]:
    key = SM2PrivateKey.generate()
    chain = ToyChain([SM2PrivateKey.generate()])
    index = chain.submit(SignedStatement.sign(statement_for(key, b"record"), key))
    chain.seal_block()
    return chain.receipt(index).to_value()


RECEIPT = receipt_value()
RECEIPT_ANSWERS = {
    "html": HTML,
    "truncated": cbor.encode(RECEIPT)[:200],
    "missing": cbor.encode(without(RECEIPT, ("leaf",))),
    "wrong-type": cbor.encode(replaced(RECEIPT, ("leaf",), "zero")),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_receipt_is_a_bad_response(node, damage):
    receipt_id = RECEIPT["id"]
    path = f"/v1/evidence/{receipt_id}/receipt"
    node.answer(path, cbor.encode(RECEIPT), content_type="application/cbor")
    with Client(node.url, retry_for=0) as client:
        assert client.receipt(receipt_id).to_value() == RECEIPT
    node.answer(path, RECEIPT_ANSWERS[damage], content_type="application/cbor")
    with Client(node.url, retry_for=0) as client, pytest.raises(BadResponseError) as caught:
        client.receipt(receipt_id)
    assert_bad_response(caught.value, path)


def test_the_receipt_of_another_record_is_a_bad_response(node):
    path = f"/v1/evidence/{ID}/receipt"
    assert RECEIPT["id"] != ID
    node.answer(path, cbor.encode(RECEIPT), content_type="application/cbor")
    with Client(node.url, retry_for=0) as client, pytest.raises(BadResponseError) as caught:
        client.receipt(ID)
    assert_bad_response(caught.value, path)
    assert f"the receipt of {RECEIPT['id']}, not of {ID}" in caught.value.message


@pytest.mark.parametrize("page", [{"items": [ALERT], "next": "7"}, {"items": [], "next": "7"}])
def test_alert_pages_that_do_not_move_on_are_a_bad_response_not_an_endless_read(node, page):
    # (An empty page with a next one is an answer the node gives: the second, naming the same, is not.)
    node.answer("/v1/alerts", json.dumps(page).encode())  # every page, whatever the cursor asked for
    with Client(node.url, retry_for=0) as client, pytest.raises(BadResponseError) as caught:
        client.alerts()
    assert_bad_response(caught.value, "/v1/alerts")

    async def call() -> None:
        async with AsyncClient(node.url, retry_for=0) as client:
            await client.alerts(limit=1000)

    with pytest.raises(BadResponseError):
        asyncio.run(call())


def test_an_alert_event_that_is_not_an_alert_is_a_bad_response(node):
    stream = b"event: alert\ndata: " + json.dumps(without(ALERT, ("matter",))).encode() + b"\n\n"
    node.answer("/v1/events", stream, content_type="text/event-stream")
    with Client(node.url, retry_for=0) as client, pytest.raises(BadResponseError) as caught:
        next(iter(client.watch_alerts()))
    assert_bad_response(caught.value, "/v1/events")
    assert "event.matter is missing" in caught.value.message


def test_an_event_stream_that_ends_says_so_in_both_flavours(node):
    """A node stopping ends its streams: a watch must not end as quietly as a quiet day."""
    stream = b"event: alert\ndata: " + json.dumps(ALERT).encode() + b"\n\n"
    node.answer("/v1/events", stream, content_type="text/event-stream")
    seen = []
    with Client(node.url, retry_for=0) as client, pytest.raises(StreamEnded) as caught:
        for alert in client.watch_alerts():
            seen.append(alert["id"])
    assert seen == [ALERT["id"]] and caught.value.code == "stream-ended"

    async def watch() -> list[str]:
        async with AsyncClient(node.url, retry_for=0) as client:
            return [alert["id"] async for alert in client.watch_alerts()]

    with pytest.raises(StreamEnded):
        asyncio.run(watch())


def test_an_event_stream_from_no_node_is_unreachable():
    with Client("http://127.0.0.1:9", retry_for=0) as client, pytest.raises(NodeUnreachable):
        next(iter(client.watch_alerts()))


# The parsers, fed any JSON value


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=70),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=24,
)


def parses_or_refuses(parse: Callable[[Any], Any], value: Any) -> Any:
    try:
        return parse(value)
    except BadResponseError as exc:
        assert exc.code == "bad-response" and "\n" not in exc.message
        return None


@given(st.one_of(JSON_VALUES, damaged_value(RECORD, HOSTILE_JSON_VALUES)))
def test_the_record_parser_gives_a_record_or_a_bad_response(value):
    record = parses_or_refuses(EvidenceRecord.from_json, value)
    if record is not None:
        assert isinstance(record.id, str) and type(record.index) is int and len(record.digest) == 32
        assert record.status in ("accepted", "proven") and all(isinstance(s, str) for s in record.signers)


@given(st.one_of(JSON_VALUES, damaged_value(MATTER, HOSTILE_JSON_VALUES)))
def test_the_matter_parser_gives_a_matter_or_a_bad_response(value):
    matter = parses_or_refuses(MatterView.from_json, value)
    if matter is not None:
        assert isinstance(matter.latest, str) and len(matter.subject) == 32
        assert matter.stage_deadline is None or type(matter.stage_deadline) is int
        assert all(isinstance(a, str) for a in matter.alerts)
        # What `tiezheng matter show` prints beside the steps.
        assert isinstance(matter.raw["owner"], str) and type(matter.raw["opened"]) is int
        assert matter.raw.get("closed") is None or type(matter.raw["closed"]) is int


# The command line


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("TIEZHENG_PASSPHRASE", "TIEZHENG_ADMIN_KEY")}
    return subprocess.run(
        [TIEZHENG, *args], capture_output=True, text=True, env={**environment, **(env or {})}, timeout=60
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert text in result.stderr, result.stderr


ADMIN_KEY = {"TIEZHENG_ADMIN_KEY": "0x" + "11" * 32}
GENESIS_ANSWER = {"hash": "00" * 32, "chain_id": 4242, "chain_code": "TST", "document": {}}
RPC_ANSWER = {"jsonrpc": "2.0", "id": 1, "result": "0x10"}
CLI_ENDPOINTS = {
    "status": ENDPOINTS["get"],
    "matter show": ENDPOINTS["matter"],
    "alerts": ENDPOINTS["alerts"],
    "admin agency list": Endpoint("/v1/agencies", [AGENCY_ROW], (0, "active"), (0, "name"), 5),
    "admin webhook add": Endpoint("/v1/genesis", GENESIS_ANSWER, ("chain_code",), ("chain_code",), 7),
    "admin agency revoke": Endpoint("/rpc", RPC_ANSWER, ("result",), ("result",), 16),
}


def cli_command(command: str, url: str) -> tuple[list[str], dict[str, str] | None]:
    return {
        "status": (["status", ID, "--node", url], None),
        "matter show": (["matter", "show", MATTER_ID, "--node", url], None),
        "alerts": (["alerts", "--node", url], None),
        "admin agency list": (["admin", "agency", "list", "--node", url], None),
        "admin webhook add": (["admin", "webhook", "add", "https://hooks.example/", "--node", url], ADMIN_KEY),
        "admin agency revoke": (["admin", "agency", "revoke", AGENCY, "--node", url], ADMIN_KEY),
    }[command]


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("command", CLI_ENDPOINTS)
def test_the_command_line_says_bad_response_in_one_line(node, command, damage):
    endpoint = CLI_ENDPOINTS[command]
    node.answer(endpoint.path, endpoint.damaged(damage))
    args, env = cli_command(command, node.url)
    result = run(*args, env=env)
    assert_one_line_error(result, "[bad-response]")
    assert endpoint.path in result.stderr


@pytest.mark.parametrize("damage", DAMAGES)
def test_receipt_says_bad_response_in_one_line(node, damage, tmp_path):
    node.answer(f"/v1/evidence/{ID}/receipt", RECEIPT_ANSWERS[damage], content_type="application/cbor")
    result = run("receipt", ID, "--node", node.url, "--out", str(tmp_path / "r.tzr"))
    assert_one_line_error(result, "[bad-response]")
    assert not (tmp_path / "r.tzr").exists()


KEYSTORES = {
    "nested": "{" * 100_000,
    "not an object": '{"version": 3}' + "]",
    "no crypto": '{"version": 3}',
    "crypto of another type": '{"version": 3, "crypto": 5}',
    "kdfparams of another type": '{"version": 3, "crypto": {"kdf": "scrypt", "kdfparams": []}}',
    "not hex": '{"version": 3, "crypto": {"kdf": "pbkdf2", "kdfparams": {"c": 1, "dklen": 32, "prf": "hmac-sha256",'
    ' "salt": "zz"}, "cipher": "aes-128-ctr", "cipherparams": {"iv": "00"}, "ciphertext": "00", "mac": "00"}}',
    "unknown version": '{"version": 4}',
}
COSTLY_KEYSTORES = {
    "scrypt asking for a terabyte": '{"version": 3, "crypto": {"kdf": "scrypt", "kdfparams": {"n": 1073741824,'
    ' "r": 8, "p": 1, "dklen": 32, "salt": "00"}, "cipher": "aes-128-ctr", "cipherparams": {"iv": "00"},'
    ' "ciphertext": "00", "mac": "00"}}',
    "pbkdf2 for years": '{"version": 3, "crypto": {"kdf": "pbkdf2", "kdfparams": {"c": 4000000000, "dklen": 32,'
    ' "prf": "hmac-sha256", "salt": "00"}, "cipher": "aes-128-ctr", "cipherparams": {"iv": "00"},'
    ' "ciphertext": "00", "mac": "00"}}',
    "version 4 scrypt with p in the millions": '{"version": 4, "crypto": {"kdf": {"function": "scrypt", "params":'
    ' {"n": 262144, "r": 8, "p": 1000000, "dklen": 32, "salt": "00"}, "message": ""}}}',
    "a cheap crypto beside a costly Crypto": '{"version": 3, "crypto": {"kdf": "pbkdf2", "kdfparams": {"c": 1,'
    ' "dklen": 32, "prf": "hmac-sha256", "salt": "00"}}, "Crypto": {"kdf": "scrypt", "KDFParams": {"N": 1073741824,'
    ' "r": 8, "p": 1, "dklen": 32, "salt": "00"}, "cipher": "aes-128-ctr", "cipherparams": {"iv": "00"},'
    ' "ciphertext": "00", "mac": "00"}}',
    "pbkdf2 deriving two gigabytes": '{"version": 3, "crypto": {"kdf": "pbkdf2", "kdfparams": {"c": 10000000,'
    ' "dklen": 2147483647, "prf": "hmac-sha256", "salt": "00"}, "cipher": "aes-128-ctr", "cipherparams": {"iv":'
    ' "00"}, "ciphertext": "00", "mac": "00"}}',
    "rounds as a string": '{"version": 3, "crypto": {"kdf": "pbkdf2", "kdfparams": {"c": "100000", "dklen": 32,'
    ' "prf": "hmac-sha256", "salt": "00"}, "cipher": "aes-128-ctr", "cipherparams": {"iv": "00"},'
    ' "ciphertext": "00", "mac": "00"}}',
}


def revoke_with_admin_keystore(node, text: str, folder: Path) -> subprocess.CompletedProcess[str]:
    path = folder / "admin.json"
    path.write_text(text)
    return run(
        "admin", "agency", "revoke", AGENCY, "--node", node.url, "--admin-key", str(path),
        env={"TIEZHENG_PASSPHRASE": "pass"},
    )  # fmt: skip


@pytest.mark.parametrize("keystore", KEYSTORES)
def test_a_malformed_admin_keystore_is_refused_in_one_line(node, keystore, tmp_path):
    result = revoke_with_admin_keystore(node, KEYSTORES[keystore], tmp_path)
    assert_one_line_error(result, "admin")
    assert node.requests == []  # refused before anything is asked of the node


@pytest.mark.parametrize("keystore", COSTLY_KEYSTORES)
def test_an_admin_keystore_asking_for_unbounded_kdf_work_is_refused_unrun(node, keystore, tmp_path):
    result = revoke_with_admin_keystore(node, COSTLY_KEYSTORES[keystore], tmp_path)
    assert_one_line_error(result, "the admin keystore")
    assert "asks for" in result.stderr or "must be a positive integer" in result.stderr
    assert node.requests == []


def test_a_step_not_sealed_in_time_is_printed_with_its_id_not_lost_in_an_error(node, monkeypatch, capsys):
    from tiezheng.cli import process as matter_commands

    waiting = copy.deepcopy(RECORD)
    waiting["status"], waiting["block"] = "accepted", None
    node.answer(f"/v1/evidence/{ID}", json.dumps(waiting).encode())
    monkeypatch.setattr(matter_commands, "SEALED_WAIT_SECONDS", 0.3)
    with Client(node.url, retry_for=0) as client:
        assert not matter_commands._sealed(client, ID, "opening")
    printed = capsys.readouterr()
    assert printed.out == f"{ID}  opening accepted, not yet in a block\n"  # a rerun would open a second matter
    assert ID in printed.err


@pytest.mark.parametrize("limits", [{"limit": 0}, {"limit": -1}, {"limit": "10"}, {"page_size": 0}])
def test_list_limits_that_are_not_counts_are_refused_before_any_request(node, limits):
    with Client(node.url, retry_for=0) as client:  # the canned node answers nothing: no request is made
        with pytest.raises(TiezhengError) as caught:
            client.alerts(**limits)
        assert caught.value.code == "bad-argument"
        if "limit" in limits:
            with pytest.raises(TiezhengError, match="limit"):
                client.find_by_digest(Digest(b"\x01" * 32), limit=limits["limit"])


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (503, json.dumps({"error": {"code": "too-many-streams", "message": "64 streams are open"}}).encode(),
         "too-many-streams"),
        (404, b"<html>no such page</html>", "http-error"),
    ],
)  # fmt: skip
def test_a_refused_event_stream_is_the_nodes_error(node, status, body, code):
    """The stream's refusal is read (a little of it) and raised as ApiError, in both flavours."""
    node.answer("/v1/events", body, status=status)
    with Client(node.url, retry_for=0) as client, pytest.raises(ApiError) as caught:
        next(iter(client.watch_alerts()))
    assert caught.value.code == code and caught.value.status == status

    async def watch() -> None:
        async with AsyncClient(node.url, retry_for=0) as client:
            async for _ in client.watch_alerts():
                break

    with pytest.raises(ApiError) as caught:
        asyncio.run(watch())
    assert caught.value.code == code and caught.value.status == status


def test_a_request_the_node_may_hold_is_waited_for_longer_than_the_read_timeout(node):
    """anchor(wait=True, timeout=T): the node may answer only after T seconds; a read that gave up sooner
    would drop its answer, and with it an accepted record's evidence ID."""
    accepted = {"id": "DEV-000000-9H", "index": 0, "status": "accepted", "new": True, "statement_hash": "00" * 32}
    node.answer("/v1/evidence", json.dumps(accepted).encode(), status=202, delay=1.0)
    key = SM2PrivateKey.generate()
    with Client(node.url, key=key, agency="A", retry_for=0, timeout=0.3) as client:
        held = client.anchor(b"held", "document", wait=True, timeout=1.0)
        assert held.id == "DEV-000000-9H" and held.status == "accepted"
        with pytest.raises(NodeUnreachable) as caught:  # not held: the client's own read timeout applies
            client.anchor(b"not held", "document")
        assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


def test_a_receipt_asked_for_by_another_spelling_of_its_id_is_its_own(node):
    """IDs read O, I and L as 0, 1 and 1 and ignore case: the node's canonical answer is the one asked for."""
    canonical = RECEIPT["id"]
    node.answer(f"/v1/evidence/{canonical}/receipt", cbor.encode(RECEIPT), content_type="application/cbor")
    spellings = [canonical.lower(), canonical.replace("0", "O"), f" {canonical}\n"]
    with Client(node.url, retry_for=0) as client:
        for spelling in spellings:
            assert client.receipt(spelling).to_value() == RECEIPT, spelling
    assert all(path == f"/v1/evidence/{canonical}/receipt" for _, path in node.requests)


# Answers without end, or compressed past any bound


@contextlib.contextmanager
def endless_server() -> Iterator[str]:
    """A server that answers every GET with a JSON body that never ends, or (on /gzip/…) a gzip-encoded one."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/labelled-stream/"):  # an endless body that calls itself an event stream
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                with contextlib.suppress(OSError):
                    while True:
                        self.wfile.write(b"x" * 65536)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if self.path.startswith("/gzip/"):
                body = gzip.compress(b"[" + b"0," * 100_000 + b"0]")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.end_headers()
            with contextlib.suppress(OSError):
                while True:
                    self.wfile.write(b"[" * 65536)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_without_end_is_a_bad_response_once_past_the_bound():
    with endless_server() as url:
        with Client(url, retry_for=0) as client, pytest.raises(AnswerTooLarge) as caught:
            client.get(ID)
        assert caught.value.code == "bad-response" and f"/v1/evidence/{ID}" in caught.value.message

        async def read() -> None:
            async with AsyncClient(url, retry_for=0) as client:
                await client.tree_head()

        with pytest.raises(AnswerTooLarge):
            asyncio.run(read())
        for args in (["status", ID], ["admin", "agency", "list"]):
            result = run(*args, "--node", url)
            assert_one_line_error(result, "[bad-response]")
            assert "larger than 32 MiB" in result.stderr


def test_only_a_request_for_the_event_stream_is_read_without_the_bound():
    """The server cannot lift the bound by labelling an endless answer as an event stream."""
    with endless_server() as url, Client(url + "/labelled-stream", retry_for=0) as client:
        with pytest.raises(AnswerTooLarge):
            client.get(ID)
        # An event stream asked for is read line by line, and a line without end is refused, not gathered.
        with pytest.raises(BadResponseError, match="event stream line is longer"):
            next(iter(client.watch_alerts()))


def test_the_proxies_the_environment_names_are_used(node, monkeypatch):
    """The answers' bound is a response hook, so httpx keeps its own transports and the environment's proxies."""
    monkeypatch.setenv("HTTP_PROXY", node.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    node.answer(f"/v1/evidence/{ID}", json.dumps(ENDPOINTS["get"].valid).encode())
    with Client("http://node.behind.a.proxy.invalid", retry_for=0) as client:
        assert client.get(ID).id == ID  # answered by the proxy (the canned server), the only way to reach it


def test_a_compressed_answer_is_refused_unread():
    with endless_server() as url, Client(url + "/gzip", retry_for=0) as client:
        with pytest.raises(BadResponseError, match="compressed") as caught:
            client.get(ID)
        assert caught.value.code == "bad-response"
    # The client asks for none: a node (or a proxy before it) that honours that never sends one.
    assert node_client("http://127.0.0.1:1", 1).headers["accept-encoding"] == "identity"
