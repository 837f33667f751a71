"""``tiezheng-node genesis``: the genesis file a network's members agree on, built from their public keys and accounts.

Each organisation sends the public half of what it contributes: a validator's SM2
public key (``tiezheng keys public KEYFILE --pem``), an admin's EVM address, an
agency's code, name, SM2 public key and EVM account. The command checks every
one, builds the genesis as ``tiezheng_node.devnet.build_genesis_document`` does
(the system contracts from this build's artifacts, the shipped workflow templates
and calendar), builds its state once in memory, as ``init`` will, and writes the
file only if all of that succeeded.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any, Final

from eth_utils import is_hex_address, to_checksum_address

from tiezheng import files
from tiezheng.agency import check_registration
from tiezheng.errors import KeyFormatError, TiezhengError
from tiezheng.genesis import CHAIN_CODE_PATTERN, VALIDATOR_NAME, Genesis
from tiezheng.gm import SM2PublicKey
from tiezheng.schema import FieldError, display_forging_character, is_utf8
from tiezheng.statement import AGENCY_CODE

from .devnet import build_genesis_document

#: Longest public key file read: a PEM public key is under 200 bytes.
MAX_PUBLIC_KEY_FILE: Final = 16 * 1024


class GenesisInputError(TiezhengError):
    """An argument of ``genesis`` that cannot go into a genesis; the message names it."""

    code = "bad-genesis"


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """The ``genesis`` subcommand's arguments."""
    sub: argparse.ArgumentParser = commands.add_parser(
        "genesis",
        help="write the genesis file of a new network from its validators', admins' and agencies' public keys",
        description="Write the genesis of a new network from the public keys and accounts its members send: "
        "validators' SM2 public keys (tiezheng keys public KEYFILE --pem), admins' EVM addresses, agencies. "
        "Everything is checked, and the chain's first state built once in memory as init builds it, before the "
        "file is written.",
    )
    sub.add_argument("--chain-id", type=_chain_id, required=True, metavar="N", help="the EVM chain id (1 to 2^53-1)")
    sub.add_argument(
        "--chain-code",
        type=_chain_code,
        required=True,
        metavar="CODE",
        help="2 to 8 capitals or digits, the prefix of every evidence ID",
    )
    sub.add_argument("--name", default=None, metavar="TEXT", help="the chain's name (default: its code)")
    sub.add_argument(
        "--validator",
        nargs=2,
        action="append",
        required=True,
        metavar=("NAME", "PUBLIC_KEY_FILE"),
        help="a validator: its name and its SM2 public key (PEM, DER or hex); repeatable, in sealing order",
    )
    sub.add_argument(
        "--admin",
        action="append",
        required=True,
        type=_address,
        metavar="ADDRESS",
        help="an EVM account administering the registries; repeatable (the first registers --agency ones)",
    )
    sub.add_argument(
        "--agency",
        nargs=4,
        action="append",
        default=[],
        metavar=("CODE", "NAME", "PUBLIC_KEY_FILE", "ACCOUNT"),
        help="an agency registered at genesis (more can be registered later by an admin); repeatable",
    )
    sub.add_argument(
        "--block-interval-ms",
        type=int,
        default=1_000,
        metavar="MS",
        help="blocks are sealed at most this often, while there is work (default 1000)",
    )
    sub.add_argument("--gas-limit", type=int, default=60_000_000, metavar="GAS", help="block gas limit")
    sub.add_argument("--time", type=int, default=None, metavar="MS", help="genesis time, ms since 1970 (default: now)")
    sub.add_argument("--out", type=Path, required=True, metavar="FILE", help="the genesis file to write (new)")
    return sub


def cmd_genesis(args: argparse.Namespace) -> int:
    from eth.db.atomic import AtomicDB

    from .execution.genesis import NodeGenesis

    if args.out.exists() or args.out.is_symlink():
        raise GenesisInputError(f"--out {args.out} exists: a genesis is written once, to a new file", code="exists")
    validators = [(_validator_name(name), _public_key(path, f"--validator {name}")) for name, path in args.validator]
    _refuse_repeats([name for name, _ in validators], "validator name")
    _refuse_repeats([key.to_bytes().hex() for _, key in validators], "validator key")
    admins = list(args.admin)
    _refuse_repeats([a.lower() for a in admins], "admin")
    agencies = [_agency(*values) for values in args.agency]
    _refuse_repeats([a["code"].upper() for a in agencies], "agency code (letter case aside)")
    _refuse_repeats([a["account"].lower() for a in agencies], "agency account")
    document = build_genesis_document(
        chain_id=args.chain_id,
        chain_code=args.chain_code,
        name=args.chain_code if args.name is None else args.name,
        validators=validators,
        admins=admins,
        agencies=agencies,
        alloc={},
        block_interval_ms=args.block_interval_ms,
        gas_limit=args.gas_limit,
        time_ms=int(time.time() * 1000) if args.time is None else args.time,
    )
    genesis = Genesis.from_document(document)  # every field as a verifier reads it
    NodeGenesis.from_protocol(genesis).build_state(AtomicDB())  # and the chain as init builds it
    files.write_new(args.out, genesis.to_json(), mode=0o644)
    print(
        f"wrote {args.out}: chain {genesis.chain_code} (id {genesis.chain_id}), {len(validators)} validator(s), "
        f"{len(admins)} admin(s), {len(agencies)} agenc{'y' if len(agencies) == 1 else 'ies'}; "
        f"genesis hash {genesis.hash.hex()}"
    )
    return 0


def _chain_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a chain id (a whole number)") from None
    if not 1 <= value < 2**53:
        raise argparse.ArgumentTypeError(f"chain id {value} is out of range (1 to 2^53-1)")
    return value


def _chain_code(text: str) -> str:
    if not CHAIN_CODE_PATTERN.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a chain code (2 to 8 upper-case letters or digits)")
    return text


def _address(text: str) -> str:
    if not is_hex_address(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an EVM address (0x and 40 hex digits)")
    if int(text, 16) == 0:
        raise argparse.ArgumentTypeError("the zero address is no account: nobody holds its key")
    return to_checksum_address(text)


def _validator_name(name: str) -> str:
    if not VALIDATOR_NAME.fullmatch(name) or not is_utf8(name):
        raise GenesisInputError(f"--validator name {name[:80]!r} must be 1–64 printable characters")
    hidden = display_forging_character(name)
    if hidden is not None:  # as agency names: shown on every block page and certificate
        raise GenesisInputError(f"--validator name {name[:80]!r} holds {hidden}, which can make it read as another")
    return name


def _public_key(path: str, where: str) -> SM2PublicKey:
    try:
        with files.open_regular(path) as file:
            data = file.read(MAX_PUBLIC_KEY_FILE + 1)
    except OSError as exc:
        raise GenesisInputError(f"{where}: cannot read {path}: {exc.strerror or exc}", code="unreadable") from None
    try:
        return SM2PublicKey.from_file_bytes(data)
    except KeyFormatError as exc:
        raise GenesisInputError(f"{where}: {path} holds no SM2 public key: {exc.message}", code="bad-key") from None


def _agency(code: str, name: str, key_path: str, account: str) -> dict[str, str]:
    if not AGENCY_CODE.fullmatch(code):
        raise GenesisInputError(f"--agency {code[:80]!r}: not an agency code ({AGENCY_CODE.pattern})")
    try:
        check_registration(code, name)
    except FieldError as exc:
        raise GenesisInputError(f"--agency {code}: {exc.message}", code=exc.code) from None
    if not is_hex_address(account) or int(account, 16) == 0:
        raise GenesisInputError(
            f"--agency {code}: {account[:80]!r} is not an EVM account (0x and 40 hex digits, not 0)"
        )
    key = _public_key(key_path, f"--agency {code}")
    return {"code": code, "name": name, "public_key": key.to_bytes().hex(), "account": to_checksum_address(account)}


def _refuse_repeats(values: list[str], what: str) -> None:
    repeated = [value for value, count in Counter(values).items() if count > 1]
    if repeated:
        raise GenesisInputError(f"the {what} {repeated[0][:80]!r} is given twice")
