"""Garbage on /rpc: every request gets a JSON-RPC error of the right code, and the node keeps serving."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def post(node, body: bytes | str, content_type: str = "application/json") -> httpx.Response:
    data = body.encode() if isinstance(body, str) else body
    return httpx.post(node.rpc_url, content=data, headers={"content-type": content_type}, timeout=30)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", -32700),
        (b"{not json", -32700),
        (b"\xff\xfe\x00", -32700),
        (b"[]", -32600),
        (b"42", -32600),
        (b'{"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"}', -32600),
        (b'{"jsonrpc": "2.0", "id": 1}', -32600),
        (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "eth_chainId"}', -32600),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_nope"}', -32601),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": {"a": 1}}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": []}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": ["0x12", "latest"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": [12, "latest"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber", "params": ["0x01", false]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber", "params": ["latest", "yes"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber", "params": ["0xzz", false]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0x"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0xdeadbeef"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["nothex"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": ["notanobject"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": "0x1"}]}', -32602),
        # A parameter more than the method takes is refused, not ignored (a state override would be lost).
        (b'{"jsonrpc": "2.0", "id": 1, "method": "net_version", "params": [1, 2]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber", "params": ["latest", false, 1]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{}, "latest", {"0x00": {}}]}', -32602),
        # "" and 0 are no address: not a contract creation, which only an absent or null "to" is.
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": "", "data": "0x00"}]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": 0, "data": "0x00"}]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"from": "", "data": "0x00"}]}', -32602),
        # A value as a JSON number past uint256 is a bad parameter, not an execution failure.
        (
            '{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": "0x'
            + "22" * 20
            + '", "value": '
            + str(2**300)
            + "}]}",
            -32602,
        ),
        (
            b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": [{"fromBlock": "0x5", "toBlock": "0x1"}]}',
            -32602,
        ),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": [{"topics": [1,2,3,4,5]}]}', -32602),
        (  # 1,001 addresses: each would be tested against every block's bloom
            b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": [{"address": ['
            + b",".join(b'"0x%040x"' % i for i in range(1001))
            + b"]}]}",
            -32602,
        ),
        (  # 600 addresses and 401 topic options: the limit is on both together
            b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": [{"address": ['
            + b",".join(b'"0x%040x"' % i for i in range(600))
            + b'], "topics": [['
            + b",".join(b'"0x%064x"' % i for i in range(401))
            + b"]]}]}",
            -32602,
        ),
        (
            b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": [{"blockHash": "0x' + b"00" * 32 + b'"}]}',
            -32000,
        ),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_feeHistory", "params": ["0x2", "latest", ["x"]]}', -32602),
        # An id JSON can carry but not echo back (1e400 reads as infinity).
        (b'{"jsonrpc": "2.0", "id": 1e400, "method": "eth_chainId"}', -32600),
        # EIP-1898: a block by hash or by number, never both.
        (
            b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": ["0x'
            + b"11" * 20
            + b'", {"blockHash": "0x'
            + b"00" * 32
            + b'", "blockNumber": "0x0"}]}',
            -32602,
        ),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getTransactionReceipt", "params": ["0x1234"]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_feeHistory", "params": ["0x2", "latest", [50, 25]]}', -32602),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_feeHistory", "params": ["0x2", "latest", [true]]}', -32602),
        *(
            (
                b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getStorageAt", "params": ["0x'
                + b"11" * 20
                + b'", "'
                + slot
                + b'", "latest"]}',
                -32602,
            )
            for slot in (b"0x-1", b"0x 1", b"0x+1", b"0x_1", b"0x")
        ),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"data": "0x01", "input": "0x02"}]}', -32602),
        (
            b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getStorageAt", "params": ["0x'
            + b"11" * 20
            + b'", "0x'
            + b"00" * 33
            + b'"]}',
            -32602,
        ),
    ],
)
def test_bad_requests_get_the_right_error(dev_node, body, code):
    response = post(dev_node, body)
    assert response.status_code == 200
    payload = response.json()
    error = payload[0]["error"] if isinstance(payload, list) else payload["error"]
    assert error["code"] == code, error
    assert error["message"]


POOR = "0x" + "77" * 20  # an address with no balance


@pytest.mark.parametrize(
    ("method", "call", "words"),
    [
        ("eth_call", {"from": POOR, "to": POOR, "value": "0x1"}, "balance"),
        ("eth_estimateGas", {"from": POOR, "to": POOR, "value": "0x1"}, "balance"),
        ("eth_call", {"to": POOR, "gas": "0x1"}, "intrinsic gas too low"),
        ("eth_estimateGas", {"to": "0x0000000000000000000000000000000000000a01", "data": "0x" + "00" * 64,
                             "gas": hex(21_300)}, "gas required exceeds allowance (21300)"),  # the floor: 21,640
        ("eth_estimateGas", {"to": "0x0000000000000000000000000000000000000a01", "data": "0x" + "01" * 64,
                             "gas": hex(23_000)}, "gas required exceeds allowance (23000)"),  # runs on 22,108 < 23,560
    ],
)  # fmt: skip
def test_calls_py_evm_refuses_get_a_plain_error(dev_node, method, call, words):
    response = post(dev_node, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": [call, "latest"]}))
    error = response.json()["error"]
    assert error["code"] == -32000 and words in error["message"], error


def test_estimates_respect_the_callers_cap(dev_node):
    call = {"to": "0x0000000000000000000000000000000000000a01", "data": "0x" + "00" * 64}
    needed = int(dev_node.rpc("eth_estimateGas", call), 16)
    assert int(dev_node.rpc("eth_estimateGas", {**call, "gas": hex(needed)}), 16) == needed


def test_storage_slots_may_have_leading_zeros_and_blocks_have_a_size(dev_node):
    address = "0x0000000000000000000000000000000000007A01"
    assert dev_node.rpc("eth_getStorageAt", address, "0x01", "latest") == dev_node.rpc(
        "eth_getStorageAt", address, "0x1", "latest"
    )
    assert int(dev_node.rpc("eth_getBlockByNumber", "0x0", False)["size"], 16) > 500


def test_unknown_things_are_null_not_errors(dev_node):
    assert dev_node.rpc("eth_getTransactionReceipt", "0x" + "ab" * 32) is None
    assert dev_node.rpc("eth_getTransactionByHash", "0x" + "ab" * 32) is None
    assert dev_node.rpc("eth_getBlockByHash", "0x" + "ab" * 32, False) is None
    assert dev_node.rpc("eth_getBlockByNumber", "0xffffff", False) is None
    assert dev_node.rpc("eth_getBlockTransactionCountByNumber", "0xffffff") is None
    assert dev_node.rpc("eth_getTransactionByBlockNumberAndIndex", "0xffffff", "0x0") is None


def test_oversize_body_and_batch(dev_node):
    response = post(
        dev_node, b'{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "pad": "' + b"x" * 1_100_000 + b'"}'
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == -32600
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(101)]
    assert httpx.post(dev_node.rpc_url, json=batch).json()["error"]["code"] == -32600


def test_log_range_cap(dev_node):
    response = post(
        dev_node,
        b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": [{"fromBlock": "0x0", "toBlock": "0x0"}]}',
    )
    assert "result" in response.json()


def test_what_geth_accepts_clients_may_send(dev_node):
    """Requests well-formed as geth reads them: a fractional id, a null range beside a block hash, no percentiles."""
    answer = post(dev_node, b'{"jsonrpc": "2.0", "id": 1.5, "method": "eth_chainId"}').json()
    assert answer["id"] == 1.5 and answer["result"] == hex(7301)
    head = dev_node.rpc("eth_getBlockByNumber", "latest", False)["hash"]
    logs = dev_node.rpc("eth_getLogs", {"blockHash": head, "fromBlock": None, "toBlock": None})
    assert isinstance(logs, list)
    history = dev_node.rpc("eth_feeHistory", "0x1", "latest", [])
    assert "reward" not in history and history["baseFeePerGas"] == ["0x0", "0x0"]
    assert dev_node.rpc("eth_feeHistory", "0x1", "latest", [50])["reward"] == [["0x0"]]


def test_notifications_get_no_response(dev_node):
    response = post(dev_node, b'{"jsonrpc": "2.0", "method": "eth_chainId"}')
    assert response.status_code == 204 and response.content == b""


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.sampled_from(
        [
            "eth_getBalance",
            "eth_getBlockByNumber",
            "eth_call",
            "eth_getLogs",
            "eth_sendRawTransaction",
            "eth_getStorageAt",
            "eth_feeHistory",
            "eth_estimateGas",
        ]
    ),
    st.lists(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(max_size=20),
            st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=3),
        ),
        max_size=4,
    ),
)
def test_fuzzed_params_never_break_the_node(dev_node, method, params):
    response = httpx.post(
        dev_node.rpc_url, json={"jsonrpc": "2.0", "id": 7, "method": method, "params": params}, timeout=30
    )
    assert response.status_code == 200
    payload = response.json()
    assert payload["id"] == 7 and ("result" in payload or payload["error"]["code"] in (-32602, -32000, -32005, 3))


#: Init code whose first instruction, an MSTORE 16 MiB out, costs more gas than any call has: it burns all it is given.
BURN_ALL_GAS = "0x6000630100000052"


def test_the_calls_of_one_request_share_one_block_target_of_gas(dev_node):
    """A batch of 100 calls to code that burns all its gas would otherwise cost 100 times a block's work."""
    burn = [{"jsonrpc": "2.0", "id": i, "method": "eth_call", "params": [{"data": BURN_ALL_GAS}]} for i in range(3)]
    estimate = {"jsonrpc": "2.0", "id": 3, "method": "eth_estimateGas", "params": [{"data": BURN_ALL_GAS}]}
    answers = httpx.post(dev_node.rpc_url, json=[*burn, estimate], timeout=60).json()
    assert answers[0]["error"]["code"] == -32000  # out of gas, after using the whole budget
    for answer in answers[1:]:
        assert answer["error"]["code"] == -32005 and "another request" in answer["error"]["message"], answer
    registry = {"to": "0x0000000000000000000000000000000000007A01", "data": "0x"}
    cheap = [{"jsonrpc": "2.0", "id": i, "method": "eth_call", "params": [registry]} for i in range(100)]
    assert all(
        "error" not in a or a["error"]["code"] != -32005 for a in httpx.post(dev_node.rpc_url, json=cheap).json()
    )
    assert "error" in post(dev_node, json.dumps(burn[0])).json()  # a new request has a new budget
    assert dev_node.rpc("eth_call", {"data": "0x00"}) == "0x"


def test_node_still_serves(dev_node):
    assert dev_node.rpc("eth_chainId") == hex(7301)
    assert httpx.get(dev_node.url + "/healthz").json()["status"] == "ok"
