"""A method a path does not take: 405 naming, in Allow, every method the path does take (RFC 9110 §15.5.6)."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from tests.support.nodekit import LocalChain
from tests.support.toychain import statement_for
from tiezheng.signed_statement import SignedStatement
from tiezheng_node.api.app import create_app


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        # GET and POST of one path are two routes; Allow names both, not the first one matched.
        ("PUT", "/v1/evidence", "GET, HEAD, POST"),
        ("DELETE", "/v1/webhooks", "GET, HEAD, POST"),
        ("PATCH", "/v1/webhooks/1", "DELETE"),
        # The batch endpoint asked with GET is not a lookup of a record called "batch".
        ("GET", "/v1/evidence/batch", "POST"),
        ("PUT", "/v1/evidence/batch", "POST"),
        ("POST", "/v1/evidence/DEV-00000G-A1/receipt", "GET, HEAD"),
        ("POST", "/healthz", "GET, HEAD"),
        ("GET", "/rpc", "POST"),
        ("POST", "/static/verifier.js", "GET, HEAD"),  # the static files' own methods
    ],
)
def test_a_wrong_method_is_refused_with_the_methods_the_path_takes(chain: LocalChain, method, path, allow):
    with TestClient(create_app(chain.node)) as http:
        refused = http.request(method, path)
    assert refused.status_code == 405, refused.text
    assert refused.headers["allow"] == allow
    error = refused.json()["error"]
    assert error["code"] == "method-not-allowed" and f"takes {allow}, not {method}" in error["message"]


def test_json_rpc_posted_to_the_root_is_pointed_to_rpc(chain: LocalChain):
    """Wallets and toolkits post JSON-RPC to the base URL they were given."""
    with TestClient(create_app(chain.node)) as http:
        refused = http.post("/", json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"})
    assert refused.status_code == 405
    assert refused.json()["error"]["message"].endswith("JSON-RPC is at /rpc of the node's base URL")


@pytest.mark.parametrize("path", ["/healthz", "/", "/v1/agencies", "/v1/genesis", "/verify", "/static/verifier.js"])
def test_head_is_get_without_the_body(chain: LocalChain, path):
    with TestClient(create_app(chain.node)) as http:
        got, head = http.get(path), http.head(path)
    assert head.status_code == got.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


def test_a_malformed_evidence_id_is_still_read_as_one(chain: LocalChain):
    with TestClient(create_app(chain.node)) as http:
        for text in ("batches", "xyz", "DEV-00000G-A2"):
            refused = http.get(f"/v1/evidence/{text}")
            assert refused.status_code == 400, refused.text
            assert refused.json()["error"]["code"] in ("bad-evidence-id", "evidence-id-checksum")


@pytest.mark.parametrize(
    ("path", "unknown"),
    [
        ("/v1/matters?overdue=true", "overdue"),  # not a filter: would list every matter as if filtered
        ("/v1/evidence?agnecy=X&kind=permit", "agnecy"),
        ("/v1/log/head?size=3", "size"),
        ("/v1/evidence/DEV-00000G-A1/receipt?format=json&download=1", "download"),
    ],
)
def test_a_query_parameter_the_operation_does_not_take_is_refused(chain: LocalChain, path, unknown):
    with TestClient(create_app(chain.node)) as http:
        refused = http.get(path)
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid-request" and error["message"].startswith(f"{unknown}: ")


@pytest.mark.parametrize(
    "path",
    ["/v1/evidence?kind=document&kind=process-step", "/v1/alerts?limit=5&limit=500", "/v1/matters?status=&status=open"],
)
def test_a_query_parameter_given_twice_is_refused(chain: LocalChain, path):
    """?kind=document&kind=process-step would filter by the last alone and read as both."""
    with TestClient(create_app(chain.node)) as http:
        refused = http.get(path)
    assert refused.status_code == 400, refused.text
    assert "given more than once" in refused.json()["error"]["message"]


def test_the_explorers_pages_take_any_query_parameter(chain: LocalChain):
    with TestClient(create_app(chain.node)) as http:
        assert http.get("/?utm_source=mail&lang=en").status_code == 200
        assert http.get("/v1/matters?status=open&limit=5").status_code == 200


def test_a_browser_lost_outside_the_api_gets_a_page_and_a_client_the_apis_error(chain: LocalChain):
    page = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    with TestClient(create_app(chain.node)) as http:
        lost = http.get("/evidnece/<b>x</b>", headers=page)
        assert lost.status_code == 404 and lost.headers["content-type"].startswith("text/html")
        assert "未找到" in lost.text and "Not found" in lost.text and "&lt;b&gt;x&lt;/b&gt;" in lost.text
        assert "<b>x</b>" not in lost.text and 'href="/"' in lost.text
        # A machine interface answers in its error shape even to a browser, and any client off it too.
        for path, headers, code in (
            ("/v1/nowhere", page, "no-endpoint"),
            ("/static/nope.js", page, "not-found"),  # a file the static mount lacks
            ("/nowhere", {"Accept": "*/*"}, "no-endpoint"),
        ):
            missed = http.get(path, headers=headers)
            assert missed.status_code == 404 and missed.json()["error"]["code"] == code, path


AUTH = {"signer": "0x" + "00" * 20, "time": 0, "signature": "0x" + "00" * 65}


def test_a_body_field_the_request_does_not_define_is_refused_and_nothing_is_written(chain: LocalChain):
    unsigned = statement_for(chain.agency_key, b"extra", agency=chain.agency_code)
    statement = SignedStatement.sign(unsigned, chain.agency_key)
    body = {"signed_statement": base64.b64encode(statement.to_cbor()).decode(), "wiat": True}
    webhook = {"url": "http://127.0.0.1:9/hook", "severity": ["red"], "auth": AUTH}
    with TestClient(create_app(chain.node)) as http:
        for path, sent, named in (("/v1/evidence", body, "wiat"), ("/v1/webhooks", webhook, "severity")):
            refused = http.post(path, json=sent)
            assert refused.status_code == 400, refused.text
            error = refused.json()["error"]
            assert error["code"] == "invalid-request" and named in error["message"]
    assert chain.node.evidence.pending.next_index == 0 and chain.node.process.webhooks() == []


@pytest.mark.parametrize("path", ["/v1/evidence", "/v1/reports/agency"])
def test_a_period_that_runs_backwards_is_refused(chain: LocalChain, path):
    """An empty answer would read as "nothing then"."""
    with TestClient(create_app(chain.node)) as http:
        refused = http.get(path, params={"from": "2026-12-02T00:00:00+08:00", "to": "2026-12-01T00:00:00+08:00"})
        assert refused.status_code == 400 and "runs backwards" in refused.json()["error"]["message"], refused.text
        one_instant = http.get(path, params={"from": "1796400000000", "to": "1796400000000"})
        assert one_instant.status_code == 200


@pytest.mark.parametrize("path", ["/v1/evidence/", "/v1/agencies/", "/healthz/"])
def test_a_trailing_slash_is_a_404_naming_the_path_not_a_redirect_built_from_the_host_header(chain: LocalChain, path):
    with TestClient(create_app(chain.node), follow_redirects=False) as http:
        answer = http.get(path, headers={"Host": "evil.example"})
    assert answer.status_code == 404 and "location" not in answer.headers
    assert answer.json()["error"]["code"] == "no-endpoint" and f"without the trailing slash: {path[:-1]}" in answer.text
