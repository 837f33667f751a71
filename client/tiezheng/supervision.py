"""The supervision protocol between a node and the platforms it alerts (docs/workflow.md, "Webhooks").

A node POSTs each alert as JSON to the registered webhooks, signed with its
supervision key: ``Tiezheng-Signature: sm2 key=<SM3 key id, hex>, sig=<base64
DER>`` over the exact body bytes (SM3 with SM2, signer ID 1234567812345678).
``Idempotency-Key`` is the alert's evidence ID: a receiver may see an alert more
than once (delivery is at least once) and must answer 2xx each time.

Admin actions on the node that are not transactions (registering a webhook,
acknowledging an alert) carry an admin's EIP-191 signature over one line,
:func:`admin_message` (for a webhook, naming :func:`webhook_target`); the node
accepts it within five minutes of its clock, once.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Final

from .gm import SM2PrivateKey, SM2PublicKey

SIGNATURE_HEADER: Final = "Tiezheng-Signature"
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
ATTEMPT_HEADER: Final = "Tiezheng-Delivery-Attempt"
_SCHEME: Final = "sm2 "


def signature_header(key: SM2PrivateKey, body: bytes) -> str:
    """The ``Tiezheng-Signature`` value for ``body`` signed by ``key``."""
    signature = base64.b64encode(key.sign(body)).decode()
    return f"{_SCHEME}key={key.public_key().key_id.hex()}, sig={signature}"


def parse_signature_header(value: str) -> tuple[bytes, bytes]:
    """The key ID and DER signature a ``Tiezheng-Signature`` value carries; ValueError if it is malformed."""
    if not value.startswith(_SCHEME):
        raise ValueError("the signature header must start with 'sm2 '")
    parts: dict[str, str] = {}
    for item in value[len(_SCHEME) :].split(","):
        name, equals, text = item.strip().partition("=")
        if not equals or name in parts:
            raise ValueError(f"malformed signature parameter {item.strip()!r}")
        parts[name] = text
    if set(parts) != {"key", "sig"}:
        raise ValueError("the signature header needs exactly key= and sig=")
    try:
        key_id = bytes.fromhex(parts["key"])
        signature = base64.b64decode(parts["sig"], validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValueError(f"undecodable signature header: {exc}") from None
    if len(key_id) != 32:
        raise ValueError("key= must be the 32-byte SM3 key id, in hex")
    return key_id, signature


def verify_delivery(body: bytes, header: str, public_key: SM2PublicKey) -> bool:
    """Whether ``body`` was signed by the node's supervision key; False (never an exception) for anything else."""
    try:
        key_id, signature = parse_signature_header(header)
    except ValueError:
        return False
    return key_id == public_key.key_id and public_key.verify(body, signature)


def admin_message(chain_code: str, genesis_hash: bytes, action: str, target: str, time_ms: int) -> str:
    """The line an admin signs (EIP-191 personal_sign) to authorise ``action`` on ``target`` at ``time_ms``.

    The chain is named by its code and its genesis hash: codes repeat (every dev
    chain is DEV), and a line signed for one chain must be no good on another.
    """
    return f"tiezheng {chain_code}/{genesis_hash.hex()} {action} {target} {time_ms}"


def webhook_target(
    url: str, severities: Sequence[str] = (), agencies: Sequence[str] = (), templates: Sequence[str] = ()
) -> str:
    """What a ``webhook-add`` line names: the URL and its filters (empty: all), so that whoever presents
    the signature cannot choose which alerts the receiver gets."""
    filters = json.dumps([list(severities), list(agencies), list(templates)], separators=(",", ":"), ensure_ascii=False)
    return f"{url} {filters}"
