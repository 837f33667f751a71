"""Fixtures shared by the in-process node tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.nodekit import LocalChain


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[LocalChain]:
    """A fresh one-validator dev chain on its own LevelDB, closed after the test."""
    local = LocalChain(tmp_path / "node")
    yield local
    local.close()
