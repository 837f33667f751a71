"""``tiezheng-node``: run a dev chain, or initialise and run a node from a genesis and a validator key.

    tiezheng-node dev  [--data DIR] [--host H] [--port P]   create (first run) and serve a one-validator dev chain
    tiezheng-node genesis --chain-id N --chain-code C --validator NAME PEM --admin ADDRESS --out FILE
                                                            write a new network's genesis from its members' keys
    tiezheng-node init --genesis FILE [--data DIR]           create a node's store from a genesis file
    tiezheng-node run  [--data DIR] [--validator-key FILE]   serve a node initialised with init

Exit status 0 on a clean shutdown, 2 for bad usage or input that cannot be read.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from tiezheng import files
from tiezheng.errors import TiezhengError
from tiezheng.genesis import Genesis, read_genesis_file
from tiezheng.gm import SM2PrivateKey, SM2PublicKey, keystore
from tiezheng.gm.backend import BackendUnavailable
from tiezheng.schema import is_utf8
from tiezheng.statement import AGENCY_CODE

from . import __version__, logging_setup
from .data_lock import lock_data_directory
from .devnet import DEV_AGENCY_CODE, DEV_PASSPHRASE, DEV_SUPERVISION_CODE, WARNING, DevLayout, create_devnet, tidy
from .evidence.pending import DEFAULT_MAX_PENDING
from .genesis_command import add_parser as add_genesis_parser
from .genesis_command import cmd_genesis
from .process.library import WorkflowLibrary
from .process.supervision import DEFAULT_WARN_AT, Supervision
from .store import StoreError

# The execution layer, the API and uvicorn are imported inside the commands that
# serve, after key decryption has started (see _unlock): a node restart then
# costs the longer of the two, not their sum.

DEFAULT_DEV_DIR = ".tiezheng-dev"
DEFAULT_DEV_BLOCK_INTERVAL_MS = 1000
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8545
#: How long a stopping server lets open requests finish (a submission waiting for its block, say).
DEFAULT_SHUTDOWN_GRACE_SECONDS: Final = 5
#: The longest grace --shutdown-grace may ask for: a stop that waits longer looks hung.
MAX_SHUTDOWN_GRACE_SECONDS: Final = 600
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help) [usage]\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tiezheng-node", description="The Tiezheng node.")
    parser.add_argument("--version", action="version", version=f"tiezheng-node {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def serving(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--public-url",
            type=_public_url,
            default=None,
            metavar="URL",
            help="where readers reach this node (behind a proxy); certificates link there (default: the address "
            "the reader's connection reached, never the request's Host header)",
        )
        sub.add_argument(
            "--max-pending-records",
            type=int,
            default=DEFAULT_MAX_PENDING,
            metavar="N",
            help=f"records waiting for a block before submissions get 429 (default {DEFAULT_MAX_PENDING:,})",
        )
        sub.add_argument(
            "--admission-workers",
            type=int,
            default=None,
            metavar="N",
            help="worker processes checking large batch envelopes (default: 1 with two or more cores, else 0)",
        )
        sub.add_argument(
            "--workflow-dir",
            type=Path,
            action="append",
            default=[],
            metavar="DIR",
            help="more workflow templates (*.workflow.json) and calendars (*.calendar.json); repeatable",
        )
        sub.add_argument(
            "--warn-at",
            type=float,
            default=DEFAULT_WARN_AT,
            metavar="FRACTION",
            help=f"warn supervisors when this share of a time limit has passed (default {DEFAULT_WARN_AT}; 0: never)",
        )
        sub.add_argument(
            "--shutdown-grace",
            type=float,
            default=DEFAULT_SHUTDOWN_GRACE_SECONDS,
            metavar="SECONDS",
            help="on SIGTERM or Ctrl-C, how long open requests may still finish "
            f"(default {DEFAULT_SHUTDOWN_GRACE_SECONDS}); event streams end at once, and what is committed is on disk",
        )
        sub.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
        sub.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
        sub.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-v info, -vv debug)")

    dev = commands.add_parser("dev", help="create on first run, then serve, a one-validator dev chain")
    dev.add_argument(
        "--data", type=_data_dir, default=Path(DEFAULT_DEV_DIR), metavar="DIR", help=f"default {DEFAULT_DEV_DIR}"
    )
    dev.add_argument(
        "--block-interval-ms",
        type=int,
        default=None,
        metavar="MS",
        help=f"block interval of a new dev chain (default {DEFAULT_DEV_BLOCK_INTERVAL_MS}); a chain keeps its own",
    )
    serving(dev)
    dev.set_defaults(handler=cmd_dev)

    add_genesis_parser(commands).set_defaults(handler=cmd_genesis)

    init = commands.add_parser("init", help="create a node's store from a genesis file")
    init.add_argument("--genesis", type=Path, required=True, metavar="FILE")
    init.add_argument("--data", type=_data_dir, default=Path("tiezheng-data"), metavar="DIR")
    init.set_defaults(handler=cmd_init)

    run = commands.add_parser("run", help="serve a node created with init")
    run.add_argument("--data", type=_data_dir, default=Path("tiezheng-data"), metavar="DIR")
    run.add_argument(
        "--validator-key",
        type=Path,
        metavar="FILE",
        help="SM2 keystore of this validator (passphrase: $TIEZHENG_PASSPHRASE)",
    )
    run.add_argument(
        "--supervision-key",
        type=Path,
        metavar="FILE",
        help="SM2 keystore this node signs overdue alerts with (passphrase: $TIEZHENG_PASSPHRASE)",
    )
    run.add_argument(
        "--supervision-agency",
        type=_agency_code,
        metavar="CODE",
        help="the agency code the supervision key is registered under in AgencyRegistry",
    )
    serving(run)
    run.set_defaults(handler=cmd_run)
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range")
    return port


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except TiezhengError as exc:
        sys.stderr.write(f"tiezheng-node: error: {exc.message} [{exc.code}]\n")
        return EXIT_USAGE
    except (StoreError, BackendUnavailable) as exc:
        code = exc.code if isinstance(exc, StoreError) else "backend-unavailable"
        sys.stderr.write(f"tiezheng-node: error: {exc} [{code}]\n")
        return EXIT_USAGE
    except OSError as exc:  # a data directory that is a file, unwritable, on a full disk…
        where = f": {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"tiezheng-node: error: {exc.strerror or exc}{where} [os-error]\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # a fault of this program: one line, the traceback only when asked for
        if os.environ.get("TIEZHENG_DEBUG"):
            raise
        sys.stderr.write(
            f"tiezheng-node: internal error: {type(exc).__name__}: {str(exc)[:300]} "
            "(TIEZHENG_DEBUG=1 shows where) [internal]\n"
        )
        return EXIT_USAGE


def cmd_dev(args: argparse.Namespace) -> int:
    logging_setup.configure(args.verbose)
    options = _serving_options(args)
    if args.block_interval_ms is not None and not 50 <= args.block_interval_ms <= 3_600_000:
        raise StoreError("--block-interval-ms must lie in [50, 3600000]", code="usage")
    listener = _listen(args.host, args.port)
    with lock_data_directory(args.data, create=True):
        return _serve_dev(args, options, listener)


def _refuse_a_lost_store(data: Path, otherwise: str) -> None:
    """A data directory set up for a chain whose store (``chain/``) is gone: a lost mount, a restore that left it
    out. Opening it would start the chain again at block 0, and a validator seal a second history over the
    heights the first already sealed."""
    if not (data / "chain").exists():
        raise StoreError(
            f"{data} was set up for a chain but holds no store ({data / 'chain'} is missing): restore it from a "
            f"backup; only if this directory never served a block, start it anew with {otherwise}"
        )


def _serve_dev(args: argparse.Namespace, options: dict[str, Any], listener: socket.socket) -> int:
    layout = DevLayout(args.data)
    first_run = not layout.exists()
    if first_run:
        if (args.data / "chain").exists() and not layout.accounts.exists() and not layout.keys.exists():
            # Nothing of a dev directory but the chain: one made by init, for run.
            raise StoreError(
                f"{args.data} holds a chain initialised with init, not a dev chain: serve it with "
                f"tiezheng-node run --data {args.data}"
            )
        if (args.data / "chain").exists():
            missing = ", ".join(str(p) for p in layout.required() if not p.exists())
            raise StoreError(
                f"{args.data} holds a dev chain but {missing} is missing; restore it, or use another --data directory"
            )
        create_devnet(args.data, block_interval_ms=args.block_interval_ms or DEFAULT_DEV_BLOCK_INTERVAL_MS)
    else:
        _refuse_a_lost_store(args.data, "another --data directory for a new dev chain")
        tidy(args.data)
    keys = [layout.validator_key]
    if layout.supervision_key.exists():
        keys.append(layout.supervision_key)
    genesis = Genesis.load(layout.genesis)
    _check_block_interval(genesis, args.block_interval_ms)
    unlocked = _unlock([(path, DEV_PASSPHRASE) for path in keys])
    from .node import Node
    from .server import serve

    validator, *supervision_keys = unlocked()
    supervision = Supervision(supervision_keys[0], DEV_SUPERVISION_CODE) if supervision_keys else None
    node = Node(args.data, genesis, validator, supervision=supervision, **options)
    url = f"http://{_display_host(args.host)}:{listener.getsockname()[1]}"
    state = "new" if first_run else f"continuing at block {node.head.height}"
    alerts = (
        f"signed by {supervision.agency}, key {supervision.key.public_key().key_id.hex()[:16]}… ({url}/v1/supervision)"
        if supervision is not None
        else "off (this data directory has no supervision key)"
    )
    print(
        f"""Tiezheng dev node — chain {genesis.chain_code} (chain id {genesis.chain_id}), {state}

  explorer      {url}/
  verify        {url}/verify
  matters       {url}/matters
  alerts        {alerts}
  REST API      {url}/v1  (the tiezheng command's --node {url})
  JSON-RPC      {url}/rpc
  health        {url}/healthz
  API docs      {url}/docs
  data          {args.data.resolve()}
  genesis       {layout.genesis.resolve()}
  agency key    {layout.agency_key.resolve()}  (--agency {DEV_AGENCY_CODE})
  dev accounts  {layout.accounts.resolve()}  (the keys' passphrase, the admin's EVM key)

  !! {WARNING}
""",
        flush=True,
    )
    return serve(node, listener, public_url=args.public_url, shutdown_grace=args.shutdown_grace)


def _check_block_interval(genesis: Genesis, requested: int | None) -> None:
    """Refuse a --block-interval-ms the chain's genesis contradicts, rather than silently ignore it."""
    execution = genesis.document.get("execution")
    fixed = execution.get("block_interval_ms", DEFAULT_DEV_BLOCK_INTERVAL_MS) if isinstance(execution, dict) else None
    if requested is not None and requested != fixed:
        raise StoreError(
            f"this chain's genesis fixes the block interval at {fixed} ms; --block-interval-ms {requested} "
            "applies only to a new chain: leave it out, or give a new --data directory"
        )


def cmd_init(args: argparse.Namespace) -> int:
    document = read_genesis_file(args.genesis)
    genesis = Genesis.from_json(document)  # the bytes checked are the bytes kept
    from eth.db.atomic import AtomicDB

    from .execution.genesis import NodeGenesis

    # Built once in memory first, so a genesis the chain cannot start from leaves no directory behind.
    NodeGenesis.from_protocol(genesis).build_state(AtomicDB())
    target = args.data / "genesis.json"
    with lock_data_directory(args.data, create=True):
        already = target.exists() and (args.data / "chain").exists()
        if target.exists() and Genesis.load(target).hash != genesis.hash:
            raise StoreError(f"{args.data} was initialised with another genesis")
        from .node import Node

        # The store first, which refuses another chain's, then the genesis file beside it: a refused
        # init leaves the directory as it was, and one interrupted between the two is simply run again.
        node = Node(args.data, genesis, None)
        try:
            if not target.exists():
                files.write_new(target, document, mode=0o644)
            done = "already initialised" if already else "initialised"
            print(f"{done} {args.data}: chain {genesis.chain_code} (id {genesis.chain_id}), block {node.head.height}")
        finally:
            node.close()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    logging_setup.configure(args.verbose)
    options = _serving_options(args)
    genesis_path = args.data / "genesis.json"
    if not genesis_path.exists():
        raise StoreError(f"{args.data} is not initialised: run tiezheng-node init --genesis FILE --data {args.data}")
    _refuse_a_lost_store(args.data, f"tiezheng-node init --genesis {genesis_path} --data {args.data}")
    if (args.supervision_key is None) != (args.supervision_agency is None):
        raise StoreError("give --supervision-key and --supervision-agency together", code="usage")
    keys: list[tuple[Path, str]] = []
    if args.validator_key is not None:
        keys.append((args.validator_key, _passphrase("the validator keystore")))
    if args.supervision_key is not None:
        keys.append((args.supervision_key, _passphrase("the supervision keystore")))
    # Read: the processes the node starts (its admission workers) need not inherit the secret.
    os.environ.pop("TIEZHENG_PASSPHRASE", None)
    genesis = Genesis.load(genesis_path)
    listener = _listen(args.host, args.port)
    with lock_data_directory(args.data, create=False):
        return _serve(args, options, genesis, keys, listener)


def _serve(
    args: argparse.Namespace,
    options: dict[str, Any],
    genesis: Genesis,
    keys: list[tuple[Path, str]],
    listener: socket.socket,
) -> int:
    unlocked = _unlock(keys)
    from .node import Node
    from .server import serve

    found = iter(unlocked())
    validator = next(found) if args.validator_key is not None else None
    supervision = Supervision(next(found), args.supervision_agency) if args.supervision_key is not None else None
    node = Node(args.data, genesis, validator, supervision=supervision, **options)
    url = f"http://{_display_host(args.host)}:{listener.getsockname()[1]}"
    print(f"Tiezheng node — chain {genesis.chain_code}, block {node.head.height}, {url}/rpc", flush=True)
    if supervision is None and validator is not None:
        # Deadlines pass unannounced on such a chain: said at the start, not discovered when one is missed.
        sys.stderr.write(
            "tiezheng-node: warning: no --supervision-key: this validator raises no overdue alerts "
            "(deadlines are computed and shown, but nobody is alerted)\n"
        )
    unregistered = _unregistered_supervision(node, supervision)
    if unregistered is not None:
        # Not a refusal: an admin may register the agency once the node runs. Said now, not first when
        # a deadline passes and the chain refuses the alert.
        sys.stderr.write(f"tiezheng-node: warning: {unregistered}; until it is, overdue alerts are refused\n")
    return serve(node, listener, public_url=args.public_url, shutdown_grace=args.shutdown_grace)


def _unregistered_supervision(node: Any, supervision: Supervision | None) -> str | None:
    """Why the chain would refuse this node's alerts now, or None (no supervision, or registered as given)."""
    if supervision is None:
        return None
    found = node.registry.agency(supervision.agency, node.head.execution)
    if found is None or not found.active:
        return f"the supervision agency {supervision.agency} is not an active agency on this chain"
    try:
        registered = SM2PublicKey.from_bytes(found.public_key).key_id
    except (TiezhengError, ValueError):
        registered = None  # a key the registry holds but no point: no key of ours is it
    if registered != supervision.key.public_key().key_id:
        return f"the supervision key is not the key agency {supervision.agency} is registered with"
    return None


def _unlock(keystores: Sequence[tuple[Path, str]]) -> Callable[[], list[SM2PrivateKey]]:
    """Start decrypting ``keystores`` (path, passphrase) on a worker thread; the result reads the keys.

    Each keystore's KDF (PBKDF2-HMAC-SM3, 600,000 rounds by default) takes about
    a second, in OpenSSL with the GIL released, while importing py-evm, FastAPI
    and the node takes a core for two or three: side by side they overlap. The
    keys are read one after another on one thread so that, on two cores, the
    imports keep a core to themselves. A keystore that fails to open raises its
    error from the result. The thread is a daemon: a start that fails or is
    interrupted before the keys are needed exits without waiting for the KDF.
    """
    pending: Future[list[SM2PrivateKey]] = Future()

    def load(path: Path, passphrase: str) -> SM2PrivateKey:
        try:
            return keystore.load(path, passphrase)
        except TiezhengError as exc:
            if str(path) in exc.message:
                raise
            # Two keystores (the validator's, the supervision office's) share one passphrase: say which failed.
            raise type(exc)(f"{path}: {exc.message}", code=exc.code) from None

    def work() -> None:
        try:
            pending.set_result([load(path, passphrase) for path, passphrase in keystores])
        except BaseException as exc:  # handed to the reader, who raises it
            pending.set_exception(exc)

    threading.Thread(target=work, name="keystore", daemon=True).start()
    return pending.result


def _listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound before anything is printed: a taken port or a bad host is a plain error."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        # "localhost" often lists ::1 first; clients mostly try 127.0.0.1, so IPv4 is preferred as uvicorn does.
        found.sort(key=lambda entry: entry[0] != socket.AF_INET)
        family, kind, protocol, _, address = found[0]
        listener = socket.socket(family, kind, protocol)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as exc:
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", code="cannot-listen") from None
    return listener


#: A file holding the keystores' passphrase (a container's secret, /run/secrets/…), read instead of the variable.
PASSPHRASE_FILE_ENV: Final = "TIEZHENG_PASSPHRASE_FILE"
MAX_PASSPHRASE_FILE: Final = 4096


def _passphrase(what: str) -> str:
    source = os.environ.get(PASSPHRASE_FILE_ENV)
    if source:
        try:
            with files.open_regular(source) as handle:
                data = handle.read(MAX_PASSPHRASE_FILE + 1)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StoreError(f"cannot read ${PASSPHRASE_FILE_ENV} {source}: {reason}", code="unreadable") from None
        if len(data) > MAX_PASSPHRASE_FILE:
            raise StoreError(f"${PASSPHRASE_FILE_ENV} {source} is not a passphrase file (over 4 KiB)", code="usage")
        try:
            passphrase = data.decode().removesuffix("\n").removesuffix("\r")  # one line, as echo writes it
        except UnicodeDecodeError:
            raise StoreError(f"${PASSPHRASE_FILE_ENV} {source} is not UTF-8 text", code="usage") from None
        if not passphrase:
            raise StoreError(f"${PASSPHRASE_FILE_ENV} {source} is empty", code="usage")
        return passphrase
    passphrase = os.environ.get("TIEZHENG_PASSPHRASE")
    if not passphrase:
        raise StoreError(
            f"set TIEZHENG_PASSPHRASE (or ${PASSPHRASE_FILE_ENV}, a file holding it) to {what}'s passphrase",
            code="usage",
        )
    if not is_utf8(passphrase):
        raise StoreError("TIEZHENG_PASSPHRASE is not UTF-8 text, as every keystore's passphrase is", code="usage")
    return passphrase


def _data_dir(text: str) -> Path:
    """A --data directory: LevelDB takes UTF-8 paths only, so a name that is none is refused before anything is made."""
    if not text or not is_utf8(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a UTF-8 path, which LevelDB needs: choose another name")
    return Path(text)


def _agency_code(text: str) -> str:
    if not AGENCY_CODE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an agency code ({AGENCY_CODE.pattern})")
    return text


def _serving_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options ``dev`` and ``run`` share, checked before anything slow starts, as keyword arguments of Node."""
    if args.max_pending_records < 1:
        raise StoreError("--max-pending-records must be at least 1", code="usage")
    if args.admission_workers is not None and not 0 <= args.admission_workers <= 64:
        raise StoreError("--admission-workers must lie in [0, 64]", code="usage")
    if not 0 <= args.warn_at < 1:
        raise StoreError("--warn-at must lie in [0, 1)", code="usage")
    if not 0 <= args.shutdown_grace <= MAX_SHUTDOWN_GRACE_SECONDS:
        raise StoreError(f"--shutdown-grace must lie in [0, {MAX_SHUTDOWN_GRACE_SECONDS}] seconds", code="usage")
    return {
        "max_pending_records": args.max_pending_records,
        "admission_workers": args.admission_workers,
        # Read now, so a folder or file that cannot be used is refused before a dev chain is made.
        "workflows": WorkflowLibrary(args.workflow_dir),
        "warn_at": args.warn_at,
    }


def _public_url(text: str) -> str:
    """A base URL for --public-url: http(s), a host, no credentials, query or fragment; no trailing slash."""
    parsed = urlsplit(text)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// URL with a host")
    if parsed.username or parsed.password or parsed.query or parsed.fragment:
        raise argparse.ArgumentTypeError("the public URL takes no user name, password, query or fragment")
    try:
        parsed.port  # noqa: B018 (reading it checks it)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} has a port that is not a number in [0, 65535]") from None
    return text.rstrip("/")


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else host


if __name__ == "__main__":
    raise SystemExit(main())
