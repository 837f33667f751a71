"""Benchmark the evidence service; writes the "anchor" section of docs/benchmarks.md.

1. Records committed per second through batch envelopes (10,000 statements, one SM2
   signature each), a dev node and the client on the same machine, 1 s blocks.
2. Individually signed statements committed per second (each SM2-verified by the node),
   sent in requests of 250.
3. Submit → committed latency (p50, p99) under a steady 1,500 individually signed
   statements per second.
4. At 10,000,000 records (built in-process through the node's own admission and block
   production): bytes on disk per record, receipt sizes, and restart time to serving.

References measured in the same run: `openssl speed sm2` (verify/s, one core), bare SM3
on 65-byte input, and plyvel batch puts, the physical limits of this machine.

    .venv/bin/python scripts/bench_anchor.py [--runs N] [--records N] [--envelopes N]
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchlib import ROOT, fmt, median_of, rate, table, write_section
from benchwork import StatementFactory, build_log, envelope

sys.path.insert(0, str(ROOT))

from tests.integration.conftest import DevAgency
from tests.support.nodekit import LocalChain
from tests.support.processes import NodeProcess
from tiezheng import cbor
from tiezheng.gm import get_backend
from tiezheng.signing import Signature
from tiezheng.statement import Statement

CBOR = {"content-type": "application/cbor"}


class Watcher(threading.Thread):
    """Samples the node's log size every ``period`` seconds: (time, size) pairs."""

    def __init__(self, url: str, period: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.url, self.period = url, period
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                size = client.get(self.url + "/healthz").json()["log_size"]
                self.samples.append((time.perf_counter(), size))
                time.sleep(self.period)

    def time_reaching(self, size: int) -> float | None:
        return next((t for t, s in self.samples if s >= size), None)

    def wait_for(self, size: int, timeout: float = 600) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            found = self.time_reaching(size)
            if found is not None:
                return found
            time.sleep(self.period)
        raise TimeoutError(f"log did not reach {size}")


def fresh_node(tmp: Path, *extra: str) -> NodeProcess:
    return NodeProcess(tmp / "data", extra_args=list(extra)).start()


def send_all(url: str, path: str, bodies: list[bytes], senders: int, content_type: str) -> list[dict]:
    answers: list[dict] = []
    lock = threading.Lock()
    cursor = iter(range(len(bodies)))

    def sender() -> None:
        with httpx.Client(timeout=300) as client:
            for i in cursor:
                response = client.post(url + path, content=bodies[i], headers={"content-type": content_type})
                if response.status_code not in (200, 202):
                    raise RuntimeError(response.text)
                with lock:
                    answers.append(response.json())

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


@dataclass(frozen=True)
class EnvelopeRun:
    overall: float  # records/s, first send → last commit
    steady: float  # records/s, 20 % → 80 % committed
    node_cpu: float  # µs of CPU per record: the node's main process (all threads, LevelDB's included)
    worker_cpu: float  # … its admission worker processes
    client_cpu: float  # … this process (sending, and watching /healthz)


def envelope_throughput(envelopes: int, size: int = 10_000) -> EnvelopeRun:
    with tempfile.TemporaryDirectory() as folder:
        node = fresh_node(Path(folder))
        try:
            agency = DevAgency(node)
            factory = StatementFactory(agency.code, agency.key)
            bodies = [envelope(factory, agency.code, agency.key, size) for _ in range(envelopes)]
            watcher = Watcher(node.url)
            watcher.start()
            base = httpx.get(node.url + "/healthz").json()["log_size"]
            total = envelopes * size
            assert node.process is not None
            workers = child_pids(node.process.pid)
            cpu_before = [cpu_seconds(node.process.pid), sum(map(cpu_seconds, workers)), time.process_time()]
            started = time.perf_counter()
            send_all(node.url, "/v1/evidence/batch", bodies, 2, "application/cbor")
            finished = watcher.wait_for(base + total)
            cpu_after = [cpu_seconds(node.process.pid), sum(map(cpu_seconds, workers)), time.process_time()]
            low, high = watcher.time_reaching(base + total // 5), watcher.time_reaching(base + total * 4 // 5)
            watcher.stop.set()
            assert low is not None and high is not None
            node_cpu, worker_cpu, client_cpu = (
                (a - b) * 1e6 / total for a, b in zip(cpu_after, cpu_before, strict=True)
            )
            return EnvelopeRun(
                total / (finished - started), (total * 3 // 5) / (high - low), node_cpu, worker_cpu, client_cpu
            )
        finally:
            node.stop()


def signed_bodies(agency: DevAgency, count: int, per_request: int) -> list[bytes]:
    import json

    factory = StatementFactory(agency.code, agency.key)
    key = agency.key
    signed = []
    for _ in range(count):
        statement = factory.next()
        signature = Signature.create(key, statement, "agency")
        from tiezheng import cbor

        signed.append(cbor.encode({"statement": statement, "signatures": [signature.to_value()]}))
    return [
        json.dumps({"statements": [base64.b64encode(s).decode() for s in signed[i : i + per_request]]}).encode()
        for i in range(0, count, per_request)
    ]


def signed_throughput(count: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        node = fresh_node(Path(folder))
        try:
            agency = DevAgency(node)
            bodies = signed_bodies(agency, count, 250)
            watcher = Watcher(node.url)
            watcher.start()
            base = httpx.get(node.url + "/healthz").json()["log_size"]
            started = time.perf_counter()
            send_all(node.url, "/v1/evidence/batch", bodies, 4, "application/json")
            finished = watcher.wait_for(base + count)
            watcher.stop.set()
            return count / (finished - started)
        finally:
            node.stop()


def latency_under_load(per_second: int, seconds: int, chunk: int = 50, senders: int = 4) -> tuple[float, float, float]:
    """(p50, p99 seconds from sending a statement to its block being committed, offered rate achieved)."""
    with tempfile.TemporaryDirectory() as folder:
        node = fresh_node(Path(folder))
        try:
            agency = DevAgency(node)
            bodies = signed_bodies(agency, per_second * seconds, chunk)
            watcher = Watcher(node.url, period=0.01)
            watcher.start()
            interval = chunk / per_second
            sent: list[tuple[float, list[int]]] = []
            lock = threading.Lock()
            start = time.perf_counter()

            def sender(offset: int) -> None:
                with httpx.Client(timeout=60) as client:
                    for i in range(offset, len(bodies), senders):
                        due = start + i * interval
                        pause = due - time.perf_counter()
                        if pause > 0:
                            time.sleep(pause)
                        at = time.perf_counter()
                        response = client.post(
                            node.url + "/v1/evidence/batch",
                            content=bodies[i],
                            headers={"content-type": "application/json"},
                        )
                        with lock:
                            sent.append((at, response.json()["indexes"]))

            threads = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            achieved = per_second * seconds / (time.perf_counter() - start)
            highest = max(max(indexes) for _, indexes in sent)
            watcher.wait_for(highest + 1)
            watcher.stop.set()
            latencies = []
            for at, indexes in sent:
                for index in indexes:
                    committed = watcher.time_reaching(index + 1)
                    assert committed is not None
                    latencies.append(max(0.0, committed - at))
            latencies.sort()
            return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)], achieved
        finally:
            node.stop()


#: Records in the last block of the large log (ten envelopes of 10,000): the receipts measured are its records'.
FINAL_BLOCK = 100_000


def path_length(index: int, size: int) -> int:
    """The number of hashes in an RFC 9162 audit path of leaf ``index`` in a tree of ``size`` leaves."""
    length = 0
    while size > 1:
        split = 1 << ((size - 1).bit_length() - 1)  # the largest power of two below size
        index, size = (index, split) if index < split else (index - split, size - split)
        length += 1
    return length


def large_log(records: int, folder: Path) -> dict[str, float]:
    """Build a log of ``records`` through the node's own admission and blocks, then measure it."""
    chain = LocalChain(folder / "node", admission_workers=1)
    try:
        factory = StatementFactory(chain.agency_code, chain.agency_key)
        evidence = chain.node.evidence
        started = time.perf_counter()
        from tiezheng.signed_statement import SignedStatement

        # A receipt proves its record against the block that committed it. The receipts measured are
        # those of the last block's records with the longest audit paths: an individually signed
        # statement first in that block, and the batched record whose log and batch paths are longest.
        build_log(chain, records - FINAL_BLOCK, factories=[factory])
        statement = Statement.from_cbor(factory.next())
        accepted = evidence.accept(
            evidence.admission.signed_statement(SignedStatement.sign(statement, chain.agency_key).to_cbor())
        )
        accepted.durable.result()
        build_log(chain, FINAL_BLOCK, factories=[factory])
        while evidence.pending.pending_leaves:  # a block holds at most 100,000 records: the rest in the next
            chain.node.produce_block()
        build_seconds = time.perf_counter() - started
        size = evidence.log.size
        signed_index = records - FINAL_BLOCK
        block = evidence.block_of(signed_index)
        assert block is not None
        block_size = block.header.log_size
        batched_index = max(
            range(signed_index + 1, block_size),
            key=lambda i: path_length(i, block_size) + path_length((i - signed_index - 1) % 10_000, 10_000),
        )
        direct_receipt, batched_receipt = evidence.receipt(signed_index), evidence.receipt(batched_index)
        direct, batched = len(direct_receipt.to_cbor()), len(batched_receipt.to_cbor())
        # What each further seal of a larger validator set's quorum would add (this dev chain has one validator).
        seal_bytes = len(cbor.encode(batched_receipt.seals[0].to_value(compact=True)))
        assert batched_receipt.batch is not None
        direct_paths = len(direct_receipt.inclusion)
        paths = len(batched_receipt.inclusion) + len(batched_receipt.batch.path)
    finally:
        chain.close()
    chain_dir = folder / "node" / "chain"
    disk = sum(p.stat().st_size for p in chain_dir.rglob("*") if p.is_file())
    restarts, filters = [], []
    for _ in range(3):
        node = NodeProcess(folder / "node")
        began = time.perf_counter()
        node.start(timeout=120)
        restarts.append(time.perf_counter() - began)
        assert httpx.get(node.url + "/healthz").json()["log_size"] == size
        while "tiezheng_digest_filter_ready 1.0" not in httpx.get(node.url + "/metrics").text:
            time.sleep(0.1)
        filters.append(time.perf_counter() - began)
        node.stop()
    return {
        "records": size,
        "build_seconds": build_seconds,
        "bytes_per_record": disk / size,
        "disk_bytes": disk,
        "receipt_batched": batched,
        "seal_bytes": seal_bytes,
        "receipt_direct": direct,
        "batched_path_hashes": paths,
        "direct_path_hashes": direct_paths,
        "block_size": block_size,
        "restart": statistics.median(restarts),
        "restarts": restarts,
        "filter_ready": statistics.median(filters),
    }


# References


def openssl_sm2_verify(processes: int = 1) -> float:
    """SM2 verifications per second by ``openssl speed`` (with ``-multi``, all its processes together)."""
    multi = ["-multi", str(processes)] if processes > 1 else []
    out = subprocess.run(["openssl", "speed", "-seconds", "2", *multi, "sm2"], capture_output=True, text=True).stdout
    match = re.search(r"SM2 \(CurveSM2\)\s+\S+s\s+\S+s\s+[\d.]+\s+([\d.]+)", out)
    assert match, out
    return float(match.group(1))


def leveldb_puts() -> float:
    import plyvel

    with tempfile.TemporaryDirectory() as folder:
        db = plyvel.DB(folder, create_if_missing=True)
        keys = [os.urandom(32) for _ in range(200_000)]
        value = os.urandom(200)
        started = time.perf_counter()
        with db.write_batch() as batch:
            for key in keys:
                batch.put(key, value)
        elapsed = time.perf_counter() - started
        db.close()
    return len(keys) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--envelopes", type=int, default=40, help="envelopes of 10,000 per throughput run")
    parser.add_argument("--signed", type=int, default=9_000, help="individually signed statements per run")
    parser.add_argument("--records", type=int, default=10_000_000, help="records in the large log")
    args = parser.parse_args()

    cores = os.cpu_count() or 1
    sm2_verify, _ = median_of(args.runs, openssl_sm2_verify)
    sm2_verify_all, _ = median_of(args.runs, lambda: openssl_sm2_verify(cores))
    sm3_rate, _ = median_of(args.runs, lambda: rate(lambda: get_backend().sm3(b"\x00" * 65), 200_000))
    puts, _ = median_of(args.runs, leveldb_puts)

    envelope_runs = [envelope_throughput(args.envelopes) for _ in range(args.runs)]
    envelope_rate = statistics.median(r.overall for r in envelope_runs)
    steady_rate = statistics.median(r.steady for r in envelope_runs)
    node_cpu = statistics.median(r.node_cpu for r in envelope_runs)
    worker_cpu = statistics.median(r.worker_cpu for r in envelope_runs)
    client_cpu = statistics.median(r.client_cpu for r in envelope_runs)
    signed_rate = statistics.median(signed_throughput(args.signed) for _ in range(args.runs))
    latencies = [latency_under_load(1_500, 20) for _ in range(args.runs)]
    p50 = statistics.median(run[0] for run in latencies)
    p99 = statistics.median(run[1] for run in latencies)
    offered = statistics.median(run[2] for run in latencies)
    with tempfile.TemporaryDirectory(dir=os.environ.get("TIEZHENG_BENCH_DIR")) as folder:
        large = large_log(args.records, Path(folder))

    rows = [
        ["Records committed through batch envelopes (first send → last commit)", f"{fmt(envelope_rate)} /s",
         f"SM3 {fmt(sm3_rate)} hashes/s/core; LevelDB {fmt(puts)} puts/s", "≥ 50,000/s"],
        ["… steady state (20 % → 80 % of the records committed)", f"{fmt(steady_rate)} /s", "", ""],
        ["… CPU per record: node process / admission worker / client", f"{node_cpu:.1f} / {worker_cpu:.1f} / {client_cpu:.1f} µs",
         f"{cores} cores ÷ their sum = {fmt(cores * 1e6 / (node_cpu + worker_cpu + client_cpu))} records/s", ""],
        ["Individually signed statements committed", f"{fmt(signed_rate)} /s",
         f"SM2 verify (openssl speed): {fmt(sm2_verify)}/s on one core, {fmt(sm2_verify_all)}/s on all {cores}",
         "≥ 1,500/s"],
        [f"Submit → committed latency at {fmt(offered)} statements/s offered (1 s blocks)", f"p50 {p50:.2f} s, p99 {p99:.2f} s", "", "p50 ≤ 1.5 s, p99 ≤ 3 s"],
        [f"Receipt size, record committed at {large['block_size']:,} records: individually signed",
         f"{large['receipt_direct']:,} bytes", f"audit path {large['direct_path_hashes']} hashes", "≤ 2 KB"],
        ["… a record of a 10,000-statement batch, longest paths of its block", f"{large['receipt_batched']:,} bytes",
         f"audit paths {large['batched_path_hashes']} hashes: {large['batched_path_hashes'] * 32:,} bytes", "≤ 2 KB"],
        ["… the same, sealed by 3 of 4 validators (two more seals)",
         f"{large['receipt_batched'] + 2 * large['seal_bytes']:,} bytes", f"a seal: {large['seal_bytes']} bytes", ""],
        [f"Disk per record at {large['records']:,} records (LevelDB, snappy)", f"{large['bytes_per_record']:.0f} bytes",
         f"{large['disk_bytes'] / 1e9:.2f} GB in all", "≤ 400 bytes"],
        [f"Restart to serving /healthz with {large['records']:,} records", f"{large['restart']:.2f} s",
         "samples " + ", ".join(f"{r:.2f}" for r in large["restarts"]), "≤ 10 s"],
        ["… to the digest index read into memory (admission at full speed; meanwhile it asks LevelDB)",
         f"{large['filter_ready']:.1f} s", "", ""],
    ]  # fmt: skip
    met = {
        "envelopes ≥ 50,000/s": envelope_rate >= 50_000,
        "signed ≥ 1,500/s": signed_rate >= 1_500,
        "p50 ≤ 1.5 s": p50 <= 1.5,
        "p99 ≤ 3 s": p99 <= 3.0,
        "receipt ≤ 2 KB, individually signed": large["receipt_direct"] <= 2048,
        "receipt ≤ 2 KB, batched": large["receipt_batched"] <= 2048,
        "≤ 400 B/record": large["bytes_per_record"] <= 400,
        "restart ≤ 10 s": large["restart"] <= 10,
    }
    summary = "; ".join(f"{name}: **{'met' if ok else 'NOT met'}**" for name, ok in met.items())
    body = (
        table(["measure", "Tiezheng", "reference (same run)", "target"], rows)
        + f"\n\nMedians of {args.runs} runs ({args.envelopes} envelopes of 10,000 per envelope run; {args.signed:,} "
        f"statements per signed run; 20 s per latency run). Targets (issue: evidence service): {summary}.\n\n"
        f"The large log took {large['build_seconds']:.0f} s to build in-process through the same admission "
        "(with its worker process) and block production the API uses. Clients sign and build everything before the "
        "clock starts, on the same 2-core machine as the node; envelopes go in from two senders, signed statements in "
        "requests of 250 from four; the latency load is requests of 50 paced from four senders. Latency is from the "
        "moment a request is sent to the first /healthz sample (every "
        "10 ms) showing the log past the record. A receipt proves its record against the block that committed it; "
        "the sizes are those of the last block's records with the longest audit paths, in receipt v2 over consensus "
        "header v2 (docs/receipt-format.md). The receipt of a batched record carries two audit paths (the batch's and "
        "the log's); with the statement, the batch header and the consensus header, which signatures cover, they make "
        "up most of its bytes. In receipt v1 over header v1 the same receipt was 2,256 bytes. "
        "Kill -9 "
        "under load losing nothing is a test (tests/integration/test_evidence_crash.py), not a benchmark."
    )
    write_section("anchor", "Evidence service (`scripts/bench_anchor.py`)", body)
    print(body)


if __name__ == "__main__":
    main()
