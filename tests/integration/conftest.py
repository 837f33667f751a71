from __future__ import annotations

import pytest

from tests.support.processes import NodeProcess, free_port


@pytest.fixture(scope="module")
def dev_node(tmp_path_factory):
    """A real `tiezheng-node dev` process on its own data directory and port, 200 ms blocks."""
    node = NodeProcess(tmp_path_factory.mktemp("dev") / "data", free_port(), extra_args=["--block-interval-ms", "200"])
    node.start()
    yield node
    node.stop()
