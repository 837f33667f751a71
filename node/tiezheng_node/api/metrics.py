"""Prometheus metrics at /metrics: records, blocks, pool depths and latencies, per node (no global registry)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from ..node import CommittedBlock, Node
from .events import MAX_SUBSCRIBERS, EventHub

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)


class NodeMetrics:
    def __init__(self, node: Node, hub: EventHub) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.records = Counter(
            "tiezheng_records_committed", "Evidence records appended to the log", registry=self.registry
        )
        self.accepted = Counter(
            "tiezheng_records_accepted",
            "Evidence records accepted (IDs reserved)",
            ["endpoint"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "tiezheng_submissions_rejected", "Submissions refused, by reason", ["code"], registry=self.registry
        )
        self.blocks = Counter("tiezheng_blocks", "Blocks sealed", registry=self.registry)
        self.transactions = Counter(
            "tiezheng_transactions", "EVM transactions in sealed blocks", registry=self.registry
        )
        self.commit_latency = Histogram(
            "tiezheng_commit_latency_seconds",
            "From a submission's acceptance to the sealed block holding its records",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.request_latency = Histogram(
            "tiezheng_request_seconds",
            "HTTP request handling time",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        Gauge(
            "tiezheng_pending_records", "Records accepted and waiting for a block", registry=self.registry
        ).set_function(lambda: node.evidence.pending.pending_leaves)
        Gauge("tiezheng_pending_transactions", "EVM transactions in the pool", registry=self.registry).set_function(
            lambda: len(node.pool)
        )
        Gauge("tiezheng_log_size", "Records in the evidence log", registry=self.registry).set_function(
            lambda: node.evidence.log.size
        )
        Gauge(
            "tiezheng_digest_filter_ready",
            "1 once the in-memory filter of logged statements has read the whole digest index after start-up",
            registry=self.registry,
        ).set_function(lambda: 1 if node.evidence.log.logged_filter.ready else 0)
        Gauge("tiezheng_head_height", "Height of the last committed block", registry=self.registry).set_function(
            lambda: node.head.height
        )
        Gauge(
            "tiezheng_event_streams",
            f"Event streams (/v1/events) open now; at {MAX_SUBSCRIBERS:,} new ones are refused",
            registry=self.registry,
        ).set_function(lambda: hub.subscribers)
        node.add_listener(self.on_block)

    def on_block(self, block: CommittedBlock) -> None:
        self.blocks.inc()
        self.records.inc(block.records)
        self.transactions.inc(len(block.block.transactions))
        now = time.time() * 1000
        for submission in block.submissions:
            self.commit_latency.observe(max(0.0, (now - submission.accepted_ms) / 1000))

    def render(self) -> bytes:
        return generate_latest(self.registry)
