"""The node's rule for agency registrations, whichever way they reach AgencyRegistry.

The registry itself checks only lengths and the key's prefix. An agency whose code no
statement can name could never anchor; a name with a control or direction-changing
character could make one agency read as another on every page and certificate; a key
off the SM2 curve verifies nothing. So the node refuses such a registration: as a
JSON-RPC error when a transaction calls ``register`` directly, and, for one made
through another contract, by leaving out of the block the transaction whose receipt
logs it (as the dev sealer does with validator-set changes).
"""

from __future__ import annotations

from typing import Final

from eth.abc import ReceiptAPI
from eth_abi import decode as abi_decode
from eth_utils import function_signature_to_4byte_selector, keccak

from tiezheng.agency import check_registration
from tiezheng.errors import KeyFormatError
from tiezheng.gm import SM2PublicKey
from tiezheng.schema import FieldError

from .addresses import AGENCY_REGISTRY

REGISTER_SELECTOR: Final = function_signature_to_4byte_selector("register(string,string,bytes,address)")
REGISTER_ARGUMENTS: Final = ("string", "string", "bytes", "address")
REGISTERED_TOPIC: Final = keccak(text="AgencyRegistered(string,address,bytes,string,uint256)")
# The event's fields not indexed, in the order its data holds them.
REGISTERED_DATA: Final = ("string", "bytes", "string", "uint256")


def registration_refusal(code: str, name: str, public_key: bytes) -> FieldError | None:
    """Why the node refuses to register this agency, or None."""
    try:
        check_registration(code, name)
        SM2PublicKey.from_bytes(public_key)
    except FieldError as exc:
        return exc
    except (KeyFormatError, ValueError) as exc:
        return FieldError(f"the agency's public key: {exc}")
    return None


def refusal_of_call(to: bytes, data: bytes) -> FieldError | None:
    """Why the node refuses a transaction calling ``AgencyRegistry.register`` directly, or None.

    Calldata that does not decode is the registry's to refuse: its ABI decoder reverts.
    """
    if to != AGENCY_REGISTRY or data[:4] != REGISTER_SELECTOR:
        return None
    try:
        code, name, public_key, _ = abi_decode(list(REGISTER_ARGUMENTS), data[4:])
    except UnicodeDecodeError:
        return FieldError("the agency's code and name must be UTF-8")
    except Exception:  # eth_abi raises several types for calldata that does not decode
        return None
    return registration_refusal(code, name, public_key)


def refusal_of_receipt(receipt: ReceiptAPI) -> str | None:
    """Why the node leaves out a transaction whose execution registered an agency it refuses, or None."""
    for entry in receipt.logs:
        if entry.address != AGENCY_REGISTRY or not entry.topics:
            continue
        if entry.topics[0].to_bytes(32, "big") != REGISTERED_TOPIC:
            continue
        try:
            code, public_key, name, _ = abi_decode(list(REGISTERED_DATA), entry.data)
        except UnicodeDecodeError:
            return "it registers an agency whose code or name is not UTF-8"
        refusal = registration_refusal(code, name, public_key)
        if refusal is not None:
            return f"it registers an agency the node refuses: {refusal.message}"
    return None
