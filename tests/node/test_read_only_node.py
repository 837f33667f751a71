"""A node run without a validator key serves reads and refuses writes: nothing it accepted would ever be sealed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.nodekit import LocalChain
from tests.support.toychain import statement_for
from tiezheng.signed_statement import SignedStatement
from tiezheng_node.api.app import create_app
from tiezheng_node.node import Node


def test_a_node_without_a_validator_key_refuses_evidence_and_transactions(chain: LocalChain):
    statement = statement_for(chain.agency_key, b"read-only", agency=chain.agency_code)
    signed = SignedStatement.sign(statement, chain.agency_key).to_cbor()
    chain.node.close()
    chain.node = Node(chain.node.data_dir, chain.genesis, None, **chain.node_options)
    assert not chain.node.is_validator
    with TestClient(create_app(chain.node)) as http:
        for path in ("/v1/evidence", "/v1/evidence/batch"):
            refused = http.post(path, content=signed, headers={"content-type": "application/cbor"})
            assert refused.status_code == 503 and refused.json()["error"]["code"] == "read-only", refused.text
        raw = chain.sign(chain.agency, b"\x22" * 20, b"")
        sent = http.post(
            "/rpc", json={"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0x" + raw.hex()]}
        ).json()
        assert sent["error"]["data"]["reason"] == "read-only", sent
        auth = {"signer": chain.admin.address, "time": 0, "signature": "0x" + "00" * 65}
        for method, path, body in (
            ("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "auth": auth}),
            ("DELETE", "/v1/webhooks/1", auth),
            ("POST", f"/v1/alerts/{chain.node.evidence.evidence_id(0)}/ack", auth),
        ):
            refused = http.request(method, path, json=body)
            assert refused.status_code == 503 and refused.json()["error"]["code"] == "read-only", (path, refused.text)
        assert http.get("/v1/agencies").status_code == 200  # reads are served
        # The OpenAPI document says so of every write, and of every /v1 operation that a parameter it does not
        # take is a 400.
        for path, operations in http.get("/openapi.json").json()["paths"].items():
            for method, operation in operations.items():
                if path.startswith("/v1/"):
                    assert "400" in operation["responses"], (method, path)
                    assert method == "get" or "503" in operation["responses"], (method, path)
        assert http.get("/v1/agencies", params={"x": "1"}).status_code == 400
    assert chain.node.evidence.pending.pending_leaves == 0 and len(chain.node.pool) == 0
