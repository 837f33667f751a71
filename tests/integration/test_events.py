"""GET /v1/events: a live stream of committed blocks, from a real node process."""

from __future__ import annotations

import json
import threading

import httpx

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
