"""The explorer and /verify in Chromium, against a real dev node with real anchored records.

The browser side is tests/browser/explorer.mjs (playwright-core driving Debian's chromium);
this test starts the node, anchors what the pages should show, runs the script, anchors one
more record when the script says it is watching the home page live, and reports each of the
script's checks. Screenshots land in test-artifacts/browser/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from tests.support.explorer_data import seed
from tests.support.processes import NodeProcess
from tiezheng.gm import keystore
from tiezheng.sdk import Client

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BIG_FILE_SIZE = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def explorer_node(tmp_path_factory):
    node = NodeProcess(tmp_path_factory.mktemp("explorer") / "data", extra_args=["--block-interval-ms", "300"])
    node.start()
    yield node
    node.stop()


def _agency_client(node: NodeProcess) -> Client:
    agency = node.accounts()["agency"]
    key = keystore.load(node.data_dir / agency["sm2_keystore"], agency["passphrase"])
    return Client(node.url, key=key, agency=agency["agency_code"])


def test_explorer_and_verify_page_in_chromium(explorer_node, tmp_path):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: scripts/bootstrap --test installs Debian's chromium"
    facts = seed(explorer_node.url, explorer_node.data_dir, tmp_path / "files")
    big = tmp_path / "files" / "执法记录仪-20261123.mp4"
    with big.open("wb") as handle:
        block = bytes(range(256)) * 4096
        for position in range(BIG_FILE_SIZE // len(block)):
            handle.write(block[position % 256 :] + block[: position % 256])
    with _agency_client(explorer_node) as client:
        anchored = client.anchor(big, "enforcement-record", stage="调查取证", wait=True)
    assert anchored.receipt is not None
    anchored.receipt.save(big.with_name(big.name + ".tzr"))
    facts |= {"big_file": str(big), "big_receipt": str(big.with_name(big.name + ".tzr"))}
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(facts, ensure_ascii=False))
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)

    script = subprocess.Popen(
        ["node", str(REPO / "tests" / "browser" / "explorer.mjs")],
        cwd=REPO,
        env={**os.environ, "NODE_URL": explorer_node.url, "SEED": str(seed_file), "ARTIFACTS": str(ARTIFACTS)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    checks: list[dict] = []
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(script.stderr), daemon=True)
    reader.start()
    assert script.stdout is not None
    for line in script.stdout:
        if line.strip() == "LIVE-READY":
            with _agency_client(explorer_node) as client:
                client.anchor(b"a record anchored while the home page watches", "document", wait=True)
        elif line.startswith("{"):
            checks.append(json.loads(line))
    returncode = script.wait(timeout=600)
    reader.join(timeout=10)

    for check in checks:
        print(("ok  " if check["ok"] else "FAIL") + f" {check['check']}: {check['detail'][:200]}")
    failed = [c for c in checks if not c["ok"]]
    assert not failed, "\n\n".join(f"{c['check']}:\n{c['detail']}" for c in failed)
    assert returncode == 0, "".join(stderr)[-3000:]
    names = [c["check"] for c in checks]
    assert len(names) == 24, names
    for expected in (
        "explorer-home",
        "evidence",
        "block",
        "matter",
        "verify-valid",
        "verify-tampered",
        "search-mistyped",
        "verify-receipt-only",
        "api-docs",
    ):
        assert (ARTIFACTS / f"{expected}.png").stat().st_size > 10_000
