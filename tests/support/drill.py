"""A dev node process that follows the fast drill template (three-second stages), and its agency's SDK client."""

from __future__ import annotations

from pathlib import Path

from tiezheng.gm import keystore
from tiezheng.sdk import Client
from tiezheng.workflow import WorkflowTemplate
from tiezheng_node.execution.addresses import PROCESS_TRAIL

from .admin import admin_transact
from .processes import NodeProcess

WORKFLOWS = Path(__file__).resolve().parents[1] / "data" / "workflows"
DRILL = WorkflowTemplate.load(WORKFLOWS / "fast-drill.workflow.json")


def start_drill_node(data_dir: Path) -> NodeProcess:
    """A started dev node with 200 ms blocks that holds tests/data/workflows, the drill registered in ProcessTrail."""
    process = NodeProcess(data_dir, extra_args=["--block-interval-ms", "200", "--workflow-dir", str(WORKFLOWS)])
    process.start()
    try:
        receipt = admin_transact(process, "ProcessTrail", PROCESS_TRAIL, "registerTemplate", DRILL.hash, DRILL.id, 1)
        assert receipt["status"] == "0x1", receipt
    except BaseException:
        process.stop()
        raise
    return process


def agency_client(node: NodeProcess, *, subject_salt: bytes, operator_salt: bytes) -> Client:
    """The dev agency's SDK client, with the salts its matters' subjects and officials are hashed with."""
    agency = node.accounts()["agency"]
    key = keystore.load(node.data_dir / agency["sm2_keystore"], agency["passphrase"])
    return Client(
        node.url, key=key, agency=agency["agency_code"], subject_salt=subject_salt, operator_salt=operator_salt
    )
