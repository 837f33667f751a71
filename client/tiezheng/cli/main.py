"""``tiezheng``: hash, keys and signatures; anchor records on a node; verify receipts offline.

Exit status: 0 success (or VALID), 1 a negative verdict (INVALID, bad signature),
2 bad usage, unreadable input, or no verdict (UNDECIDED: a receipt in a format newer than
this release reads). Errors are one line on standard error.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Final, NoReturn

import httpx

from .. import __version__
from ..errors import TiezhengError
from ..gm import BackendUnavailable
from ..schema import is_utf8
from . import admin, audit, online, process
from .common import EXIT_OK, EXIT_USAGE, NotUtf8, shown
from .offline import (
    cmd_hash,
    cmd_keys_import,
    cmd_keys_new,
    cmd_keys_public,
    cmd_sign,
    cmd_verify,
    cmd_verify_sig,
    render_error_json,
)

Handler = Callable[[argparse.Namespace], int]

#: Arguments that name files: a file name may hold any bytes, text arguments only UTF-8.
FILE_ARGUMENTS: Final = frozenset(
    {"paths", "file", "out", "pem", "keyfile", "key", "signature", "pubkey", "receipt", "genesis", "admin_key",
     "public_key", "checkpoint"}
)  # fmt: skip


def refuse_undecodable_text(args: argparse.Namespace) -> None:
    """Refuse a text argument (an agency code, an evidence ID, a stage) holding bytes the locale could not decode,
    naming it, before it reaches a statement or a request as a confusing refusal of its own."""
    for name, value in vars(args).items():
        if name in FILE_ARGUMENTS:
            continue
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and not is_utf8(item) for item in values):
            raise NotUtf8(f"the {name.replace('_', '-')} given is not UTF-8 text (the locale could not decode it)")


class _ArgumentsRefused(Exception):
    """argparse refused the command line: ``main`` reports it (one line, exit status 2)."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors raised for ``main`` to report as one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise _ArgumentsRefused(self.prog, message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tiezheng",
        description="Tiezheng (铁证) evidence notarization: SM3 hashing, SM2 keys and signatures, "
        "and offline verification of receipts against a chain's genesis.",
    )
    parser.add_argument("--version", action="version", version=f"tiezheng {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    hash_ = commands.add_parser("hash", help="print the SM3 digest of files (streamed; any size)")
    hash_.add_argument("paths", nargs="+", metavar="PATH")
    hash_.set_defaults(handler=cmd_hash)

    keys = commands.add_parser("keys", help="create, import and show SM2 keys (encrypted at rest)")
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="KEYS_COMMAND", parser_class=_Parser)
    new = key_commands.add_parser("new", help="generate an SM2 key into an encrypted keystore file")
    new.add_argument("--out", required=True, metavar="FILE")
    new.add_argument("--label", default="", help="a name stored with the key (not secret)")
    new.set_defaults(handler=cmd_keys_new)
    import_ = key_commands.add_parser("import", help="encrypt a PEM private key (openssl genpkey -algorithm SM2)")
    import_.add_argument("pem", metavar="PEM")
    import_.add_argument("--out", required=True, metavar="FILE")
    import_.add_argument("--label", default="")
    import_.set_defaults(handler=cmd_keys_import)
    public = key_commands.add_parser(
        "public", help="show the public key and key id of a keystore's private key (asks its passphrase)"
    )
    public.add_argument("keyfile", metavar="FILE")
    public.add_argument("--pem", action="store_true", help="print the public key as PEM")
    public.set_defaults(handler=cmd_keys_public)

    sign = commands.add_parser("sign", help="write a detached DER SM2 signature of a file")
    sign.add_argument("file", metavar="FILE")
    sign.add_argument("--key", required=True, metavar="KEYFILE")
    sign.add_argument("--out", required=True, metavar="SIG")
    sign.set_defaults(handler=cmd_sign)

    verify_sig = commands.add_parser("verify-sig", help="check a detached SM2 signature of a file")
    verify_sig.add_argument("file", metavar="FILE")
    verify_sig.add_argument("signature", metavar="SIG")
    verify_sig.add_argument("--pubkey", required=True, metavar="PEM", help="public key: PEM, DER or hex point")
    verify_sig.set_defaults(handler=cmd_verify_sig)

    verify = commands.add_parser(
        "verify",
        help="verify a record and its receipt offline against a genesis",
        description="Checks every link from the file's SM3 digest to a quorum of validator seals, "
        "trusting only the genesis. Needs no network. One record per run: loop in the shell for several.",
    )
    verify.add_argument("file", nargs="?", metavar="FILE", help="the record (omit it with --digest)")
    verify.add_argument("receipt", metavar="RECEIPT", help="its receipt (.tzr, or its JSON rendering)")
    verify.add_argument("--genesis", required=True, metavar="GENESIS")
    verify.add_argument("--digest", metavar="HEX", help="the record's SM3 digest, instead of the file")
    verify.add_argument(
        "--json", action="store_true", help="print the verdict as JSON (errors too, with valid false and error)"
    )
    verify.set_defaults(handler=cmd_verify)

    online.add_commands(commands)
    process.add_commands(commands)
    admin.add_commands(commands)
    audit.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A file name the locale cannot decode is printed as the bytes it is, as sha256sum prints it, not refused
        # mid-run: `anchor` prints each ID beside its file once the node has accepted the records.
        sys.stdout.reconfigure(errors="surrogateescape")
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
    except _ArgumentsRefused as refused:
        message = refused.message
        if arguments[:1] == ["verify"] and "--digest" in arguments and message.startswith("unrecognized arguments"):
            message = "with --digest give only the RECEIPT, not the FILE"
        sys.stderr.write(f"{refused.prog}: error: {shown(message)} (see {refused.prog} --help) [usage]\n")
        if arguments[:1] == ["verify"] and "--json" in arguments:
            sys.stdout.write(render_error_json("usage", message))
        return EXIT_USAGE
    handler: Handler = args.handler
    try:
        refuse_undecodable_text(args)
    except NotUtf8 as exc:
        sys.stderr.write(f"tiezheng: error: {exc.message} [{exc.code}]\n")
        if handler is cmd_verify and args.json:
            sys.stdout.write(render_error_json(exc.code, exc.message))
        return EXIT_USAGE
    try:
        return handler(args)
    except TiezhengError as exc:
        sys.stderr.write(f"tiezheng: error: {shown(exc.message)} [{exc.code}]\n")
        return EXIT_USAGE
    except BackendUnavailable as exc:
        sys.stderr.write(f"tiezheng: error: no SM2/SM3 backend: {exc} [backend-unavailable]\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("tiezheng: interrupted [interrupted]\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file that vanished or cannot be written half way: still a reason, not a bug
        where = f" {shown(os.fsdecode(exc.filename))}" if exc.filename else ""
        sys.stderr.write(f"tiezheng: error: cannot access{where}: {exc.strerror or exc} [io-error]\n")
        return EXIT_USAGE
    except httpx.HTTPError as exc:
        sys.stderr.write(f"tiezheng: error: cannot reach the node: {exc} [unreachable]\n")
        return EXIT_USAGE
    except Exception as exc:  # a bug: still one line, unless debugging
        if isinstance(exc, UnicodeEncodeError) and "surrogates not allowed" in exc.reason:
            # The locale could not decode an argument given as text: Python keeps such bytes as
            # surrogates, which no statement, keystore or URL can hold. Not a bug, a refusal.
            sys.stderr.write("tiezheng: error: an argument given as text is not UTF-8 [not-utf8]\n")
            return EXIT_USAGE
        if os.environ.get("TIEZHENG_DEBUG"):
            raise
        reason = " ".join(str(exc).split())[:300]
        sys.stderr.write(
            f"tiezheng: internal error: {type(exc).__name__}: {reason} (set TIEZHENG_DEBUG=1 for details) [internal]\n"
        )
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
