"""Arguments the SDK cannot use are refused as BadArgument, naming the argument and what it takes, before any request.

A BadArgument is a TiezhengError (code ``bad-argument``) and a ValueError; never an
AttributeError or TypeError from deep inside, nor a refusal that waits for the node.
"""

from __future__ import annotations

import math
from pathlib import Path

import httpx
import pytest

import tiezheng
from tiezheng.errors import TiezhengError
from tiezheng.gm import SM2PrivateKey
from tiezheng.sdk import AsyncClient, BadArgument, Client


def test_bad_argument_is_exported_with_the_other_sdk_errors():
    assert tiezheng.BadArgument is BadArgument and "BadArgument" in tiezheng.__all__
    assert issubclass(BadArgument, TiezhengError) and issubclass(BadArgument, ValueError)
    assert BadArgument("x").code == "bad-argument"


# the constructors: Client and AsyncClient take the same arguments and refuse the same ones

URL = "http://127.0.0.1:46001"  # no node there: nothing here may need one
AGENCY = "91110000MA01TEST0X"
KEY = SM2PrivateKey.generate()
SALT = b"the agency's 16+ byte salt"
CLIENTS = pytest.mark.parametrize("make", [Client, AsyncClient], ids=["Client", "AsyncClient"])


@CLIENTS
@pytest.mark.parametrize(
    "url",
    [None, 5, b"http://node", "notaurl", "ftp://node", "http://", "http:///path", "http://node?x=1",
     "http://node#top", "http://no\ud800de", "", "127.0.0.1:8545"],
)  # fmt: skip
def test_a_url_that_is_no_node_url_is_refused_when_the_client_is_made(make, url):
    with pytest.raises(BadArgument, match=r"url is a node's URL, http:// or https:// and a host") as refused:
        make(url)
    assert refused.value.code == "bad-argument"


@CLIENTS
@pytest.mark.parametrize("port", [0, 65536, 99999])
def test_a_port_no_node_listens_on_is_refused(make, port):
    with pytest.raises(BadArgument, match=f"url names port {port}, which no node listens on"):
        make(f"http://node:{port}")


@CLIENTS
@pytest.mark.parametrize("url", ["http://node", "https://node:8545", "http://127.0.0.1:8545/", "http://[::1]:80/api"])
def test_node_urls_are_taken(make, url):
    make(url)


@CLIENTS
@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("agency.key", r"key is an SM2PrivateKey, not a path: load the keystore with tiezheng\.gm\.keystore\.load"),
        (Path("agency.key"), r"not a path: load the keystore with tiezheng\.gm\.keystore\.load"),
        (KEY.public_key(), r"key is a public key: signing needs the private key"),
        (b"-----BEGIN PRIVATE KEY-----", r"key is an SM2PrivateKey, not bytes: read PEM or DER with"),
        (5, r"key is an SM2PrivateKey \(tiezheng\.gm\.keystore\.load reads one\), not int"),
    ],
)
def test_a_key_that_cannot_sign_is_refused_saying_what_to_pass(make, key, says):
    with pytest.raises(BadArgument, match=says):
        make(URL, key=key, agency=AGENCY)


@CLIENTS
@pytest.mark.parametrize("agency", [5, b"A1", "", "a b", "x" * 65, "-A1"])
def test_an_agency_that_is_no_agency_code_is_refused(make, agency):
    with pytest.raises(BadArgument, match=r"agency is the agency's registered code"):
        make(URL, key=KEY, agency=agency)


@CLIENTS
@pytest.mark.parametrize(
    ("cosigners", "says"),
    [
        (KEY, r"cosigners is a list of \(key, role\) pairs, not SM2PrivateKey"),
        ("official", r"cosigners is a list of \(key, role\) pairs, not str"),
        ({KEY: "official"}, r"cosigners is a list of \(key, role\) pairs, not dict"),
        ([KEY], r"cosigners\[0\] is a \(key, role\) pair, not SM2PrivateKey"),
        ([(KEY, "official", "x")], r"cosigners\[0\] is a \(key, role\) pair, not tuple"),
        ([("official", KEY)], r"cosigners\[0\]'s role is text such as 'official', not SM2PrivateKey"),
        ([(KEY.public_key(), "official")], r"cosigners\[0\]'s key is a public key"),
        ([(KEY, "official"), ("k.key", "notary")], r"cosigners\[1\]'s key is an SM2PrivateKey, not a path"),
        ([(KEY, "no such role")], r"role 'no such role' is not registered"),
        ([(KEY, "agency")], r"not the agency"),
        ([(KEY, "official"), (KEY, "notary")], r"names one key twice"),
    ],
)
def test_cosigners_are_key_and_role_pairs(make, cosigners, says):
    with pytest.raises(BadArgument, match=says):
        make(URL, key=KEY, agency=AGENCY, cosigners=cosigners)


@CLIENTS
@pytest.mark.parametrize("name", ["subject_salt", "operator_salt"])
@pytest.mark.parametrize("salt", ["a text salt of 16+ chars", b"short", 5])
def test_salts_are_bytes_long_enough(make, name, salt):
    with pytest.raises(BadArgument, match=rf"{name} is the agency's secret salt, bytes, at least 16 of them"):
        make(URL, **{name: salt})


@CLIENTS
@pytest.mark.parametrize(("name", "least"), [("timeout", "more than 0"), ("retry_for", "0 or more")])
@pytest.mark.parametrize("value", [-1, "x", None, True, math.nan, math.inf, 10**400])
def test_durations_are_finite_seconds(make, name, least, value):
    with pytest.raises(BadArgument, match=rf"{name} is a number of seconds, {least}, not "):
        make(URL, **{name: value})


@CLIENTS
def test_a_timeout_of_zero_is_refused_and_retry_for_zero_taken(make):
    with pytest.raises(BadArgument, match="timeout is a number of seconds, more than 0, not 0"):
        make(URL, timeout=0)
    make(URL, retry_for=0, timeout=httpx.Timeout(5.0))


def test_http_is_a_client_of_the_right_flavour():
    with pytest.raises(BadArgument, match=r"http is an httpx\.Client \(or None\), not AsyncClient"):
        Client(URL, http=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(BadArgument, match=r"http is an httpx\.AsyncClient \(or None\), not Client"):
        AsyncClient(URL, http=httpx.Client())  # type: ignore[arg-type]
