"""The node's HTTP interfaces: Ethereum JSON-RPC at /rpc, REST at /v1, health and metrics."""
