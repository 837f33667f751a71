"""Arguments the SDK cannot use are refused as BadArgument, naming the argument and what it takes, before any request.

A BadArgument is a TiezhengError (code ``bad-argument``) and a ValueError; never an
AttributeError or TypeError from deep inside, nor a refusal that waits for the node.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tiezheng
from tiezheng import sdk
from tiezheng.errors import TiezhengError
from tiezheng.evidence_id import EvidenceId
from tiezheng.genesis import Genesis, GenesisError
from tiezheng.gm import SM2PrivateKey
from tiezheng.receipt import Receipt
from tiezheng.sdk import ApiError, AsyncClient, BadArgument, Client, Digest
from tiezheng.signed_statement import SignedStatement
from tiezheng.statement import Statement
from tiezheng.verifier import Verdict


def test_bad_argument_is_exported_with_the_other_sdk_errors():
    assert tiezheng.BadArgument is BadArgument and "BadArgument" in tiezheng.__all__
    assert issubclass(BadArgument, TiezhengError) and issubclass(BadArgument, ValueError)
    assert BadArgument("x").code == "bad-argument"


# the constructors: Client and AsyncClient take the same arguments and refuse the same ones

URL = "http://127.0.0.1:46001"  # no node there: nothing here may need one
AGENCY = "91110000MA01TEST0X"
KEY = SM2PrivateKey.generate()
SALT = b"the agency's 16+ byte salt"
T0 = 1_780_000_000_000
CLIENTS = pytest.mark.parametrize("make", [Client, AsyncClient], ids=["Client", "AsyncClient"])


@CLIENTS
@pytest.mark.parametrize(
    "url",
    [None, 5, b"http://node", "notaurl", "ftp://node", "http://", "http:///path", "http://node?x=1",
     "http://node#top", "http://no\ud800de", "", "127.0.0.1:8545"],
)  # fmt: skip
def test_a_url_that_is_no_node_url_is_refused_when_the_client_is_made(make, url):
    with pytest.raises(BadArgument, match=r"url is a node's URL, http:// or https:// and a host") as refused:
        make(url)
    assert refused.value.code == "bad-argument"


@CLIENTS
@pytest.mark.parametrize("port", [0, 65536, 99999])
def test_a_port_no_node_listens_on_is_refused(make, port):
    with pytest.raises(BadArgument, match=f"url names port {port}, which no node listens on"):
        make(f"http://node:{port}")


@CLIENTS
@pytest.mark.parametrize("url", ["http://node", "https://node:8545", "http://127.0.0.1:8545/", "http://[::1]:80/api"])
def test_node_urls_are_taken(make, url):
    make(url)


@CLIENTS
@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("agency.key", r"key is an SM2PrivateKey, not a path: load the keystore with tiezheng\.gm\.keystore\.load"),
        (Path("agency.key"), r"not a path: load the keystore with tiezheng\.gm\.keystore\.load"),
        (KEY.public_key(), r"key is a public key: signing needs the private key"),
        (b"-----BEGIN PRIVATE KEY-----", r"key is an SM2PrivateKey, not bytes: read PEM or DER with"),
        (5, r"key is an SM2PrivateKey \(tiezheng\.gm\.keystore\.load reads one\), not int"),
    ],
)
def test_a_key_that_cannot_sign_is_refused_saying_what_to_pass(make, key, says):
    with pytest.raises(BadArgument, match=says):
        make(URL, key=key, agency=AGENCY)


@CLIENTS
@pytest.mark.parametrize("agency", [5, b"A1", "", "a b", "x" * 65, "-A1"])
def test_an_agency_that_is_no_agency_code_is_refused(make, agency):
    with pytest.raises(BadArgument, match=r"agency is the agency's registered code"):
        make(URL, key=KEY, agency=agency)


@CLIENTS
@pytest.mark.parametrize(
    ("cosigners", "says"),
    [
        (KEY, r"cosigners is a list of \(key, role\) pairs, not SM2PrivateKey"),
        ("official", r"cosigners is a list of \(key, role\) pairs, not str"),
        ({KEY: "official"}, r"cosigners is a list of \(key, role\) pairs, not dict"),
        ([KEY], r"cosigners\[0\] is a \(key, role\) pair, not SM2PrivateKey"),
        ([(KEY, "official", "x")], r"cosigners\[0\] is a \(key, role\) pair, not tuple"),
        ([("official", KEY)], r"cosigners\[0\]'s role is text such as 'official', not SM2PrivateKey"),
        ([(KEY.public_key(), "official")], r"cosigners\[0\]'s key is a public key"),
        ([(KEY, "official"), ("k.key", "notary")], r"cosigners\[1\]'s key is an SM2PrivateKey, not a path"),
        ([(KEY, "no such role")], r"role 'no such role' is not registered"),
        ([(KEY, "agency")], r"not the agency"),
        ([(KEY, "official"), (KEY, "notary")], r"names one key twice"),
    ],
)
def test_cosigners_are_key_and_role_pairs(make, cosigners, says):
    with pytest.raises(BadArgument, match=says):
        make(URL, key=KEY, agency=AGENCY, cosigners=cosigners)


@CLIENTS
@pytest.mark.parametrize("name", ["subject_salt", "operator_salt"])
@pytest.mark.parametrize("salt", ["a text salt of 16+ chars", b"short", 5])
def test_salts_are_bytes_long_enough(make, name, salt):
    with pytest.raises(BadArgument, match=rf"{name} is the agency's secret salt, bytes, at least 16 of them"):
        make(URL, **{name: salt})


@CLIENTS
@pytest.mark.parametrize(("name", "least"), [("timeout", "more than 0"), ("retry_for", "0 or more")])
@pytest.mark.parametrize("value", [-1, "x", None, True, math.nan, math.inf, 10**400])
def test_durations_are_finite_seconds(make, name, least, value):
    with pytest.raises(BadArgument, match=rf"{name} is a number of seconds, {least}, not "):
        make(URL, **{name: value})


@CLIENTS
def test_a_timeout_of_zero_is_refused_and_retry_for_zero_taken(make):
    with pytest.raises(BadArgument, match="timeout is a number of seconds, more than 0, not 0"):
        make(URL, timeout=0)
    make(URL, retry_for=0, timeout=httpx.Timeout(5.0))


def test_http_is_a_client_of_the_right_flavour():
    with pytest.raises(BadArgument, match=r"http is an httpx\.Client \(or None\), not AsyncClient"):
        Client(URL, http=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(BadArgument, match=r"http is an httpx\.AsyncClient \(or None\), not Client"):
        AsyncClient(URL, http=httpx.Client())  # type: ignore[arg-type]


# the methods: every argument checked before a request is sent (or a file read)


def no_node(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"{request.method} {request.url} was sent: the arguments should have been refused first")


def sync_client(**options) -> Client:
    http = httpx.Client(transport=httpx.MockTransport(no_node), base_url=URL)
    return Client(URL, key=KEY, agency=AGENCY, subject_salt=SALT, operator_salt=SALT, http=http, **options)


def async_client(**options) -> AsyncClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(no_node), base_url=URL)
    return AsyncClient(URL, key=KEY, agency=AGENCY, subject_salt=SALT, operator_salt=SALT, http=http, **options)


def outcome(result: Any) -> Any:
    """Run what a method returned far enough to see its refusal: await it, or ask an iterator for its first item."""
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    if isinstance(result, AsyncIterator):
        return asyncio.run(anext(result))  # type: ignore[arg-type]
    if isinstance(result, Iterator):
        return next(result)
    return result


def refused(call: Callable[[Any], Any]) -> list[BadArgument]:
    """The refusals of ``call`` made on a Client and on an AsyncClient: each must be a BadArgument."""
    refusals = []
    for client in (sync_client(), async_client()):
        with pytest.raises(BadArgument) as caught:
            outcome(call(client))
        assert caught.value.code == "bad-argument"
        refusals.append(caught.value)
    assert refusals[0].message == refusals[1].message  # the two flavours say the same
    return refusals


ID = str(EvidenceId("DEV", 31))
CASES: list[tuple[str, Callable[[Any], Any], str]] = [
    # records
    ("anchor record int", lambda c: c.anchor(5, "document"), r"^record: a record is bytes, a path .* not int$"),
    ("anchor record text", lambda c: c.anchor("决定书.pdf", "document"), r"not str of 7 \(a file's name: pass Path"),
    ("anchor record nul", lambda c: c.anchor(Path("a\0b"), "document"), r"^record: a path no file can have"),
    ("statement record", lambda c: c.statement([b"x"], "document"), r"^record: a record is bytes.* not list"),
    ("find record", lambda c: c.find_by_digest("ab" * 32), r"^record_or_digest: a record is bytes.* not str"),
    ("anchor_many int", lambda c: c.anchor_many(5, "document"), r"records is a list \(or any iterable\).* not int"),
    ("anchor_many one", lambda c: c.anchor_many(b"one", "document"), r"not one record"),
    ("anchor_many item", lambda c: c.anchor_many([b"a", None], "document"), r"^records\[1\]: a record is .* NoneType"),
    ("envelopes int", lambda c: c.anchor_envelopes(5, "document"), r"records is a list \(or any iterable\)"),
    ("step after", lambda c: c.step(ID, "受理", after="a.pdf"), r"^after: a record is bytes.* not str"),
    ("step before", lambda c: c.step(ID, "受理", after=b"a", before=5), r"^before: a record is bytes.* not int"),
    ("open document", lambda c: c.open_matter("t", "c", document=1.5), r"^document: a record is .* not float"),
    # statement fields
    ("kind int", lambda c: c.anchor(b"x", 5), r"^kind is text: a registered kind such as 'document'.* not int$"),
    ("kind unknown", lambda c: c.anchor(b"x", "colour"), r"statement\.kind 'colour' is not a registered kind"),
    ("many kind", lambda c: c.anchor_many([b"x"], None), r"^kind is text: .* not NoneType$"),
    ("field unknown", lambda c: c.anchor(b"x", "document", colour="red"), r"a statement has no field 'colour'"),
    ("stage int", lambda c: c.anchor(b"x", "document", stage=5), r"^stage is text \(or None\): .* not int$"),
    ("stage long", lambda c: c.anchor(b"x", "document", stage="x" * 33), r"protocol refuses: statement\.stage"),
    ("prev int", lambda c: c.anchor(b"x", "document", prev=5), r"^prev is text \(or None\): an evidence ID"),
    ("prev bad", lambda c: c.anchor(b"x", "document", prev="no id"), r"protocol refuses: statement\.prev"),
    ("subject short", lambda c: c.anchor(b"x", "document", subject=b"ab"), r"^subject is 32 bytes .* bytes of 2$"),
    ("operator text", lambda c: c.statement(b"x", "document", operator="o"), r"^operator is 32 bytes .* not str of 1"),
    ("meta int", lambda c: c.anchor(b"x", "document", meta=5), r"^meta is a mapping \(or None\): .* not int$"),
    ("meta list", lambda c: c.anchor(b"x", "document", meta=[("k", 1)]), r"^meta is a mapping .* not list$"),
    ("meta float", lambda c: c.anchor(b"x", "document", meta={"k": 1.5}), r"protocol refuses: statement\.meta\.k"),
    ("time text", lambda c: c.anchor(b"x", "document", time_ms="now"), r"^time_ms is a whole number from 0 to "),
    ("time bool", lambda c: c.anchor(b"x", "document", time_ms=True), r"^time_ms is a whole number .* not bool"),
    ("time -1", lambda c: c.anchor_many([b"x"], "document", time_ms=-1), r"ms since the epoch\), not -1$"),
    # waiting, sizes, limits
    ("anchor wait", lambda c: c.anchor(b"x", "document", wait="yes"), r"^wait is True or False, not 'yes'$"),
    ("many wait", lambda c: c.anchor_many([b"x"], "document", wait=1), r"^wait is True or False, not 1$"),
    ("anchor timeout", lambda c: c.anchor(b"x", "document", timeout="x"), r"^timeout is a number of seconds, more"),
    ("anchor timeout 0", lambda c: c.anchor(b"x", "document", timeout=0), r"^timeout is .* more than 0, not 0$"),
    ("many timeout", lambda c: c.anchor_many([b"x"], "document", timeout=-1), r"^timeout is .* not -1$"),
    ("chunk 0", lambda c: c.anchor_many([b"x"], "document", chunk_size=0), r"^chunk_size is a whole number from 1 to"),
    ("chunk big", lambda c: c.anchor_envelopes([b"x"], "document", chunk_size=10_001), r"10,000 .* not 10001$"),
    ("chunk float", lambda c: c.anchor_many([b"x"], "document", chunk_size=2.0), r"^chunk_size .* not 2\.0$"),
    ("progress", lambda c: c.anchor_many([b"x"], "document", progress=5), r"^progress is a function \(or None\)"),
    ("hash_progress", lambda c: c.anchor_envelopes([b"x"], "document", hash_progress="x"), r"^hash_progress is a"),
    ("wait id", lambda c: c.wait(5), r"^evidence_id: an evidence ID is text such as DEV-000031-7G, not int$"),
    ("wait timeout", lambda c: c.wait(ID, timeout=-1), r"^timeout is a number of seconds, 0 or more, not -1$"),
    ("wait interval", lambda c: c.wait(ID, interval=0), r"^interval is a number of seconds, more than 0, not 0$"),
    ("get", lambda c: c.get(None), r"^evidence_id: an evidence ID is text"),
    ("receipt", lambda c: c.receipt(b"DEV-000031-7G"), r"^evidence_id: an evidence ID is text .* not bytes of 13"),
    ("find limit 0", lambda c: c.find_by_digest(b"x", limit=0), r"^limit is a whole number at least 1 \(or None: no"),
    ("find limit", lambda c: c.find_by_digest(b"x", limit="5"), r"^limit is a whole number .* not '5'$"),
    ("proof old", lambda c: c.consistency_proof(0, 5), r"^old_size is a whole number at least 1 \(a tree size\)"),
    ("proof new", lambda c: c.consistency_proof(5, 4), r"^new_size is a whole number at least 5 .* not 4$"),
    ("proof type", lambda c: c.consistency_proof("1", 2), r"^old_size is a whole number .* not '1'$"),
    # process trails
    ("template", lambda c: c.open_matter(5, "c"), r"^template is text: a template's id or its SM3 hash"),
    ("case", lambda c: c.open_matter("t", 5), r"^case_number is text: the case number, not int$"),
    ("parties", lambda c: c.open_matter("t", "c", parties=["a"]), r"^parties is a mapping \(or None\): \{role"),
    ("party", lambda c: c.open_matter("t", "c", parties={"a b": "x"}), r"protocol refuses: statement\.meta keys"),
    ("official", lambda c: c.open_matter("t", "c", official=5), r"^official is text: the official's ID, not int$"),
    ("open timeout", lambda c: c.open_matter("t", "c", timeout=None), r"^timeout is a number of seconds"),
    ("matter", lambda c: c.matter(5), r"^matter_id: an evidence ID is text"),
    ("step matter", lambda c: c.step(5, "受理", after=b"a"), r"^matter_id: an evidence ID is text"),
    ("step stage", lambda c: c.step(ID, None, after=b"a"), r"^stage is text: the stage's name, not NoneType$"),
    ("step decision", lambda c: c.step(ID, "受理", 1, after=b"a"), r"^decision is text: approve, return or reject"),
    ("step next", lambda c: c.step(ID, "受理", after=b"a", next_stage=5), r"^next_stage is text \(or None\)"),
    ("step fields", lambda c: c.step(ID, "受理", after=b"a", fields=5), r"^fields is a mapping \(or None\)"),
    ("step field", lambda c: c.step(ID, "受理", after=b"a", fields={"k": 1.5}), r"protocol refuses: statement\.meta"),
    ("document_no", lambda c: c.step(ID, "受理", after=b"a", document_no=5), r"^document_no is text: the document's"),
    ("step timeout", lambda c: c.step(ID, "受理", after=b"a", timeout=0), r"^timeout is .* more than 0, not 0$"),
    ("close outcome", lambda c: c.close_matter(ID, 5), r"^outcome is text: how the matter ended"),
    ("close timeout", lambda c: c.close_matter(ID, timeout="x"), r"^timeout is a number of seconds"),
    ("alerts filter", lambda c: c.alerts(stauts="open"), r"^alerts are filtered by status, agency, template, severity"),
    ("alerts cursor", lambda c: c.alerts(cursor="5"), r"not 'cursor'$"),
    ("alerts value", lambda c: c.alerts(severity=5), r"^severity is text \(or None\)"),
    ("alerts limit", lambda c: c.alerts(limit=0), r"^limit is a whole number at least 1"),
    ("alerts page", lambda c: c.alerts(page_size=501), r"^page_size is a whole number from 1 to 500"),
    ("subscribed", lambda c: c.watch_alerts(subscribed=5), r"^subscribed is a function \(or None\), not int$"),
]


@pytest.mark.parametrize(("call", "says"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_method_refuses_what_it_cannot_use_naming_the_argument(call, says):
    for refusal in refused(call):
        assert re.search(says, refusal.message), refusal.message


def test_a_bad_argument_is_refused_before_a_file_is_read(tmp_path, monkeypatch):
    read = []
    monkeypatch.setattr(sdk, "sm3_file", lambda path: read.append(path) or bytes(32))
    (tmp_path / "big.pdf").write_bytes(b"%PDF")
    document = tmp_path / "big.pdf"
    refused(lambda c: c.anchor(document, "document", stage=5))
    refused(lambda c: c.anchor(document, "document", timeout="x"))
    refused(lambda c: c.anchor_many([document], "document", chunk_size=0))
    refused(lambda c: c.step(ID, "受理", after=document, fields={"Bad Key": 1}))
    refused(lambda c: c.open_matter("t", "c", document=document, parties={"a b": "c"}))
    assert read == []


def test_anchor_envelopes_refuses_when_called_not_when_first_iterated():
    with pytest.raises(BadArgument, match="chunk_size"):
        sync_client().anchor_envelopes([b"x"], "document", chunk_size=0)
    with pytest.raises(BadArgument, match="chunk_size"):
        async_client().anchor_envelopes([b"x"], "document", chunk_size=0)


# what is accepted still goes through: the checks made before the real statement refuse nothing it would take


class TrailNode:
    """GET a matter and POST its steps: enough of the node for open_matter, step and close_matter."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            matter = {"id": ID, "template": "administrative-permit", "status": "open", "current": "受理",
                      "current_agency": AGENCY, "stage_deadline": None, "latest": ID, "subject": "00" * 32,
                      "steps": [], "alerts": [], "outcome": None, "deadline": None, "overdue": False,
                      "owner": AGENCY, "opened": 0, "closed": None}  # fmt: skip
            return httpx.Response(200, json=matter)
        self.statements.append(SignedStatement.from_cbor(request.content).statement)
        index = len(self.statements)
        return httpx.Response(202, json={"id": str(EvidenceId("DEV", index)), "index": index, "status": "accepted",
                                         "new": True})  # fmt: skip


def test_arguments_that_make_valid_statements_are_sent(tmp_path):
    node = TrailNode()
    (tmp_path / "申请书.pdf").write_bytes(b"%PDF application")
    http = httpx.Client(transport=httpx.MockTransport(node), base_url=URL)
    with Client(URL, key=KEY, agency=AGENCY, subject_salt=SALT, operator_salt=SALT, http=http) as client:
        client.open_matter("ab" * 32, "京市监许〔2026〕0417号", parties={"applicant": "A1"}, official="官员-007",
                           document=tmp_path / "申请书.pdf", timeout=5)  # fmt: skip
        fields = {"opinion": b"x" * 32, "hearing": True}
        client.step(ID, "受理", after=tmp_path / "申请书.pdf", before=b"before", next_stage="初审",
                    official="官员-007", document_no="0417", fields=fields)  # fmt: skip
        client.close_matter(ID, "withdrawn", timeout=1.5)
        client.anchor(Digest(bytes(32)), "x-private", stage="复核", prev=ID, meta={"k": 1}, time_ms=T0, timeout=100)
    opened, stepped, closed, anchored = node.statements
    assert opened.meta is not None and opened.meta["party.applicant"] == "A1" and opened.operator is not None
    assert stepped.stage == "受理" and stepped.meta is not None and stepped.meta["next"] == "初审"
    assert closed.meta is not None and closed.meta["outcome"] == "withdrawn"
    assert anchored.kind == "x-private" and anchored.time == T0


# arbitrary objects as arguments: a BadArgument (before any request), or on to the node; never a TypeError


class AnyAnswerNode:
    """Refuses every request as the node refuses an unknown record (404): what reached it is noted."""

    def __init__(self) -> None:
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(404, json={"error": {"code": "not-found", "message": "no such thing"}})


FILE = Path(__file__)  # a readable file: a valid record
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.sampled_from([KEY, KEY.public_key(), FILE, Digest(bytes(32)), object(), print, httpx.Timeout(1), ID, AGENCY]),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5), st.binary(max_size=5)), max_size=3),
    st.dictionaries(
        st.one_of(st.text(max_size=8), st.integers()),
        st.one_of(st.text(max_size=8), st.integers(), st.binary(max_size=8), st.floats()),
        max_size=3,
    ),
    st.tuples(st.sampled_from([KEY, "official", None]), st.sampled_from(["official", KEY, 5])),
)

#: Each method with arguments it takes: one of them is replaced by an arbitrary object.
CALLS: dict[str, dict[str, Any]] = {
    "statement": {"record": b"x", "kind": "document", "stage": "受理"},
    "anchor": {"record": FILE, "kind": "document", "wait": False, "timeout": 5, "meta": {"k": "v"}, "time_ms": T0},
    "anchor_many": {
        "records": [b"x", FILE],
        "kind": "document",
        "chunk_size": 2,
        "wait": False,
        "timeout": 5,
        "progress": None,
        "hash_progress": print,
        "subject": bytes(32),
    },
    "anchor_envelopes": {
        "records": [b"x"],
        "kind": "permit",
        "chunk_size": 1,
        "timeout": 5,
        "progress": print,
        "prev": ID,
        "operator": bytes(32),
    },
    "wait": {"evidence_id": ID, "timeout": 0, "interval": 0.25},
    "get": {"evidence_id": ID},
    "receipt": {"evidence_id": ID},
    "find_by_digest": {"record_or_digest": Digest(bytes(32)), "limit": 5},
    "consistency_proof": {"old_size": 1, "new_size": 2},
    "open_matter": {
        "template": "administrative-permit",
        "case_number": "c",
        "parties": {"applicant": "A1"},
        "document": b"d",
        "official": "o",
        "timeout": 5,
    },
    "step": {
        "matter_id": ID,
        "stage": "受理",
        "decision": "approve",
        "after": b"a",
        "before": None,
        "next_stage": None,
        "official": None,
        "document_no": "n",
        "fields": {"hearing": True},
        "timeout": 5,
    },
    "close_matter": {"matter_id": ID, "outcome": "withdrawn", "timeout": 5},
    "matter": {"matter_id": ID},
    "alerts": {"limit": 5, "page_size": 50, "status": "open", "agency": AGENCY},
    "watch_alerts": {"subscribed": None},
    "verify": {"record": FILE, "receipt": FILE, "genesis": Path(__file__).parents[1] / "docs/examples/genesis.json"},
}
NOTARY = SM2PrivateKey.generate()
MADE_WITH: dict[str, Any] = {"url": URL, "key": KEY, "agency": AGENCY, "cosigners": [(NOTARY, "notary")],
                             "timeout": 5, "retry_for": 0, "subject_salt": SALT, "operator_salt": SALT}  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(CALLS)), data=st.data(), value=anything, flavour=st.sampled_from(["sync", "async"]))
def test_any_object_as_any_argument_is_refused_as_bad_argument_or_goes_to_the_node(name, data, value, flavour):
    arguments = dict(CALLS[name])
    arguments[data.draw(st.sampled_from(sorted(arguments)), label="argument")] = value
    node = AnyAnswerNode()
    if flavour == "sync":
        client: Any = Client(**MADE_WITH, http=httpx.Client(transport=httpx.MockTransport(node), base_url=URL))
    else:
        client = AsyncClient(**MADE_WITH, http=httpx.AsyncClient(transport=httpx.MockTransport(node), base_url=URL))
    try:
        outcome(getattr(client, name)(**arguments))
    except BadArgument as exc:
        assert node.requests == 0, f"{exc.message}, after a request"
    except (ApiError, StopIteration, StopAsyncIteration):
        pass  # it passed the checks and reached the node (or the node's answer ended a stream)
    except GenesisError:
        assert name == "verify"  # this file given as the genesis: read, and not a genesis


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(MADE_WITH)), value=anything, make=st.sampled_from([Client, AsyncClient]))
def test_any_object_as_any_constructor_argument_is_refused_as_bad_argument_or_taken(name, value, make):
    with contextlib.suppress(BadArgument):
        make(**(MADE_WITH | {name: value}))


# verify: a Receipt or a receipt file, a Genesis or a genesis file; AsyncClient's awaited, off the event loop

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
RECORD, RECEIPT, GENESIS = EXAMPLES / "record.txt", EXAMPLES / "receipt.tzr", EXAMPLES / "genesis.json"


def verdicts(record: Any, receipt: Any, genesis: Any) -> list[Verdict]:
    """What Client.verify and AsyncClient.verify (awaited) say, which must be the same."""
    said = [Client.verify(record, receipt, genesis), asyncio.run(AsyncClient.verify(record, receipt, genesis))]
    assert said[0].checks == said[1].checks
    return said


def test_verify_takes_a_receipt_and_a_genesis_or_their_files():
    receipt, genesis = Receipt.load(RECEIPT), Genesis.load(GENESIS)
    for given_receipt in (receipt, RECEIPT, EXAMPLES / "receipt.json"):
        for given_genesis in (genesis, GENESIS):
            assert all(v.valid for v in verdicts(RECORD, given_receipt, given_genesis))
    assert not any(v.valid for v in verdicts(b"another record", RECEIPT, GENESIS))


def test_a_receipt_file_that_is_no_receipt_makes_the_verdict_invalid_and_one_unreadable_is_an_error(tmp_path):
    for verdict in verdicts(RECORD, RECORD, GENESIS):
        assert not verdict.valid and verdict.failed is not None and verdict.failed.name == "receipt"
    for receipt, genesis, says in (
        (tmp_path / "missing.tzr", GENESIS, "cannot read receipt"),
        (tmp_path, GENESIS, "cannot read receipt"),
        (RECEIPT, tmp_path / "missing.json", "cannot read genesis"),
    ):
        with pytest.raises(TiezhengError, match=says) as caught:
            Client.verify(RECORD, receipt, genesis)
        assert caught.value.code == "unreadable"
        with pytest.raises(TiezhengError, match=says):
            asyncio.run(AsyncClient.verify(RECORD, receipt, genesis))


@pytest.mark.parametrize(
    ("record", "receipt", "genesis", "says"),
    [
        (str(RECORD), RECEIPT, GENESIS, r"^record: a record is bytes, .* \(a file's name: pass Path\(name\)\)$"),
        (None, RECEIPT, GENESIS, r"^record: a record is bytes, .* not NoneType$"),
        (
            RECORD,
            str(RECEIPT),
            GENESIS,
            r"^receipt is a Receipt or the path \(pathlib\.Path\) of a receipt file, not str",
        ),
        (RECORD, RECEIPT.read_bytes(), GENESIS, r"^receipt is a Receipt or the path .* not bytes of \d+$"),
        (RECORD, None, GENESIS, r"^receipt is a Receipt or the path .* not NoneType$"),
        (
            RECORD,
            RECEIPT,
            None,
            r"^genesis is a Genesis or the path \(pathlib\.Path\) of a genesis\.json you trust, not",
        ),
        (
            RECORD,
            RECEIPT,
            str(GENESIS),
            r"^genesis is a Genesis .* not str of \d+ \(a file's name: pass Path\(name\)\)$",
        ),
        (RECORD, RECEIPT, {"chain_id": 1}, r"^genesis is a Genesis .* not dict$"),
    ],
)
def test_verify_refuses_what_it_cannot_use(record, receipt, genesis, says):
    for verify in (Client.verify, lambda *a: asyncio.run(AsyncClient.verify(*a))):
        with pytest.raises(BadArgument, match=says):
            verify(record, receipt, genesis)


def test_async_verify_is_a_coroutine_that_hashes_in_a_worker_thread(monkeypatch):
    threads = []
    real = sdk.sm3_file
    monkeypatch.setattr(sdk, "sm3_file", lambda path: threads.append(threading.current_thread()) or real(path))
    assert inspect.iscoroutinefunction(AsyncClient.verify)

    async def scenario() -> Verdict:
        async with async_client() as client:
            return await client.verify(RECORD, RECEIPT, GENESIS)

    assert asyncio.run(scenario()).valid
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
