"""The system contracts' answers are cached per head, within a bound: anyone may ask about codes that do not exist."""

from __future__ import annotations

from eth_typing import Address

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


def test_a_lookup_finishing_after_a_revocation_does_not_bring_the_old_answer_back(chain):
    """A lookup that began at the head before a revoking block must not refill the cache with that head's answers."""
    from tiezheng_node.execution.addresses import AGENCY_REGISTRY

    view = chain.node.registry
    before = chain.node.head.execution
    assert view.agency(chain.agency_code, before).active
    revoked = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "revoke", chain.agency_code)
    assert revoked.ok
    stale = view._call(before, "getAgency", chain.agency_code)  # what a slow lookup read, before the block
    assert stale is not None
    view._cached(before, ("agency", chain.agency_code), lambda: stale)  # ...and finished after it
    view._cached(before, ("sender", Address(bytes.fromhex(chain.agency.address[2:]))), lambda: True)
    # The next block touches no registry log (built here, so no other lookup refreshes the cache first).
    head = chain.node.head.execution
    child = head.copy(parent_hash=head.hash, block_number=head.block_number + 1)
    view.on_block(child, ())
    assert not view.agency(chain.agency_code, child).active
    assert not view.is_allowed_sender(Address(bytes.fromhex(chain.agency.address[2:])), child)


def test_answers_are_carried_only_from_a_blocks_parent(chain):
    view = chain.node.registry
    head = chain.node.head.execution
    view.agency(chain.agency_code, head)
    assert view._cache
    stranger = head.copy(parent_hash=b"\x99" * 32, block_number=head.block_number + 1)
    view.on_block(stranger, ())
    assert not view._cache
