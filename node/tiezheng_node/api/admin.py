"""Admin endpoints: register and revoke agencies with a transaction an admin signed.

The node holds no EVM key. An admin signs a transaction calling
AgencyRegistry.register or .revoke with its own key (``tiezheng admin agency``
does this); the endpoint checks that it is exactly that call, from an admin,
submits it, waits for its block, and reports the outcome with the revert reason
if the registry refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Final

from eth.abc import BlockHeaderAPI
from eth_abi import decode as abi_decode
from eth_typing import Address
from eth_utils import function_signature_to_4byte_selector
from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool

from ..execution.addresses import AGENCY_REGISTRY
from ..execution.registrations import REGISTER_SELECTOR, registration_refusal
from ..execution.reverts import revert_reason
from ..node import Node, SubmissionError
from .bodies import body_openapi, model_body
from .errors import ApiError
from .models import AdminResult, AdminTransactionBody, ErrorResponse
from .notifier import BlockNotifier

ADMIN_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class _Submitted:
    hash: bytes
    sender: Address
    data: bytes
    before: BlockHeaderAPI


TRANSACTION_BODY: Final = Depends(model_body(AdminTransactionBody))
_REVOKE = function_signature_to_4byte_selector("revoke(string)")


def create_admin_router(node: Node, notifier: BlockNotifier) -> APIRouter:
    router = APIRouter(prefix="/v1/admin", tags=["admin"])
    responses: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorResponse, "description": "not a transaction, or not the expected registry call"},
        403: {"model": ErrorResponse, "description": "the signer is not an admin"},
        404: {"model": ErrorResponse, "description": "revoke: no agency was ever registered under that code"},
        409: {"model": ErrorResponse, "description": "the registry reverted (the reason says why)"},
        413: {"model": ErrorResponse, "description": "body larger than 64 KiB"},
        415: {"model": ErrorResponse, "description": "body neither application/json nor application/cbor"},
        504: {"model": ErrorResponse, "description": "no block included the transaction in time"},
    }

    def submit(raw_hex: str, expect: bytes, check: Any) -> _Submitted:
        """Check that the transaction makes exactly this call, from an admin, and submit it."""
        try:
            raw = bytes.fromhex(raw_hex.removeprefix("0x"))
        except ValueError:
            raise ApiError(400, "invalid-request", "transaction must be 0x hex") from None
        try:
            transaction = node.decode_transaction(raw)
        except SubmissionError as exc:
            raise ApiError(400, exc.code, str(exc)) from None
        data = bytes(transaction.data)
        if transaction.to != AGENCY_REGISTRY or data[:4] != expect:
            raise ApiError(400, "wrong-call", "the transaction does not make the call this endpoint is for")
        check(data[4:])
        sender = Address(transaction.sender)
        if not node.registry.is_admin(sender, node.head.execution):
            raise ApiError(403, "not-admin", "the transaction's signer is not an AgencyRegistry admin")
        before = node.head.execution
        try:
            transaction_hash = node.submit_transaction(raw)
        except SubmissionError as exc:
            raise ApiError(exc.status, exc.code, str(exc)) from None
        return _Submitted(transaction_hash, sender, data, before)

    def outcome(submitted: _Submitted) -> AdminResult:
        """The included transaction's result, with the registry's revert reason if it refused."""
        location = node.execution.locate_transaction(submitted.hash)
        if location is None:
            raise ApiError(
                504,
                "timeout",
                f"transaction 0x{submitted.hash.hex()} was not included within {ADMIN_WAIT_SECONDS:.0f} s",
            )
        block = node.execution.block(location.block_number)
        receipt = node.execution.receipts(block)[location.index]
        if receipt.state_root == b"\x01":
            return AdminResult(transaction_hash="0x" + submitted.hash.hex(), block=location.block_number, status="ok")
        replay = node.execution.call(
            sender=submitted.sender, to=AGENCY_REGISTRY, data=submitted.data, value=0, gas=None, at=submitted.before
        )
        raise ApiError(409, "reverted", revert_reason(replay.output) or "reverted")

    async def run(raw_hex: str, expect: bytes, check: Any) -> AdminResult:
        # Signature recovery and EVM calls take milliseconds each: off the event loop.
        submitted = await run_in_threadpool(submit, raw_hex, expect, check)
        await notifier.wait_for(
            lambda: node.execution.locate_transaction(submitted.hash) is not None, ADMIN_WAIT_SECONDS
        )
        return await run_in_threadpool(outcome, submitted)

    def check_register(arguments: bytes) -> None:
        try:
            code, name, public_key, _ = abi_decode(["string", "string", "bytes", "address"], arguments)
        except Exception:
            raise ApiError(400, "wrong-call", "register(...) arguments do not decode") from None
        refusal = registration_refusal(code, name, public_key)
        if refusal is not None:
            raise ApiError(400, refusal.code, refusal.message)

    @router.post(
        "/agencies",
        response_model=AdminResult,
        responses=responses,
        summary="Register an agency (admin-signed transaction)",
        openapi_extra=body_openapi(AdminTransactionBody),
    )
    async def register_agency(body: Annotated[AdminTransactionBody, TRANSACTION_BODY]) -> AdminResult:
        return await run(body.transaction, REGISTER_SELECTOR, check_register)

    @router.post(
        "/agencies/{code}/revoke",
        response_model=AdminResult,
        responses=responses,
        summary="Revoke an agency (admin-signed transaction)",
        openapi_extra=body_openapi(AdminTransactionBody),
    )
    async def revoke_agency(
        code: Annotated[str, Path(max_length=64, description="the agency's code, as registered")],
        body: Annotated[AdminTransactionBody, TRANSACTION_BODY],
    ) -> AdminResult:
        # Any registered code, even one an older node let a raw transaction register: it must be revocable. A code
        # never registered is refused here rather than mined, reverted, and an admin nonce used up.
        if await run_in_threadpool(node.registry.agency, code, node.head.execution) is None:
            raise ApiError(404, "unknown-agency", f"no agency {code[:80]!r} was ever registered")

        def check(arguments: bytes) -> None:
            try:
                (named,) = abi_decode(["string"], arguments)
            except Exception:
                raise ApiError(400, "wrong-call", "revoke(...) arguments do not decode") from None
            if named != code:
                raise ApiError(400, "wrong-call", f"the transaction revokes {named!r}, not {code!r}")

        return await run(body.transaction, _REVOKE, check)

    return router
