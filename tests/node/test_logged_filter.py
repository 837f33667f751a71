"""The in-memory filter in front of the digest index: never a false negative, few false positives, growth, start-up."""

from __future__ import annotations

import os
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiezheng_node.evidence.logged_filter import LoggedFilter, start_filling

keys = st.binary(min_size=40, max_size=40)


def ready_filter(**options) -> LoggedFilter:
    logged = LoggedFilter(**options)
    logged.mark_ready()
    return logged


@given(st.lists(st.lists(keys, max_size=50), max_size=20), st.integers(min_value=1, max_value=64))
@settings(max_examples=200)
def test_every_key_added_is_reported_whatever_the_growth(chunks, capacity):
    logged = ready_filter(capacity=capacity)
    for chunk in chunks:
        logged.add(chunk)
    assert all(logged.may_contain(key) for chunk in chunks for key in chunk)


def test_absent_keys_are_mostly_refused_also_after_growing_far_past_capacity():
    logged = ready_filter(capacity=1_000, error_rate=0.01)
    added = [os.urandom(40) for _ in range(50_000)]
    for start in range(0, len(added), 700):
        logged.add(added[start : start + 700])
    assert logged.filters > 1
    assert all(logged.may_contain(key) for key in added)
    false_positives = sum(logged.may_contain(os.urandom(40)) for _ in range(20_000))
    # Each filter aims at 1 %; a chain of n filters at most n %. Far below "every lookup goes to LevelDB".
    assert false_positives < 20_000 * 0.01 * logged.filters
    assert false_positives < 20_000 * 0.08


def test_until_filled_every_key_may_be_logged():
    logged = LoggedFilter()
    absent = os.urandom(40)
    assert not logged.ready and logged.may_contain(absent)
    assert logged.fill(iter([os.urandom(40) for _ in range(10)]))
    assert logged.ready and not logged.may_contain(absent)


def test_a_stopped_fill_leaves_the_filter_saying_maybe():
    logged = LoggedFilter()
    stop = threading.Event()
    stop.set()
    assert not logged.fill(iter([os.urandom(40) for _ in range(200_000)]), stop=stop)
    assert not logged.ready and logged.may_contain(os.urandom(40))


def test_blocks_adding_keys_while_the_scan_runs_lose_nothing():
    logged = LoggedFilter(capacity=1_000)
    stored = [os.urandom(40) for _ in range(100_000)]
    committed = [[os.urandom(40) for _ in range(500)] for _ in range(40)]
    scan_started = threading.Event()

    def scan():
        scan_started.set()
        yield from stored

    errors: list[BaseException] = []

    def lookups():
        try:
            while not logged.ready:
                logged.may_contain(os.urandom(40))
        except BaseException as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    thread = start_filling(logged, scan, stop=threading.Event())
    looker = threading.Thread(target=lookups)
    looker.start()
    scan_started.wait(5)
    for block in committed:
        logged.add(block)
    thread.join(30)
    looker.join(30)
    assert logged.ready and not errors
    assert all(logged.may_contain(key) for key in stored)
    assert all(logged.may_contain(key) for block in committed for key in block)


def test_a_failing_scan_leaves_the_filter_saying_maybe(caplog):
    logged = LoggedFilter()

    def broken():
        yield os.urandom(40)
        raise RuntimeError("the store went away")

    start_filling(logged, broken, stop=threading.Event()).join(10)
    assert not logged.ready and logged.may_contain(os.urandom(40))
    assert "reading the digest index into memory failed" in caplog.text


@pytest.mark.parametrize(("capacity", "error_rate"), [(0, 0.01), (10, 0.0), (10, 1.0)])
def test_nonsense_sizes_are_refused(capacity, error_rate):
    with pytest.raises(ValueError, match="capacity must be positive"):
        LoggedFilter(capacity=capacity, error_rate=error_rate)


class _Refusing:
    """Stands in for an rbloom filter that refuses every call (out of memory, or a call meeting another)."""

    def __init__(self, *_args) -> None:
        pass

    def update(self, _keys) -> None:
        raise MemoryError("no room for a bigger filter")

    def __contains__(self, _key) -> bool:
        raise RuntimeError("Already mutably borrowed")


def test_a_filter_that_cannot_grow_says_maybe_from_then_on_and_never_raises(monkeypatch, caplog):
    from tiezheng_node.evidence import logged_filter

    logged = ready_filter(capacity=10)
    logged.add([os.urandom(40) for _ in range(10)])
    monkeypatch.setattr(logged_filter, "Bloom", _Refusing)
    lost = [os.urandom(40) for _ in range(5)]
    logged.add(lost)  # needs a second, bigger filter: cannot be made
    assert not logged.ready
    assert all(logged.may_contain(key) for key in lost)
    assert logged.may_contain(os.urandom(40))  # everything is "maybe" now
    assert "digest filter failed" in caplog.text


def test_a_lookup_rbloom_refuses_is_a_maybe():
    logged = ready_filter()
    logged._filters = (_Refusing(),)
    assert logged.may_contain(os.urandom(40))
