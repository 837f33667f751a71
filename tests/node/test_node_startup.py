"""What a node start pays for: the command line loads the execution layer only once keys are decrypting."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tiezheng.errors import TiezhengError
from tiezheng.gm import SM2PrivateKey, keystore
from tiezheng_node.cli import _unlock


def loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``statement``."""
    script = f"import sys\n{statement}\nprint(' '.join(m for m in {modules!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_the_node_command_line_imports_no_execution_layer_or_web_stack():
    # cli._unlock overlaps key decryption with these imports; imported here, they would run before it.
    heavy = ("eth", "eth_account", "fastapi", "uvicorn", "tiezheng_node.node", "tiezheng_node.api")
    assert loaded_after("import tiezheng_node.cli", heavy) == []


def test_serving_imports_them_all():
    heavy = ("eth", "fastapi", "uvicorn", "tiezheng_node.node")
    assert loaded_after("import tiezheng_node.server", heavy) == list(heavy)


def test_the_protocol_package_loads_the_sdk_only_when_named():
    assert loaded_after("import tiezheng.verifier, tiezheng.receipt", ("tiezheng.sdk", "httpx")) == []
    assert loaded_after("import tiezheng; tiezheng.Client", ("tiezheng.sdk", "httpx")) == ["tiezheng.sdk", "httpx"]


def test_the_lazy_exports_are_the_sdk_objects():
    import tiezheng
    from tiezheng import responses, sdk

    assert tiezheng.Client is sdk.Client and tiezheng.AsyncClient is sdk.AsyncClient
    assert tiezheng.BadResponseError is responses.BadResponseError
    assert set(tiezheng.__all__) <= set(dir(tiezheng))
    with pytest.raises(AttributeError, match="no attribute 'Clinet'"):
        _ = tiezheng.Clinet


def test_unlock_reads_the_keystores_in_order(tmp_path):
    keys = [SM2PrivateKey.generate() for _ in range(3)]
    for number, key in enumerate(keys):
        keystore.save(tmp_path / f"{number}.key", key, f"pass {number}", iterations=1_000)
    unlocked = _unlock([(tmp_path / f"{number}.key", f"pass {number}") for number in range(3)])()
    assert [key.to_scalar_bytes() for key in unlocked] == [key.to_scalar_bytes() for key in keys]
    assert _unlock([])() == []


def test_unlock_raises_the_keystore_error_when_read(tmp_path):
    keystore.save(tmp_path / "a.key", SM2PrivateKey.generate(), "right", iterations=1_000)
    unlocked = _unlock([(tmp_path / "a.key", "wrong")])
    with pytest.raises(TiezhengError, match="wrong passphrase"):
        unlocked()


def test_a_passphrase_that_is_not_utf8_is_refused_by_name(monkeypatch):
    """The locale decodes the environment; bytes it could not decode reach Python as surrogates, no keystore's text."""
    import os

    from tiezheng_node.cli import _passphrase
    from tiezheng_node.store import StoreError

    monkeypatch.setenv("TIEZHENG_PASSPHRASE", os.fsdecode(b"secret\xff"))
    with pytest.raises(StoreError, match="not UTF-8") as caught:
        _passphrase("the validator key")
    assert caught.value.code == "usage"
    monkeypatch.setenv("TIEZHENG_PASSPHRASE", "口令 secret")
    assert _passphrase("the validator key") == "口令 secret"


def test_a_supervision_key_the_chain_does_not_know_is_named_at_start(tmp_path):
    from tests.support.nodekit import LocalChain
    from tiezheng_node.cli import _unregistered_supervision
    from tiezheng_node.process.supervision import Supervision

    chain = LocalChain(tmp_path / "node")
    try:
        key = chain.supervision.key
        assert _unregistered_supervision(chain.node, chain.supervision) is None  # the dev chain registers it
        assert _unregistered_supervision(chain.node, None) is None
        other = _unregistered_supervision(chain.node, Supervision(key, chain.agency_code))
        assert other is not None and "not the key agency" in other
        unknown = _unregistered_supervision(chain.node, Supervision(key, "NOSUCH"))
        assert unknown is not None and "not an active agency" in unknown
    finally:
        chain.close()
