"""The node's OpenAPI document held to what the node does, by Schemathesis against a real node process.

Schemathesis reads /openapi.json and sends each operation its documented
examples, the boundary values of every parameter and body field (valid and
invalid), and random requests drawn from the schemas, then checks each answer:
no 5xx, only documented status codes and media types, bodies and headers that
match their schemas, schema-violating requests refused with a 4xx, and a 405
with the Allow header for a method a path does not take (tests/schemathesis.toml
lists the checks and why some are off for some operations).

The node holds real data first (records, a matter, an overdue alert, a webhook),
so lookups answer 200 with real bodies as well as 404: the documented example
evidence ID, DEV-00000G-A1, names a record that exists.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.admin import admin_signature
from tests.support.drill import DRILL, agency_client, start_drill_node
from tests.support.processes import NodeProcess
from tests.support.waiting import eventually
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import sm3
from tiezheng.supervision import webhook_target

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "tests" / "schemathesis.toml"
SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
EXAMPLE_ID = EvidenceId.parse("DEV-00000G-A1")


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> NodeProcess:
    process = start_drill_node(tmp_path_factory.mktemp("openapi") / "data")
    try:
        _seed(process)
        yield process
    finally:
        process.stop()


def _seed(node: NodeProcess) -> None:
    """Records past the documented example's index, a matter gone overdue (so an alert), a webhook."""
    with agency_client(
        node, subject_salt=b"openapi-test-subject-salt", operator_salt=b"openapi-test-operator-salt"
    ) as client:
        client.anchor_many([sm3(b"record %d" % i) for i in range(EXAMPLE_ID.index + 4)], "document", wait=True)
        matter = client.open_matter(DRILL.hash.hex(), "drill openapi", official="官员-9")
        deadline = client.matter(matter.id).stage_deadline
        assert deadline is not None
        eventually(
            lambda: client.alerts(severity="red"),
            "the drill's first stage to go overdue",
            timeout=max(0.0, deadline / 1000 - time.time()) + 15,
        )
    url = "http://127.0.0.1:9/unreachable-supervisor"  # deliveries fail and are retried: their state is shown
    added = httpx.post(
        f"{node.url}/v1/webhooks",
        json={"url": url, "auth": admin_signature(node, "webhook-add", webhook_target(url))},
        timeout=10,
    )
    assert added.status_code == 201, added.text


def test_every_operation_answers_as_the_openapi_document_says(node, tmp_path):
    result = subprocess.run(
        [
            SCHEMATHESIS,
            "--config-file",
            str(CONFIG),
            "run",
            f"{node.url}/openapi.json",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_COLOR": "1"},
        cwd=tmp_path,
    )
    summary = result.stdout[-20_000:]
    assert result.returncode == 0, summary + result.stderr[-5_000:]
    assert "Tested: " in summary  # it really ran the operations
    # The node came through a few thousand hostile requests still serving and still sealing.
    health = httpx.get(f"{node.url}/healthz", timeout=10).json()
    assert health["status"] == "ok", health
    assert httpx.get(f"{node.url}/v1/evidence/{EXAMPLE_ID}", timeout=10).status_code == 200
