"""``tiezheng``: hash, keys, signatures and offline verification of receipts.

Exit status: 0 success (or VALID), 1 a negative verdict (INVALID, bad signature),
2 bad usage or unreadable input. Errors are one line on standard error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from .. import __version__
from ..errors import TiezhengError
from ..genesis import Genesis
from ..gm import SM2PrivateKey, SM2PublicKey, keystore, sm3_file
from ..verifier import Verdict, verify_receipt_file
from .common import EXIT_NEGATIVE, EXIT_OK, EXIT_USAGE, fail, passphrase, read_file, write_new_file

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


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
    public = key_commands.add_parser("public", help="show a keystore's public key and key id (no passphrase)")
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
        "trusting only the genesis. Needs no network.",
    )
    verify.add_argument(
        "paths", nargs="+", metavar="[FILE] RECEIPT", help="the record (omit with --digest) and its receipt"
    )
    verify.add_argument("--genesis", required=True, metavar="GENESIS")
    verify.add_argument("--digest", metavar="HEX", help="the record's SM3 digest, instead of the file")
    verify.add_argument("--json", action="store_true", help="print the verdict as JSON")
    verify.set_defaults(handler=cmd_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except TiezhengError as exc:
        sys.stderr.write(f"tiezheng: error: {exc.message} [{exc.code}]\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("tiezheng: interrupted\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: still one line, unless debugging
        if os.environ.get("TIEZHENG_DEBUG"):
            raise
        sys.stderr.write(f"tiezheng: internal error: {type(exc).__name__}: {exc} (set TIEZHENG_DEBUG=1 for details)\n")
        return EXIT_USAGE


# hash


def cmd_hash(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.paths:
        if os.path.isdir(path):
            sys.stderr.write(f"tiezheng: error: {path} is a directory\n")
            status = EXIT_USAGE
            continue
        try:
            digest = sm3_file(path)
        except OSError as exc:
            sys.stderr.write(f"tiezheng: error: cannot read {path}: {exc.strerror}\n")
            status = EXIT_USAGE
            continue
        sys.stdout.write(f"{digest.hex()}  {path}\n")
    return status


# keys


def cmd_keys_new(args: argparse.Namespace) -> int:
    _refuse_existing(args.out)
    key = SM2PrivateKey.generate()
    keystore.save(args.out, key, passphrase(confirm=True), label=args.label)
    _print_public(key.public_key(), args.out)
    return EXIT_OK


def cmd_keys_import(args: argparse.Namespace) -> int:
    _refuse_existing(args.out)
    key = SM2PrivateKey.from_pem(read_file(args.pem, "PEM key", limit=64 * 1024))
    keystore.save(args.out, key, passphrase(confirm=True), label=args.label)
    _print_public(key.public_key(), args.out)
    return EXIT_OK


def cmd_keys_public(args: argparse.Namespace) -> int:
    info = keystore.inspect(read_file(args.keyfile, "keystore", limit=keystore.MAX_FILE_SIZE + 1))
    if args.pem:
        sys.stdout.write(info.public_key.to_pem().decode("ascii"))
    else:
        _print_public(info.public_key, args.keyfile, label=info.label)
    return EXIT_OK


def _refuse_existing(path: str) -> None:
    if os.path.exists(path):
        fail(f"{path} already exists; not overwriting a key")


def _print_public(public: SM2PublicKey, path: str, label: str = "") -> None:
    sys.stdout.write(f"keystore    {path}\n")
    if label:
        sys.stdout.write(f"label       {label}\n")
    sys.stdout.write(f"public key  {public.to_bytes().hex()}\n")
    sys.stdout.write(f"key id      {public.key_id.hex()}\n")


# signatures


def cmd_sign(args: argparse.Namespace) -> int:
    message = read_file(args.file, "file")
    if os.path.exists(args.out):
        fail(f"{args.out} already exists; not overwriting the signature")
    key = keystore.load(args.key, passphrase())
    write_new_file(args.out, key.sign(message), "signature")
    sys.stdout.write(f"signed {args.file} with key {key.public_key().key_id.hex()[:16]}…: {args.out}\n")
    return EXIT_OK


def cmd_verify_sig(args: argparse.Namespace) -> int:
    public = _load_public_key(args.pubkey)
    signature = read_file(args.signature, "signature", limit=4096)
    message = read_file(args.file, "file")
    if public.verify(message, signature):
        sys.stdout.write(f"Signature OK (key id {public.key_id.hex()})\n")
        return EXIT_OK
    sys.stdout.write(f"Signature INVALID for {args.file} under key id {public.key_id.hex()}\n")
    return EXIT_NEGATIVE


def _load_public_key(path: str) -> SM2PublicKey:
    try:
        return SM2PublicKey.load(path)
    except OSError as exc:
        fail(f"cannot read public key {path}: {exc.strerror}")


# verify


def cmd_verify(args: argparse.Namespace) -> int:
    if len(args.paths) > 2:
        fail("give FILE RECEIPT, or --digest HEX RECEIPT")
    if args.digest is not None:
        if len(args.paths) != 1:
            fail("with --digest give only the RECEIPT")
        record, receipt_path = None, args.paths[0]
        try:
            digest: bytes | None = bytes.fromhex(args.digest)
        except ValueError:
            fail("--digest must be hex")
        if len(digest) != 32:
            fail("--digest must be 32 bytes (64 hex digits) of SM3")
    else:
        if len(args.paths) != 2:
            fail("give FILE RECEIPT (or --digest HEX RECEIPT)")
        (record, receipt_path), digest = args.paths, None
        if not os.path.isfile(record):
            fail(f"cannot read file {record}: not a readable file")
    if not os.path.isfile(receipt_path):
        fail(f"cannot read receipt {receipt_path}: not a readable file")
    genesis = Genesis.load(args.genesis)
    verdict = verify_receipt_file(receipt_path, genesis, record=record, digest=digest)
    if verdict.failed is not None and verdict.failed.name == "receipt":
        fail(f"{receipt_path} is not a readable receipt: {verdict.failed.detail}")
    sys.stdout.write(render_verdict_json(verdict) if args.json else render_verdict(verdict))
    return EXIT_OK if verdict.valid else EXIT_NEGATIVE


def render_verdict(verdict: Verdict) -> str:
    lines = []
    if verdict.valid:
        statement, header = verdict.statement, verdict.header
        assert statement is not None and header is not None
        lines.append(f"VALID  {verdict.evidence_id}")
        lines.append(f"  agency     {statement.agency}")
        lines.append(f"  kind       {statement.kind}" + (f" / {statement.stage}" if statement.stage else ""))
        lines.append(f"  record     SM3 {statement.digest.hex()}")
        lines.append(f"  anchored   block {header.height} at {_time(header.time)} (chain time)")
        lines.append(f"  claimed    {_time(statement.time)} (agency time)")
        lines.append(f"  sealed by  {', '.join(verdict.sealed_by)}")
    else:
        failed = verdict.failed
        assert failed is not None
        lines.append(f"INVALID  failed check: {failed.name} — {failed.detail}")
    lines.append("checks:")
    for check in verdict.checks:
        lines.append(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
    return "\n".join(lines) + "\n"


def render_verdict_json(verdict: Verdict) -> str:
    statement, header = verdict.statement, verdict.header
    document = {
        "valid": verdict.valid,
        "evidence_id": verdict.evidence_id,
        "failed": verdict.failed.name if verdict.failed else None,
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in verdict.checks],
        "agency": statement.agency if statement else None,
        "kind": statement.kind if statement else None,
        "digest": statement.digest.hex() if statement else None,
        "block": header.height if header else None,
        "block_time": header.time if header else None,
        "sealed_by": list(verdict.sealed_by),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _time(milliseconds: int) -> str:
    moment = datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


if __name__ == "__main__":
    raise SystemExit(main())
