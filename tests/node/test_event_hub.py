"""The event hub: every subscriber hears every event, in order, and the number of open streams is bounded."""

from __future__ import annotations

import asyncio
import threading

from fastapi.testclient import TestClient

from tiezheng_node.api import events as events_module
from tiezheng_node.api.app import create_app
from tiezheng_node.api.events import EventHub


def test_events_published_from_another_thread_reach_every_subscriber_in_order():
    hub = EventHub()

    async def scenario() -> list[list[tuple[str, str]]]:
        with hub.subscription() as first, hub.subscription() as second, hub.subscription() as third:
            publisher = threading.Thread(target=lambda: [hub.publish("block", {"height": n}) for n in range(5)])
            publisher.start()
            await asyncio.to_thread(publisher.join)
            heard = []
            for queue in (first, second, third):
                heard.append([await asyncio.wait_for(queue.get(), 5) for _ in range(5)])
            return heard

    for heard in asyncio.run(scenario()):
        assert heard == [("block", f'{{"height":{n}}}') for n in range(5)]


def test_streams_beyond_the_limit_are_refused_until_one_closes(chain, monkeypatch):
    monkeypatch.setattr(events_module, "MAX_SUBSCRIBERS", 2)
    app = create_app(chain.node)
    client = TestClient(app)
    hub: EventHub = app.state.event_hub

    async def scenario() -> None:
        with hub.subscription(), hub.subscription():
            refused = await asyncio.to_thread(client.get, "/v1/events")
            assert refused.status_code == 503 and refused.json()["error"]["code"] == "too-many-streams"
            assert refused.headers["retry-after"] == "30"
        assert not hub.full

    asyncio.run(scenario())
