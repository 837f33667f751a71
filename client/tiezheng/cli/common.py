"""What every ``tiezheng`` command shares: exit codes, one-line errors, passphrases."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Final, NoReturn
from urllib.parse import urlsplit

from .. import files
from ..errors import TiezhengError
from ..files import open_regular
from ..schema import is_utf8
from ..statement import MIN_SALT_BYTES

EXIT_OK: Final = 0
EXIT_NEGATIVE: Final = 1
EXIT_USAGE: Final = 2
PASSPHRASE_ENV: Final = "TIEZHENG_PASSPHRASE"
SUBJECT_SALT_ENV: Final = "TIEZHENG_SUBJECT_SALT"
#: The value that makes an option read its text from standard input instead.
FROM_STDIN: Final = "-"
MAX_STDIN_VALUE: Final = 1024


class UsageError(TiezhengError):
    """Bad arguments or unreadable input: exit code 2."""

    code = "usage"


class Unreadable(UsageError):
    """A file named to be read that cannot be: missing, a folder, a device, not permitted."""

    code = "unreadable"


class Unwritable(UsageError):
    """A file to be written that cannot be: no such folder, not permitted, the disk full."""

    code = "unwritable"


class Exists(UsageError):
    """A file to be created is there already: evidence (a receipt, a key, a certificate) is never overwritten."""

    code = "exists"


def shown(text: str) -> str:
    """Text for a one-line message: bytes the locale could not decode (a file name, an argument), which Python
    keeps as surrogates, as \\xNN escapes, the same on every stream and for every such name."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no decoding produced
        return text.encode("utf-8", "backslashreplace").decode("ascii", "replace")
    return raw.decode("utf-8", "backslashreplace")


def fail(message: str) -> NoReturn:
    raise UsageError(message)


def unreadable(what: str, path: str | os.PathLike[str], exc: OSError) -> Unreadable:
    reason = "it is a folder" if isinstance(exc, IsADirectoryError) else exc.strerror or str(exc)
    return Unreadable(f"cannot read {what} {path}: {reason}")


def check_readable(path: str | os.PathLike[str], what: str) -> None:
    """Refuse, before any work, what files.open_regular would refuse: a regular file or a pipe is read."""
    try:
        files.require_readable_kind(path)
    except OSError as exc:
        raise unreadable(what, path, exc) from None


def node_url(text: str) -> str:
    """A --node URL: http(s), a host, a port in range, no query or fragment; checked before any request."""
    refusal = f"{text!r} is not a node's URL, such as http://127.0.0.1:8545"
    try:
        text.encode("utf-8")
        parsed = urlsplit(text)
        port = parsed.port
    except (UnicodeEncodeError, ValueError):
        raise argparse.ArgumentTypeError(refusal) from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.query or parsed.fragment:
        raise argparse.ArgumentTypeError(refusal)
    if port == 0:
        raise argparse.ArgumentTypeError(f"{text!r} names port 0, which no node listens on")
    return text


MAX_PAGE_URL: Final = 512  # a QR code of the certificate holds it, with the evidence ID


def page_url(text: str) -> str:
    """A web page's address to print on a certificate: http(s) with a host, short enough for its QR code."""
    try:
        text.encode("utf-8")
        parsed = urlsplit(text)
        parsed.port  # noqa: B018 (reading it checks it)
    except (UnicodeEncodeError, ValueError):
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.fragment:
        raise argparse.ArgumentTypeError(f"{text[:100]!r} is not an http:// or https:// page address")
    if len(text) > MAX_PAGE_URL:
        raise argparse.ArgumentTypeError(f"the address is {len(text):,} characters; a certificate takes {MAX_PAGE_URL}")
    return text


def subject_salt(needed_by: str) -> bytes:
    """The agency's subject salt from $TIEZHENG_SUBJECT_SALT, or a one-line refusal naming the option that needs it."""
    return salt_from(SUBJECT_SALT_ENV, needed_by)


def salt_from(variable: str, needed_by: str) -> bytes:
    """A salt from an environment variable: set, UTF-8, and at least MIN_SALT_BYTES long."""
    text = os.environ.get(variable)
    if text is None:
        fail(f"{needed_by} needs ${variable}: the agency's secret salt, at least {MIN_SALT_BYTES} bytes")
    if not is_utf8(text):
        raise NotUtf8(f"${variable} is not UTF-8 text")
    salt = text.encode()
    if len(salt) < MIN_SALT_BYTES:
        fail(f"${variable} is {len(salt)} bytes; a salt is at least {MIN_SALT_BYTES} (for {needed_by})")
    return salt


def require_text(args: argparse.Namespace, *names: str) -> None:
    """Refuse an option among ``names`` given as empty (or blank) text, or longer than MAX_STDIN_VALUE.

    An empty case number or official's ID would still hash to a pseudonym, and an empty
    stage would be dropped: either way the record would say other than was meant.
    """
    for name in names:
        value = getattr(args, name, None)
        flag = f"--{name.replace('_', '-')}"
        if value is None:
            continue
        if not value.strip():
            fail(f"{flag} must not be empty")
        if len(value) > MAX_STDIN_VALUE:
            fail(f"{flag} is longer than {MAX_STDIN_VALUE} characters")


def read_from_stdin(args: argparse.Namespace, *names: str) -> None:
    """Replace the one option among ``names`` given as ``-`` by a line read from standard input; then
    refuse any of them empty or too long, however given (``require_text``).

    A case number or an official's ID typed as an argument shows in the process
    list and the shell's history; ``-`` keeps it off both (a terminal is asked
    without echo). Standard input holds one line, so only one option can read it.
    """
    reading = [name for name in names if getattr(args, name, None) == FROM_STDIN]
    if not reading:
        require_text(args, *names)
        return
    flags = [f"--{name.replace('_', '-')}" for name in reading]
    if len(reading) > 1:
        fail(f"{' and '.join(flags)} both read standard input; give at most one of them as -")
    if sys.stdin is None:
        fail(f"{flags[0]} -: there is no standard input to read")
    try:
        if sys.stdin.isatty():
            value = getpass.getpass(f"{flags[0]}: ")
        else:
            # Bytes, decoded strictly: the terminal's locale must not turn a stray byte into text.
            limit = 4 * MAX_STDIN_VALUE + 2  # the longest line in UTF-8, and its CR LF
            line = sys.stdin.buffer.readline(limit)
            if len(line) == limit and not line.endswith(b"\n"):
                fail(f"{flags[0]} -: the line on standard input is longer than {MAX_STDIN_VALUE} characters")
            value = line.decode()
    except UnicodeDecodeError:
        fail(f"{flags[0]} -: standard input is not UTF-8 text")
    except OSError as exc:
        fail(f"{flags[0]} -: cannot read standard input: {exc.strerror}")
    value = value.removesuffix("\n").removesuffix("\r")
    if len(value) > MAX_STDIN_VALUE:
        fail(f"{flags[0]} -: the line on standard input is longer than {MAX_STDIN_VALUE} characters")
    if not value.strip():
        fail(f"{flags[0]} -: standard input gave no text (one line is expected)")
    setattr(args, reading[0], value)
    require_text(args, *names)


def _typed(prompt: str) -> str:
    """A passphrase typed at the terminal, which must be UTF-8 text as the keystore's is."""
    try:
        return getpass.getpass(prompt)
    except UnicodeDecodeError:
        raise NotUtf8("the passphrase typed is not UTF-8 text") from None


class NotUtf8(UsageError):
    """Text given to a command (an argument, a variable, what was typed) holds bytes that are not UTF-8."""

    code = "not-utf8"


def passphrase(*, confirm: bool = False, prompt: str = "Passphrase: ") -> str:
    """From $TIEZHENG_PASSPHRASE, else asked on the terminal (twice when creating a key)."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        if not value:
            fail(f"${PASSPHRASE_ENV} is set but empty")
        if not is_utf8(value):
            raise NotUtf8(f"${PASSPHRASE_ENV} is not UTF-8 text")
        return value
    if not sys.stdin.isatty():
        fail(f"no passphrase: set ${PASSPHRASE_ENV} or run from a terminal")
    value = _typed(prompt)
    if confirm and _typed("Repeat passphrase: ") != value:
        fail("the passphrases do not match")
    if not value:
        fail("the passphrase must not be empty")
    return value


def read_file(path: str, what: str, *, limit: int | None = None) -> bytes:
    try:
        with open_regular(path) as handle:
            return handle.read() if limit is None else handle.read(limit)
    except OSError as exc:
        raise unreadable(what, path, exc) from None


def check_new_file(path: str | os.PathLike[str], what: str) -> None:
    """Refuse, before any work, an output that write_new_file would refuse after it: empty, taken, or in no
    folder."""
    if not os.fspath(path):
        fail(f"--out must name the {what} file to create")
    if os.path.isdir(path):
        raise Exists(f"{path} is a folder; name the {what} file to create in it")
    if os.path.lexists(path):
        raise Exists(f"{path} already exists; not overwriting the {what}")
    folder = os.path.dirname(path) or "."
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise Unwritable(f"cannot write {what} {path}: {folder} is a file, not a folder")
    if not os.path.isdir(folder):
        raise Unwritable(f"cannot write {what} {path}: no folder {folder}")


def write_new_file(path: str | os.PathLike[str], data: bytes, what: str, *, mode: int = 0o644) -> None:
    """Write a file that must not exist yet, whole or not at all."""
    try:
        files.write_new(path, data, mode=mode)
    except FileExistsError:
        raise Exists(f"{path} already exists; not overwriting the {what}") from None
    except OSError as exc:
        raise Unwritable(f"cannot write {what} {path}: {exc.strerror}") from None


def replace_file(path: Path, data: bytes, what: str) -> None:
    """Write a file whole or not at all: a crash leaves the old file or the new one, never a part.

    A symlink at ``path`` is replaced by the file, not followed. Readable by all (0644):
    tree heads are shared, not secret. A failure names ``path``, not the temporary file beside it.
    """
    try:
        files.replace(path, data, mode=0o644)
    except OSError as exc:
        raise Unwritable(f"cannot write {what} {path}: {exc.strerror}") from None
