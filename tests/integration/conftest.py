from __future__ import annotations

import pytest

from tests.support.processes import NodeProcess


@pytest.fixture(scope="module")
def dev_node(tmp_path_factory):
    """A real `tiezheng-node dev` process on its own data directory and port, 200 ms blocks."""
    node = NodeProcess(tmp_path_factory.mktemp("dev") / "data", extra_args=["--block-interval-ms", "200"])
    node.start()
    yield node
    node.stop()


class DevAgency:
    """The dev agency of a dev node: its code, SM2 key, and statement helpers."""

    def __init__(self, node) -> None:
        from tiezheng.gm import keystore

        account = node.accounts()["agency"]
        self.code = account["agency_code"]
        self.key = keystore.load(node.data_dir / account["sm2_keystore"], account["passphrase"])

    def statement(self, record: bytes, **fields):
        import time

        from tiezheng.gm import sm3
        from tiezheng.statement import Statement

        return Statement(
            kind=fields.pop("kind", "permit"),
            digest=sm3(record),
            agency=self.code,
            key=self.key.public_key().key_id,
            time=int(time.time() * 1000),
            **fields,
        )

    def signed(self, record: bytes, **fields):
        from tiezheng.signed_statement import SignedStatement

        return SignedStatement.sign(self.statement(record, **fields), self.key)


@pytest.fixture(scope="module")
def agency(dev_node) -> DevAgency:
    return DevAgency(dev_node)
