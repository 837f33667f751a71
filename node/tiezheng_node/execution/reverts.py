"""Why an EVM call failed, in the words its contract gave."""

from __future__ import annotations

from eth_abi import decode

ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256)


def revert_reason(output: bytes) -> str | None:
    """The message of a Solidity Error(string) or Panic(uint256), if ``output`` is one."""
    try:
        if output[:4] == ERROR_SELECTOR:
            return str(decode(["string"], output[4:])[0])
        if output[:4] == PANIC_SELECTOR:
            return f"panic code {decode(['uint256'], output[4:])[0]:#x}"
    except Exception:  # eth_abi raises several types for output that does not decode
        return None
    return None
