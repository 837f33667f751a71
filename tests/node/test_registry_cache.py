"""The system contracts' answers are cached per head, within a bound: anyone may ask about codes that do not exist."""

from __future__ import annotations

from tiezheng_node.execution import registry as registry_module


def test_lookups_of_unknown_codes_cannot_grow_the_cache_without_bound(chain, monkeypatch):
    monkeypatch.setattr(registry_module, "MAX_CACHED_ANSWERS", 5)
    view, head = chain.node.registry, chain.node.head.execution
    calls = []
    call = view._call
    monkeypatch.setattr(view, "_call", lambda *args: calls.append(args) or call(*args))
    assert view.agency(chain.agency_code, head) is not None
    for n in range(20):
        assert view.agency(f"NO-SUCH-AGENCY-{n}", head) is None
        assert view.agency(chain.agency_code, head) is not None  # in use: kept while strangers come and go
    assert len(view._cache) == 5
    assert sum(1 for args in calls if args[2] == chain.agency_code) == 1
