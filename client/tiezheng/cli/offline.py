"""The offline commands: hash, keys, sign, verify-sig, verify. None of them touches the network."""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
from datetime import UTC, datetime
from typing import Final

from ..errors import KeystoreError, TiezhengError
from ..files import open_regular
from ..genesis import Genesis
from ..gm import SM2PrivateKey, SM2PublicKey, file_chunks, keystore, sm3_file
from ..gm.sm2 import MAX_KEY_FILE_SIZE
from ..gm.sm3 import CHUNK_SIZE
from ..protocol_objects import MAX_SIGNED_OBJECT, signed_object_kind
from ..receipt import Receipt
from ..schema import shown_safely
from ..verifier import UNSUPPORTED, Check, Verdict, verify_receipt
from .common import (
    EXIT_NEGATIVE,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    check_new_file,
    check_readable,
    fail,
    passphrase,
    read_file,
    shown,
    unreadable,
    write_new_file,
)

# hash


def cmd_hash(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.paths:
        try:
            digest = sm3_file(path)
        except OSError as exc:  # one line each, and the other files still hashed, as sha256sum does
            refusal = unreadable("file", path, exc)
            sys.stderr.write(f"tiezheng: error: {shown(refusal.message)} [{refusal.code}]\n")
            status = EXIT_USAGE
            continue
        sys.stdout.write(f"{digest.hex()}  {path}\n")
    return status


# keys


def cmd_keys_new(args: argparse.Namespace) -> int:
    _check_new_keystore(args.out, args.label)
    key = SM2PrivateKey.generate()
    keystore.save(args.out, key, passphrase(confirm=True), label=args.label)
    _print_public(key.public_key(), args.out)
    return EXIT_OK


def cmd_keys_import(args: argparse.Namespace) -> int:
    _check_new_keystore(args.out, args.label)
    key = SM2PrivateKey.from_pem(read_file(args.pem, "PEM key", limit=64 * 1024))
    keystore.save(args.out, key, passphrase(confirm=True), label=args.label)
    _print_public(key.public_key(), args.out)
    return EXIT_OK


def cmd_keys_public(args: argparse.Namespace) -> int:
    """The public key of the private key a keystore seals, never its unauthenticated public_key field alone.

    Its --pem output is what an admin registers an agency with: a keystore whose public_key and key_id were
    swapped for another's must not print that other key. Only the passphrase proves which key is sealed.
    """
    data = read_file(args.keyfile, "keystore", limit=keystore.MAX_FILE_SIZE + 1)
    info = keystore.inspect(data)  # a file that is no keystore is refused before the passphrase is asked
    try:
        key = keystore.decrypt_key(data, passphrase())
    except KeystoreError as exc:
        raise KeystoreError(f"{args.keyfile}: {exc.message}; its public key is not shown", code=exc.code) from None
    public = key.public_key()
    if public != info.public_key:  # decrypt_key checks it too; what is printed must be the sealed key's
        raise KeystoreError(
            f"{args.keyfile}: its public_key field is not the public key of the private key it seals; not shown",
            code="keystore-corrupt",
        )
    if args.pem:
        sys.stdout.write(public.to_pem().decode("ascii"))
    else:
        _print_public(public, args.keyfile, label=info.label)
    return EXIT_OK


def _check_new_keystore(path: str, label: str) -> None:
    """Refuse what would fail after the passphrase was typed: a bad --out, a label too long to store."""
    check_new_file(path, "keystore")
    keystore.check_label(label)


def _print_public(public: SM2PublicKey, path: str, label: str = "") -> None:
    sys.stdout.write(f"keystore    {path}\n")
    if label:
        # A keystore made elsewhere may hold a label that breaks lines or drives the terminal: shown escaped.
        sys.stdout.write(f"label       {shown_safely(label)}\n")
    sys.stdout.write(f"public key  {public.to_bytes().hex()}\n")
    sys.stdout.write(f"key id      {public.key_id.hex()}\n")


# signatures


def cmd_sign(args: argparse.Namespace) -> int:
    check_readable(args.file, "file")
    check_new_file(args.out, "signature")  # before the passphrase is asked
    try:
        with open_regular(args.file) as stream:  # read once: a pipe cannot be read again
            head = stream.read(MAX_SIGNED_OBJECT + 1)
            kind = signed_object_kind(head)
            if kind is not None:
                # Its bytes are what an agency (or validator) signs to make it valid: a detached signature
                # over them would anchor a record, or seal a block, for whoever handed the file over.
                raise UsageError(
                    f"{args.file} is a Tiezheng {kind}: signing it would make it one signed by this key; "
                    "records are signed and anchored with `tiezheng anchor` or the SDK",
                    code="protocol-object",
                )
            key = keystore.load(args.key, passphrase())
            # Constant memory: evidence files run to gigabytes.
            signature = key.sign_chunks(itertools.chain((head,), iter(lambda: stream.read(CHUNK_SIZE), b"")))
    except OSError as exc:
        raise unreadable("file", args.file, exc) from None
    write_new_file(args.out, signature, "signature")
    sys.stdout.write(f"signed {args.file} with key {key.public_key().key_id.hex()[:16]}…: {args.out}\n")
    return EXIT_OK


def cmd_verify_sig(args: argparse.Namespace) -> int:
    public = _load_public_key(args.pubkey)
    signature = read_file(args.signature, "signature", limit=4096)
    check_readable(args.file, "file")
    try:
        valid = public.verify_chunks(file_chunks(args.file), signature)
    except OSError as exc:
        raise unreadable("file", args.file, exc) from None
    if valid:
        sys.stdout.write(f"Signature OK (key id {public.key_id.hex()})\n")
        return EXIT_OK
    sys.stdout.write(f"Signature INVALID for {args.file} under key id {public.key_id.hex()}\n")
    return EXIT_NEGATIVE


def _load_public_key(path: str) -> SM2PublicKey:
    """A public key file (PEM or DER), or the key itself as a hex point, as --pubkey's help says."""
    if not os.path.exists(path) and HEX_POINT.fullmatch(path):
        return SM2PublicKey.from_bytes(bytes.fromhex(path))
    data = read_file(path, "public key", limit=MAX_KEY_FILE_SIZE + 1)
    if data.lstrip()[:1] == b"{" and b'"tiezheng-keystore"' in data:
        raise UsageError(
            f"{path} is a keystore, a private key sealed with a passphrase; give its public key: "
            f"tiezheng keys public {path} --pem > public.pem",
            code="bad-key",
        )
    return SM2PublicKey.from_file_bytes(data)


HEX_POINT: Final = re.compile(r"(?:0[23][0-9a-fA-F]{64}|04[0-9a-fA-F]{128})")


# verify


def cmd_verify(args: argparse.Namespace) -> int:
    """One record (or its digest) and its receipt; with --json every outcome, errors too, is a JSON document."""
    try:
        verdict = _verify(args)
    except TiezhengError as exc:
        if args.json:
            sys.stdout.write(render_error_json(exc.code, exc.message))
        raise
    sys.stdout.write(render_verdict_json(verdict) if args.json else render_verdict(verdict))
    if not verdict.decided:
        return EXIT_USAGE  # no verdict (status 2, as when nothing could be read): a newer release can give one
    return EXIT_OK if verdict.valid else EXIT_NEGATIVE


def _verify(args: argparse.Namespace) -> Verdict:
    digest: bytes | None = None
    if args.digest is not None:
        if args.file is not None:
            fail("with --digest give only the RECEIPT")
        digest = _digest_option(args.digest)
    elif args.file is None:
        fail("give FILE RECEIPT (or --digest HEX RECEIPT)")
    else:
        check_readable(args.file, "file")
    check_readable(args.receipt, "receipt")
    genesis = Genesis.load(args.genesis)
    receipt = load_receipt(args.receipt)
    if isinstance(receipt, Verdict):
        if args.file is not None and _is_a_receipt(args.file):
            fail(f"{args.file} is a receipt and {args.receipt} is not: give the FILE first, then its RECEIPT")
        return receipt
    if args.file is not None:
        try:
            digest = sm3_file(args.file)
        except OSError as exc:
            raise unreadable("file", args.file, exc) from None
    return verify_receipt(receipt, genesis, digest=digest)


def _is_a_receipt(path: str) -> bool:
    """Whether a regular file decodes as a receipt (a pipe is not read twice to find out)."""
    if not os.path.isfile(path):
        return False
    try:
        Receipt.load(path)
    except TiezhengError:
        return False
    return True


def load_receipt(path: str) -> Receipt | Verdict:
    """The receipt at ``path``, or the verdict on a file read but not a receipt: INVALID at the first check.

    A receipt changed so that it no longer decodes (cut short, a byte flipped in its CBOR) proves nothing:
    that is a verdict, the one every verifier gives it (tests/vectors/receipts), not a failure to decide.
    A file that cannot be read at all still raises (exit status 2).
    """
    try:
        return Receipt.load(path)
    except TiezhengError as exc:
        if exc.code == "unreadable":
            raise
        return Verdict(
            checks=[Check("receipt", False, f"{path} does not decode: {exc.message} [{exc.code}]", exc.code)]
        )


def _digest_option(text: str) -> bytes:
    try:
        digest = bytes.fromhex(text)
    except ValueError:
        fail("--digest must be hex")
    if len(digest) != 32:
        fail("--digest must be 32 bytes (64 hex digits) of SM3")
    return digest


def render_verdict(verdict: Verdict) -> str:
    lines = []
    if verdict.valid:
        statement, header = verdict.statement, verdict.header
        assert statement is not None and header is not None
        lines.append(f"VALID  {verdict.evidence_id}")
        lines.append(f"  agency     {statement.agency}")
        # A stage logged before admission refused control and direction-changing characters may hold them.
        stage = f" / {shown_safely(statement.stage)}" if statement.stage else ""
        lines.append(f"  kind       {statement.kind}{stage}")
        lines.append(f"  record     SM3 {statement.digest.hex()}")
        lines.append(f"  anchored   block {header.height} at {utc_time(header.time)} (chain time)")
        lines.append(f"  claimed    {utc_time(statement.time)} (agency time)")
        lines.append(f"  sealed by  {', '.join(verdict.sealed_by)}")
    elif not verdict.decided:
        failed = verdict.failed
        assert failed is not None
        lines.append(f"UNDECIDED  at check {failed.name} — {shown_safely(failed.detail)}")
        lines.append(
            "  Part of the receipt is in a newer format than this release reads, so it gives no verdict: verify it"
            " with a newer release of tiezheng."
        )
    else:
        failed = verdict.failed
        assert failed is not None
        lines.append(f"INVALID  failed check: {failed.name} — {shown_safely(failed.detail)}")
    lines.append("checks:")
    for check in verdict.checks:
        # A check that stopped at a newer format did not fail: it could not be made.
        mark = "ok" if check.ok else "NEWER" if check.code == UNSUPPORTED else "FAIL"
        lines.append(f"  [{mark}] {check.name}: {shown_safely(check.detail)}")
    return "\n".join(lines) + "\n"


def render_verdict_json(verdict: Verdict) -> str:
    if not verdict.decided:
        failed = verdict.failed
        assert failed is not None and failed.code is not None
        message = f"check {failed.name} stopped at a format newer than this verifier reads: {failed.detail}"
        return _json_document(verdict, {"code": failed.code, "message": message})
    return _json_document(verdict, None)


def render_error_json(code: str, message: str) -> str:
    """What `verify --json` prints when it cannot reach a verdict: valid false, and the error's code and reason."""
    return _json_document(Verdict(), {"code": code, "message": message})


def _json_document(verdict: Verdict, error: dict[str, str] | None) -> str:
    statement, header = verdict.statement, verdict.header
    document = {
        "valid": verdict.valid,
        "record_checked": verdict.record_checked,
        "decided": verdict.decided and error is None,
        "evidence_id": verdict.evidence_id,
        "failed": verdict.failed.name if verdict.failed else None,
        "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail, "code": c.code} for c in verdict.checks],
        "agency": statement.agency if statement else None,
        "kind": statement.kind if statement else None,
        "digest": statement.digest.hex() if statement else None,
        "block": header.height if header else None,
        "block_time": header.time if header else None,
        "sealed_by": list(verdict.sealed_by),
        "error": error,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def utc_time(milliseconds: int) -> str:
    """ISO 8601 in UTC; the plain count past year 9999, which a valid statement (2^53 ms) may claim."""
    try:
        moment = datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (ValueError, OverflowError):
        return f"{milliseconds} ms since 1970-01-01T00:00:00Z (after the year 9999)"
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
