"""A node asked to stop answers the submissions waiting for their block, and loses none of them."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import httpx

from tests.integration.conftest import DevAgency
from tests.support.processes import TIEZHENG_NODE, NodeProcess, free_port

BLOCK_INTERVAL_MS = 20_000


def test_a_submission_waiting_for_its_block_is_answered_accepted_when_the_node_stops(tmp_path):
    # A long grace, so that "answered at once" and "answered when the grace ran out" are far apart.
    grace = ["--shutdown-grace", "60"]
    node = NodeProcess(tmp_path / "data", extra_args=["--block-interval-ms", str(BLOCK_INTERVAL_MS), *grace])
    node.start()
    try:
        agency = DevAgency(node)
        submit = f"{node.url}/v1/evidence"

        def submitted(record: bytes) -> httpx.Response:
            body = agency.signed(record).to_cbor()
            headers = {"Content-Type": "application/cbor"}
            waiting = {"wait": "true", "timeout": "30"}
            return httpx.post(submit, content=body, headers=headers, params=waiting, timeout=40)

        first = submitted(b"sealed first")
        assert first.status_code == 200, first.text  # a block was just sealed: the next is an interval away
        answers: list[httpx.Response] = []
        waiting = threading.Thread(target=lambda: answers.append(submitted(b"waiting at the stop")))
        waiting.start()
        time.sleep(1.0)
        assert not answers  # still waiting for its block
        asked = time.monotonic()
        node.process.send_signal(signal.SIGTERM)
        waiting.join(timeout=30)
        assert answers and time.monotonic() - asked < 15  # at once, not when the 60 s of grace run out
        (answer,) = answers
        assert answer.status_code == 202, answer.text
        accepted = answer.json()
        assert accepted["status"] == "accepted" and accepted["id"]
        assert node.process.wait(timeout=30) == 0
        assert "Traceback" not in node.log() and "CancelledError" not in node.log()
        node.start()  # the accepted record was durable before it was answered
        kept = httpx.get(f"{node.url}/v1/evidence/{accepted['id']}")
        assert kept.status_code == 200 and kept.json()["id"] == accepted["id"], kept.text
    finally:
        node.stop()


def test_ctrl_c_in_a_terminal_stops_the_node_and_its_workers_quietly(tmp_path):
    """A terminal's Ctrl-C signals the whole process group: the node and its admission worker alike."""
    port = free_port()
    process = subprocess.Popen(
        [TIEZHENG_NODE, "dev", "--data", str(tmp_path / "data"), "--port", str(port), "--admission-workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a process group of its own, as a shell gives a foreground job
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0
    assert b"Traceback" not in stderr and b"KeyboardInterrupt" not in stderr, stderr.decode(errors="replace")
