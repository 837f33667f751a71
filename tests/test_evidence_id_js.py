"""The browser's evidence-ID parser (web/src/evidence-id.js) reads every ID as the Python one does."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

from tiezheng.errors import EvidenceIdError
from tiezheng.evidence_id import CROCKFORD, format_evidence_id
from tiezheng.evidence_id import EvidenceId as PythonId

ROOT = Path(__file__).resolve().parents[1]


def _python(text: str) -> dict[str, str]:
    try:
        parsed = PythonId.parse(text)
    except EvidenceIdError as exc:
        return {"error": exc.code}
    return {"chain": parsed.chain, "index": str(parsed.index)}


def _ids() -> list[str]:
    chosen = random.Random(1021)
    indexes = [0, 1, 2**30 - 1, 2**30, 2**63, 2**64 - 1, 2**64, 2**65 - 1]
    indexes += [chosen.randrange(2**65) for _ in range(200)]
    ids = [format_evidence_id(chosen.choice(["DEV", "GZ01", "ZZZZZZZZ"]), i) for i in indexes]
    typos = []
    for text in ids[:100]:
        position = chosen.choice([i for i, c in enumerate(text) if c != "-" and i > text.index("-")])
        typos.append(text[:position] + chosen.choice(CROCKFORD.replace(text[position], "")) + text[position + 1 :])
    odd = ["", "DEV", "DEV-00000U-00", "DEV-0O0IL0-00", " DEV-000000-9H "]
    return [*ids, *typos, *(t.lower() for t in ids[:20]), *odd]


def test_the_browser_parser_agrees_with_the_python_one(tmp_path):
    ids = _ids()
    (tmp_path / "ids.json").write_text(json.dumps(ids))
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / "evidence_ids.mjs"), str(tmp_path / "ids.json")],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    browser = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(browser) == len(ids)
    for text, theirs in zip(ids, browser, strict=True):
        assert theirs == _python(text), text
    assert {"error": "bad-evidence-id"} in browser and {"error": "evidence-id-checksum"} in browser
