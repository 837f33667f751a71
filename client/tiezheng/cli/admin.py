"""``tiezheng admin agency|role|webhook|alert …``: what an admin does to a node, with the admin's EVM key.

The node holds no EVM key: agency commands build the AgencyRegistry transaction,
sign it here with the admin's key, and hand it to the node's admin endpoint,
which checks it, submits it and reports the registry's verdict. Role commands
send a ProcessTrail transaction the same way over JSON-RPC. Webhook and alert
commands sign the one-line request of tiezheng.supervision.admin_message.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import httpx

from ..agency import check_registration
from ..bounded import node_client
from ..errors import EvidenceIdError, TiezhengError
from ..evidence_id import EvidenceId
from ..gm import SM2PublicKey
from ..gm.keystore import FORMAT as SM2_KEYSTORE_FORMAT
from ..jsondoc import load_json
from ..responses import BadResponseError, JsonObject, check, objects_in, read
from ..supervision import admin_message, webhook_target
from ..workflow.template import OWNER
from .common import EXIT_OK, UsageError, fail, node_url, passphrase, read_file

AGENCY_REGISTRY = "0x0000000000000000000000000000000000007A01"
PROCESS_TRAIL = "0x0000000000000000000000000000000000007A04"
#: How long a role command waits for its transaction's block.
INCLUSION_WAIT_SECONDS: Final = 60.0
ADMIN_KEY_ENV = "TIEZHENG_ADMIN_KEY"
_ABI_REGISTER = ["string", "string", "bytes", "address"]


def add_commands(commands: Any) -> None:
    admin = commands.add_parser("admin", help="administer the agency registry (admin key)")
    groups = admin.add_subparsers(
        dest="admin_command", required=True, metavar="ADMIN_COMMAND", parser_class=type(admin)
    )
    agency = groups.add_parser("agency", help="register, revoke and list agencies")
    actions = agency.add_subparsers(dest="agency_command", required=True, metavar="ACTION", parser_class=type(admin))

    def keyed(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--node", required=True, type=node_url, metavar="URL")
        sub.add_argument(
            "--admin-key",
            metavar="FILE",
            help=f"file with the admin's EVM private key (hex), or an Ethereum JSON keystore; without it, "
            f"${ADMIN_KEY_ENV} holds the key itself (hex, not a file name)",
        )

    add = actions.add_parser("add", help="register an agency")
    keyed(add)
    add.add_argument("--code", required=True, help="agency code, e.g. its unified social credit code")
    add.add_argument("--name", required=True)
    add.add_argument(
        "--public-key", required=True, metavar="PEM|HEX", help="the agency's SM2 public key: PEM file or hex point"
    )
    add.add_argument("--account", required=True, metavar="0x…", help="the agency's EVM account")
    add.set_defaults(handler=cmd_add)

    revoke = actions.add_parser("revoke", help="revoke an agency (its earlier records still verify)")
    keyed(revoke)
    revoke.add_argument("code")
    revoke.set_defaults(handler=cmd_revoke)

    listing = actions.add_parser("list", help="list agencies")
    listing.add_argument("--node", required=True, type=node_url, metavar="URL")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    role = groups.add_parser(
        "role", help="bind agencies to the roles of a template, so that matters may name them for those roles"
    )
    role_actions = role.add_subparsers(dest="role_command", required=True, metavar="ACTION", parser_class=type(admin))
    for action, bound, text in (
        ("bind", True, "let matters of TEMPLATE name AGENCY for ROLE (and so make it answer for that stage)"),
        ("unbind", False, "stop new matters of TEMPLATE naming AGENCY for ROLE (open ones keep it)"),
    ):
        sub = role_actions.add_parser(action, help=text)
        keyed(sub)
        sub.add_argument("template", metavar="TEMPLATE", help="the template's id, e.g. newborn-one-thing")
        sub.add_argument(
            "role",
            metavar="ROLE",
            help="a role as the template file names it, e.g. health (bind checks it against the node's templates)",
        )
        sub.add_argument("agency", metavar="AGENCY", help="the agency's code")
        sub.set_defaults(handler=functools.partial(cmd_role, bound=bound))

    webhook = groups.add_parser("webhook", help="register, list and remove supervisors' webhooks")
    hooks = webhook.add_subparsers(dest="webhook_command", required=True, metavar="ACTION", parser_class=type(admin))
    hook_add = hooks.add_parser("add", help="POST alerts to URL, SM2-signed by the node (prints the webhook id)")
    keyed(hook_add)
    hook_add.add_argument("url", metavar="URL")
    hook_add.add_argument(
        "--severity", action="append", choices=("red", "warning"), default=[], help="only these (repeat; default all)"
    )
    hook_add.add_argument("--agency", action="append", default=[], metavar="CODE", help="only these agencies")
    hook_add.add_argument("--template", action="append", default=[], metavar="ID", help="only these templates")
    hook_add.set_defaults(handler=cmd_webhook_add)
    hook_list = hooks.add_parser("list", help="list the registered webhooks")
    hook_list.add_argument("--node", required=True, type=node_url, metavar="URL")
    hook_list.add_argument("--json", action="store_true")
    hook_list.set_defaults(handler=cmd_webhook_list)
    hook_remove = hooks.add_parser("remove", help="stop delivering to a webhook")
    keyed(hook_remove)
    hook_remove.add_argument("id", type=int, metavar="ID")
    hook_remove.set_defaults(handler=cmd_webhook_remove)

    alert = groups.add_parser("alert", help="acknowledge alerts")
    alert_actions = alert.add_subparsers(
        dest="alert_command", required=True, metavar="ACTION", parser_class=type(admin)
    )
    ack = alert_actions.add_parser("ack", help="acknowledge an alert: supervision has seen it")
    keyed(ack)
    ack.add_argument("alert", metavar="ALERT_ID")
    ack.set_defaults(handler=cmd_alert_ack)


def _admin_account(args: argparse.Namespace) -> Any:
    try:
        from eth_account import Account
    except ImportError:
        fail("admin commands need eth-account: install the node extras (scripts/bootstrap)")
    if args.admin_key:
        text = read_file(args.admin_key, "admin key", limit=64 * 1024).decode("utf-8", "replace").strip()
    else:
        text = os.environ.get(ADMIN_KEY_ENV, "").strip()
        if not text:
            fail(f"give --admin-key FILE or set ${ADMIN_KEY_ENV}")
    if not text.startswith("{") and not ADMIN_KEY_HEX.fullmatch(text):
        # eth-account pads a short hex key with zeros: a digit lost in copying would name another account.
        fail("the admin key must be 64 hex digits (an optional 0x before them), or an Ethereum JSON keystore")
    if not text.startswith("{") and int(text, 16) == 0:
        fail("the admin key is zero, which is no secp256k1 key")
    where = args.admin_key or f"${ADMIN_KEY_ENV}"
    try:
        return Account.from_key(_decrypt_keystore(Account, text, where) if text.startswith("{") else text)
    except _KEY_FILE_ERRORS as exc:
        fail(f"the admin key cannot be read: {_reason(exc)}")


ADMIN_KEY_HEX: Final = re.compile(r"(0x)?[0-9a-fA-F]{64}")


#: What eth-account raises for a key or keystore that is malformed: a field missing, of the wrong type, not hex,
#: a KDF parameter out of range; and eth-keyfile's NotImplementedError for a keystore version or KDF it does
#: not know (caught by its standard base: this module must not import eth-keyfile, a node-only dependency).
_KEY_FILE_ERRORS = (LookupError, TypeError, ValueError, ArithmeticError, NotImplementedError)


def _decrypt_keystore(account: Any, text: str, where: str) -> bytes:
    """The private key in an Ethereum JSON keystore, read as strictly as any JSON document (nesting bounded)."""
    document = load_json(text, "the admin keystore")
    if not isinstance(document, dict):
        fail("the admin keystore must be a JSON object (an Ethereum keystore)")
    if document.get("format") == SM2_KEYSTORE_FORMAT:
        # An agency's (or validator's) SM2 key signs statements; the registry's admin signs EVM transactions.
        raise UsageError(
            f"{where} is a Tiezheng SM2 keystore, not an EVM admin key (give the admin's secp256k1 key: "
            "64 hex digits, or an Ethereum JSON keystore)",
            code="bad-key",
        )
    keystore = lowercase_keys(document)
    check_kdf_cost(keystore)
    key: bytes = account.decrypt(keystore, passphrase(prompt="Admin keystore passphrase: "))
    return key


def lowercase_keys(document: dict[str, Any]) -> dict[str, Any]:
    """The keystore as eth-keyfile reads it: every key lower-cased at every depth, a later duplicate winning.

    The cost check below must see the very values the KDF will get: checked as written,
    a keystore could put a cheap "crypto" beside the "Crypto" eth-keyfile would use.
    """
    return {key.lower(): lowercase_keys(value) if isinstance(value, dict) else value for key, value in document.items()}


#: The most KDF work an admin keystore may ask for before its passphrase is tried. geth writes scrypt
#: n = 2^18, r = 8, p = 1 (256 MiB, n·r·p = 2^21) and PBKDF2 c = 262,144, both with a 32-byte dklen;
#: a damaged or hostile file asking for terabytes or years is refused instead of obeyed.
MAX_SCRYPT_WORK: Final = 1 << 23  # n·r·p; with p ≥ 1 it also bounds the memory, 128·n·r ≤ 1 GiB
MAX_PBKDF2_ROUNDS: Final = 10_000_000
DERIVED_KEY_BYTES: Final = range(16, 65)
_KDF_FIELDS: Final = {"scrypt": ("n", "r", "p", "dklen"), "pbkdf2": ("c", "dklen")}


def check_kdf_cost(keystore: dict[str, Any]) -> None:
    """Refuse a keystore (keys lower-cased) whose KDF parameters are not plain integers within the bounds above."""
    crypto = keystore.get("crypto")
    if not isinstance(crypto, dict):
        return  # eth-account names what is missing or mistyped
    kdf = crypto.get("kdf")
    name, params = (kdf.get("function"), kdf.get("params")) if isinstance(kdf, dict) else (kdf, crypto.get("kdfparams"))
    if name not in _KDF_FIELDS or not isinstance(params, dict):
        return  # eth-account refuses a KDF it does not know
    values: dict[str, int] = {}
    for field in _KDF_FIELDS[name]:
        value = params.get(field)
        if type(value) is not int or value < 1:
            fail(f"the admin keystore's {name} parameter {field!r} must be a positive integer, not {value!r:.40}")
        values[field] = value
    if values["dklen"] not in DERIVED_KEY_BYTES:
        fail(f"the admin keystore asks for a {values['dklen']:,}-byte derived key; keystores use 16 to 64")
    if name == "scrypt" and values["n"] * values["r"] * values["p"] > MAX_SCRYPT_WORK:
        fail(
            f"the admin keystore asks for scrypt n={values['n']}, r={values['r']}, p={values['p']}: more than "
            f"{MAX_SCRYPT_WORK:,} for n·r·p, which no keystore tool writes; re-encrypt the key"
        )
    if name == "pbkdf2" and values["c"] > MAX_PBKDF2_ROUNDS:
        fail(
            f"the admin keystore asks for {values['c']:,} PBKDF2 rounds, more than {MAX_PBKDF2_ROUNDS:,}; "
            "re-encrypt the key"
        )


def _reason(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"the field {exc.args[0]!r} is missing"
    return " ".join(str(exc).split()) or type(exc).__name__


#: The JSON-RPC error code of a call the EVM reverted (as geth answers eth_call and eth_estimateGas).
_RPC_REVERTED = 3


def _rpc(client: httpx.Client, method: str, *params: Any) -> int:
    """Call a JSON-RPC method whose result is a quantity (0x hex)."""
    return read(_rpc_call(client, method, *params), functools.partial(_rpc_quantity, method))


def _rpc_call(client: httpx.Client, method: str, *params: Any) -> httpx.Response:
    return client.post("/rpc", json={"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})


def _rpc_answer(method: str, value: Any) -> JsonObject:
    """The JSON-RPC answer, after its error (if any) is raised as the contract's refusal or the node's."""
    body = JsonObject(value, "answer")
    error = body.optional_object("error")
    if error is not None:
        message = " ".join((error.optional_text("message") or "").split())
        if error.value.get("code") == _RPC_REVERTED:
            # Gas estimation runs the call first: a contract's refusal shows here, before anything is sent,
            # and is the same refusal as the admin endpoint's 409, so it carries the same code.
            reason = message.removeprefix("execution reverted").lstrip(": ") or "reverted"
            raise TiezhengError(f"the contract refused the call: {reason}", code="reverted")
        fail(f"the node refused {method}: {message}")
    return body


def _rpc_quantity(method: str, value: Any) -> int:
    result = _rpc_answer(method, value).text("result")
    try:
        return int(result, 16)
    except ValueError:
        raise BadResponseError("answer.result is not a 0x hex quantity") from None


def _rpc_text(method: str, value: Any) -> str:
    return _rpc_answer(method, value).text("result")


def _rpc_object(method: str, value: Any) -> JsonObject | None:
    return _rpc_answer(method, value).optional_object("result")


def _send(args: argparse.Namespace, to: str, data: bytes, path: str | None = None) -> int:
    """Sign a call of the contract at ``to`` and send it: to the node's admin endpoint ``path``, or else over
    JSON-RPC; either way wait for its block. A call the contract would refuse is refused before it is sent."""
    account = _admin_account(args)
    with node_client(args.node, 60) as client:
        chain_id = _rpc(client, "eth_chainId")
        nonce = _rpc(client, "eth_getTransactionCount", account.address, "pending")
        call = {"from": account.address, "to": to, "data": "0x" + data.hex()}
        gas = _rpc(client, "eth_estimateGas", call)
        signed = account.sign_transaction(
            {
                "chainId": chain_id,
                "nonce": nonce,
                "gas": gas + gas // 5,
                "maxFeePerGas": 0,
                "maxPriorityFeePerGas": 0,
                "to": to,
                "data": data,
                "type": 2,
            }
        )
        raw = "0x" + bytes(signed.raw_transaction).hex()
        if path is not None:
            result = read(client.post(path, json={"transaction": raw}), lambda value: JsonObject(value, "answer"))
            transaction, block = result.text("transaction_hash"), result.integer("block")
        else:
            transaction, block = _included(client, raw)
    sys.stdout.write(f"ok: transaction {transaction} in block {block}\n")
    return EXIT_OK


def _included(client: httpx.Client, raw: str) -> tuple[str, int]:
    """Send a signed transaction over JSON-RPC; its hash and block once included and successful."""
    sent = _rpc_call(client, "eth_sendRawTransaction", raw)
    transaction = read(sent, functools.partial(_rpc_text, "eth_sendRawTransaction"))
    deadline = time.monotonic() + INCLUSION_WAIT_SECONDS
    while time.monotonic() < deadline:
        receipt = read(
            _rpc_call(client, "eth_getTransactionReceipt", transaction),
            functools.partial(_rpc_object, "eth_getTransactionReceipt"),
        )
        if receipt is not None:
            block = int(receipt.text("blockNumber"), 16)
            if receipt.text("status") != "0x1":
                raise TiezhengError(f"transaction {transaction} failed in block {block}", code="reverted")
            return transaction, block
        time.sleep(0.25)
    raise TiezhengError(
        f"transaction {transaction} was not in a block within {INCLUSION_WAIT_SECONDS:.0f} s", code="timeout"
    )


def _signed(client: httpx.Client, args: argparse.Namespace, action: str, target: str) -> dict[str, Any]:
    """The ``auth`` object of an admin request: the admin's signature over the request's line."""
    from eth_account.messages import encode_defunct

    account = _admin_account(args)

    def chain_of(value: Any) -> tuple[str, bytes]:
        genesis = JsonObject(value, "answer")
        return genesis.text("chain_code"), genesis.hex("hash", size=32)

    chain_code, genesis_hash = read(client.get("/v1/genesis"), chain_of)
    now = int(time.time() * 1000)
    message = admin_message(chain_code, genesis_hash, action, target, now)
    signature = account.sign_message(encode_defunct(text=message)).signature
    return {"signer": account.address, "time": now, "signature": "0x" + bytes(signature).hex()}


def cmd_webhook_add(args: argparse.Namespace) -> int:
    if not args.url.startswith(("http://", "https://")):
        fail("the webhook URL must start with http:// or https://")
    with node_client(args.node, 30) as client:
        body = {
            "url": args.url,
            "severities": args.severity,
            "agencies": args.agency,
            "templates": args.template,
            "auth": _signed(
                client, args, "webhook-add", webhook_target(args.url, args.severity, args.agency, args.template)
            ),
        }
        hook = read(client.post("/v1/webhooks", json=body), lambda value: JsonObject(value, "answer"))
        hook_id, url = hook.integer("id"), hook.text("url")
    sys.stdout.write(f"{hook_id}  {url}\n")
    return EXIT_OK


def cmd_webhook_list(args: argparse.Namespace) -> int:
    with node_client(args.node, 30) as client:
        _print_listing(client.get("/v1/webhooks"), _webhook_line, as_json=args.json)
    return EXIT_OK


def _print_listing(response: httpx.Response, line: Callable[[JsonObject], str], *, as_json: bool) -> None:
    """A listed answer: as it came (``as_json``), or one line per object; BadResponseError if it is not such a list."""
    lines, value = read(response, lambda value: ([line(item) for item in objects_in(value, "answer")], value))
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n" if as_json else "".join(lines))


def _webhook_line(hook: JsonObject) -> str:
    only = [", ".join(hook.texts(k)) for k in ("severities", "agencies", "templates") if hook.texts(k)]
    return f"{hook.integer('id')}  {hook.text('url')}  {'; '.join(only) or 'all alerts'}\n"


def cmd_webhook_remove(args: argparse.Namespace) -> int:
    with node_client(args.node, 30) as client:
        auth = _signed(client, args, "webhook-remove", str(args.id))
        check(client.request("DELETE", f"/v1/webhooks/{args.id}", json=auth))
    sys.stdout.write(f"removed webhook {args.id}\n")
    return EXIT_OK


def cmd_alert_ack(args: argparse.Namespace) -> int:
    with node_client(args.node, 30) as client:
        try:
            alert_id = str(EvidenceId.parse(args.alert))
        except EvidenceIdError as exc:
            fail(f"{args.alert!r} is not an alert's evidence ID: {exc}")
        auth = _signed(client, args, "ack", alert_id)
        alert = read(client.post(f"/v1/alerts/{alert_id}/ack", json=auth), lambda value: JsonObject(value, "answer"))
        acknowledged, status = alert.text("id"), alert.text("status")
    sys.stdout.write(f"{acknowledged}  {status}\n")
    return EXIT_OK


def _calldata(signature: str, types: list[str], values: list[Any]) -> bytes:
    from eth_abi import encode
    from eth_utils import function_signature_to_4byte_selector

    return function_signature_to_4byte_selector(signature) + encode(types, values)


def cmd_add(args: argparse.Namespace) -> int:
    check_registration(args.code, args.name)
    source = Path(args.public_key)
    try:
        key = SM2PublicKey.load(source) if source.exists() else SM2PublicKey.from_bytes(bytes.fromhex(args.public_key))
    except ValueError:
        fail("--public-key must be a PEM file or a hex SM2 point")
    try:
        from eth_utils import to_checksum_address

        account = to_checksum_address(args.account)
    except (ImportError, ValueError):
        fail("--account must be an EVM address (0x + 40 hex digits)")
    digits = args.account.removeprefix("0x").removeprefix("0X")
    if digits != digits.lower() and digits != digits.upper() and digits != account[2:]:
        # Mixed case is EIP-55's checksum: one that fails it is a mistyped address, not another spelling.
        fail(f"--account {args.account} fails its EIP-55 checksum (mistyped?); {account} is its checksummed form")
    data = _calldata(
        "register(string,string,bytes,address)", _ABI_REGISTER, [args.code, args.name, key.to_bytes(), account]
    )
    return _send(args, AGENCY_REGISTRY, data, "/v1/admin/agencies")


def cmd_revoke(args: argparse.Namespace) -> int:
    data = _calldata("revoke(string)", ["string"], [args.code])
    return _send(args, AGENCY_REGISTRY, data, f"/v1/admin/agencies/{quote(args.code, safe='')}/revoke")


def cmd_list(args: argparse.Namespace) -> int:
    with node_client(args.node, 30) as client:
        _print_listing(client.get("/v1/agencies"), _agency_line, as_json=args.json)
    return EXIT_OK


def _check_role(templates: list[JsonObject], args: argparse.Namespace) -> None:
    """Refuse a binding no matter could use: the chain keeps any (it holds no template's roles), so a
    mistyped template or role would be bound silently and openings naming the agency still refused."""
    revisions = [t for t in templates if t.text("id") == args.template]
    if not revisions:
        known = ", ".join(sorted({t.text("id") for t in templates})) or "none"
        raise TiezhengError(
            f"no template {args.template!r} is registered on this chain (registered: {known})", code="unknown-template"
        )
    held = [roles.value for t in revisions if (roles := t.optional_object("roles")) is not None]
    if len(held) < len(revisions):
        return  # a revision whose file the node lacks may name roles the others do not: it cannot say
    roles = {role for revision in held for role in revision} - {OWNER}
    if args.role not in roles:
        raise TiezhengError(
            f"template {args.template} has no role {args.role!r} that an opening names (its roles: "
            f"{', '.join(sorted(roles)) or 'none'}; the owner is the opening agency itself)",
            code="unknown-role",
        )


def _agency_line(agency: JsonObject) -> str:
    state = "active" if agency.boolean("active") else f"revoked at block {agency.integer('revoked_at')}"
    return (
        f"{agency.text('code')}  {state}  {agency.text('name')}  {agency.text('account')}  "
        f"key {agency.text('key_id')[:16]}…\n"
    )


def cmd_role(args: argparse.Namespace, *, bound: bool) -> int:
    for value, what in ((args.template, "TEMPLATE"), (args.role, "ROLE"), (args.agency, "AGENCY")):
        if not 0 < len(value.encode("utf-8")) <= 64:
            fail(f"{what} must be 1 to 64 bytes")
    if bound:
        with node_client(args.node, 30) as client:
            _check_role(read(client.get("/v1/templates"), lambda value: objects_in(value, "answer")), args)
    data = _calldata(
        "bindRole(string,string,string,bool)",
        ["string", "string", "string", "bool"],
        [args.template, args.role, args.agency, bound],
    )
    return _send(args, PROCESS_TRAIL, data)
