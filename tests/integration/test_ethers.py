"""ethers.js (npm, pinned in package-lock.json), unchanged, against a real node process."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ethers_deploys_transacts_and_reads(dev_node):
    node = shutil.which("node")
    assert node, "Node.js is required: run scripts/bootstrap --test"
    assert (ROOT / "node_modules" / "ethers").is_dir(), "ethers is not installed: run scripts/bootstrap --test"
    result = subprocess.run(
        [
            node,
            "tests/js/ethers_client.mjs",
            dev_node.rpc_url,
            str(dev_node.data_dir / "dev-accounts.json"),
            "contracts/artifacts",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr + dev_node.log()[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["chainId"] == 7301
    assert seen["code"] is True
    assert seen["status"] == 1
    assert seen["event"] == {
        "name": "Noted",
        "id": seen["event"]["id"],
        "text": "ethers 结果反馈",
        "author": seen["admin"],
    }
    assert seen["stored"] == "ethers 结果反馈"
    assert seen["filtered"] == ["ethers 结果反馈"]
    assert seen["revert"] == {"code": "CALL_EXCEPTION", "reason": "Notebook: always fails"}
    assert seen["customError"] == {"code": "CALL_EXCEPTION", "name": "TooLong"}
    assert seen["minedRevert"]["code"] == "CALL_EXCEPTION" and seen["minedRevert"]["status"] == 0
    assert seen["stranger"]["refused"] is True and seen["stranger"]["rpcCode"] == -32007
    assert "not permitted" in seen["stranger"]["message"]
    assert seen["insufficientFunds"] == "INSUFFICIENT_FUNDS"
    assert seen["unprotected"] == "UNSUPPORTED_OPERATION"
    assert seen["blockNumberAfter"] > seen["blockNumberBefore"]
