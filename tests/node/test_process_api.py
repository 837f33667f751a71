"""The process REST API through the node's ASGI app: reports computed right, every bad input refused by name.

The chain runs in-process with a clock the test moves, so the hours in the
report are known exactly: three permit matters, one step an hour after opening,
one two hours after, one ten days late, one matter withdrawn after five hours.
"""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from fastapi.testclient import TestClient

from tests.support.desk import TEMPLATES, Clock, Desk
from tests.support.nodekit import LocalChain
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import sm3
from tiezheng.supervision import admin_message, webhook_target
from tiezheng.workflow import close_statement, open_statement
from tiezheng_node.api.app import create_app
from tiezheng_node.node import Node
from tiezheng_node.process import engine as engine_module
from tiezheng_node.process.admin_lines import used_line_key
from tiezheng_node.process.reports import columns

HOUR = 3600
PERMIT = "administrative-permit"


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    clock = Clock()
    chain = LocalChain(tmp_path_factory.mktemp("process-api") / "node", clock=clock)
    desk = Desk(chain, chain.agency_key, chain.agency_code)
    start = clock.now = float(int(clock.now))
    a = desk.open(PERMIT, "case A")
    clock.now += 1 * HOUR
    desk.step(a, "受理")
    clock.now += 2 * HOUR
    desk.step(a, "初审")  # A now waits at 复核, active since start + 3 h
    clock.now += HOUR / 2
    b = desk.open(PERMIT, "case B")  # start + 3.5 h
    clock.now += HOUR / 2
    c = desk.open(PERMIT, "case C")  # start + 4 h
    clock.now += 5 * HOUR
    state = chain.node.process.matter(EvidenceId.parse(c).index)
    desk.submit(
        close_statement(
            matter=c, prev=c, subject=state.subject, agency=desk.code, key_id=desk.key.public_key().key_id,
            digest=sm3(b"withdrawal letter"), time_ms=desk.now_ms(), outcome="withdrawn",
        )
    )  # fmt: skip
    chain.node.produce_block()  # C closed at start + 9 h
    clock.now += 20 * 24 * HOUR  # B's 受理 and A's 复核 run out; 20 working days for the whole matter do not
    chain.node.produce_block()
    desk.step(b, "受理")  # 245.5 h + 1 ms after B opened, late
    client = TestClient(create_app(chain.node))
    yield {"chain": chain, "client": client, "start": int(start * 1000), "a": a, "b": b, "c": c}
    client.close()
    chain.close()


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def admin_auth(
    chain: LocalChain, action: str, target: str, *, account=None, at: int | None = None, genesis: bytes | None = None
) -> dict:
    account = account or chain.admin
    now = at if at is not None else int(time.time() * 1000)
    line = admin_message("DEV", chain.genesis.hash if genesis is None else genesis, action, target, now)
    signature = account.sign_message(encode_defunct(text=line)).signature
    return {"signer": account.address, "time": now, "signature": "0x" + bytes(signature).hex()}


def hook_auth(chain: LocalChain, url: str, **options) -> dict:
    """An admin's signature registering ``url`` for every alert."""
    return admin_auth(chain, "webhook-add", webhook_target(url), **options)


def test_report_by_stage(scene):
    rows = scene["client"].get("/v1/reports/stage").json()["rows"]
    by_stage = {r["stage"]: r for r in rows if r["template"] == PERMIT}
    accepted = by_stage["受理"]
    assert (accepted["steps"], accepted["steps_on_time"], accepted["steps_on_time_rate"]) == (2, 1, 0.5)
    late_hours = 20 * 24 + 9 - 3.5
    assert accepted["stage_hours_avg"] == round((1 + late_hours) / 2, 2)
    assert accepted["stage_hours_p90"] == late_hours and accepted["overdue"] == 1
    review = by_stage["初审"]
    assert (review["steps"], review["steps_on_time_rate"], review["stage_hours_avg"], review["overdue"]) == (
        1, 1.0, 2.0, 0
    )  # fmt: skip
    rereview = by_stage["复核"]  # nobody finished it: no times, one red alert
    assert (rereview["steps"], rereview["steps_on_time_rate"], rereview["stage_hours_avg"]) == (0, None, None)
    assert rereview["overdue"] == 1
    assert "matters" not in {k for k, v in accepted.items() if v is not None}
    # Stages are listed in the order a matter passes them, not in the order of their names' code points.
    assert [r["stage"] for r in rows if r["template"] == PERMIT] == ["受理", "初审", "复核"]


def test_report_by_template_and_by_agency_agree(scene):
    client, chain = scene["client"], scene["chain"]
    template = next(r for r in client.get("/v1/reports/template").json()["rows"] if r["template"] == PERMIT)
    late_hours = 20 * 24 + 9 - 3.5
    expected = {
        # C was withdrawn: closed, but not completed, so neither on time nor late (A and B are still open).
        "matters": 3, "closed": 1, "completed": 0, "open": 2, "matters_on_time": 0, "matters_on_time_rate": None,
        "matter_hours_avg": None, "matter_hours_p90": None, "steps": 3, "steps_on_time": 2,
        "steps_on_time_rate": 0.6667, "stage_hours_avg": round((1 + 2 + late_hours) / 3, 2),
        "stage_hours_p90": late_hours, "overdue": 2,
    }  # fmt: skip
    assert {k: template[k] for k in expected} == expected
    agency = next(r for r in client.get("/v1/reports/agency").json()["rows"] if r["agency"] == chain.agency_code)
    assert {k: agency[k] for k in expected} == expected


def test_report_over_a_period(scene):
    client, start = scene["client"], scene["start"]
    since_b = start + int(3.5 * HOUR * 1000)
    row = next(
        r
        for r in client.get("/v1/reports/template", params={"from": since_b}).json()["rows"]
        if r["template"] == PERMIT
    )
    # B and C opened, C closed, B's late step; A's two steps came before.
    assert (row["matters"], row["closed"], row["steps"], row["steps_on_time"]) == (2, 1, 1, 0)
    until = start + 2 * HOUR * 1000
    early = client.get("/v1/reports/stage", params={"from": start, "to": until}).json()["rows"]
    assert [(r["stage"], r["steps"]) for r in early if r["steps"]] == [("受理", 1)]
    iso = client.get("/v1/reports/template", params={"from": "2020-01-01T00:00:00+08:00"})
    assert iso.status_code == 200 and iso.json()["from"] == 1577808000000


def test_report_as_csv_opens_in_a_spreadsheet(scene):
    response = scene["client"].get("/v1/reports/template", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="tiezheng-report-template.csv"'
    # A report of a period is saved under a name that says which: two periods' files keep apart.
    november = scene["client"].get(
        "/v1/reports/agency",
        params={"format": "csv", "from": "2026-11-01T00:00:00+08:00", "to": "2026-11-30T23:59:59.999+08:00"},
    )
    assert november.headers["content-disposition"].endswith(
        'filename="tiezheng-report-agency-from-2026-11-01-to-2026-11-30.csv"'
    ), november.headers
    # A bound past the calendar's years names no day, and is left out of the name rather than fail the export.
    far = scene["client"].get("/v1/reports/agency", params={"format": "csv", "to": "253402300800000"})
    assert far.status_code == 200 and far.headers["content-disposition"].endswith('"tiezheng-report-agency.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Chinese names as UTF-8 only with the BOM
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == columns("template")
    permit = next(r for r in rows if r["template"] == PERMIT)
    assert permit["matters"] == "3" and permit["steps_on_time_rate"] == "0.6667"


def test_the_reports_page_shows_the_same_figures(scene):
    page = scene["client"].get("/reports?by=template&lang=en").text
    assert "66.7%" in page and PERMIT in page
    assert "<th>Closed</th><th>Completed</th>" in page and '<td class="num">1</td><td class="num">0</td>' in page


def test_matters_and_alerts_listed_and_filtered(scene):
    client, chain = scene["client"], scene["chain"]
    everything = client.get("/v1/matters").json()["items"]
    assert [m["id"] for m in everything] == [scene["c"], scene["b"], scene["a"]]
    assert [m["id"] for m in client.get("/v1/matters", params={"status": "closed"}).json()["items"]] == [scene["c"]]
    paged = client.get("/v1/matters", params={"limit": 2}).json()
    rest = client.get("/v1/matters", params={"cursor": paged["next"]}).json()
    assert [m["id"] for m in paged["items"] + rest["items"]] == [m["id"] for m in everything] and rest["next"] is None
    subject = everything[0]["subject"]
    assert [m["id"] for m in client.get("/v1/matters", params={"subject": subject}).json()["items"]] == [scene["c"]]
    for spelled in ("0x" + subject, subject.upper()):  # as /v1/evidence?subject= takes it
        assert [m["id"] for m in client.get("/v1/matters", params={"subject": spelled}).json()["items"]] == [scene["c"]]
    red = client.get("/v1/alerts", params={"severity": "red"}).json()["items"]
    assert {(a["matter"], a["stage"]) for a in red} == {(scene["b"], "受理"), (scene["a"], "复核")}
    assert {a["status"] for a in red if a["matter"] == scene["b"]} == {"resolved"}
    assert client.get("/v1/alerts", params={"template": "enforcement-case"}).json()["items"] == []
    # A template by its hash (one revision) as by its id (all of them); a template nobody holds is named so.
    permit_hash = TEMPLATES[PERMIT].hash.hex()
    by_hash = client.get("/v1/alerts", params={"template": permit_hash}).json()["items"]
    assert by_hash == client.get("/v1/alerts", params={"template": PERMIT}).json()["items"] != []
    by_hash = client.get("/v1/matters", params={"template": "0x" + permit_hash}).json()["items"]
    assert [m["id"] for m in by_hash] == [m["id"] for m in everything if m["template_hash"] == permit_hash]
    for unknown in ("no-such-template", "ab" * 32):
        for path in ("/v1/matters", "/v1/alerts"):
            assert error(client.get(path, params={"template": unknown})) == (404, "unknown-template")
    assert len(client.get("/v1/alerts", params={"agency": chain.agency_code}).json()["items"]) == 4
    # An agency never registered matches nothing: said so, and a code in other letter case is pointed to its spelling.
    for path in ("/v1/matters", "/v1/alerts"):
        assert error(client.get(path, params={"agency": "91110000MA0NOPE01X"})) == (404, "unknown-agency")
        miscased = client.get(path, params={"agency": chain.agency_code.lower()})
        assert error(miscased) == (404, "unknown-agency")
        assert miscased.json()["error"]["message"].endswith(f"codes are matched as registered: {chain.agency_code}")
    one = client.get(f"/v1/alerts/{red[0]['id']}").json()
    assert one == red[0]
    matter = client.get(f"/v1/matters/{scene['a']}").json()
    assert matter["current"] == "复核" and [s["stage"] for s in matter["steps"]] == ["受理", "初审"]
    assert matter["template"] == PERMIT and matter["template_hash"] == TEMPLATES[PERMIT].hash.hex()


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/v1/matters", {"status": "pending"}, (400, "invalid-request")),
        ("/v1/matters", {"limit": 0}, (400, "invalid-request")),
        ("/v1/matters", {"cursor": "-1"}, (400, "invalid-request")),
        ("/v1/matters", {"subject": "zz"}, (400, "invalid-request")),
        ("/v1/matters", {"template": "Permit!"}, (400, "invalid-request")),
        ("/v1/alerts", {"template": ""}, (400, "invalid-request")),
        ("/v1/matters/DEV-000000-9A", {}, (400, "evidence-id-checksum")),
        ("/v1/matters/not-an-id", {}, (400, "bad-evidence-id")),
        # A well-checked ID of a leaf past 2**64 (no log has one; store keys are 64-bit).
        ("/v1/matters/DEV-G000000000000-GQ", {}, (400, "bad-evidence-id")),
        ("/v1/alerts/DEV-G000000000000-GQ", {}, (400, "bad-evidence-id")),
        ("/v1/evidence/DEV-G000000000000-GQ", {}, (400, "bad-evidence-id")),
        (f"/v1/matters/{EvidenceId('XYZ', 0)}", {}, (404, "wrong-chain")),
        (f"/v1/matters/{EvidenceId('DEV', 99_999)}", {}, (404, "unknown-matter")),
        (f"/v1/alerts/{EvidenceId('DEV', 99_999)}", {}, (404, "unknown-alert")),
        ("/v1/alerts", {"severity": "amber"}, (400, "invalid-request")),
        ("/v1/alerts", {"limit": 501}, (400, "invalid-request")),
        ("/v1/templates/" + "ab" * 31, {}, (400, "invalid-request")),
        ("/v1/templates/" + "ab" * 32, {}, (404, "unknown-template")),
        ("/v1/reports/weekday", {}, (400, "invalid-request")),
        ("/v1/reports/agency", {"from": "yesterday"}, (400, "invalid-request")),
        ("/v1/reports/agency", {"format": "xlsx"}, (400, "invalid-request")),
    ],
)
def test_bad_reads_are_refused_by_name(scene, path, params, expected):
    response = scene["client"].get(path, params=params)
    assert error(response) == expected, response.text


def test_admin_requests_need_a_fresh_unused_admin_signature(scene):
    client, chain = scene["client"], scene["chain"]
    url = "http://127.0.0.1:9/supervision"
    stranger = Account.create()
    red_only = admin_auth(chain, "webhook-add", webhook_target(url, ["red"]))
    cases = [
        ({"url": url, "auth": hook_auth(chain, url, account=stranger)}, (403, "not-admin")),
        ({"url": url, "auth": hook_auth(chain, "http://other")}, (403, "bad-signature")),
        ({"url": url, "auth": hook_auth(chain, url, at=int(time.time() * 1000) - 600_000)},
         (403, "stale-signature")),
        ({"url": "ftp://x", "auth": hook_auth(chain, "ftp://x")}, (400, "invalid-request")),
        ({"url": url, "severities": ["purple"], "auth": hook_auth(chain, url)},
         (400, "invalid-request")),
        ({"url": url, "auth": {**hook_auth(chain, url), "signature": "0x1234"}},
         (400, "bad-signature")),
        ({"url": url}, (400, "invalid-request")),
        # The signature covers the filters: whoever presents it cannot choose which alerts go out.
        ({"url": url, "severities": ["warning"], "auth": red_only}, (403, "bad-signature")),
        ({"url": url, "auth": red_only}, (403, "bad-signature")),
        # ... and the chain, by its genesis: another DEV chain's line is no good here.
        ({"url": url, "auth": admin_auth(chain, "webhook-add", webhook_target(url), genesis=bytes(32))},
         (403, "bad-signature")),
    ]  # fmt: skip
    for body, expected in cases:
        assert error(client.post("/v1/webhooks", json=body)) == expected, body
    assert client.get("/v1/webhooks").json() == []  # nothing half-registered
    body = {"url": url, "severities": ["red"], "auth": admin_auth(chain, "webhook-add", webhook_target(url, ["red"]))}
    added = client.post("/v1/webhooks", json=body)
    assert added.status_code == 201 and added.json()["created_by"] == chain.admin.address
    assert error(client.post("/v1/webhooks", json=body)) == (403, "replayed")
    hook = added.json()["id"]
    assert error(client.request("DELETE", "/v1/webhooks/999", json=admin_auth(chain, "webhook-remove", "999"))) == (
        404, "unknown-webhook"
    )  # fmt: skip
    wrong_target = admin_auth(chain, "webhook-remove", "999")
    assert error(client.request("DELETE", f"/v1/webhooks/{hook}", json=wrong_target))[1] == "bad-signature"
    gone = client.request("DELETE", f"/v1/webhooks/{hook}", json=admin_auth(chain, "webhook-remove", str(hook)))
    assert gone.status_code == 204 and client.get("/v1/webhooks").json() == []


def test_a_signed_request_whose_action_was_not_written_can_be_sent_again(scene, monkeypatch):
    """The line is spent by the action's own write: a failed write leaves the request usable, not used up."""
    from tiezheng_node.process.records import webhook_key
    from tiezheng_node.store import Store

    chain = scene["chain"]
    client = TestClient(create_app(chain.node), raise_server_exceptions=False)
    url = "http://127.0.0.1:9/retried"
    body = {"url": url, "auth": hook_auth(chain, url)}
    commit = Store.commit
    failed = []

    def full_disk_once(store, writes, **options):
        if not failed and any(key.startswith(webhook_key(1)[:1]) for key in writes):  # the webhook's own write
            failed.append(True)
            raise OSError(28, "No space left on device")
        return commit(store, writes, **options)

    monkeypatch.setattr(Store, "commit", full_disk_once)
    assert client.post("/v1/webhooks", json=body).status_code == 500 and failed
    assert [h["url"] for h in client.get("/v1/webhooks").json()] == []
    again = client.post("/v1/webhooks", json=body)
    assert again.status_code == 201, again.text
    assert error(client.post("/v1/webhooks", json=body)) == (403, "replayed")
    removed = client.request("DELETE", f"/v1/webhooks/{again.json()['id']}", json=admin_auth(
        chain, "webhook-remove", str(again.json()["id"])))  # fmt: skip
    assert removed.status_code == 204


SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def other_encodings(signature: str) -> list[str]:
    """The same ECDSA signature written otherwise: upper-case hex, v as 0/1, and (r, n - s) with v flipped."""
    raw = bytes.fromhex(signature[2:])
    r, s, v = raw[:32], int.from_bytes(raw[32:64], "big"), raw[64]
    flipped = r + (SECP256K1_ORDER - s).to_bytes(32, "big") + bytes([55 - v])
    return ["0x" + raw.hex().upper(), "0x" + (raw[:64] + bytes([v - 27])).hex(), "0x" + flipped.hex()]


def test_a_used_admin_signature_is_refused_in_any_encoding(scene):
    client, chain = scene["client"], scene["chain"]
    url = "http://127.0.0.1:9/replayed"
    auth = hook_auth(chain, url)
    added = client.post("/v1/webhooks", json={"url": url, "auth": auth})
    assert added.status_code == 201, added.text
    for variant in other_encodings(auth["signature"]):
        replay = client.post("/v1/webhooks", json={"url": url, "auth": {**auth, "signature": variant}})
        assert error(replay) == (403, "replayed"), variant
    assert [h["url"] for h in client.get("/v1/webhooks").json()].count(url) == 1
    hook = added.json()["id"]
    gone = client.request("DELETE", f"/v1/webhooks/{hook}", json=admin_auth(chain, "webhook-remove", str(hook)))
    assert gone.status_code == 204


@pytest.mark.parametrize(
    "url",
    [
        "http://supervisor:s3cret-token@127.0.0.1:9/hook",
        "https://s3cret-token@example.org/hook",
        "http://127.0.0.1:9/hook#s3cret-token",
        "http://127.0.0.1:9/ho ok?s3cret-token",
        "http://127.0.0.1:9/hook\ns3cret-token",
        "http:///s3cret-token",
        "http://127.0.0.1:99999/s3cret-token",
        "ftp://127.0.0.1/s3cret-token",
        "file:///s3cret-token",
        "http://ｓ3cret-token.example/hook",  # a full-width letter: no IDNA name, never reachable
        "http://xn--a/s3cret-token",
        "http://。/s3cret-token",
    ],
)
def test_webhook_urls_with_credentials_or_oddities_are_refused_without_echo(scene, url):
    """Webhooks are listed to anyone: a URL with a user name, a password or garbage is refused, and not repeated."""
    client, chain = scene["client"], scene["chain"]
    response = client.post("/v1/webhooks", json={"url": url, "auth": hook_auth(chain, url)})
    assert error(response) == (400, "invalid-request"), response.text
    assert "s3cret" not in response.text
    assert all("s3cret" not in h["url"] for h in client.get("/v1/webhooks").json())


@pytest.mark.parametrize(
    ("filters", "refusal"),
    [
        ({"severities": ["red", "red"]}, (400, "invalid-request")),
        ({"agencies": [""]}, (400, "invalid-request")),
        ({"agencies": ["\u202e91110000MA0DEV001X"]}, (400, "invalid-request")),
        ({"agencies": ["A" * 10_000]}, (400, "invalid-request")),
        ({"agencies": ["91110000MA0DEV001X", "91110000MA0DEV001X"]}, (400, "invalid-request")),
        ({"templates": ["nope"]}, (404, "unknown-template")),
        ({"templates": ["Administrative Permit"]}, (400, "invalid-request")),
        ({"agencies": ["91110000MA0NOPE01X"]}, (404, "unknown-agency")),
        ({"agencies": ["91110000ma0dev001x"]}, (404, "unknown-agency")),
    ],
)
def test_webhook_filters_that_could_never_match_are_refused(scene, filters, refusal):
    """A misspelt filter would make a webhook that silently never fires."""
    client, chain = scene["client"], scene["chain"]
    url = "http://127.0.0.1:9/never"
    target = webhook_target(
        url, filters.get("severities", []), filters.get("agencies", []), filters.get("templates", [])
    )
    response = client.post(
        "/v1/webhooks", json={"url": url, **filters, "auth": admin_auth(chain, "webhook-add", target)}
    )
    assert error(response) == refusal, response.text
    assert all(h["url"] != url for h in client.get("/v1/webhooks").json())


@pytest.mark.parametrize("time_value", ["as text", True, 1.0])
def test_a_signature_time_of_another_type_is_refused_not_coerced(scene, time_value):
    client, chain = scene["client"], scene["chain"]
    url = "http://127.0.0.1:9/typed"
    auth = hook_auth(chain, url)
    auth["time"] = str(auth["time"]) if time_value == "as text" else time_value
    response = client.post("/v1/webhooks", json={"url": url, "auth": auth})
    assert error(response) == (400, "invalid-request") and "time" in response.text, response.text


def test_a_cbor_byte_string_is_no_url(scene):
    from tiezheng import cbor

    client, chain = scene["client"], scene["chain"]
    url = "http://127.0.0.1:9/bytes"
    body = cbor.encode({"url": url.encode(), "auth": hook_auth(chain, url)})
    response = client.post("/v1/webhooks", content=body, headers={"content-type": "application/cbor"})
    assert error(response) == (400, "invalid-request"), response.text


@pytest.mark.parametrize("agency", ["", "\x00", "\u202e", "a b"])
def test_agency_filters_of_matters_and_alerts_are_agency_codes(scene, agency):
    client = scene["client"]
    for path in ("/v1/matters", "/v1/alerts"):
        assert error(client.get(path, params={"agency": agency})) == (400, "invalid-request"), path


def test_acknowledging_an_alert(scene):
    client, chain = scene["client"], scene["chain"]
    open_red = client.get("/v1/alerts", params={"severity": "red", "status": "open"}).json()["items"]
    assert [a["matter"] for a in open_red] == [scene["a"]]
    alert = open_red[0]["id"]
    assert error(client.post(f"/v1/alerts/{scene['a']}/ack", json=admin_auth(chain, "ack", scene["a"]))) == (
        404, "unknown-alert"
    )  # fmt: skip
    stranger = admin_auth(chain, "ack", alert, account=Account.create())
    assert error(client.post(f"/v1/alerts/{alert}/ack", json=stranger)) == (403, "not-admin")
    assert client.get(f"/v1/alerts/{alert}").json()["status"] == "open"
    announced: list[tuple[str, dict]] = []
    publish = chain.node.process.on_change
    chain.node.process.on_change = lambda events: (announced.extend(events), publish(events))
    done = client.post(f"/v1/alerts/{alert}/ack", json=admin_auth(chain, "ack", alert)).json()
    assert done["status"] == "acknowledged" and done["acknowledged_by"] == chain.admin.address
    assert done["acknowledged_at"] is not None
    # Acknowledging again changes nothing and announces nothing: a retried request is harmless.
    again = client.post(f"/v1/alerts/{alert}/ack", json=admin_auth(chain, "ack", alert)).json()
    assert again == done
    assert [kind for kind, _ in announced] == ["alert"]
    # The explorer says who acknowledged it, and when.
    listed = client.get("/alerts", params={"status": "acknowledged", "lang": "en"}).text
    assert f"by {chain.admin.address[:12]}" in listed and " at 20" in listed


def test_a_matter_closed_early_shows_its_closing_record_and_time(scene):
    client, chain = scene["client"], scene["chain"]
    c = chain.node.process.matter(EvidenceId.parse(scene["c"]).index)
    closing = str(EvidenceId("DEV", c.last_index))
    for language, outcome in (("zh", "撤回"), ("en", "withdrawn")):
        page = client.get(f"/matters/{scene['c']}", params={"lang": language}).text
        assert f'href="/evidence/{closing}"' in page and 'id="closing-step"' in page, language
        assert f"· {outcome}" in page and 'id="matter-closed"' in page, language
    listed = client.get("/matters", params={"status": "closed", "lang": "zh"}).text
    assert "已结束 · 撤回" in listed and "行政许可" in listed  # the template by its name, not its id
    assert 'id="closing-step"' not in client.get(f"/matters/{scene['a']}").text  # open: nothing closed it


def test_templates_calendar_and_supervision_are_published(scene):
    client, chain = scene["client"], scene["chain"]
    templates = {t["id"]: t for t in client.get("/v1/templates").json()}
    assert set(templates) >= {PERMIT, "enforcement-case", "newborn-one-thing"}
    permit = client.get(f"/v1/templates/{templates[PERMIT]['hash']}").json()
    assert permit["hash"] == TEMPLATES[PERMIT].hash.hex()
    assert [s["key"] for s in permit["stages"]] == ["受理", "初审", "复核", "集体讨论", "审批签发", "结果反馈"]
    enforcement = {
        s["key"]: s for s in client.get(f"/v1/templates/{templates['enforcement-case']['hash']}").json()["stages"]
    }
    assert enforcement["听证"]["entered_when"] == "hearing" and enforcement["执行"]["requires"] == ["送达", "公示"]
    assert enforcement["决定"]["requires"] == [] and enforcement["决定"]["entered_when"] is None
    calendar = client.get("/v1/calendar").json()
    assert "2026-10-01" in calendar["holidays"] and calendar["hash"]
    supervision = client.get("/v1/supervision").json()
    assert supervision["agency"] == chain.supervision.agency
    assert supervision["public_key"] == chain.supervision.key.public_key().to_bytes().hex()


def test_a_steps_evidence_page_links_its_matter(scene):
    client = scene["client"]
    first_step = client.get(f"/v1/matters/{scene['a']}").json()["steps"][0]["id"]
    for evidence_id in (scene["a"], first_step):
        page = client.get(f"/evidence/{evidence_id}").text
        assert f'href="/matters/{scene["a"]}"' in page and 'id="not-applied"' not in page
    assert 'id="digest-is-subject"' not in client.get(f"/evidence/{scene['a']}").text  # opened with its application


def test_an_opening_without_a_document_says_its_digest_is_the_subject(tmp_path):
    """The SDK signs the subject pseudonym as an opening's digest when no document comes with it."""
    chain = LocalChain(tmp_path / "node")
    try:
        desk = Desk(chain, chain.agency_key, chain.agency_code)
        subject = sm3(b"case D, opened with no document")
        index = desk.submit(
            open_statement(
                template_hash=TEMPLATES[PERMIT].hash, subject=subject, agency=desk.code,
                key_id=desk.key.public_key().key_id, digest=subject, time_ms=desk.now_ms(), parties={},
            )
        )  # fmt: skip
        chain.node.produce_block()
        with TestClient(create_app(chain.node)) as client:
            page = client.get(f"/evidence/{EvidenceId('DEV', index)}", params={"lang": "en"}).text
        assert 'id="digest-is-subject"' in page and "no document: this is the subject pseudonym" in page
    finally:
        chain.close()


def test_the_process_pages_say_when_the_calendar_lacks_a_years_holidays(scene, monkeypatch):
    client, process = scene["client"], scene["chain"].node.process
    monkeypatch.setattr(process, "uncovered_year", lambda now_ms: 2031)
    for path in ("/matters", f"/matters/{scene['a']}", "/alerts", "/reports"):
        page = client.get(path, params={"lang": "en"}).text
        assert "does not list 2031" in page and 'id="calendar-gap"' in page, path
    assert "2031 年的节假日与调休" in client.get("/matters", params={"lang": "zh"}).text
    assert 'id="calendar-gap"' not in client.get("/blocks").text  # not a page of deadlines
    monkeypatch.setattr(process, "uncovered_year", lambda now_ms: None)
    assert 'id="calendar-gap"' not in client.get("/matters").text


def test_the_matters_and_alerts_pages_filter(scene):
    client = scene["client"]
    closed = client.get("/matters", params={"status": "closed"}).text
    assert scene["c"] in closed and scene["a"] not in closed and scene["b"] not in closed
    every = client.get("/matters?lang=en").text
    assert all(scene[m] in every for m in "abc")
    red = client.get("/alerts", params={"severity": "red"}).text
    assert red.count('data-alert="') == 2
    # A form submitted with "—" sends empty values: they filter nothing.
    assert all(scene[m] in client.get("/matters?template=&status=").text for m in "abc")
    assert client.get("/alerts?status=&severity=red").text.count('data-alert="') == 2
    warnings = client.get("/alerts", params={"severity": "warning", "status": "open"}).text
    assert warnings.count('data-alert="') >= 1 and "bad" not in warnings.split("<tbody>")[1].split("</tbody>")[0]
    page = client.get(f"/matters/{scene['b']}?lang=en").text
    assert "overdue" in page and page.count('class="late"') >= 1
    # A filter value no matter or alert can have says so, rather than look like an empty chain.
    for path, said in (
        ("/matters?status=bogus", "There is no status “bogus”"),
        ("/matters?template=no-such-template", "There is no template “no-such-template”"),
        ("/alerts?status=bogus", "There is no status “bogus”"),
        ("/alerts?severity=purple", "There is no severity “purple”"),
    ):
        assert said in client.get(path + "&lang=en").text, path
    assert "filter-unknown" not in client.get("/alerts?status=open&severity=red").text


def test_stages_are_named_in_the_readers_language(scene):
    """The chain holds each stage's Chinese key; in English the pages name it as its template does."""
    client = scene["client"]
    english = {
        "matter": client.get(f"/matters/{scene['a']}?lang=en").text,
        "matters": client.get("/matters?lang=en").text,
        "alerts": client.get("/alerts?lang=en").text,
        "report": client.get("/reports?by=stage&lang=en").text,
    }
    for name, stages in {
        "matter": ("Acceptance", "First review", "Re-review"),  # two steps done, the third in progress
        "matters": ("First review", "Re-review"),  # where B and A wait
        "alerts": ("Acceptance", "Re-review"),  # the stages that ran out
        "report": ("Acceptance", "First review"),
    }.items():
        assert all(stage in english[name] for stage in stages), name
        assert not re.search(r"<td>[^<]*(受理|初审|复核)", english[name]), name
    chinese = client.get(f"/matters/{scene['a']}?lang=zh").text
    assert "受理" in chinese and "初审" in chinese and "Acceptance" not in chinese and "First review" not in chinese
    # A step's own page keeps what the statement holds next to the English name.
    first_step = client.get(f"/v1/matters/{scene['a']}").json()["steps"][0]["id"]
    page = client.get(f"/evidence/{first_step}?lang=en").text
    assert '<dd id="stage">Acceptance (受理)</dd>' in page
    assert '<dd id="stage">受理</dd>' in client.get(f"/evidence/{first_step}?lang=zh").text


def test_an_alerts_page_labels_each_field_once(scene):
    client = scene["client"]
    alert = client.get("/v1/alerts").json()["items"][0]["id"]
    for language in ("en", "zh"):
        page = client.get(f"/evidence/{alert}?lang={language}").text
        # "Matter" and "Matter (SM3)" read as one label: compare them without what the brackets add.
        labels = [re.sub(r"\s*\(.*?\)", "", label) for label in re.findall(r"<dt>(.*?)</dt>", page)]
        assert len(labels) == len(set(labels)), (language, labels)
        assert alert in page and 'href="/matters/' in page
        # Its deadline, in the meta the chain defines for alerts, reads as a time, the ms kept as its title.
        deadline = client.get(f"/v1/alerts/{alert}").json()["deadline"]
        assert f'<code>deadline</code>: <time title="{deadline} ms">20' in page


def test_the_reports_page_takes_a_period_and_passes_it_to_the_csv(scene):
    client, start = scene["client"], scene["start"]
    beijing = timezone(timedelta(hours=8))
    day = lambda ms: datetime.fromtimestamp(ms / 1000, tz=beijing).date().isoformat()  # noqa: E731
    # Days 10 to 30 after the start hold one step only: B's 受理, twenty days late.
    first, last = day(start + 10 * 24 * HOUR * 1000), day(start + 30 * 24 * HOUR * 1000)
    page = client.get("/reports", params={"by": "stage", "from": first, "to": last, "lang": "en"}).text
    rows = re.findall(r"<tr>\s*<td[^>]*>[^<]*</td><td>([^<]*)</td>\s*<td class=\"num\">(\d+)</td>", page)
    assert [row for row in rows if row[1] != "0"] == [("Acceptance", "1")], rows
    assert f'name="from" value="{first}"' in page and f'name="to" value="{last}"' in page
    assert f"{first} – {last}" in page
    # The other views and the CSV keep the period; the CSV's bounds are the days' first and last ms in UTC+8.
    assert f'href="/reports?by=agency&amp;from={first}&amp;to={last}"' in page
    csv_link = re.search(r'<a href="(/v1/reports/stage\?[^"]+)" id="report-csv"', page).group(1).replace("&amp;", "&")
    assert f"from={first}T00%3A00%3A00.000%2B08%3A00" in csv_link
    assert f"to={last}T23%3A59%3A59.999%2B08%3A00" in csv_link
    exported = list(csv.DictReader(io.StringIO(client.get(csv_link).text.lstrip("\ufeff"))))
    assert [(r["stage"], r["steps"], r["steps_on_time"]) for r in exported if r["steps"] != "0"] == [("受理", "1", "0")]
    # Without a period, every step counts; a period that does not read says so and shows all time.
    everything = client.get("/reports?by=stage&lang=en").text
    assert "all time" in everything and '/v1/reports/stage?format=csv"' in everything
    for bad in ({"from": "2026-13-01"}, {"from": last, "to": first}, {"from": "yesterday"}):
        refused = client.get("/reports", params={"by": "stage", "lang": "zh", **bad})
        assert refused.status_code == 200 and 'id="period-message"' in refused.text, bad
        assert "统计期间无法识别" in refused.text
    by_template = client.get("/reports", params={"by": "template", "lang": "en"}).text
    assert 'id="report-note"' in by_template and "on time ÷ (on time + late)" in by_template
    from_the_start = client.get("/reports", params={"by": "stage", "from": "0001-01-01"})  # before any block
    assert from_the_start.status_code == 200 and 'id="period-message"' not in from_the_start.text
    assert '/v1/reports/stage?format=csv"' in from_the_start.text  # the whole history, as without a start
    client.cookies.clear()


def test_a_used_admin_signature_stays_used_after_a_restart(tmp_path):
    chain = LocalChain(tmp_path / "node")
    url = "http://127.0.0.1:9/after-restart"
    auth = hook_auth(chain, url)
    long_ago = used_line_key(int(time.time() * 1000) - 11 * 60 * 1000, chain.admin.address, "an old line")
    chain.node.store.commit({long_ago: b""})
    try:
        with TestClient(create_app(chain.node)) as client:
            assert client.post("/v1/webhooks", json={"url": url, "auth": auth}).status_code == 201
        assert chain.node.store.get(long_ago) is None  # pruned: it would be refused as stale anyway
        chain.node.close()
        chain.node = Node(tmp_path / "node", chain.genesis, chain.validator_key, **chain.node_options)
        with TestClient(create_app(chain.node)) as client:
            assert error(client.post("/v1/webhooks", json={"url": url, "auth": auth})) == (403, "replayed")
            assert [hook["url"] for hook in client.get("/v1/webhooks").json()] == [url]
    finally:
        chain.close()


def test_reports_that_read_every_matter_run_one_at_a_time(scene, monkeypatch):
    client, chain = scene["client"], scene["chain"]
    monkeypatch.setattr(engine_module, "REPORT_WAIT_SECONDS", 0.05)
    inside_a_day = {"from": "1000", "to": "2000"}  # not whole days: no kept totals answer it
    with chain.node.process._scanning_report:  # another such report is being read
        busy = client.get("/v1/reports/agency", params=inside_a_day)
        assert error(busy) == (503, "busy") and busy.headers["retry-after"] == "5"
        assert client.get("/v1/reports/agency").status_code == 200  # kept totals need no reading
    assert client.get("/v1/reports/agency", params=inside_a_day).status_code == 200
