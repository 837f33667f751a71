"""Process trails on real node processes: the CLI and SDK, overdue alerts in every channel, webhooks across a crash.

A dev node runs with tests/data/workflows (a drill template whose stages last
three seconds, registered here in ProcessTrail by an admin transaction), so a
deadline really passes during the test; a real HTTP receiver checks each
webhook's SM2 signature with the node's published supervision key.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.support.admin import admin_signature
from tests.support.drill import DRILL, agency_client, start_drill_node
from tests.support.processes import NodeProcess, free_port
from tests.support.receiver import Receiver
from tests.support.waiting import eventually
from tiezheng.beijing import BEIJING
from tiezheng.errors import TiezhengError
from tiezheng.gm import SM2PublicKey, keystore
from tiezheng.sdk import ApiError, AsyncClient, Client, MatterView
from tiezheng.statement import document_number_hash, subject_hash
from tiezheng.supervision import webhook_target

REPO = Path(__file__).resolve().parents[2]
TIEZHENG = str(Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "tiezheng")
SALTS = {"TIEZHENG_SUBJECT_SALT": "test-subject-salt", "TIEZHENG_OPERATOR_SALT": "a secret agency salt 0123"}


@pytest.fixture
def node(tmp_path):
    process = start_drill_node(tmp_path / "data")
    yield process
    process.stop()


def client_for(node: NodeProcess) -> Client:
    return agency_client(
        node,
        subject_salt=SALTS["TIEZHENG_SUBJECT_SALT"].encode(),
        operator_salt=SALTS["TIEZHENG_OPERATOR_SALT"].encode(),
    )


def cli(
    node: NodeProcess, *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    agency = node.accounts()["agency"]
    env = {**os.environ, **SALTS, "TIEZHENG_PASSPHRASE": agency["passphrase"], **(env or {})}
    return subprocess.run([TIEZHENG, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120)


def writes(node: NodeProcess) -> list[str]:
    agency = node.accounts()["agency"]
    return ["--node", node.url, "--key", str(node.data_dir / agency["sm2_keystore"]), "--agency", agency["agency_code"]]


def test_a_permit_recorded_step_by_step_with_the_cli(node, tmp_path):
    files = {}
    for name in ("申请书", "初审意见", "复核意见", "决定书", "回执"):
        files[name] = tmp_path / f"{name}.pdf"
        files[name].write_bytes(f"{name} content".encode() * 50)
    # The case number comes on standard input, out of the process list.
    opened = cli(node, "matter", "open", *writes(node), "--template", "administrative-permit",
                 "--subject", "-", "--document", str(files["申请书"]),
                 "--official", "官员-007", stdin="京市监许〔2026〕0417\n")  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    matter = opened.stdout.split()[0]
    assert "now at 受理" in opened.stdout
    steps = [
        ("受理", files["申请书"], files["申请书"], []),
        ("初审", files["申请书"], files["初审意见"], ["--opinion", str(files["初审意见"])]),
        ("复核", files["初审意见"], files["复核意见"], ["--opinion", str(files["复核意见"]), "--next", "审批签发"]),
        ("审批签发", files["复核意见"], files["决定书"], ["--document-no", "京市监许〔2026〕0417号"]),
        ("结果反馈", files["决定书"], files["回执"], []),
    ]
    for stage, before, after, extra in steps:
        done = cli(node, "matter", "step", matter, *writes(node), "--stage", stage, "--decision", "approve",
                   "--before", str(before), "--after", str(after), "--official", "官员-007", *extra)  # fmt: skip
        assert done.returncode == 0, done.stderr
    shown = cli(node, "matter", "show", matter, "--node", node.url)
    assert shown.returncode == 0 and "closed: completed" in shown.stdout
    for stage, *_ in steps:
        assert stage in shown.stdout
    assert shown.stdout.count("on time") == 5
    as_json = json.loads(cli(node, "matter", "show", matter, "--node", node.url, "--json").stdout)
    assert [s["stage"] for s in as_json["steps"]] == [s[0] for s in steps]
    # The case number itself is nowhere on chain: only its salted SM3; nor is the decision's number.
    record = httpx.get(f"{node.url}/v1/evidence/{matter}").json()
    # Searched for by the parts no hex signature or hash can hold by chance ("0417" alone can).
    assert "京市监许" not in json.dumps(record, ensure_ascii=False)
    assert "〔2026〕0417" not in json.dumps(record, ensure_ascii=False)
    salt = SALTS["TIEZHENG_SUBJECT_SALT"].encode()
    assert record["statement"]["subject"] == subject_hash("京市监许〔2026〕0417", salt).hex()
    signing = as_json["steps"][3]["id"]
    signed = httpx.get(f"{node.url}/v1/evidence/{signing}").json()["statement"]
    assert "京市监许" not in json.dumps(signed, ensure_ascii=False)
    assert signed["meta"]["document_no"] == document_number_hash("京市监许〔2026〕0417号", salt)
    # Out of order: a step the template does not allow now is refused with the rule, and nothing is written.
    again = cli(node, "matter", "step", matter, *writes(node), "--stage", "受理", "--decision", "approve",
                "--after", str(files["回执"]), "--official", "官员-007")  # fmt: skip
    assert again.returncode == 2 and "closed" in again.stderr and "[matter-closed]" in again.stderr


def test_matter_show_names_the_limits_running_for_stages_to_come(node, tmp_path):
    record = tmp_path / "立案审批表.pdf"
    record.write_bytes(b"filing form" * 40)
    opened = cli(node, "matter", "open", *writes(node), "--template", "enforcement-case",
                 "--subject", "京市监罚〔2026〕0777", "--official", "官员-9")  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    matter = opened.stdout.split()[0]
    filed = cli(node, "matter", "step", matter, *writes(node), "--stage", "立案", "--decision", "approve",
                "--after", str(record), "--official", "官员-9", "--document-no", "京市监罚〔2026〕0777号")  # fmt: skip
    assert filed.returncode == 0, filed.stderr
    shown = cli(node, "matter", "show", matter, "--node", node.url)
    deadline = httpx.get(f"{node.url}/v1/matters/{matter}").json()["running"][0]["deadline"]
    due = datetime.fromtimestamp(deadline / 1000, tz=BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    assert f"  决定 due {due}, counted from 立案\n" in shown.stdout


def test_a_matter_closed_early_with_the_cli_is_closed_when_the_command_returns(node):
    opened = cli(node, "matter", "open", *writes(node), "--template", "administrative-permit",
                 "--subject", "京市监许〔2026〕0999")  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    matter = opened.stdout.split()[0]
    closed = cli(node, "matter", "close", matter, *writes(node), "--outcome", "withdrawn")
    assert closed.returncode == 0 and f"{matter} closed: withdrawn" in closed.stdout, closed.stderr
    state = httpx.get(f"{node.url}/v1/matters/{matter}").json()
    assert state["status"] == "closed"  # sealed, not just accepted
    # Its timeline: the opening and the closing, both records, as the explorer shows them.
    shown = cli(node, "matter", "show", matter, "--node", node.url).stdout.splitlines()
    rows = shown[next(i for i, line in enumerate(shown) if line.split()[:1] == ["stage"]) + 1 :]
    assert [row.split()[:2] for row in rows] == [["—", "opened"], ["—", "closed:"]], shown
    assert rows[0].split()[-1] == matter and rows[1].split()[-1] == state["latest"] != matter
    refused = cli(node, "matter", "close", matter, *writes(node), "--outcome", "completed")
    assert refused.returncode == 2 and "[bad-field]" in refused.stderr


def test_step_refusals_over_http_name_the_field_and_rule(node):
    with client_for(node) as client:
        matter = client.open_matter("administrative-permit", "case 88", official="官员-1").id
        with pytest.raises(ApiError) as skipped:
            client.step(matter, "复核", after=b"x", official="官员-1")
        assert skipped.value.status == 409 and skipped.value.code == "wrong-stage"
        with pytest.raises(ApiError) as missing:
            client.step(matter, "受理", after=b"x")  # no operator
        assert missing.value.status == 422 and "(field operator)" in missing.value.message
        with pytest.raises(TiezhengError) as unknown:
            client.open_matter("no-such-template", "case 89")
        assert unknown.value.code == "unknown-template"


def test_an_overdue_stage_raises_one_red_alert_everywhere(node):
    supervision = httpx.get(f"{node.url}/v1/supervision").json()
    receiver = Receiver(SM2PublicKey.from_bytes(bytes.fromhex(supervision["public_key"])))
    try:
        hook = httpx.post(
            f"{node.url}/v1/webhooks",
            json={
                "url": receiver.url,
                "severities": ["red"],
                "auth": admin_signature(node, "webhook-add", webhook_target(receiver.url, ["red"])),
            },
        )
        assert hook.status_code == 201, hook.text
        bad = httpx.post(
            f"{node.url}/v1/webhooks",
            json={
                "url": receiver.url,
                "auth": admin_signature(node, "webhook-add", webhook_target("http://elsewhere")),
            },
        )
        assert bad.status_code == 403 and bad.json()["error"]["code"] == "bad-signature"
        events: list[dict] = []

        def listen() -> None:
            with httpx.stream("GET", f"{node.url}/v1/events", timeout=60) as stream:
                kind = None
                for line in stream.iter_lines():
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: ") and kind == "alert":
                        events.append(json.loads(line[6:]))
                        if events[-1]["severity"] == "red":
                            return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        with client_for(node) as client:
            matter = client.open_matter(DRILL.hash.hex(), "drill 1", official="官员-2")
            deadline = client.matter(matter.id).stage_deadline
            red = eventually(
                lambda: [a for a in client.alerts(severity="red") if a["matter"] == matter.id],
                "the red alert",
                timeout=max(0.0, deadline / 1000 - time.time()) + 15,
            )
        assert len(red) == 1 and red[0]["stage"] == "受理" and red[0]["status"] == "open"
        # Raised by the first block after the deadline: 200 ms apart here, with room for a busy machine.
        assert deadline <= red[0]["raised"] <= deadline + 3000
        listener.join(timeout=10)
        assert any(e["id"] == red[0]["id"] for e in events)
        # The webhook: delivered at the first attempt, signed by the supervision key, acknowledged once.
        delivery = eventually(lambda: receiver.acknowledged().get(red[0]["id"]), "the red alert's delivery")
        assert delivery["verified"] and delivery["body"]["matter"] == matter.id
        assert delivery["at"] - red[0]["raised"] / 1000 < 5.0  # promptly; the single attempt is checked below
        # The CLI lists it; the explorer shows the matter in red; the alert is a record of the log with a receipt.
        listed = cli(node, "alerts", "--node", node.url, "--severity", "red")
        assert red[0]["id"] in listed.stdout and "RED" in listed.stdout
        page = httpx.get(f"{node.url}/matters/{matter.id}?lang=en").text
        assert "overdue now" in page and red[0]["id"] in page
        assert httpx.get(f"{node.url}/v1/evidence/{red[0]['id']}/receipt").status_code == 200
        # Acknowledged by an admin; resolved when the stage is done.
        ack = httpx.post(f"{node.url}/v1/alerts/{red[0]['id']}/ack", json=admin_signature(node, "ack", red[0]["id"]))
        assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
        with client_for(node) as client:
            client.step(matter.id, "受理", after=b"accepted", official="官员-2")
            assert client.alerts(status="resolved", severity="red")[0]["id"] == red[0]["id"]
        report = httpx.get(f"{node.url}/v1/reports/template").json()
        drill = next(r for r in report["rows"] if r["template"] == "fast-drill")
        assert drill["overdue"] >= 1 and drill["steps_on_time_rate"] == 0.0
        csv_text = httpx.get(f"{node.url}/v1/reports/stage?format=csv").text
        assert csv_text.lstrip("\ufeff").startswith("template,stage,steps")
        assert len([r for r in receiver.received if r["key"] == red[0]["id"]]) == 1
    finally:
        receiver.close()


def test_a_crash_during_delivery_neither_loses_nor_duplicates_alerts(node):
    supervision = httpx.get(f"{node.url}/v1/supervision").json()
    receiver = Receiver(SM2PublicKey.from_bytes(bytes.fromhex(supervision["public_key"])), fail_first=2)
    # Warnings are taken on their third attempt; red alerts are refused until after the crash. So at the
    # kill some deliveries are recorded and the rest owed, and none is answered but not yet recorded (that
    # one would rightly be owed again: at least once, deduplicated by Idempotency-Key).
    receiver.refused_severities = {"red"}
    try:
        auth = admin_signature(node, "webhook-add", webhook_target(receiver.url))
        added = httpx.post(f"{node.url}/v1/webhooks", json={"url": receiver.url, "auth": auth})
        assert added.status_code == 201, added.text
        hook = str(added.json()["id"])
        with client_for(node) as client:
            matters = [client.open_matter(DRILL.hash.hex(), f"drill crash {i}", official="官员-3").id for i in range(3)]

            def warnings_recorded_reds_tried() -> tuple[set[str], set[str]] | None:
                alerts = [a for a in client.alerts() if a["matter"] in matters]
                recorded = {a["id"] for a in alerts if a["deliveries"].get(hook, {}).get("delivered")}
                warnings = {a["id"] for a in alerts if a["severity"] == "warning"}
                reds = {a["id"] for a in alerts if a["severity"] == "red"}
                tried = {r["key"] for r in receiver.received}
                done = len(warnings) == len(reds) == 3 and recorded == warnings and reds <= tried
                return (recorded, reds) if done else None

            recorded, reds = eventually(warnings_recorded_reds_tried, "warnings delivered, red alerts tried", 30)
        killed_at = time.time()
        node.kill()
        receiver.refused_severities = set()
        node.start()
        expected = recorded | reds
        eventually(lambda: set(receiver.acknowledged()) == expected, "every alert delivered after the restart", 30)
        time.sleep(2)  # any duplicate delivery would arrive now
        for key in expected:
            successes = [r for r in receiver.received if r["key"] == key and r["status"] == 200]
            assert len(successes) == 1, (key, successes)
        for key in recorded:  # recorded as delivered before the crash: never tried again
            assert not [r for r in receiver.received if r["key"] == key and r["at"] > killed_at], key
        assert all(receiver.acknowledged()[key]["at"] > killed_at for key in reds)  # refused until the crash
        with client_for(node) as client:
            alerts = [a for a in client.alerts() if a["matter"] in matters]
            paged = client.alerts(page_size=2)  # the SDK follows the node's pages to the end
            assert [a["id"] for a in paged] == [a["id"] for a in client.alerts()] and len(paged) >= len(expected)
            assert len(client.alerts(limit=3, page_size=2)) == 3
        assert len(alerts) == len(expected) and {a["id"] for a in alerts} == expected
    finally:
        receiver.close()


def test_the_supervision_walkthrough_with_the_cli(node, tmp_path):
    """The README's walkthrough: a receiver and a webhook set up from the CLI, a drill matter overdue, acknowledged."""
    port = free_port()
    admin_env = {"TIEZHENG_ADMIN_KEY": node.accounts()["admin"]["evm_private_key"]}
    receiver = subprocess.Popen(
        [TIEZHENG, "receive-alerts", "--node", node.url, "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watcher = subprocess.Popen(
        # The template by its hash, as the listing takes it: the stream is filtered the same way.
        [TIEZHENG, "alerts", "--node", node.url, "--severity", "red", "--template", DRILL.hash.hex(), "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_in_a_terminal,
    )
    lines: list[str] = []
    watched: list[str] = []
    threading.Thread(target=lambda: lines.extend(receiver.stdout or []), daemon=True).start()
    threading.Thread(target=lambda: watched.extend(watcher.stdout or []), daemon=True).start()
    try:
        _wait_listening(port, receiver)
        forged = httpx.post(f"http://127.0.0.1:{port}/", content=b'{"id":"x"}', headers={"Tiezheng-Signature": "sm2"})
        assert forged.status_code == 401
        added = cli(node, "admin", "webhook", "add", f"http://127.0.0.1:{port}/", "--node", node.url,
                    "--severity", "red", env=admin_env)  # fmt: skip
        assert added.returncode == 0, added.stderr
        hook = added.stdout.split()[0]
        again = cli(node, "admin", "webhook", "add", f"http://127.0.0.1:{port}/", "--node", node.url,
                    "--severity", "red", env=admin_env)  # fmt: skip
        assert again.returncode == 2 and again.stderr.rstrip().endswith("[duplicate-webhook]"), again.stderr
        assert f"webhook {hook} has that URL and those filters already" in again.stderr
        listed = cli(node, "admin", "webhook", "list", "--node", node.url)
        assert f"http://127.0.0.1:{port}/" in listed.stdout and "red" in listed.stdout
        unsigned = cli(node, "admin", "webhook", "add", "http://elsewhere/", "--node", node.url)
        assert unsigned.returncode == 2 and "TIEZHENG_ADMIN_KEY" in unsigned.stderr

        opened = cli(node, "matter", "open", *writes(node), "--template", "fast-drill",
                     "--subject", "演练 2026-11", "--official", "官员-9")  # fmt: skip
        assert opened.returncode == 0, opened.stderr
        matter = opened.stdout.split()[0]
        limit = time.time() + 20
        while not any(matter in line and "RED" in line for line in lines):
            assert time.time() < limit and receiver.poll() is None, (lines, receiver.stderr)
            time.sleep(0.1)
        while not any(matter in line and "RED" in line for line in watched):
            assert time.time() < limit and watcher.poll() is None, (watched, watcher.stderr)
            time.sleep(0.1)
        watcher.send_signal(signal.SIGINT)  # Ctrl-C ends a watch: exit status 0, nothing on stderr
        assert watcher.wait(timeout=10) == 0 and watcher.stderr is not None and watcher.stderr.read() == ""
        alert = next(line for line in lines if matter in line).split()[0]
        listed = cli(node, "alerts", "--node", node.url, "--status", "open", "--severity", "red")
        assert alert in listed.stdout

        acked = cli(node, "admin", "alert", "ack", alert.lower(), "--node", node.url, env=admin_env)
        assert acked.returncode == 0 and acked.stdout.split() == [alert, "acknowledged"], acked.stderr
        report = cli(node, "matter", "show", matter, "--node", node.url)
        assert "OVERDUE" in report.stdout and alert in report.stdout
        removed = cli(node, "admin", "webhook", "remove", hook, "--node", node.url, env=admin_env)
        assert removed.returncode == 0 and httpx.get(f"{node.url}/v1/webhooks").json() == []
    finally:
        for process in (receiver, watcher):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


def _as_in_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it: a test run in the background (``./.ci/run &``) has SIGINT
    ignored, every process it starts inherits that, and Python then never turns SIGINT into
    KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_listening(port: int, process: subprocess.Popen[str], timeout: float = 30) -> None:
    """Until a started server process accepts connections (it may take seconds to start on a busy machine)."""
    limit = time.time() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.time() < limit and process.poll() is None, "the receiver never started listening"
            time.sleep(0.1)


@pytest.mark.parametrize("ending", ["stop", "kill"])
def test_alerts_watch_says_so_when_the_node_ends_the_stream(node, ending):
    watcher = subprocess.Popen(
        [TIEZHENG, "alerts", "--node", node.url, "--watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        limit = time.time() + 30  # until the watch has its stream open (the CLI may take seconds to start)
        while "tiezheng_event_streams 1.0" not in httpx.get(node.url + "/metrics").text:
            assert time.time() < limit and watcher.poll() is None, watcher.stderr
            time.sleep(0.1)
        if ending == "stop":
            assert node.stop() == 0
        else:
            node.kill()  # the connection cut mid-stream, no goodbye: the watch ended all the same
        _out, err = watcher.communicate(timeout=30)
        assert watcher.returncode == 2, err
        assert len(err.strip().splitlines()) == 1 and err.rstrip().endswith("[stream-ended]"), err
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()


def test_the_async_client_follows_a_matter_and_its_alerts(node):
    agency = node.accounts()["agency"]
    key = keystore.load(node.data_dir / agency["sm2_keystore"], agency["passphrase"])

    async def scenario() -> tuple[dict, MatterView, MatterView]:
        async with AsyncClient(
            node.url, key=key, agency=agency["agency_code"], subject_salt=b"async subject salt, 16+",
            operator_salt=SALTS["TIEZHENG_OPERATOR_SALT"].encode(),
        ) as client:  # fmt: skip
            events = client.watch_alerts()
            matter = (await client.open_matter(DRILL.id, "async drill", official="官员-5")).id

            async def first_red() -> dict:
                async for event in events:
                    if event["matter"] == matter and event["severity"] == "red":
                        return dict(event)
                raise AssertionError("the stream ended")

            red = await asyncio.wait_for(first_red(), timeout=20)
            await events.aclose()
            assert red["id"] in [a["id"] for a in await client.alerts(page_size=1)]  # every page followed
            await client.step(matter, "受理", after=b"accepted late", official="官员-5")
            stepped = await client.matter(matter)
            await client.close_matter(matter, "transferred")
            return red, stepped, await client.matter(matter)

    red, stepped, closed = asyncio.run(scenario())
    assert red["stage"] == "受理" and red["status"] == "open"
    assert stepped.current == "办结" and red["id"] in stepped.alerts and stepped.steps[0]["overdue"]
    assert closed.status == "closed" and closed.latest != stepped.latest
    assert httpx.get(f"{node.url}/v1/matters/{closed.id}").json()["outcome"] == "transferred"
