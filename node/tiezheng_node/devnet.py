"""The dev network: a one-validator chain created on first run, with its keys and a list of dev accounts.

Everything here is for development only. The dev accounts' private keys and
passphrases are written in clear to ``dev-accounts.json`` so that tools and
tests can use them; a real network creates its keys with ``tiezheng keys new``
and keeps them out of any shared file.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from eth_keys import keys as eth_keys

from tiezheng.genesis import Genesis
from tiezheng.gm import SM2PrivateKey, keystore
from tiezheng.workflow import WorkCalendar, WorkflowTemplate, builtin_calendar, builtin_templates

from .execution.addresses import SYSTEM_CONTRACTS
from .execution.artifacts import load as load_artifact
from .store import Store, StoreError

DEV_CHAIN_ID: Final = 7301
DEV_CHAIN_CODE: Final = "DEV"
DEV_PASSPHRASE: Final = "tiezheng-dev-only"
DEV_AGENCY_CODE: Final = "91110000MA0DEV001X"
DEV_AGENCY_NAME: Final = "开发测试机构 (dev agency)"
DEV_SUPERVISION_CODE: Final = "91110000MA0DEVSUPX"
DEV_SUPERVISION_NAME: Final = "效能监督办公室 (dev supervision office)"
DEV_BALANCE: Final = 10**24
WARNING: Final = (
    "DEVELOPMENT ONLY: the private keys and passphrases in this file are not secret. "
    "Never use them, or this genesis, on a real network."
)


@dataclass(frozen=True)
class DevLayout:
    data_dir: Path

    @property
    def genesis(self) -> Path:
        return self.data_dir / "genesis.json"

    @property
    def accounts(self) -> Path:
        return self.data_dir / "dev-accounts.json"

    @property
    def keys(self) -> Path:
        return self.data_dir / "keys"

    @property
    def validator_key(self) -> Path:
        return self.keys / "validator.key"

    @property
    def agency_key(self) -> Path:
        return self.keys / "agency.key"

    @property
    def supervision_key(self) -> Path:
        """The key the dev node signs overdue alerts with, registered as the dev supervision office's."""
        return self.keys / "supervision.key"

    def required(self) -> tuple[Path, ...]:
        """The files a dev data directory cannot run without."""
        return (self.genesis, self.accounts, self.validator_key)

    def exists(self) -> bool:
        return all(path.exists() for path in self.required())


def build_genesis_document(
    *,
    chain_id: int,
    chain_code: str,
    name: str,
    validators: list[tuple[str, SM2PrivateKey | Any]],
    admins: list[str],
    agencies: list[dict[str, str]],
    alloc: dict[str, int],
    block_interval_ms: int = 1000,
    gas_limit: int = 60_000_000,
    time_ms: int | None = None,
    templates: Sequence[WorkflowTemplate] | None = None,
    calendar: WorkCalendar | None = None,
) -> dict[str, Any]:
    """A genesis document deploying the system contracts from contracts/artifacts.

    ProcessTrail starts with ``templates`` and ``calendar`` registered (by default the ones
    Tiezheng ships: docs/workflow.md)."""
    templates = builtin_templates() if templates is None else templates
    calendar = builtin_calendar() if calendar is None else calendar
    validator_keys = [key.public_key() if isinstance(key, SM2PrivateKey) else key for _, key in validators]
    init_codes = {
        "AgencyRegistry": load_artifact("AgencyRegistry").init_code([bytes.fromhex(a[2:]) for a in admins]),
        "EvidenceRegistry": load_artifact("EvidenceRegistry").init_code(),
        "ValidatorSet": load_artifact("ValidatorSet").init_code(
            [n for n, _ in validators], [k.to_bytes() for k in validator_keys]
        ),
        "ProcessTrail": load_artifact("ProcessTrail").init_code(
            [t.hash for t in templates],
            [t.id for t in templates],
            [t.revision for t in templates],
            calendar.hash if calendar else b"\x00" * 32,
            calendar.id if calendar else "",
        ),
    }
    return {
        "format": "tiezheng-genesis",
        "version": 1,
        "chain_id": chain_id,
        "chain_code": chain_code,
        "name": name,
        "time": time_ms if time_ms is not None else int(time.time() * 1000),
        "validators": [
            {"name": n, "public_key": k.to_bytes().hex()} for (n, _), k in zip(validators, validator_keys, strict=True)
        ],
        "execution": {
            "gas_limit": gas_limit,
            "block_interval_ms": block_interval_ms,
            "empty_blocks": False,
            "admins": admins,
            "alloc": {address: {"balance": hex(balance)} for address, balance in alloc.items()},
            "system_contracts": [
                {"name": contract, "address": "0x" + address.hex(), "init_code": "0x" + init_codes[contract].hex()}
                for contract, address in SYSTEM_CONTRACTS.items()
            ],
            "agencies": agencies,
        },
    }


#: Where a new dev directory's files are written before they are moved into place.
STAGING: Final = ".creating"
#: What may be in a directory a dev chain is created in: a staging directory left by an
#: interrupted creation, and the lost+found at the root of a freshly made ext4 volume.
IGNORED_WHEN_EMPTY: Final = frozenset({STAGING, "lost+found"})


def create_devnet(data_dir: Path, *, block_interval_ms: int = 1000, kdf_iterations: int | None = None) -> DevLayout:
    """Create a dev genesis, keys and dev-accounts.json in ``data_dir``, a new or empty directory.

    Everything is written to ``data_dir/.creating`` and synced, then moved into
    place with dev-accounts.json (what marks a dev directory complete) last. A
    creation interrupted while writing (Ctrl-C, kill -9, power loss) leaves only
    that staging directory, which the next creation replaces; one interrupted
    while moving leaves a complete staging directory, whose moves the next
    creation finishes. Either way no half-made key or genesis blocks a retry.
    """
    staging = data_dir / STAGING
    staged = DevLayout(staging)
    if not staged.accounts.exists():
        if data_dir.exists() and not data_dir.is_dir():
            raise StoreError(f"{data_dir} is a file: give a new or empty --data directory")
        if data_dir.exists() and any(entry.name not in IGNORED_WHEN_EMPTY for entry in data_dir.iterdir()):
            raise StoreError(f"{data_dir} is not empty and holds no dev chain: give a new or empty --data directory")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        unfinished = _write_devnet(staging, block_interval_ms=block_interval_ms, kdf_iterations=kdf_iterations)
        # The store is made here, with the rest, so that a dev directory without one is one that lost it
        # (and is refused), never one whose first start was cut short before the node opened it.
        Store(staging / "chain").close()
        _sync_tree(staging)
        # The accounts file marks the staged directory complete, so it gets its name only
        # once every file, itself included, is on disk.
        os.replace(unfinished, staged.accounts)
        _sync_directory(staging)
    _publish(staged, data_dir)
    return DevLayout(data_dir)


def tidy(data_dir: Path) -> None:
    """Remove the empty staging directory a creation interrupted after its last move leaves behind."""
    with contextlib.suppress(OSError):
        (data_dir / STAGING).rmdir()  # refuses, and is left, unless empty


def _publish(staged: DevLayout, data_dir: Path) -> None:
    """Move a complete staged dev directory into ``data_dir``, its accounts file last; safe to repeat."""
    for source in (staged.keys, staged.genesis, staged.data_dir / "chain", staged.accounts):
        if source.exists():
            os.replace(source, data_dir / source.name)
    _sync_directory(data_dir)
    staged.data_dir.rmdir()


def _sync_tree(root: Path) -> None:
    """fsync every file and directory under ``root``, so a rename of it publishes contents already on disk."""
    for folder, _, files in os.walk(root):
        for name in files:
            descriptor = os.open(Path(folder) / name, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        _sync_directory(Path(folder))


def _sync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_devnet(data_dir: Path, *, block_interval_ms: int, kdf_iterations: int | None) -> Path:
    """Write a dev directory's files; the accounts file under a temporary name, which is returned."""
    layout = DevLayout(data_dir)
    layout.keys.mkdir(parents=True, exist_ok=True)
    os.chmod(layout.keys, 0o700)
    options = {"iterations": kdf_iterations} if kdf_iterations else {}
    validator = SM2PrivateKey.generate()
    agency = SM2PrivateKey.generate()
    supervision = SM2PrivateKey.generate()
    sealed = [
        (layout.validator_key, validator, "dev validator"),
        (layout.agency_key, agency, "dev agency"),
        (layout.supervision_key, supervision, "dev supervision"),
    ]
    # Each keystore's KDF takes most of a second in OpenSSL, which releases the GIL: side by side on
    # threads, a first start on two cores waits for about half of the three.
    with ThreadPoolExecutor(max_workers=len(sealed), thread_name_prefix="keystore") as workers:
        saves = [
            workers.submit(keystore.save, path, key, DEV_PASSPHRASE, label=label, **options)
            for path, key, label in sealed
        ]
    for save in saves:
        save.result()
    admin_evm = eth_keys.PrivateKey(secrets.token_bytes(32))
    agency_evm = eth_keys.PrivateKey(secrets.token_bytes(32))
    supervision_evm = eth_keys.PrivateKey(secrets.token_bytes(32))
    admin_address = admin_evm.public_key.to_checksum_address()
    agency_address = agency_evm.public_key.to_checksum_address()
    supervision_address = supervision_evm.public_key.to_checksum_address()
    document = build_genesis_document(
        chain_id=DEV_CHAIN_ID,
        chain_code=DEV_CHAIN_CODE,
        name="Tiezheng dev chain (development only)",
        validators=[("dev-validator", validator)],
        admins=[admin_address],
        agencies=[
            {
                "code": DEV_AGENCY_CODE,
                "name": DEV_AGENCY_NAME,
                "public_key": agency.public_key().to_bytes().hex(),
                "account": agency_address,
            },
            {
                "code": DEV_SUPERVISION_CODE,
                "name": DEV_SUPERVISION_NAME,
                "public_key": supervision.public_key().to_bytes().hex(),
                "account": supervision_address,
            },
        ],
        alloc={admin_address: DEV_BALANCE, agency_address: DEV_BALANCE},
        block_interval_ms=block_interval_ms,
    )
    layout.genesis.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    Genesis.load(layout.genesis)  # what we wrote must read back
    accounts = {
        "warning": WARNING,
        "chain_id": DEV_CHAIN_ID,
        "chain_code": DEV_CHAIN_CODE,
        "accounts": [
            {
                "role": "validator",
                "evm_address": None,
                "evm_private_key": None,
                "sm2_public_key": validator.public_key().to_bytes().hex(),
                "sm2_keystore": str(layout.validator_key.relative_to(data_dir)),
                "passphrase": DEV_PASSPHRASE,
                "agency_code": None,
            },
            {
                "role": "admin",
                "evm_address": admin_address,
                "evm_private_key": "0x" + admin_evm.to_bytes().hex(),
                "sm2_public_key": None,
                "sm2_keystore": None,
                "passphrase": None,
                "agency_code": None,
            },
            {
                "role": "agency",
                "evm_address": agency_address,
                "evm_private_key": "0x" + agency_evm.to_bytes().hex(),
                "sm2_public_key": agency.public_key().to_bytes().hex(),
                "sm2_keystore": str(layout.agency_key.relative_to(data_dir)),
                "passphrase": DEV_PASSPHRASE,
                "agency_code": DEV_AGENCY_CODE,
            },
            {
                "role": "supervision",
                "evm_address": supervision_address,
                "evm_private_key": "0x" + supervision_evm.to_bytes().hex(),
                "sm2_public_key": supervision.public_key().to_bytes().hex(),
                "sm2_keystore": str(layout.supervision_key.relative_to(data_dir)),
                "passphrase": DEV_PASSPHRASE,
                "agency_code": DEV_SUPERVISION_CODE,
            },
        ],
    }
    unfinished = layout.accounts.with_name(layout.accounts.name + ".unfinished")
    descriptor = os.open(unfinished, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(json.dumps(accounts, indent=2, ensure_ascii=False) + "\n")
    return unfinished
