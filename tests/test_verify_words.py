"""What /verify says, in both languages: every check line, verdict and refusal for every shared receipt vector.

The checks run in the browser (web/src/verifier.js), which words them in English; the page words them
again from its i18n keys (web/src/verify-words.js). tests/js/verify_words.mjs runs both under Node over
tests/vectors/receipts with the page's words; here each line is held to the page's language.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tiezheng_node.api.explorer.i18n import MESSAGES, Translator
from tiezheng_node.api.explorer.routes import SCRIPT_WORDS

REPO = Path(__file__).resolve().parents[1]
# Where web/src names an error's code: a constructor's default, a call's last argument, either side of a choice.
CODE_PLACES = (
    r'code = "([a-z][a-z-]*)"',
    r',\s*"([a-z][a-z0-9-]*)",?\s*\)',
    r'\?\s*"([a-z][a-z-]*)"\s*:\s*"([a-z][a-z-]*)"',
)
NOT_CODES = {"receipt", "statement"}  # what checkSignatures and the like are told they sign, also last arguments
EVIDENCE_ID = r"\b[A-Za-z0-9]{2,8}-[0-9A-Za-z]{6,13}-[0-9A-Za-z]{2}\b"


def latin_words(text: str) -> set[str]:
    """The English a Chinese line lets through, besides what it quotes: hex, IDs and codes in capitals,
    and the names of algorithms and standards (SM2, SM3, CBOR, RFC)."""
    text = re.sub(rf"\b[0-9a-f]{{8,}}\b|…|{EVIDENCE_ID}", " ", text)  # an ID is quoted as the receipt spells it
    return {w for w in re.findall(r"[A-Za-z][A-Za-z0-9-]*", text) if any(c.islower() for c in w)}


@pytest.fixture(scope="module")
def lines(tmp_path_factory):
    words = {
        language: {key: Translator(language)(key) for key in MESSAGES if key.startswith(SCRIPT_WORDS)}
        for language in ("zh", "en")
    }
    path = tmp_path_factory.mktemp("words") / "words.json"
    path.write_text(json.dumps(words, ensure_ascii=False))
    run = subprocess.run(
        ["node", str(REPO / "tests" / "js" / "verify_words.mjs"), str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return [json.loads(line) for line in run.stdout.splitlines()]


def test_the_verifiers_english_is_the_pages_english(lines):
    details = next(line["details"] for line in lines if line["what"] == "details")
    keys = {key.removeprefix("check.detail.") for key in MESSAGES if key.startswith("check.detail.")}
    assert keys == set(details)
    for key, sentence in details.items():
        assert MESSAGES[f"check.detail.{key}"][1] == sentence, key


def test_every_check_line_is_in_the_pages_language(lines):
    checks = [line for line in lines if line["what"] == "check"]
    manifest = json.loads((REPO / "tests" / "vectors" / "receipts" / "manifest.json").read_text())
    assert {line["name"] for line in checks} == {case["name"] for case in manifest["cases"]}  # every vector
    for line in checks:
        where = (line["name"], line["file"], line["check"])
        assert not latin_words(line["zh"]), (where, line["zh"])
        assert re.search(r"[\u4e00-\u9fff]", line["zh"]), (where, line["zh"])
        assert not re.search(r"[\u4e00-\u9fff]", line["en"]), (where, line["en"])
        if line["state"] in ("ok", "unchecked", "bad"):
            # In English the line is the verifier's own sentence, failures included.
            assert line["en"] == line["detail"], where
        if line["key"] == "error":
            # A failure is worded for its code, never by the general sentence naming it.
            assert f"check.error.{line['code']}" in MESSAGES, where


def test_without_a_file_the_receipt_is_valid_and_the_file_unchecked(lines):
    verdicts = {(line["name"], line["file"]): line for line in lines if line["what"] == "verdict"}
    digest = {(line["name"], line["file"]): line for line in lines if line.get("check") == "digest"}
    for name in ("direct", "batch", "after-handover", "direct-json", "direct-no-record"):
        assert verdicts[(name, False)]["kind"] == "receipt-only", name
        assert verdicts[(name, False)]["zh"] == "回执有效，未核对文件 RECEIPT VALID — FILE NOT CHECKED"
        assert digest[(name, False)]["state"] == "unchecked" and "未核对" in digest[(name, False)]["zh"], name
        if name != "direct-no-record":
            assert verdicts[(name, True)]["kind"] == "valid", name
            assert digest[(name, True)]["state"] == "ok", name
    assert verdicts[("tampered-record", True)]["kind"] == "invalid"
    assert digest[("tampered-record", True)]["zh"].startswith("文件的 SM3 摘要")
    assert {line["kind"] for (name, _), line in verdicts.items() if name == "bad-seal"} == {"invalid"}


def test_a_newer_format_is_undecided_not_invalid(lines):
    """A receipt the page cannot read because it is newer may be valid: the page says it cannot judge it."""
    manifest = json.loads((REPO / "tests" / "vectors" / "receipts" / "manifest.json").read_text())
    undecided = {case["name"] for case in manifest["cases"] if not case["decided"]}
    assert undecided == {
        "newer-receipt",
        "newer-statement",
        "newer-statement-fields",
        "newer-header",
        "newer-header-layout",
    }
    verdicts = [line for line in lines if line["what"] == "verdict"]
    for line in verdicts:
        assert (line["kind"] == "undecided") == (line["name"] in undecided), line
    assert {line["zh"] for line in verdicts if line["kind"] == "undecided"} == {MESSAGES["verify.undecided"][0]}
    newer = [line for line in lines if line["what"] == "check" and line["state"] == "newer"]
    assert {line["name"] for line in newer} == undecided
    assert all(line["code"] == "unsupported-version" for line in newer)
    assert MESSAGES["verify.undecided"][0].startswith("无法判定")


def test_refusals_are_in_the_pages_language(lines):
    for line in lines:
        if line["what"] in ("fetch", "genesis"):
            if line["language"] == "zh":
                assert not latin_words(line["text"].replace("HTTP", "")), line
            else:
                assert not re.search(r"[\u4e00-\u9fff]", line["text"]), line
    fetched = {(line["code"], line["language"]): line["text"] for line in lines if line["what"] == "fetch"}
    assert "校验位不符" in fetched[("evidence-id-checksum", "zh")]
    assert "mistyped" in fetched[("evidence-id-checksum", "en")]
    assert "HTTP 502" in fetched[(None, "zh")]
    genesis = {line["language"]: line["text"] for line in lines if line["what"] == "genesis"}
    assert genesis["zh"] == "无法完成核验：创世文件或验证节点集合无效", genesis


def test_every_error_code_in_the_browser_verifier_has_its_words():
    codes = {"error"}  # what the verifier calls an error that carries no code
    for path in (REPO / "web" / "src").glob("*.js"):
        if path.name in ("verify-words.js", "verify-page.js", "explorer.js"):  # the pages: no errors of their own
            continue
        for place in CODE_PLACES:
            for found in re.findall(place, path.read_text()):
                codes |= set(found) if isinstance(found, tuple) else {found}
    codes -= NOT_CODES
    assert len(codes) > 20, codes
    missing = sorted(code for code in codes if f"check.error.{code}" not in MESSAGES)
    assert not missing, missing
