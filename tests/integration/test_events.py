"""GET /v1/events: a live stream of committed blocks, from a real node process."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time

import httpx
import pytest

from tests.support.processes import NodeProcess
from tiezheng.signed_statement import SignedStatement


def test_block_events_stream_as_blocks_commit(dev_node, agency):
    events: list[tuple[str, dict]] = []
    connected = threading.Event()

    def listen() -> None:
        with httpx.stream("GET", dev_node.url + "/v1/events", timeout=30) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            connected.set()
            kind = None
            for line in response.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind is not None:
                    events.append((kind, json.loads(line[6:])))
                    if kind == "block" and events[-1][1]["records"] >= 1:
                        return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert connected.wait(10)
    signed: SignedStatement = agency.signed(b"streamed record")
    response = httpx.post(
        dev_node.url + "/v1/evidence?wait=true",
        content=signed.to_cbor(),
        headers={"content-type": "application/cbor"},
        timeout=30,
    )
    assert response.status_code == 200
    listener.join(timeout=20)
    assert not listener.is_alive()
    block = next(payload for kind, payload in events if kind == "block" and payload["records"] >= 1)
    head = httpx.get(dev_node.url + "/v1/log/head").json()
    assert block["log_size"] > response.json()["index"]
    assert set(block) == {"height", "time", "hash", "log_size", "log_root", "records", "transactions"}
    assert block["height"] <= head["height"]


def event_streams(url: str) -> float:
    metrics = httpx.get(url + "/metrics").text
    return float(next(line.split()[1] for line in metrics.splitlines() if line.startswith("tiezheng_event_streams ")))


def test_open_streams_are_counted_in_the_metrics(dev_node):
    before = event_streams(dev_node.url)
    with httpx.stream("GET", dev_node.url + "/v1/events", timeout=10) as response:
        lines = response.iter_lines()  # kept: dropping the iterator would close the connection
        assert next(lines) == "retry: 2000"  # subscribed before this first line is sent
        assert event_streams(dev_node.url) == before + 1
    limit = time.monotonic() + 10
    while event_streams(dev_node.url) != before:
        assert time.monotonic() < limit, "a closed stream is still counted"
        time.sleep(0.1)


def test_a_reader_leaving_is_not_an_error(dev_node):
    before = dev_node.log().count("Traceback")
    for _ in range(3):
        with httpx.stream("GET", dev_node.url + "/v1/events", timeout=10) as response:
            next(response.iter_lines())  # the retry hint: connected
    time.sleep(0.5)
    log = dev_node.log()
    assert log.count("Traceback") == before and "Exception in ASGI application" not in log, log[-2000:]


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_the_node_stops_promptly_with_readers_connected(tmp_path, stop_signal):
    # An explorer tab or `tiezheng alerts --watch` holds a stream open; Ctrl-C must still stop the node.
    node = NodeProcess(tmp_path / "data", extra_args=["--shutdown-grace", "60"])  # far from "at once"
    node.start()
    ended = threading.Event()

    def read() -> None:
        with contextlib.suppress(httpx.HTTPError), httpx.stream("GET", node.url + "/v1/events", timeout=30) as response:
            for _ in response.iter_lines():
                pass
        ended.set()

    readers = [threading.Thread(target=read, daemon=True) for _ in range(2)]
    for reader in readers:
        reader.start()
    limit = time.monotonic() + 10
    while event_streams(node.url) < 2:  # both readers connected: the stop must end their streams
        assert time.monotonic() < limit, "the readers never connected"
        time.sleep(0.05)
    assert node.process is not None
    started = time.monotonic()
    node.process.send_signal(stop_signal)
    node.process.wait(timeout=30)
    assert time.monotonic() - started < 15, "the node waited for its readers"
    assert node.process.returncode == 0, node.log()[-2000:]
    assert ended.wait(5)
