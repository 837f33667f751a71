"""The SDK's checks of its callers' arguments: each refusal a BadArgument naming the argument and what it takes.

Made before anything is sent or read, so that a wrong type or value is the caller's error,
said in the caller's terms, and never a request the node refuses or a traceback from deep
inside httpx or the protocol code.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Final

import httpx

from .errors import TiezhengError
from .gm import SM2PrivateKey, SM2PublicKey
from .schema import FieldError
from .signing import Cosigner, cosigners_from_value, cosigners_to_value
from .statement import AGENCY_CODE, MIN_SALT_BYTES, Statement, StatementError

MAX_PORT: Final = 65535


class BadArgument(TiezhengError, ValueError):
    """An argument the SDK cannot use (a ValueError too, as Python's own refusals of a value are)."""

    code = "bad-argument"


def check_limit(value: int | None, name: str, most: int | None = None) -> None:
    if value is not None:
        whole(value, name, 1, most, what=" (or None: no limit)")


def described(value: object) -> str:
    """A value named in a refusal: its type, and its length where it has one."""
    size = f" of {len(value)}" if isinstance(value, bytes | bytearray | str) else ""
    return f"{type(value).__name__}{size}"


def shown(value: object) -> str:
    """A value named in a refusal: a number or short text as it is, anything else by its type (a key, a salt)."""
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**30):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"an integer of {value.bit_length()} bits"
    if isinstance(value, str) and len(value) <= 100:
        return repr(value)
    return described(value)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def seconds(value: object, name: str, *, zero: bool = False) -> float:
    """A duration: a finite number of seconds, more than 0 (or 0 or more, with ``zero``)."""
    try:
        seconds = float(value) if is_number(value) else math.nan  # type: ignore[arg-type]
    except OverflowError:  # an integer past any float
        seconds = math.inf
    if not (math.isfinite(seconds) and (seconds >= 0 if zero else seconds > 0)):
        least = "0 or more" if zero else "more than 0"
        raise BadArgument(f"{name} is a number of seconds, {least}, not {shown(value)}")
    return seconds


def whole(value: object, name: str, least: int, most: int | None = None, *, what: str = "") -> int:
    """An integer argument within [least, most]; ``what`` says what it counts, in a refusal."""
    if not isinstance(value, int) or isinstance(value, bool) or value < least or (most is not None and value > most):
        bounds = f"from {least:,} to {most:,}" if most is not None else f"at least {least:,}"
        raise BadArgument(f"{name} is a whole number {bounds}{what}, not {shown(value)}")
    return value


def flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise BadArgument(f"{name} is True or False, not {shown(value)}")
    return value


def text(value: object, name: str, what: str, *, optional: bool = False) -> None:
    """Text (or None, if ``optional``): what it must say further is the protocol's to check."""
    if not (isinstance(value, str) or (optional and value is None)):
        nothing = " (or None)" if optional else ""
        raise BadArgument(f"{name} is text{nothing}: {what}, not {described(value)}")


def mapping(value: object, name: str, what: str) -> None:
    if value is not None and not isinstance(value, Mapping):
        raise BadArgument(f"{name} is a mapping (or None): {what}, not {described(value)}")


def callback(value: object, name: str) -> None:
    if value is not None and not callable(value):
        raise BadArgument(f"{name} is a function (or None), not {described(value)}")


def built(build: Callable[[], Statement]) -> Statement:
    """A statement built from the caller's arguments: one the protocol refuses is an argument refused."""
    try:
        return build()
    except StatementError as exc:
        raise BadArgument(f"the arguments make a statement the protocol refuses: {exc.message}") from None


def node_url(url: object) -> str:
    """A node's URL: http:// or https://, a host, a port in range, no query or fragment."""
    refusal = f"url is a node's URL, http:// or https:// and a host (such as http://127.0.0.1:8545), not {shown(url)}"
    if not isinstance(url, str):
        raise BadArgument(refusal)
    try:
        url.encode("utf-8")
        parsed = httpx.URL(url)
        port = parsed.port
    except (UnicodeEncodeError, httpx.InvalidURL, ValueError, TypeError):
        raise BadArgument(refusal) from None
    if parsed.scheme not in ("http", "https") or not parsed.host or parsed.query or parsed.fragment:
        raise BadArgument(refusal)
    if port is not None and not 1 <= port <= MAX_PORT:
        raise BadArgument(f"url names port {port}, which no node listens on")
    return url


def private_key(key: object, name: str) -> SM2PrivateKey:
    """A key to sign with; a refusal says how to get one from what was given instead."""
    if isinstance(key, SM2PrivateKey):
        return key
    if isinstance(key, SM2PublicKey):
        raise BadArgument(f"{name} is a public key: signing needs the private key (tiezheng.gm.keystore.load)")
    if isinstance(key, str | os.PathLike):
        raise BadArgument(
            f"{name} is an SM2PrivateKey, not a path: load the keystore with tiezheng.gm.keystore.load(path, "
            "passphrase)"
        )
    if isinstance(key, bytes | bytearray):
        raise BadArgument(
            f"{name} is an SM2PrivateKey, not bytes: read PEM or DER with SM2PrivateKey.from_pem or from_der"
        )
    raise BadArgument(f"{name} is an SM2PrivateKey (tiezheng.gm.keystore.load reads one), not {described(key)}")


def agency_code(agency: object) -> str | None:
    if agency is None or (isinstance(agency, str) and AGENCY_CODE.fullmatch(agency)):
        return agency
    raise BadArgument(f"agency is the agency's registered code ({AGENCY_CODE.pattern}), not {shown(agency)}")


def cosigner_pairs(cosigners: object) -> tuple[tuple[SM2PrivateKey, str], ...]:
    """``cosigners``: (private key, role) pairs, each role registered (or x-), each key once, at most seven."""
    if isinstance(cosigners, str | bytes | bytearray | Mapping) or not isinstance(cosigners, Iterable):
        raise BadArgument(f"cosigners is a list of (key, role) pairs, not {described(cosigners)}")
    pairs = []
    for number, pair in enumerate(cosigners):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise BadArgument(f"cosigners[{number}] is a (key, role) pair, not {described(pair)}")
        key, role = pair
        if not isinstance(role, str):
            raise BadArgument(f"cosigners[{number}]'s role is text such as 'official', not {described(role)}")
        pairs.append((private_key(key, f"cosigners[{number}]'s key"), role))
    if pairs:
        try:
            cosigners_from_value(cosigners_to_value([Cosigner.of(key, role) for key, role in pairs]), "cosigners")
        except FieldError as exc:
            raise BadArgument(exc.message) from None
    return tuple(pairs)


def salt(salt: object, name: str) -> bytes | None:
    if salt is None:
        return None
    if not isinstance(salt, bytes | bytearray) or len(salt) < MIN_SALT_BYTES:
        raise BadArgument(
            f"{name} is the agency's secret salt, bytes, at least {MIN_SALT_BYTES} of them, not {described(salt)}"
        )
    return bytes(salt)
