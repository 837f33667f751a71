"""``tiezheng log``: an auditor's checkpoint of the evidence log, and the check that the log only grew.

``log check`` keeps the last sealed head it verified in a checkpoint file. The
first run saves the node's current head; each later run asks the node for its
new head and a consistency proof, and passes only if the new head extends the
kept one. A head that does not is saved beside the checkpoint: the two sealed
heads are the evidence that the validators sealed two histories.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..checkpoint import (
    FILE_SUFFIX,
    MAX_CHECKPOINT_SIZE,
    AppendOnlyError,
    Checkpoint,
    CheckpointError,
    check_append_only,
)
from ..errors import TiezhengError
from ..genesis import Genesis
from ..sdk import Client
from .common import EXIT_NEGATIVE, EXIT_OK, UsageError, node_url, read_file, replace_file, write_new_file
from .offline import utc_time


def add_commands(commands: Any) -> None:
    log = commands.add_parser(
        "log",
        help="check that the evidence log only grew since the last visit (an auditor's checkpoint)",
        description="Keeps a checkpoint: the last sealed tree head verified against the genesis. Each check "
        "fetches the node's current head and a consistency proof (RFC 9162) and passes only if the new head "
        "extends the checkpoint: every record it covered is still in the log, unchanged and in place.",
    )
    log_commands = log.add_subparsers(dest="log_command", required=True, metavar="ACTION", parser_class=type(log))
    check = log_commands.add_parser(
        "check",
        help="verify the node's head extends the checkpoint, then move the checkpoint to it",
        description="Exit 0: the log only grew (or, on a first run, the head was saved); 1: it did not, or the "
        f"node's head is not sealed by the genesis validators (the head is saved beside the checkpoint as "
        f"CHECKPOINT.conflict-HEIGHT{FILE_SUFFIX}); 2: the check could not be made.",
    )
    check.add_argument("checkpoint", metavar="CHECKPOINT", help=f"the checkpoint file (*{FILE_SUFFIX}); created if new")
    check.add_argument("--node", required=True, type=node_url, metavar="URL")
    check.add_argument("--genesis", required=True, metavar="GENESIS")
    check.add_argument("--no-update", action="store_true", help="keep the checkpoint where it is")
    check.add_argument("--json", action="store_true", help="print the outcome as one JSON document")
    check.set_defaults(handler=cmd_log_check)

    show = log_commands.add_parser("show", help="show a checkpoint and verify its seals against a genesis (offline)")
    show.add_argument("checkpoint", metavar="CHECKPOINT")
    show.add_argument("--genesis", required=True, metavar="GENESIS")
    show.set_defaults(handler=cmd_log_show)


def cmd_log_check(args: argparse.Namespace) -> int:
    genesis = Genesis.load(args.genesis)
    path = Path(args.checkpoint)
    kept = _load(path, genesis) if path.exists() else None
    with Client(args.node) as client:
        head = client.tree_head()
        try:
            head.verify(genesis)
        except CheckpointError as exc:
            _refuse_another_chain(client, args.node, genesis)
            conflict = _save_conflict(path, head)
            return _report(args, "not-sealed", f"the node's head is not sealed by the genesis validators: "
                           f"{exc.message} [{exc.code}]; saved as {conflict}", kept, head)  # fmt: skip
        if kept is None:
            replace_file(path, head.to_cbor(), "checkpoint")
            return _report(args, "first", f"saved block {head.height} as the first checkpoint", None, head)
        proof = client.consistency_proof(kept.size, head.size) if 0 < kept.size <= head.size else []
    try:
        check_append_only(kept, head, proof)
    except AppendOnlyError as exc:
        conflict = _save_conflict(path, head)
        return _report(args, exc.code, f"{exc.message}; saved the node's head as {conflict}", kept, head)
    if not args.no_update:
        replace_file(path, head.to_cbor(), "checkpoint")
    return _report(args, "append-only", "the log only grew", kept, head)


def cmd_log_show(args: argparse.Namespace) -> int:
    genesis = Genesis.load(args.genesis)
    checkpoint = _load(Path(args.checkpoint), genesis)
    header = checkpoint.header
    names = [genesis.validators.validators[s.validator].name for s in checkpoint.sealed.seals]
    print(f"chain      {genesis.chain_code} (id {header.chain_id})")
    print(f"block      {header.height}  ({utc_time(header.time)})")
    print(f"log        {header.log_size} records, root {header.log_root.hex()}")
    print(f"sealed by  {', '.join(names)} (quorum {genesis.validators.quorum} of {len(genesis.validators)})")
    return EXIT_OK


def _load(path: Path, genesis: Genesis) -> Checkpoint:
    data = read_file(str(path), "checkpoint", limit=MAX_CHECKPOINT_SIZE + 1)
    checkpoint = Checkpoint.from_cbor(data)
    try:
        checkpoint.verify(genesis)
    except CheckpointError as exc:
        raise UsageError(f"{path} is not a head of this chain: {exc.message}", code=exc.code) from None
    return checkpoint


def _refuse_another_chain(client: Client, url: str, trusted: Genesis) -> None:
    """For a head this genesis's validators did not seal: refuse it if the node names another genesis as its own.

    Such a node is most likely the wrong --node (or the auditor's --genesis the wrong
    file), and its head proves nothing: anyone can make an unsealed head. Asked only
    now, so that what a node says of its genesis never spares a head the validators did
    seal from being judged. A node that names this genesis, or cannot say, is judged.
    """
    try:
        served = client.genesis()
    except TiezhengError:
        return
    if served.hash != trusted.hash:
        raise UsageError(
            f"the node at {url} serves chain {served.chain_code} (id {served.chain_id}, genesis "
            f"{served.hash.hex()[:16]}…), not the chain of this genesis ({trusted.chain_code}, id "
            f"{trusted.chain_id}, genesis {trusted.hash.hex()[:16]}…), and its head is not sealed by this genesis's "
            "validators: check --node and --genesis",
            code="wrong-chain",
        )


def _save_conflict(path: Path, head: Checkpoint) -> Path:
    conflict = path.with_name(f"{path.name}.conflict-{head.height}{FILE_SUFFIX}")
    if not conflict.exists():
        write_new_file(str(conflict), head.to_cbor(), "conflicting head")
    return conflict


def _report(args: argparse.Namespace, outcome: str, message: str, kept: Checkpoint | None, head: Checkpoint) -> int:
    passed = outcome in ("first", "append-only")
    if args.json:
        document = {
            "append_only": passed,
            "outcome": outcome,
            "message": message,
            "checkpoint": _summary(kept) if kept is not None else None,
            "head": _summary(head),
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    else:
        before = f"block {kept.height} ({kept.size} records)" if kept is not None else "nothing"
        after = f"block {head.height} ({head.size} records)"
        verdict = "APPEND-ONLY" if passed else "NOT APPEND-ONLY"
        print(f"{verdict}  {before} → {after}: {message}" + ("" if passed else f" [{outcome}]"))
    return EXIT_OK if passed else EXIT_NEGATIVE


def _summary(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "height": checkpoint.height,
        "size": checkpoint.size,
        "root": checkpoint.root.hex(),
        "time": checkpoint.header.time,
    }
