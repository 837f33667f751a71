"""Benchmark the explorer: server time of every page at 1,000,000 records; writes the "explorer" section of docs/benchmarks.md.

The log is built in-process through the node's own admission and block production
(1,000 blocks of 1,000 records, several kinds, a second agency registered and one
revoked, EVM transactions in some blocks); then each page is requested through the
node's ASGI application in-process, so the time is the server's alone (routing,
reading LevelDB, rendering), not the network's or a browser's. Target (issue:
explorer): every page ≤ 500 ms. Reference measured in the same run: one LevelDB
point read of a random key.

    .venv/bin/python scripts/bench_explorer.py [--runs N] [--records N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, fmt, table, write_section
from benchwork import StatementFactory, build_log

sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient

from tests.support.nodekit import LocalChain
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng_node.api.app import create_app
from tiezheng_node.execution.addresses import AGENCY_REGISTRY

TARGET_MS = 500.0


def build(folder: Path, records: int) -> tuple[LocalChain, dict[str, str]]:
    chain = LocalChain(folder / "node", admission_workers=1)
    other = SM2PrivateKey.generate()
    for code, name, revoke in (("91110000MA0BENCH02", "评测机构二", False), ("91110000MA0BENCH03", "评测机构三", True)):
        sent = chain.transact(
            chain.admin,
            "AgencyRegistry",
            AGENCY_REGISTRY,
            "register",
            code,
            name,
            other.public_key().to_bytes(),
            "0x" + os.urandom(20).hex(),
        )
        assert sent.ok
        if revoke:
            assert chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "revoke", code).ok
    factories = [
        StatementFactory(chain.agency_code, chain.agency_key, "document"),
        StatementFactory(chain.agency_code, chain.agency_key, "permit", stage="审批签发"),
        StatementFactory(chain.agency_code, chain.agency_key, "conclusion", stage="初审", subject=sm3(b"matter 1")),
        StatementFactory(chain.agency_code, chain.agency_key, "enforcement-record"),
    ]
    started = time.perf_counter()
    build_log(chain, records, envelope_size=1_000, envelopes_per_block=1, factories=factories)
    print(f"built {records:,} records in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    evidence = chain.node.evidence
    middle = evidence.log.size // 2
    statement = evidence.view(middle).statement
    head = chain.node.head.height
    facts = {
        "middle_id": evidence.evidence_id(middle),
        "middle_index": str(middle),
        "digest": statement.digest.hex(),
        "mistyped": evidence.evidence_id(middle)[:-1] + ("A" if evidence.evidence_id(middle)[-1] != "A" else "B"),
        "head": str(head),
        "middle_height": str(head // 2),
        "block_hash": chain.node.sealed_header(head // 2).hash.hex(),
        "agency": chain.agency_code,
    }
    return chain, facts


def pages(facts: dict[str, str]) -> list[tuple[str, str]]:
    m = facts
    return [
        ("home", "/"),
        ("blocks, newest", "/blocks"),
        ("blocks, middle of the chain", f"/blocks?before={m['middle_height']}"),
        ("block page (1,000 records)", f"/blocks/{m['middle_height']}"),
        (
            "block page, a later page of its records",
            f"/blocks/{m['middle_height']}?before={int(m['middle_index']) + 10}",
        ),
        ("evidence, newest", "/evidence"),
        ("evidence, from the middle of the log", f"/evidence?before={m['middle_index']}"),
        ("evidence filtered by kind", "/evidence?kind=permit"),
        ("evidence by kind, from the middle of the log", f"/evidence?kind=permit&before={m['middle_index']}"),
        ("evidence page", f"/evidence/{m['middle_id']}"),
        ("certificate (HTML)", f"/evidence/{m['middle_id']}/certificate"),
        ("agencies", "/agencies"),
        ("agency page (the agency of every record)", f"/agencies/{m['agency']}"),
        ("agency page, from the middle of the log", f"/agencies/{m['agency']}?before={m['middle_index']}"),
        ("validators", "/validators"),
        ("log", "/log"),
        ("log history, middle", f"/log?before={m['middle_height']}"),
        ("search: evidence ID", f"/search?q={m['middle_id']}"),
        ("search: digest", f"/search?q={m['digest']}"),
        ("search: mistyped ID", f"/search?q={m['mistyped']}"),
        ("search: block hash", f"/search?q={m['block_hash']}"),
        ("verify page", "/verify"),
    ]


def time_page(client: TestClient, path: str, runs: int) -> tuple[float, float]:
    """(median, worst) milliseconds over ``runs`` requests, after one warm-up."""
    client.get(path, follow_redirects=False)
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(path, follow_redirects=False)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code in (200, 303, 404), (path, response.status_code)
    return statistics.median(samples), max(samples)


def leveldb_read_us(chain: LocalChain) -> float:
    keys = [b"D" + os.urandom(40) for _ in range(2_000)]
    began = time.perf_counter()
    for key in keys:
        chain.node.store.get(key)
    return (time.perf_counter() - began) / len(keys) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="requests per page (after a warm-up)")
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("TIEZHENG_BENCH_DIR")) as folder:
        chain, facts = build(Path(folder), args.records)
        try:
            client = TestClient(create_app(chain.node))
            rows = []
            worst_median = 0.0
            for name, path in pages(facts):
                median, worst = time_page(client, path, args.runs)
                worst_median = max(worst_median, median)
                rows.append([name, f"`{path if len(path) < 60 else path[:57] + '…'}`", fmt(median, 1), fmt(worst, 1)])
            read = leveldb_read_us(chain)
            size = chain.node.evidence.log.size
            height = chain.node.head.height
            client.close()
        finally:
            chain.close()
    met = worst_median <= TARGET_MS
    body = (
        table(["page", "path", "median ms", "slowest ms"], rows)
        + f"\n\nServer time per page at {size:,} records in {height:,} blocks, median of {args.runs} requests after "
        f"a warm-up, through the node's ASGI application in-process (no network, no browser). Slowest page median: "
        f"{fmt(worst_median, 1)} ms; target ≤ {TARGET_MS:.0f} ms per page (issue: explorer): "
        f"**{'met' if met else 'NOT met'}**. Reference in the same run: a LevelDB point read of a random absent key "
        f"takes {fmt(read, 1)} µs. Lists are paginated by cursor (a height or a leaf index) and read through the "
        "posting lists and per-day counts, so a page deep in the log costs what the first page costs."
    )
    write_section("explorer", "Explorer pages (`scripts/bench_explorer.py`)", body)
    print(body)


if __name__ == "__main__":
    main()
