"""Benchmark deadline supervision; writes the "process" section of docs/benchmarks.md.

Two parts:

1. **Deadline scan at 100,000 open matters** (in-process). Matters of the
   administrative-permit template are opened through the node's own admission
   and block production, 2,000 per block, the clock moving 20 minutes between
   blocks, so their deadlines (and warnings at 80 %) spread over the next days:
   four watched deadlines per matter in the index. Then the scan each block runs
   (``next_due`` and ``due_by``) is timed with the clock where no deadline has
   passed (a quiet block) and where thousands have (a busy block: the scan stops
   at the per-block cap), apart from signing the alerts it found, and a whole
   block carrying a full cap of alerts is timed. Reference in the same run: a
   full scan of the matters (what an unindexed scanner would do every block).
   Target (issue: process trail): scanning ≤ 50 ms per block. The supervision
   pages are timed at the same size, and the whole-history report three ways:
   read from every matter (the reference), built into the node's running
   totals on first use, and served from the totals to the first reader after
   each later block.

2. **From deadline to supervisor** (real node process, default 1 s block
   interval, a drill template whose stages last seconds, a real HTTP receiver
   checking each signature). Matters are opened one after another; for every
   red alert: how long after its deadline the alert's block was sealed, and how
   long after that the first webhook attempt arrived. Targets: within one block
   interval; first attempt within 2 s.

3. **A receiver that is down** (in-process). 100,000 deliveries owed to a
   webhook whose endpoint refuses connections (so it rests between rounds),
   beside a healthy one: what the dispatcher's bookkeeping costs each round
   (when is the next delivery due, what is due now) while the backlog waits.
   Reference in the same run: reading that backlog once, which every round did
   while the outbox was keyed by time first.

    .venv/bin/python scripts/bench_process.py [--matters N] [--runs N] [--drills N] [--backlog N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from array import array
from pathlib import Path

from benchlib import ROOT, fmt, table, write_section

sys.path.insert(0, str(ROOT))

import httpx
from fastapi.testclient import TestClient

from tests.support.admin import admin_signature, admin_transact
from tests.support.desk import TEMPLATES, Clock
from tests.support.nodekit import LocalChain
from tests.support.processes import NodeProcess
from tests.support.receiver import Receiver
from tests.support.toychain import statement_for
from tiezheng.gm import SM2PublicKey, keystore, sm3
from tiezheng.sdk import Client
from tiezheng.signed_statement import SignedStatement
from tiezheng.supervision import webhook_target
from tiezheng.workflow import WorkflowTemplate, open_statement
from tiezheng_node.api.app import create_app
from tiezheng_node.evidence.log import DAY_OFFSET_MS
from tiezheng_node.execution.addresses import PROCESS_TRAIL
from tiezheng_node.process.engine import MAX_ALERTS_PER_BLOCK
from tiezheng_node.process.records import MATTER_END, OUTBOX_END, decode_matter, outbox_key, parse_outbox_key
from tiezheng_node.process.reports import percentile, report
from tiezheng_node.process.tally import DAY_MS
from tiezheng_node.store.keys import DUE, MATTER, OUTBOX

TARGET_SCAN_MS = 50.0
TARGET_WEBHOOK_S = 2.0
PER_BLOCK = 2_000
CLOCK_STEP_S = 20 * 60
WORKFLOWS = ROOT / "tests" / "data" / "workflows"
DRILL = WorkflowTemplate.load(WORKFLOWS / "fast-drill.workflow.json")


def open_matters(chain: LocalChain, clock: Clock, count: int) -> None:
    evidence = chain.node.evidence
    key, code = chain.agency_key, chain.agency_code
    key_id, template = key.public_key().key_id, TEMPLATES["administrative-permit"].hash
    began = time.perf_counter()
    for first in range(0, count, PER_BLOCK):
        futures = []
        for number in range(first, min(count, first + PER_BLOCK)):
            statement = open_statement(
                template_hash=template, subject=sm3(b"case %d" % number), agency=code, key_id=key_id,
                digest=sm3(b"application %d" % number), time_ms=int(clock.now * 1000),
            )  # fmt: skip
            raw = SignedStatement.sign(statement, key).to_cbor()
            futures.append(evidence.accept(evidence.admission.signed_statement(raw)).durable)
        for future in futures:
            future.result(timeout=60)
        chain.node.produce_block()
        clock.now += CLOCK_STEP_S
        done = min(count, first + PER_BLOCK)
        if done % 20_000 == 0 or done == count:
            print(f"  {done:,} matters open ({time.perf_counter() - began:.0f} s)", flush=True)


def timed_ms(operation, runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = operation()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), result


def count_keys(chain: LocalChain, prefix: bytes) -> int:
    with chain.node.store.scan(prefix) as rows:
        return sum(1 for _ in rows)


def full_scan(chain: LocalChain) -> int:
    with chain.node.store.scan_range(MATTER, MATTER_END) as rows:
        return sum(1 for _, value in rows if decode_matter(value).status == "open")


def page_times(chain: LocalChain, runs: int) -> list[tuple[str, float]]:
    """Server time of the supervision pages at this many matters, and of a report's first reader after a block."""
    process = chain.node.process
    ids = process.library.template_ids
    out = [
        (
            "reference: a report read from every matter (what each block's first reader paid before the totals)",
            timed_ms(lambda: report(process.matters(), process.alerts(), ids, by="template"), runs)[0],
        )
    ]
    began = time.perf_counter()
    process.report("template")
    out.append(
        ("first report after start-up: the totals built from every matter, once", (time.perf_counter() - began) * 1000)
    )
    evidence, key, code = chain.node.evidence, chain.agency_key, chain.agency_code

    def after_a_block() -> None:
        statement = statement_for(key, os.urandom(16), agency=code)
        evidence.accept(evidence.admission.signed_statement(SignedStatement.sign(statement, key).to_cbor()))
        chain.node.produce_block()

    samples = []
    for _ in range(runs):
        after_a_block()
        began = time.perf_counter()
        process.report("template")
        samples.append((time.perf_counter() - began) * 1000)
    out.append(
        (
            "report, first reader after a block (`GET /v1/reports/template`: the totals, formatted)",
            statistics.median(samples),
        )
    )
    # A period of whole days (UTC+08:00) merges the per-day totals; any other period reads every matter.
    now = int(chain.node.head.sealed.header.time)
    midnight = (now + DAY_OFFSET_MS) // DAY_MS * DAY_MS - DAY_OFFSET_MS
    month = (midnight - 29 * DAY_MS, midnight + DAY_MS - 1)
    unaligned = (month[0] + 1, month[1])
    for period, what in (
        (month, "30 whole days, from the per-day totals"),
        (unaligned, "a period starting at 00:00:00.001, read from every matter"),
    ):
        samples = []
        for _ in range(runs):
            after_a_block()  # each block makes a new report: nothing kept from the last
            began = time.perf_counter()
            process.report("template", start=period[0], stop=period[1])
            samples.append((time.perf_counter() - began) * 1000)
        out.append((f"report over {what}, first reader after a block", statistics.median(samples)))
    # These matters have no steps yet; with steps, a report sorts each row's hours for its 90th percentile.
    hours = array("d", (random.random() * 100 for _ in range(500_000)))
    sorting = timed_ms(lambda: percentile(hours, 0.9), runs)[0]
    out.append(("… plus, once 500,000 steps are recorded: their hours sorted for the 90th percentile", sorting))
    client = TestClient(create_app(chain.node))
    try:
        for path in ("/v1/matters", "/v1/alerts", "/matters", "/matters?before=50000", "/v1/reports/template"):
            client.get(path)
            ms = timed_ms(lambda path=path: client.get(path).raise_for_status(), runs)[0]
            out.append((f"`GET {path}`" + (" (kept for the head block)" if "reports" in path else ""), ms))
        # Filters matching few matters: the postings give the candidates; without them, every matter is read.
        one = sm3(b"case %d" % 12_345).hex()
        for path, what in (
            ("/v1/matters?status=closed", "none closed"),
            ("/matters?status=closed", "none closed"),
            (f"/v1/matters?subject={one}", "one matter of them all"),
        ):
            ms = timed_ms(lambda path=path: client.get(path).raise_for_status(), runs)[0]
            shown = path if len(path) <= 40 else path[:40] + "…"
            out.append((f"`GET {shown}` ({what})", ms))
        unindexed = timed_ms(lambda: [m for m in process.matters() if m.status == "closed"][:50], runs)[0]
        out.append(("reference: that closed-matters page read from every matter (no postings)", unindexed))
        return out
    finally:
        client.close()


def scan_part(matters: int, runs: int, folder: Path) -> tuple[str, dict[str, float]]:
    clock = Clock()
    clock.now = float(int(clock.now))
    chain = LocalChain(folder / "node", clock=clock)
    try:
        print(f"opening {matters:,} matters …", flush=True)
        open_matters(chain, clock, matters)
        process = chain.node.process
        watched = count_keys(chain, DUE)
        quiet_at = int(clock.now * 1000)
        quiet_ms, quiet = timed_ms(lambda: (process.next_due(), process.due_by(quiet_at)), runs)
        earliest = process.next_due()
        assert earliest is not None
        busy_at = earliest + 3 * 86_400_000  # three days on: most deadlines and warnings have passed
        busy_ms, busy = timed_ms(lambda: (process.next_due(), process.due_by(busy_at)), runs)
        full_ms, still_open = timed_ms(lambda: full_scan(chain), max(1, runs // 3))
        pages = page_times(chain, max(1, runs // 3))
        clock.now = busy_at / 1000
        began = time.perf_counter()
        block = chain.node.produce_block()
        block_ms = (time.perf_counter() - began) * 1000
        assert block is not None
        raised = sum(1 for _ in process.alerts())
    finally:
        chain.close()
    quiet_found, busy_found = len(quiet[1]), len(busy[1])
    figures = {"quiet": quiet_ms, "busy": busy_ms}
    rows = [
        ["quiet block: next_due + due_by", f"{quiet_found:,}", fmt(quiet_ms, 2), "≤ 50"],
        [f"busy block: next_due + due_by (stops at the cap of {MAX_ALERTS_PER_BLOCK:,})", f"{busy_found:,}",
         fmt(busy_ms, 2), "≤ 50"],
        [f"a whole block carrying {raised:,} alerts (raise, admit, stage, seal, commit)", f"{raised:,}",
         fmt(block_ms, 1), "—"],
        ["reference: full scan of every matter (no index)", f"{still_open:,} open", fmt(full_ms, 1), "—"],
    ]  # fmt: skip
    rows += [[what, "—", fmt(ms, 1), "—"] for what, ms in pages]
    met = max(quiet_ms, busy_ms) <= TARGET_SCAN_MS
    body = (
        table(["per block", "deadlines found", "median ms", "target ms"], rows)
        + f"\n\n{matters:,} open matters, {watched:,} watched deadlines and warning points in the index, median of "
        f"{runs} scans. Deadline scanning per block: **{'met' if met else 'NOT met'}** (≤ {TARGET_SCAN_MS:.0f} ms; "
        f"the busy scan is {fmt(full_ms / busy_ms, 0)}× faster than the full scan and the quiet one "
        f"{fmt(full_ms / quiet_ms, 0)}×). The scan reads the deadline index from its start to the block's time, so "
        "its cost follows the deadlines that passed (capped per block), not the matters that are open. A busy "
        "block costs more in building, admitting and applying its alert statements (one batch envelope under one SM2 "
        f"signature: {fmt(block_ms / max(raised, 1), 2)} ms per alert) than in finding them; a burst of more than "
        f"{MAX_ALERTS_PER_BLOCK:,} simultaneous deadlines drains at that many per block, so its later alerts come a "
        "block or more after their deadlines."
    )
    return body, figures


def drill_part(drills: int) -> tuple[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(dir=os.environ.get("TIEZHENG_BENCH_DIR")) as folder:
        node = NodeProcess(Path(folder) / "data", extra_args=["--workflow-dir", str(WORKFLOWS)])
        node.start()
        receiver = None
        try:
            assert (
                admin_transact(node, "ProcessTrail", PROCESS_TRAIL, "registerTemplate", DRILL.hash, DRILL.id, 1)[
                    "status"
                ]
                == "0x1"
            )
            supervision = httpx.get(f"{node.url}/v1/supervision").json()
            receiver = Receiver(SM2PublicKey.from_bytes(bytes.fromhex(supervision["public_key"])))
            auth = admin_signature(node, "webhook-add", webhook_target(receiver.url, ["red"]))
            hook = {"url": receiver.url, "severities": ["red"], "auth": auth}
            assert httpx.post(f"{node.url}/v1/webhooks", json=hook).status_code == 201
            interval = httpx.get(f"{node.url}/v1/genesis").json()["document"]["execution"]["block_interval_ms"]
            agency = node.accounts()["agency"]
            key = keystore.load(node.data_dir / agency["sm2_keystore"], agency["passphrase"])
            with Client(
                node.url,
                key=key,
                agency=agency["agency_code"],
                subject_salt=b"bench subject salt!!",
                operator_salt=b"bench operator salt!!",
            ) as c:
                matters = []
                gaps = random.Random(7)
                for number in range(drills):
                    matters.append(c.open_matter(DRILL.hash.hex(), f"drill {number}", official="官员").id)
                    # Irregular gaps, so that deadlines fall at every phase of the block cadence, idle or busy.
                    time.sleep(gaps.uniform(0.3, 2.5))
                deadline = {m: c.matter(m).stage_deadline for m in matters}
                limit = max(deadline.values()) / 1000 + 30
                while len(receiver.acknowledged()) < drills and time.time() < limit:
                    time.sleep(0.2)
                red = {
                    a["matter"]: a for a in c.alerts(severity="red", limit=500)
                    if a["matter"] in deadline and a["scope"] == "stage"
                }  # fmt: skip
        finally:
            if receiver is not None:
                receiver.close()
            node.stop()
    assert len(red) == drills, f"{len(red)} of {drills} red alerts raised"
    first_attempt = {r["key"]: r["at"] for r in sorted(receiver.received, key=lambda r: r["at"], reverse=True)}
    raise_lag = [(red[m]["raised"] - deadline[m]) for m in matters]
    webhook_lag = [(first_attempt[red[m]["id"]] * 1000 - red[m]["raised"]) for m in matters]
    total = [(first_attempt[red[m]["id"]] * 1000 - deadline[m]) for m in matters]
    met_raise = max(raise_lag) <= interval
    met_hook = max(webhook_lag) <= TARGET_WEBHOOK_S * 1000
    rows = [
        ["deadline → time of the block carrying the alert", fmt(statistics.median(raise_lag), 0), fmt(max(raise_lag), 0),
         f"≤ {interval} (one block interval)", "met" if met_raise else "NOT met"],
        ["alert sealed → first webhook attempt received", fmt(statistics.median(webhook_lag), 0),
         fmt(max(webhook_lag), 0), f"≤ {TARGET_WEBHOOK_S * 1000:.0f}", "met" if met_hook else "NOT met"],
        ["deadline → first webhook attempt received", fmt(statistics.median(total), 0), fmt(max(total), 0), "—", ""],
    ]  # fmt: skip
    body = (
        table(["for each red alert", "median ms", "max ms", "target ms", ""], rows)
        + f"\n\n{drills} drill matters (3-second stages) on a `tiezheng-node dev` process with a {interval} ms block "
        "interval, opened 0.3–2.5 s apart (each waits for its block) so that their deadlines fall at every phase "
        "of the block cadence, while blocks are being sealed and while the chain idles; a real HTTP receiver "
        "on the same machine verifying each SM2 signature. An idle producer checks the deadline index every 250 ms "
        "and seals a block for a passed deadline as soon as the block interval allows; the commit wakes the "
        "webhook dispatcher, which posts each webhook's deliveries on a thread of its own."
    )
    return body, {"raise_max": max(raise_lag), "webhook_max": max(webhook_lag)}


def backlog_part(owed: int, runs: int, folder: Path) -> tuple[str, dict[str, float]]:
    clock = Clock()
    chain = LocalChain(folder / "node", clock=clock)
    receiver = Receiver(chain.supervision.key.public_key())
    try:
        process, webhooks = chain.node.process, chain.node.webhooks
        down = process.add_webhook("http://127.0.0.1:9/down", severities=[], agencies=[], templates=[], by="bench")
        process.add_webhook(receiver.url, severities=[], agencies=[], templates=[], by="bench")
        # Real alerts, then what a day of them leaves owed to a platform that is down: each owed again and
        # again (a delivery per alert and attempt time), written as blocks write them.
        open_matters(chain, clock, 100)
        earliest = process.next_due()
        assert earliest is not None
        clock.now = earliest / 1000 + 3 * 86_400
        chain.node.produce_block()
        alerts = [alert.index for alert in process.alerts()]
        now_ms = int(clock.now * 1000)
        for start in range(0, owed, 10_000):
            chain.node.store.commit(
                {outbox_key(down.id, now_ms - owed + n, alerts[n % len(alerts)]): b"\x82\x00\xf6"
                 for n in range(start, min(owed, start + 10_000))}
            )  # fmt: skip
        webhooks.deliver_due()  # its first attempt is refused: it rests
        assert webhooks._seconds_to_next() > 0
        next_ms, _ = timed_ms(webhooks._seconds_to_next, runs)
        due_ms, delivered = timed_ms(webhooks.deliver_due, runs)
        assert delivered == 0

        def read_the_backlog() -> int:
            with chain.node.store.scan_range(OUTBOX, OUTBOX_END) as rows:
                return sum(1 for key, _ in rows if parse_outbox_key(key)[0] == down.id)

        reference_ms, read = timed_ms(read_the_backlog, runs)
        assert read >= owed
    finally:
        receiver.close()
        chain.close()
    rows = [
        ["when is the next delivery due (`_seconds_to_next`)", fmt(next_ms, 2)],
        ["what is due now (`deliver_due`, nothing for the healthy receiver)", fmt(due_ms, 2)],
        ["reference: reading the backlog once (each round, while the outbox was keyed by time first)",
         fmt(reference_ms, 1)],
    ]  # fmt: skip
    body = (
        table(["each dispatcher round, the down receiver resting", "median ms"], rows)
        + f"\n\n{read:,} deliveries owed to a webhook whose endpoint refuses connections, beside a healthy one, "
        f"median of {runs}. The outbox is kept by webhook, so a round looks at the oldest delivery owed to each "
        "webhook and reads the due deliveries only of those not resting: a platform down for a day costs "
        f"nothing per round ({fmt(reference_ms / max(next_ms + due_ms, 1e-3), 0)}× less than reading its backlog), "
        "and one timeout per backoff when its turn comes."
    )
    return body, {"round": next_ms + due_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9, help="scans timed per figure")
    parser.add_argument("--drills", type=int, default=20, help="drill matters run overdue on a real node")
    parser.add_argument("--backlog", type=int, default=100_000, help="deliveries owed to a receiver that is down")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("TIEZHENG_BENCH_DIR")) as folder:
        scan, _ = scan_part(args.matters, args.runs, Path(folder))
    print(scan, flush=True)
    drill, _ = drill_part(args.drills)
    print(drill, flush=True)
    with tempfile.TemporaryDirectory(dir=os.environ.get("TIEZHENG_BENCH_DIR")) as folder:
        backlog, _ = backlog_part(args.backlog, args.runs, Path(folder))
    print(backlog)
    body = (
        f"### Deadline scan\n\n{scan}\n\n### From deadline to supervisor\n\n{drill}"
        f"\n\n### A receiver that is down\n\n{backlog}"
    )
    write_section("process", "Deadline supervision (`scripts/bench_process.py`)", body)


if __name__ == "__main__":
    main()
