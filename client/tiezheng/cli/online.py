"""Commands that talk to a node: anchor, receipt, status; and certificate (offline, from a receipt)."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from .. import files
from ..certificate import facts, render_html, render_pdf
from ..errors import EvidenceIdError
from ..evidence_id import EvidenceId
from ..genesis import Genesis
from ..gm import keystore
from ..receipt import FILE_SUFFIX, Receipt
from ..responses import NodeUnreachable
from ..sdk import DEFAULT_RETRY_FOR, Anchored, ApiError, Client
from ..statement import KINDS, subject_hash
from ..verifier import Verdict, verify_receipt
from .common import (
    EXIT_NEGATIVE,
    EXIT_OK,
    EXIT_USAGE,
    Exists,
    Unreadable,
    Unwritable,
    check_new_file,
    fail,
    node_url,
    page_url,
    passphrase,
    read_from_stdin,
    require_text,
    subject_salt,
    write_new_file,
)
from .offline import load_receipt, render_verdict

DEFAULT_VERIFY_URL = "http://127.0.0.1:8545/verify"
MAX_RETRY_FOR = 24 * 3600.0


def add_commands(commands: Any) -> None:
    anchor = commands.add_parser(
        "anchor",
        help="anchor files (and folders, recursively) on a node; print one evidence ID per file",
        description="Hashes each file with SM3 locally (the file never leaves this machine), signs the statements "
        "with the agency's SM2 key (one signature per batch of up to 10,000), and submits them. Each batch's "
        "'<evidence id>  <path>' lines are printed (and, with --wait, its receipts written) as soon as the node "
        f"accepts it. In a folder, receipts (*{FILE_SUFFIX}) are skipped: they are proofs, not records; name one "
        "explicitly to anchor it.",
    )
    anchor.add_argument("paths", nargs="+", metavar="PATH", help=f"files, and folders (their *{FILE_SUFFIX} skipped)")
    anchor.add_argument(
        "--node", required=True, type=node_url, metavar="URL", help="the node, e.g. http://127.0.0.1:8545"
    )
    anchor.add_argument("--key", required=True, metavar="KEYFILE", help="the agency's SM2 keystore")
    anchor.add_argument("--agency", required=True, metavar="CODE", help="the agency's registered code")
    anchor.add_argument("--kind", required=True, metavar="KIND", help=f"one of {', '.join(KINDS)}, or x-…")
    anchor.add_argument(
        "--subject",
        metavar="TEXT",
        help="case or matter number; only its SM3 salted by $TIEZHENG_SUBJECT_SALT is sent; - reads it from "
        "standard input",
    )
    anchor.add_argument("--stage", metavar="STAGE", help="workflow stage, e.g. 受理")
    anchor.add_argument("--wait", action="store_true", help="wait until proven and write the receipts")
    anchor.add_argument("--receipts", metavar="DIR", type=Path, help="write receipts into DIR (default: FILE.tzr)")
    anchor.add_argument("--batch-size", type=int, default=10_000, metavar="N", help="statements per envelope (≤ 10000)")
    anchor.add_argument(
        "--retry-for",
        type=float,
        default=DEFAULT_RETRY_FOR,
        metavar="SECONDS",
        help=f"while the node answers busy, keep retrying a request this long ({DEFAULT_RETRY_FOR:.0f}); a node "
        "that cannot be reached at all is tried only a few times, over about 4 s, so a wrong URL fails fast",
    )
    anchor.add_argument("--quiet", action="store_true", help="no progress bar")
    anchor.set_defaults(handler=cmd_anchor)

    receipt = commands.add_parser("receipt", help="download a proven record's receipt")
    receipt.add_argument("id", metavar="ID")
    receipt.add_argument("--node", required=True, type=node_url, metavar="URL")
    receipt.add_argument("--out", required=True, metavar="FILE")
    receipt.add_argument("--json", action="store_true", help="write the JSON rendering instead of CBOR")
    receipt.set_defaults(handler=cmd_receipt)

    status = commands.add_parser("status", help="show a record's status: accepted (ID reserved) or proven")
    status.add_argument("id", metavar="ID")
    status.add_argument("--node", required=True, type=node_url, metavar="URL")
    status.set_defaults(handler=cmd_status)

    certificate = commands.add_parser(
        "certificate", help="print the evidence certificate (存证证书) of a receipt as PDF or HTML"
    )
    certificate.add_argument("receipt", metavar="RECEIPT")
    certificate.add_argument("--out", required=True, metavar="FILE.pdf|FILE.html")
    certificate.add_argument("--genesis", metavar="GENESIS", help="verify against it and name the validators")
    certificate.add_argument(
        "--verify-url",
        default=DEFAULT_VERIFY_URL,
        type=page_url,
        metavar="URL",
        help=f"verification page for the QR code ({DEFAULT_VERIFY_URL})",
    )
    certificate.set_defaults(handler=cmd_certificate)


def _files(paths: list[str]) -> dict[Path, Path]:
    """Every path to a regular file named, or in the folders named (recursively), each once, in order; each
    mapped to the first path naming the same file, which is the one anchored (itself, for most).

    A second name for a file (a hard link, a symbolic link to it) is one record with the first: it
    gets its own line, with that record's ID, and its own receipt. The same name spelt another way
    ("./case/main.pdf", or through a link to its folder) is the same entry, taken once.
    Nothing is passed over in silence: a folder that cannot be read, a symbolic link to a
    folder, or anything that is not a regular file stops the run before anything is sent.
    """
    found: dict[Path, Path] = {}
    entries: set[tuple[Path, str]] = set()
    first_of: dict[tuple[int, int], Path] = {}

    def add(path: Path) -> None:
        try:
            status = path.stat()
        except OSError as exc:
            raise Unreadable(f"cannot read {path}: {exc.strerror}") from None
        if not stat.S_ISREG(status.st_mode):
            raise Unreadable(f"cannot anchor {path}: not a regular file")
        entry = (path.parent.resolve(), path.name)  # "case/main.pdf" and "./x/../case/main.pdf" are one entry
        if entry in entries:
            sys.stderr.write(f"{path}: named more than once; taken once\n")
            return
        entries.add(entry)
        if not os.access(path, os.R_OK):
            raise Unreadable(f"cannot read {path}: permission denied")
        first = first_of.setdefault((status.st_dev, status.st_ino), path)
        if first != path:
            sys.stderr.write(f"{path}: the same file as {first}; one record for both, each with its line and receipt\n")
        found[path] = first

    def unreadable(error: OSError) -> None:
        raise Unreadable(f"cannot read folder {error.filename}: {error.strerror}")

    for text in paths:
        path = Path(text)
        if path.is_dir():
            for folder, folders, names in os.walk(path, onerror=unreadable):
                for name in sorted(folders):
                    if (Path(folder) / name).is_symlink():
                        fail(f"{Path(folder) / name} links to a folder; name the folder itself to anchor what it holds")
                folders.sort()
                for name in sorted(names):
                    if not name.endswith(FILE_SUFFIX):
                        add(Path(folder) / name)
        elif path.exists() or path.is_symlink():
            add(path)
        else:
            raise Unreadable(f"cannot read {text}: no such file or folder")
    if not found:
        fail("no files to anchor")
    return found


def _receipt_targets(files: list[Path], folder: Path | None, roots: list[Path]) -> dict[Path, Path]:
    """Where each file's receipt goes; worked out, and refused if two would share one, before anything is sent."""
    if folder is not None and folder.exists() and not folder.is_dir():
        fail(f"--receipts {folder} is not a folder")  # found now, not once the records are anchored
    targets: dict[Path, Path] = {}
    claimed: dict[Path, Path] = {}
    inputs = {path.resolve() for path in files}
    inside = folder.resolve() if folder is not None else None
    # Each folder named, with its own name resolved: ".." or "." name no folder inside DIR.
    folders = [(root, root.resolve().name) for root in roots if root.is_dir()]
    for path in files:
        if folder is None:
            target = path.with_name(path.name + FILE_SUFFIX)
        else:
            target = folder / (path.name + FILE_SUFFIX)
            for root, name in folders:
                if path.is_relative_to(root):
                    target = folder / name / path.relative_to(root).with_name(path.name + FILE_SUFFIX)
                    break
        resolved = target.resolve()
        if inside is not None and not resolved.is_relative_to(inside):
            fail(f"the receipt of {path} would be written outside {folder} ({target})")
        if resolved in inputs:
            fail(f"the receipt of {path} would overwrite {target}, which is anchored too")
        if resolved in claimed:
            fail(f"{claimed[resolved]} and {path} would both have their receipt in {target}: anchor them apart")
        if target.exists() or target.is_symlink():
            # Most likely the receipt of an earlier record of that file: a proof, never overwritten.
            raise Exists(
                f"{target} exists already (a receipt of an earlier anchoring?); not overwriting it: move it away, "
                "or give --receipts another folder"
            )
        claimed[resolved] = path
        targets[path] = target
    return targets


def cmd_anchor(args: argparse.Namespace) -> int:
    if not 1 <= args.batch_size <= 10_000:
        fail("--batch-size must lie in [1, 10000]")
    if args.kind not in KINDS and not args.kind.startswith("x-"):
        fail(f"--kind must be one of {', '.join(KINDS)} (or a private kind starting with x-)")
    if args.receipts is not None and not args.wait:
        fail("--receipts needs --wait: receipts exist once the records are proven")
    if not 0 <= args.retry_for <= MAX_RETRY_FOR:
        fail(f"--retry-for must lie in [0, {MAX_RETRY_FOR:.0f}] seconds")
    named = _files(args.paths)
    files = [path for path, first in named.items() if path == first]  # each file once: one record each
    names = _Names(named)
    targets = _receipt_targets(list(named), args.receipts, [Path(p) for p in args.paths]) if args.wait else {}
    read_from_stdin(args, "subject")
    require_text(args, "stage")
    fields: dict[str, Any] = {}
    if args.subject:
        fields["subject"] = subject_hash(args.subject, subject_salt("--subject"))  # refused before the passphrase
    if args.stage:
        fields["stage"] = args.stage
    key = keystore.load(args.key, passphrase())
    show = not args.quiet and sys.stderr.isatty() and len(files) > 1
    count = written = 0
    try:
        with (
            Client(args.node, key=key, agency=args.agency, retry_for=args.retry_for) as client,
            tqdm(total=len(files), unit="file", desc="hashed", disable=not show, file=sys.stderr) as bar,
        ):
            for records, anchored in _anchor_in_envelopes(client, files, args, fields, bar):
                paths, theirs = names.of(records, anchored)
                # Print (and prove) each envelope before sending the next: if a later one fails,
                # the IDs already reserved are on record and a rerun can leave those files out.
                _print_ids(paths, theirs)
                count += len(anchored)
                if args.wait:
                    _write_receipts(client, paths, theirs, targets)
                    written += len(paths)
                bar.set_postfix_str(f"anchored {count}", refresh=False)
    except NodeUnreachable as exc:
        said = _gone_away(_cannot_reach(exc, args.node), count, len(files), args.wait, in_flight=exc.submitted)
        raise NodeUnreachable(said) from None
    if not args.wait:
        sys.stderr.write(
            f"accepted {count} record(s); once proven, fetch receipts with tiezheng receipt ID --node URL --out FILE\n"
        )
    else:
        sys.stderr.write(f"proven: wrote {written} receipt(s)\n")
    return EXIT_OK


def _cannot_reach(exc: NodeUnreachable, node: str) -> str:
    """What failed, without the SDK's advice on submissions: that is the command's to give, if any."""
    cause = exc.__cause__
    if isinstance(cause, httpx.TransportError):
        return f"cannot reach the node at {node}: {' '.join(str(cause).split()) or type(cause).__name__}"
    return exc.message.split("; ", 1)[0]


def _gone_away(what: str, accepted: int, total: int, waited: bool, *, in_flight: bool = False) -> str:
    """Why an anchoring run stopped when the node went away, and what of it stands.

    Running the same command again would sign new statements (a new time): a file whose record
    was accepted would be anchored a second time. So say which ones were, and how to get their receipts;
    and, when it went while an envelope was being sent, that those files may have been accepted too.
    """
    unsure = (
        "; the envelope being sent then may have been accepted all the same: look its files up by digest "
        "(tiezheng hash FILE, then GET /v1/evidence?digest=…) before anchoring them again"
        if in_flight
        else ""
    )
    if accepted == 0:
        return f"{what}; no record was confirmed accepted (no ID is printed){unsure}"
    rest = "do not anchor them again" if accepted == total else "anchor again only the files without a line"
    fetch = "fetch each receipt not written" if waited else "fetch their receipts"
    return (
        f"{what}; {accepted} of {total} record(s) were accepted before that, their IDs printed above: {rest}; "
        f"{fetch}, once proven, with `tiezheng receipt ID --node URL --out FILE`{unsure}"
    )


@contextlib.contextmanager
def _reading(node: str) -> Iterator[None]:
    """A command that only reads: its node gone is that alone, with no word on submissions, since it sent none."""
    try:
        yield
    except NodeUnreachable as exc:
        raise NodeUnreachable(_cannot_reach(exc, node)) from None


class _Names:
    """Every path named for the files anchored, in the order named: a file with several names has one record."""

    def __init__(self, named: dict[Path, Path]) -> None:
        self.order = {path: position for position, path in enumerate(named)}
        self.others: dict[Path, list[Path]] = {}  # each file's names after the first, for the few that have any
        for path, first in named.items():
            if path != first:
                self.others.setdefault(first, []).append(path)

    def of(self, records: list[Path], anchored: list[Anchored]) -> tuple[list[Path], list[Anchored]]:
        """Every name of the files of one envelope, in the order named, each with its file's record."""
        pairs = [
            (path, record)
            for first, record in zip(records, anchored, strict=True)
            for path in (first, *self.others.get(first, ()))
        ]
        if self.others:
            pairs.sort(key=lambda pair: self.order[pair[0]])
        return [path for path, _ in pairs], [record for _, record in pairs]


def _anchor_in_envelopes(
    client: Client, files: list[Path], args: argparse.Namespace, fields: dict[str, Any], bar: tqdm[Any]
) -> Iterator[tuple[list[Path], list[Anchored]]]:
    """Each envelope's files and their records, as soon as the node accepted it (one file: one signed statement)."""
    if len(files) == 1:
        # Not waited for here: its line is printed once accepted, as an envelope's, before it is proven.
        yield files, [client.anchor(files[0], args.kind, **fields)]
        bar.update(1)
        return
    hashed = [0]

    def hash_progress(done: int, _total: int) -> None:
        bar.update(done - hashed[0])
        hashed[0] = done

    start = 0
    for anchored in client.anchor_envelopes(
        files, args.kind, chunk_size=args.batch_size, hash_progress=hash_progress, **fields
    ):
        yield files[start : start + len(anchored)], anchored
        start += len(anchored)


def _print_ids(paths: list[Path], anchored: list[Anchored]) -> None:
    # Lines printed while the progress bar is drawn on the same terminal would break it: tqdm clears it first.
    with tqdm.external_write_mode(file=sys.stdout):
        for path, record in zip(paths, anchored, strict=True):
            sys.stdout.write(f"{record.id}  {path}\n")
        sys.stdout.flush()


def _write_receipts(client: Client, paths: list[Path], anchored: list[Anchored], targets: dict[Path, Path]) -> None:
    """Wait until the envelope's records are proven, then write each file's receipt (copies share one)."""
    last = max(anchored, key=lambda a: a.index)
    if last.receipt is None:
        client.wait(last.id, timeout=120)
    receipts: dict[str, bytes] = {}
    for path, record in zip(paths, anchored, strict=True):
        if record.id not in receipts:
            receipts[record.id] = (record.receipt or client.receipt(record.id)).to_cbor()
        target = targets[path]
        later = f"{record.id} is anchored; `tiezheng receipt {record.id}` gets its receipt"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            files.write_new(target, receipts[record.id], mode=0o644)
        except FileExistsError:
            raise Exists(f"{target} appeared meanwhile; not overwriting it ({later})") from None
        except OSError as exc:
            raise Unwritable(f"cannot write receipt {target}: {exc.strerror} ({later})") from None


def _check_id(text: str) -> str:
    try:
        return str(EvidenceId.parse(text))
    except EvidenceIdError as exc:
        fail(exc.message)


def cmd_receipt(args: argparse.Namespace) -> int:
    evidence_id = _check_id(args.id)
    check_new_file(args.out, "receipt")  # before the node is asked
    with _reading(args.node), Client(args.node) as client:
        receipt = client.receipt(evidence_id)
    write_new_file(args.out, receipt.to_json().encode() if args.json else receipt.to_cbor(), "receipt")
    sys.stdout.write(f"{evidence_id}: receipt written to {args.out}\n")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    evidence_id = _check_id(args.id)
    with _reading(args.node), Client(args.node) as client:
        try:
            record = client.get(evidence_id)
        except ApiError as exc:
            # Only the node's word that it has no such record is a verdict; a 404 from a wrong URL is an error.
            if exc.status == 404 and exc.code in ("not-found", "wrong-chain"):
                sys.stdout.write(f"{evidence_id}  not found: {exc.message}\n")
                return EXIT_NEGATIVE
            raise
    where = f"block {record.block_height}" if record.block_height is not None else "waiting for a block"
    sys.stdout.write(f"{record.id}  {record.status}  {where}\n")
    sys.stdout.write(
        f"  agency   {record.agency}\n  kind     {record.kind}{' / ' + record.stage if record.stage else ''}\n"
    )
    sys.stdout.write(f"  digest   {record.digest.hex()}\n")
    return EXIT_OK


def cmd_certificate(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        fail("--out must end in .pdf or .html")
    check_new_file(out, "certificate")
    genesis = Genesis.load(args.genesis) if args.genesis else None
    loaded = load_receipt(args.receipt) if genesis is not None else Receipt.load(args.receipt)
    if genesis is not None:
        # A certificate is a claim that the record is proven: never print one the genesis refutes.
        verdict = loaded if isinstance(loaded, Verdict) else verify_receipt(loaded, genesis)
        if not verdict.valid:
            sys.stdout.write(render_verdict(verdict))
            if not verdict.decided:  # as verify: no verdict, exit status 2
                sys.stderr.write("tiezheng: no certificate written: this release cannot check the receipt\n")
                return EXIT_USAGE
            sys.stderr.write(f"tiezheng: no certificate written: the receipt does not verify against {args.genesis}\n")
            return EXIT_NEGATIVE
    assert isinstance(loaded, Receipt)  # a receipt that does not decode has no valid verdict: refused above
    receipt = loaded
    content = facts(receipt, genesis, args.verify_url)
    if out.suffix.lower() == ".pdf":
        page = io.BytesIO()
        render_pdf(content, page)
        data = page.getvalue()
    else:
        data = render_html(content).encode("utf-8")
    write_new_file(str(out), data, "certificate")
    sys.stdout.write(f"{receipt.evidence_id}: certificate written to {out}\n")
    # A court scans the QR code and reads the verdict row: say when either is not what it should be.
    if args.verify_url == DEFAULT_VERIFY_URL:
        sys.stderr.write(f"tiezheng: note: its QR code points at {DEFAULT_VERIFY_URL} (a dev node's default "
                         "address); give --verify-url your node's public /verify address\n")  # fmt: skip
    if genesis is None:
        sys.stderr.write("tiezheng: note: not verified here (no --genesis); the certificate says so\n")
    return EXIT_OK
