"""The explorer's pages through the node's own ASGI app, over a real store: content, search, errors, pagination.

(The pages in a real browser against a real node process: tests/integration/test_explorer_browser.py.)
"""

from __future__ import annotations

import re
import string

import pytest
from fastapi.testclient import TestClient

from tests.support.nodekit import LocalChain
from tests.support.toychain import statement_for
from tiezheng.batch import BatchEnvelope
from tiezheng.evidence_id import EvidenceId
from tiezheng.gm import SM2PrivateKey, sm3
from tiezheng.signed_statement import SignedStatement
from tiezheng_node.api.app import create_app
from tiezheng_node.api.explorer import search
from tiezheng_node.api.explorer.i18n import MESSAGES
from tiezheng_node.api.explorer.search import MATCHES_SHOWN
from tiezheng_node.evidence.log import day_of
from tiezheng_node.execution.addresses import AGENCY_REGISTRY
from tiezheng_node.execution.artifacts import load as load_artifact


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    chain = LocalChain(tmp_path_factory.mktemp("explorer") / "node")
    evidence = chain.node.evidence

    def signed(record: bytes, **fields):
        statement = statement_for(chain.agency_key, record, agency=chain.agency_code, **fields)
        return SignedStatement.sign(statement, chain.agency_key).to_cbor()

    for i in range(3):
        evidence.accept(
            evidence.admission.signed_statement(signed(b"permit %d" % i, stage="审批签发"))
        ).durable.result()
    chain.node.produce_block()
    statements = [
        statement_for(chain.agency_key, b"bulk %d" % i, agency=chain.agency_code, kind="document") for i in range(60)
    ]
    envelope = BatchEnvelope.build(statements, chain.agency_key, time=1)
    evidence.accept(evidence.admission.envelope(envelope.to_cbor())).durable.result()
    chain.node.produce_block()
    # The same record anchored twice (two statements with one digest), and one still waiting for a block.
    evidence.accept(evidence.admission.signed_statement(signed(b"permit 0", kind="publication"))).durable.result()
    chain.node.produce_block()
    evidence.accept(evidence.admission.signed_statement(signed(b"not yet sealed"))).durable.result()
    client = TestClient(create_app(chain.node))
    yield chain, client
    client.close()
    chain.close()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_message_has_both_languages_with_the_same_placeholders():
    for key, (chinese, english) in MESSAGES.items():
        assert chinese and english, key
        fields = [sorted(f for _, f, _, _ in string.Formatter().parse(text) if f) for text in (chinese, english)]
        assert fields[0] == fields[1], key


@pytest.mark.parametrize(
    "path",
    ["/", "/blocks", "/blocks/1", "/blocks/2", "/evidence", "/evidence?kind=document", "/agencies", "/validators",
     "/agencies/91110000MA0DEV001X", "/log", "/verify", "/verify?id=DEV-000000-9H", "/matters", "/alerts",
     "/reports"],
)  # fmt: skip
def test_pages_render_in_chinese_and_english(site, path):
    _, client = site
    chinese = client.get(path)
    assert chinese.status_code == 200, chinese.text[:500]
    assert 'lang="zh-CN"' in chinese.text and "铁证" in chinese.text
    english = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert english.status_code == 200 and 'lang="en"' in english.text
    assert english.cookies.get("tz_lang") == "en"
    assert "default-src 'self'" in chinese.headers["content-security-policy"]
    # Nothing is loaded from elsewhere: the pages work on a closed network.
    assert not re.search(r'(src|href)="(https?:)?//', chinese.text)
    client.cookies.clear()


def test_home_shows_head_blocks_records_and_today(site):
    chain, client = site
    page = text_of(client.get("/").text)
    head = chain.node.head.sealed
    assert f"{head.header.log_size:,}" in page and head.header.log_root.hex() in page
    assert chain.node.evidence.evidence_id(63) in page
    assert chain.node.evidence.log.daily_counts(None, day_of(head.header.time), day_of(head.header.time)) == {
        day_of(head.header.time): 64
    }


def test_evidence_page(site):
    chain, client = site
    evidence_id = chain.node.evidence.evidence_id(1)
    page = client.get(f"/evidence/{evidence_id}", params={"lang": "zh"}).text
    assert sm3(b"permit 1").hex() in page and "审批签发" in page
    assert f'href="/v1/evidence/{evidence_id}/receipt"' in page
    # The kind and the signer's role in the reader's language; the code stays at hand.
    assert "permit — 许可" in page and '<td title="agency">机构</td>' in page
    english = client.get(f"/evidence/{evidence_id}?lang=en").text
    assert (
        "permit — an administrative permit or licence decision" in english
        and '<td title="agency">agency</td>' in english
    )
    assert '<td title="permit">许可</td>' in client.get("/evidence?kind=permit&lang=zh").text  # lists too
    assert '<td title="permit">permit</td>' in client.get("/evidence?kind=permit&lang=en").text
    assert "filter-unknown" not in client.get("/evidence?kind=x-own-kind").text  # a private kind may be anyone's
    bogus = client.get("/evidence?kind=bogus&agency=NOBODY&lang=en").text
    assert "There is no kind “bogus”" in bogus and "There is no agency “NOBODY”" in bogus
    # An agency's code typed in lower case filters as the search box reads it: the registered code.
    lower = client.get(f"/evidence?agency={chain.agency_code.lower()}&lang=en").text
    assert "filter-unknown" not in lower and 'class="empty"' not in lower
    batched_html = client.get(f"/evidence/{chain.node.evidence.evidence_id(10)}?lang=en").text
    batched = text_of(batched_html)
    assert "statement 8 of 60 in its batch" in batched
    assert f'<a class="mono" href="/evidence/{chain.node.evidence.evidence_id(3)}">' in batched_html  # its first
    twice = client.get(f"/evidence/{chain.node.evidence.evidence_id(0)}").text
    assert chain.node.evidence.evidence_id(63) in twice  # the other record of the same digest
    pending = text_of(client.get(f"/evidence/{chain.node.evidence.evidence_id(64)}?lang=en").text)
    assert "accepted, waiting for a block" in pending and "Download the receipt" not in pending


def test_certificate_html_and_pdf(site):
    chain, client = site
    evidence_id = chain.node.evidence.evidence_id(2)
    html = client.get(f"/evidence/{evidence_id}/certificate")
    assert html.status_code == 200 and evidence_id in html.text and "VALID" in html.text
    assert f"/verify?id={evidence_id}" in html.text
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert html.headers["x-content-type-options"] == "nosniff"
    pdf = client.get(f"/evidence/{evidence_id}/certificate?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    docx = client.get(f"/evidence/{evidence_id}/certificate?format=docx&lang=en")
    assert docx.status_code == 400 and "There is no “docx” certificate: the formats are html and pdf" in docx.text
    waiting = client.get(f"/evidence/{chain.node.evidence.evidence_id(64)}/certificate?lang=en")
    assert waiting.status_code == 409 and "Not in a block yet" in waiting.text  # accepted: not missing, not sealed


def test_a_certificate_names_the_agency_its_signers_keys_and_a_later_revocation(tmp_path):
    chain = LocalChain(tmp_path / "node")
    try:
        statement = statement_for(chain.agency_key, b"signed before the revocation", agency=chain.agency_code)
        accepted = chain.node.evidence.accept(
            chain.node.evidence.admission.signed_statement(SignedStatement.sign(statement, chain.agency_key).to_cbor())
        )
        accepted.durable.result()
        chain.node.produce_block()
        evidence_id = chain.node.evidence.evidence_id(accepted.indexes[0])
        with TestClient(create_app(chain.node)) as client:
            before = client.get(f"/evidence/{evidence_id}/certificate").text
            name = chain.node.registry.agency(chain.agency_code, chain.node.head.execution).name
            assert f"{chain.agency_code} · {name}" in before and "revoked" not in before
            assert f"agency ({chain.agency_key.public_key().key_id.hex()[:16]}…)" in before
            revoked = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "revoke", chain.agency_code)
            assert revoked.ok
            after = client.get(f"/evidence/{evidence_id}/certificate").text
        height = chain.node.head.height
        assert f"registration revoked at block {height}; records admitted before it remain valid" in after
        assert "VALID" in after  # its record still verifies
    finally:
        chain.close()


def test_a_certificate_links_to_the_configured_public_url_whatever_the_host_asked(site):
    chain, client = site
    evidence_id = chain.node.evidence.evidence_id(2)
    spoofed = {"host": "attacker.example"}
    unconfigured = client.get(f"/evidence/{evidence_id}/certificate", headers=spoofed).text
    assert "attacker.example" not in unconfigured  # the address the connection reached, never the Host header
    assert f"http://testserver:80/verify?id={evidence_id}" in unconfigured
    with TestClient(create_app(chain.node, public_url="https://notary.example.gov.cn")) as configured:
        html = configured.get(f"/evidence/{evidence_id}/certificate", headers=spoofed).text
    assert f"https://notary.example.gov.cn/verify?id={evidence_id}" in html and "attacker.example" not in html


def test_everything_served_says_nosniff(site):
    chain, client = site
    evidence_id = chain.node.evidence.evidence_id(2)
    for path in ("/v1/evidence/" + evidence_id, f"/v1/evidence/{evidence_id}/receipt", "/metrics", "/healthz",
                 "/v1/reports/agency?format=csv", "/v1/nothing-here", "/static/explorer.js"):  # fmt: skip
        assert client.get(path).headers.get("x-content-type-options") == "nosniff", path


def test_block_page_lists_seals_records_and_pages(site):
    chain, client = site
    page = client.get("/blocks/2?lang=en").text
    assert "signature verifies" in page
    ids = re.findall(r'href="/evidence/(DEV-[0-9A-Z]+-[0-9A-Z]{2})"', page)
    assert ids[0] == chain.node.evidence.evidence_id(62) and len(ids) == 25
    older = re.search(r'href="/blocks/2\?before=(\d+)"', page)
    assert older is not None
    second = re.findall(
        r'href="/evidence/(DEV-[0-9A-Z]+-[0-9A-Z]{2})"', client.get(f"/blocks/2?before={older.group(1)}").text
    )
    assert second[0] == chain.node.evidence.evidence_id(37)
    assert not set(ids) & set(second)


def test_a_block_without_records_shows_no_range(site):
    chain, client = site
    chain.node.produce_block()  # whatever records wait go into a block of their own first
    someone = "0x" + "42" * 20
    sent = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "addAdmin", someone)
    height = sent.block.sealed.height
    assert chain.node.sealed_header(height).header.log_size == chain.node.sealed_header(height - 1).header.log_size
    empty = re.search(r'<dd id="block-records">(.*?)</dd>', client.get(f"/blocks/{height}").text)
    assert empty and empty.group(1) == "0"
    full = re.search(r'<dd id="block-records">(.*?)</dd>', client.get("/blocks/1").text)
    assert full and full.group(1) == "3 (#0 – #2)"


def test_agency_page_and_its_history_after_revocation(site, tmp_path):
    chain, client = site
    page = text_of(client.get(f"/agencies/{chain.agency_code}?lang=en").text)
    assert "active" in page and "registered" in page and chain.node.evidence.evidence_id(63) in page
    assert client.get("/agencies/NOPE").status_code == 404
    # A genesis agency was registered before any block: the pages say so, in words, and link no block 0.
    for path in ("/agencies", f"/agencies/{chain.agency_code}"):
        chinese, english = client.get(path, params={"lang": "zh"}).text, client.get(path, params={"lang": "en"}).text
        assert 'href="/blocks/0"' not in chinese and "<td>创世</td>" in chinese and "<td>genesis</td>" in english
    assert "链标识" in chinese and "chain id" not in chinese and "chain id" in english
    # A name registered before names were checked may hold a direction-changing character: it is isolated,
    # so it cannot reorder the code or the words around it.
    name = chain.node.registry.agency(chain.agency_code, chain.node.head.execution).name
    for path in ("/agencies", f"/agencies/{chain.agency_code}", f"/evidence/{chain.node.evidence.evidence_id(1)}"):
        assert f"<bdi>{name}</bdi>" in client.get(path).text, path


def test_agency_history_links_each_agencys_own_transaction_when_a_block_holds_several(site):
    chain, client = site
    registry = load_artifact("AgencyRegistry")
    codes = ["320500TWIN0001", "320500TWIN0002"]
    key = lambda: SM2PrivateKey.generate().public_key().to_bytes()  # noqa: E731
    for calls in (
        [("register", code, f"同批登记机构 {i}", key(), f"0x{0x7100 + i:040x}") for i, code in enumerate(codes)],
        [("revoke", code) for code in reversed(codes)],  # revoked in the other order
    ):
        hashes = [chain.node.submit_transaction(chain.sign(chain.admin, AGENCY_REGISTRY, registry.calldata(*call)))
                  for call in calls]  # fmt: skip
        block = chain.node.produce_block()
        assert block is not None and [t.hash for t in block.block.transactions] == hashes
        assert all(r.state_root == b"\x01" for r in block.receipts)
    history = {}
    for code in codes:
        page = client.get(f"/agencies/{code}?lang=en").text
        history[code] = re.findall(r'<tr><td>(registered|revoked)</td>.*?href="/tx/(0x[0-9a-f]{64})"', page)
        assert [event for event, _ in history[code]] == ["registered", "revoked"], page
    # Two transactions per block, each agency its own: four different transactions in all.
    assert len({tx for rows in history.values() for _, tx in rows}) == 4, history
    for code, rows in history.items():
        for event, tx in rows:
            logged = client.get(f"/tx/{tx}?lang=en").text
            assert code in logged or code.encode().hex() in logged, (code, event, tx)
    client.cookies.clear()


def test_search(site):
    chain, client = site
    evidence = chain.node.evidence

    def go(query: str):
        return client.get("/search", params={"q": query, "lang": "en"}, follow_redirects=False)

    good = evidence.evidence_id(5)
    assert go(good).headers["location"] == f"/evidence/{good}"
    assert go(f"  {good.lower()} ").headers["location"] == f"/evidence/{good}"
    typo = good[:-1] + ("A" if good[-1] != "A" else "B")
    mistyped = go(typo)
    assert mistyped.status_code == 404 and "fails its checksum" in mistyped.text and "mistyped" in mistyped.text
    assert "<h1>Invalid evidence ID</h1>" in mistyped.text  # headed as the record page heads it
    # As a Chinese input method types it: full-width letters, digits and dash, an ideographic space.
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in good) + "\u3000"
    assert go(full_width).headers["location"] == f"/evidence/{good}"
    assert go("ｐｅｒｍｉｔ" * 30).status_code == 404  # folded, then simply not found
    other_chain = str(EvidenceId("BJ01", 5))
    assert "is an evidence ID of chain BJ01" in go(other_chain).text
    assert "Nothing found" in go(evidence.evidence_id(10_000)).text
    assert go(sm3(b"permit 2").hex()).headers["location"] == f"/evidence/{evidence.evidence_id(2)}"
    several = go(sm3(b"permit 0").hex())
    assert (
        several.status_code == 200
        and evidence.evidence_id(0) in several.text
        and evidence.evidence_id(63) in several.text
    )
    assert go("2").headers["location"] == "/blocks/2"
    assert "Nothing found" in go("999").text
    sealed = chain.node.sealed_header(2)
    assert go(sealed.hash.hex()).headers["location"] == "/blocks/2"
    assert go("0x" + chain.node.execution.header(2).hash.hex()).headers["location"] == "/blocks/2"
    assert go(chain.agency_code).headers["location"] == f"/agencies/{chain.agency_code}"
    assert "not recognised" in go("<script>alert(1)</script>").text
    assert "<script>alert(1)</script>" not in go("<script>alert(1)</script>").text


def test_search_for_a_digest_of_many_records_says_how_many_and_where_all_are(tmp_path, monkeypatch):
    chain = LocalChain(tmp_path / "node")
    try:
        statements = [
            statement_for(chain.agency_key, b"one form", agency=chain.agency_code, time=1_780_000_000_000 + i)
            for i in range(MATCHES_SHOWN + 5)
        ]
        envelope = BatchEnvelope.build(statements, chain.agency_key, time=1)
        chain.node.evidence.accept(chain.node.evidence.admission.envelope(envelope.to_cbor())).durable.result()
        chain.node.produce_block()
        with TestClient(create_app(chain.node)) as client:
            page = client.get("/search", params={"q": sm3(b"one form").hex(), "lang": "en"}).text
        evidence = chain.node.evidence
        assert f"{MATCHES_SHOWN + 5} records match" in page and f"the earliest {MATCHES_SHOWN} are listed" in page
        assert f"/v1/evidence?digest={sm3(b'one form').hex()}" in page
        assert evidence.evidence_id(MATCHES_SHOWN - 1) in page and evidence.evidence_id(MATCHES_SHOWN) not in page
        # Past the count the page reads, it says "more than" rather than read them all to count them.
        monkeypatch.setattr(search, "MATCHES_COUNTED", MATCHES_SHOWN + 2)
        with TestClient(create_app(chain.node)) as client:
            countless = client.get("/search", params={"q": sm3(b"one form").hex(), "lang": "en"}).text
            one = client.get(f"/evidence/{evidence.evidence_id(3)}", params={"lang": "zh"}).text
        assert f"More than {MATCHES_SHOWN + 2} records match" in countless
        assert f"{MATCHES_SHOWN} of them are listed" in countless
        others = one.split("同一文件摘要的其他存证", 1)[1]  # the page's list of them, past its own batch's link
        assert sum(evidence.evidence_id(i) in others for i in range(MATCHES_SHOWN + 5) if i != 3) == 20  # capped
    finally:
        chain.close()


def test_search_takes_an_agency_code_in_any_case_and_refuses_empty_and_long_queries_in_words(site):
    chain, client = site

    def go(query: str, language: str = "en"):
        return client.get("/search", params={"q": query, "lang": language}, follow_redirects=False)

    code = chain.agency_code
    assert code == code.upper()
    for typed in (code.lower(), f" {code.lower()} ", code.title()):
        assert go(typed).headers["location"] == f"/agencies/{code}", typed
    page = client.get(f"/agencies/{code.lower()}", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/agencies/{code}"
    for empty in ("", "   "):
        response = go(empty)
        assert response.status_code == 200 and "Type what to look for" in response.text, empty
        assert "请输入要查找的内容" in go(empty, "zh").text
    long = go("x" * 201)
    assert long.status_code == 400 and long.headers["content-type"].startswith("text/html")
    assert "at most 200 characters" in long.text and 'id="search-message"' in long.text
    assert 'value="' + "x" * 200 + '"' in long.text  # the box shows what it can hold
    assert "输入过长" in go("x" * 5000, "zh").text
    assert go("x" * 200).status_code == 404  # as long as the box allows: looked for, and not found
    assert 'maxlength="200" required' in client.get("/").text  # the browser does not send an empty query
    client.cookies.clear()


def test_transaction_search_and_page(site):
    chain, client = site
    sent = chain.transact(chain.admin, "AgencyRegistry", AGENCY_REGISTRY, "addAdmin", chain.agency.address)
    transaction_hash = "0x" + sent.block.block.transactions[sent.index].hash.hex()
    location = client.get("/search", params={"q": transaction_hash}, follow_redirects=False).headers["location"]
    assert location == f"/tx/{transaction_hash}"
    page = client.get(location + "?lang=en").text
    assert "success" in page and f"/blocks/{sent.block.sealed.height}" in page
    assert client.get("/tx/0x" + "00" * 32).status_code == 404
    assert client.get("/tx/nothex").status_code == 404


def test_missing_pages_are_404_with_a_message(site):
    _, client = site
    for path in (
        "/blocks/0", "/blocks/99999", "/blocks/abc", "/blocks/%C2%B2", "/blocks/18446744073709551616",
        "/evidence/DEV-0000ZZ-00", "/evidence/garbage",
    ):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 404 and 'id="not-found-message"' in response.text, path


def _not_found(response) -> tuple[str, str]:
    """The heading and message of a 404 page, as text."""
    assert response.status_code == 404, response.text[:300]
    title = re.search(r'<h1 id="not-found-title">(.*?)</h1>', response.text, re.S)
    message = re.search(r'<p class="message bad" id="not-found-message">(.*?)</p>', response.text, re.S)
    assert title and message, response.text[:500]
    return text_of(title.group(1)).strip(), text_of(message.group(1)).strip()


def test_missing_pages_speak_the_readers_language(site):
    chain, client = site
    evidence = chain.node.evidence
    statement = statement_for(chain.agency_key, b"waiting for its block", agency=chain.agency_code)
    signed = SignedStatement.sign(statement, chain.agency_key).to_cbor()
    accepted = evidence.accept(evidence.admission.signed_statement(signed))
    accepted.durable.result()
    pending = evidence.evidence_id(accepted.indexes[0])
    not_a_matter = chain.node.evidence.evidence_id(1)
    for path in (
        "/blocks/99999", "/tx/0x" + "00" * 32, "/agencies/NOPE", f"/matters/{not_a_matter}",
        f"/evidence/{evidence.evidence_id(10_000)}",
        f"/evidence/{EvidenceId('BJ01', 5)}",
    ):  # fmt: skip
        title, message = _not_found(client.get(path, params={"lang": "zh"}))
        # Chinese throughout: the only Latin letters are those of the code or ID the reader gave.
        words = set(re.findall(r"[A-Za-z]{3,}", message)) - {"DEV", "NOPE", "BJ01"}
        assert title == "未找到" and not words, (path, message)
        english_title, english = _not_found(client.get(path, params={"lang": "en"}))
        assert english_title == "Not found" and not re.search(r"[\u4e00-\u9fff]", english), (path, english)
        client.cookies.clear()
    assert "latest block is at height" in _not_found(client.get("/blocks/99999?lang=en"))[1]
    assert (
        f"{not_a_matter} is not the record that opened a matter"
        in _not_found(client.get(f"/matters/{not_a_matter}?lang=en"))[1]
    )
    client.cookies.clear()
    for language, heading, words in (
        ("zh", "尚未写入区块", "尚未写入区块"),
        ("en", "Not in a block yet", "not in a block yet"),
    ):
        waiting = client.get(f"/evidence/{pending}/certificate", params={"lang": language})
        assert waiting.status_code == 409 and heading in waiting.text and words in text_of(waiting.text)
        client.cookies.clear()


def test_a_mistyped_evidence_id_is_mistyped_on_every_page(site):
    chain, client = site
    good = chain.node.evidence.evidence_id(5)
    typo = good[:-1] + ("A" if good[-1] != "A" else "B")
    for path in (f"/evidence/{typo}", f"/evidence/{typo}/certificate", f"/matters/{typo}"):
        title, message = _not_found(client.get(path, params={"lang": "zh"}))
        assert title == "存证编号有误" and "校验位不符" in message and typo in message, (path, title, message)
        title, message = _not_found(client.get(path, params={"lang": "en"}))
        assert title == "Invalid evidence ID" and "fails its checksum" in message, (path, title, message)
        client.cookies.clear()
    title, message = _not_found(client.get("/matters/DEV-0000U0-00?lang=zh"))  # U is no Crockford symbol
    assert title == "存证编号有误" and "不是有效的存证编号" in message and "DEV-00000G-" in message, message


def test_cursors_that_are_not_counters_give_the_first_page(site):
    _, client = site
    for path in ("/blocks", "/evidence", "/log", "/matters", "/alerts"):
        for cursor in ("%C2%B2", "%D9%A3", "18446744073709551616", "-1"):
            response = client.get(f"{path}?before={cursor}")
            assert response.status_code == 200, (path, cursor)


def test_list_pagination_walks_every_record_once(site):
    chain, client = site
    seen: list[str] = []
    path = "/evidence"
    while True:
        page = client.get(path).text
        seen += re.findall(r'<a class="mono" href="/evidence/(DEV-[0-9A-Z]+-[0-9A-Z]{2})"', page)
        older = re.search(r'rel="next" href="(/evidence\?before=\d+)"', page)
        if older is None:
            break
        path = older.group(1).replace("&amp;", "&")
    proven = chain.node.evidence.log.size
    assert seen == [chain.node.evidence.evidence_id(i) for i in range(proven - 1, -1, -1)]


def test_over_long_filters_are_answered_with_the_page_not_json(site):
    chain, client = site
    long = "x" * 300
    for path in (f"/evidence?kind={long}", f"/evidence?agency={long}", f"/matters?template={long}",
                 f"/matters?status={long}", f"/alerts?status={long}", f"/alerts?severity={long}",
                 f"/verify?id={long}"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html"), path
    assert chain.node.evidence.evidence_id(1) not in client.get(f"/evidence?kind={long}").text
