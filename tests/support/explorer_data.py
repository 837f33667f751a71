"""Real records for the explorer and /verify to show: anchored on a running dev node through the SDK."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tiezheng.gm import keystore, sm3
from tiezheng.sdk import Client
from tiezheng.statement import subject_hash

PERMIT = "行政许可决定书\n京市监许〔2026〕第 0417 号\n准予许可。\n".encode() * 20


def seed(url: str, data_dir: Path, folder: Path) -> dict[str, Any]:
    """Anchor a permit (with its receipt saved), a process trail of two steps, a batch of 300 documents
    and a permit matter under the administrative-permit template, two stages in.

    Returns what the browser tests look for: IDs, digests, file and receipt paths, block heights.
    """
    accounts = json.loads((data_dir / "dev-accounts.json").read_text())["accounts"]
    agency = next(a for a in accounts if a["role"] == "agency")
    key = keystore.load(data_dir / agency["sm2_keystore"], agency["passphrase"])
    folder.mkdir(parents=True, exist_ok=True)
    permit = folder / "决定书.txt"
    permit.write_bytes(PERMIT)
    tampered = folder / "决定书-改.txt"
    tampered.write_bytes(PERMIT.replace("准予".encode(), "不予".encode(), 1))
    subject = subject_hash("京市监许〔2026〕第 0417 号", b"explorer-test-salt")
    with Client(
        url,
        key=key,
        agency=agency["agency_code"],
        subject_salt=b"explorer-test-salt",
        operator_salt=b"officials-salt-of-the-agency",
    ) as client:
        accepted = client.anchor(b"application form", "conclusion", stage="受理", subject=subject, wait=True)
        review = client.anchor(
            b"first review", "conclusion", stage="初审", subject=subject, prev=accepted.id, wait=True
        )
        anchored = client.anchor(permit, "permit", stage="审批签发", subject=subject, prev=review.id, wait=True)
        assert anchored.receipt is not None
        receipt = folder / "决定书.txt.tzr"
        anchored.receipt.save(receipt)
        batch = client.anchor_many([b"archive document %d" % i for i in range(300)], "document", wait=True)
        block = client.get(anchored.id).block_height
        matter = client.open_matter("administrative-permit", "京市监许〔2026〕第 0418 号", official="王某").id
        client.step(matter, "受理", after=b"application accepted", official="王某")
        client.step(
            matter, "初审", after=b"first review opinion", before=b"application accepted", official="李某",
            fields={"opinion": sm3("材料齐全，符合法定形式".encode())},
        )  # fmt: skip
    return {
        "agency": agency["agency_code"],
        "permit_id": anchored.id,
        "permit_digest": sm3(PERMIT).hex(),
        "permit_file": str(permit),
        "tampered_file": str(tampered),
        "receipt_file": str(receipt),
        "step_ids": [accepted.id, review.id],
        "batch_ids": [batch[0].id, batch[-1].id],
        "block": block,
        "matter": matter,
    }
