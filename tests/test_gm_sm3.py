from __future__ import annotations

import io
import subprocess
import tracemalloc

from hypothesis import given
from hypothesis import strategies as st

from tiezheng.gm import get_backend, sm3, sm3_file, sm3_hasher, sm3_stream

# GB/T 32905-2016, Appendix A.
GBT_32905_VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


def test_published_vectors(backend):
    for message, digest in GBT_32905_VECTORS:
        assert sm3(message, backend=backend).hex() == digest


def test_empty_input_matches_openssl_command():
    out = subprocess.run(["openssl", "dgst", "-sm3", "-r"], input=b"", capture_output=True, check=True).stdout
    assert sm3(b"").hex() == out.split()[0].decode()


@given(st.binary(max_size=300), st.lists(st.integers(min_value=0, max_value=300), max_size=5))
def test_incremental_equals_one_shot_on_both_backends(data, cuts):
    expected = sm3(data, backend=get_backend("openssl"))
    for backend in (get_backend("openssl"), get_backend("gmssl")):
        hasher = sm3_hasher(backend=backend)
        start = 0
        for cut in sorted(cuts):
            hasher.update(data[start:cut])
            start = max(start, cut)
        copy = hasher.copy()
        hasher.update(data[start:])
        copy.update(data[start:])
        assert hasher.digest() == copy.digest() == expected


def test_file_digest_matches_openssl_and_uses_constant_memory(tmp_path):
    path = tmp_path / "evidence.bin"
    with open(path, "wb") as handle:
        handle.truncate(48 * 1024 * 1024)  # sparse: 48 MiB of zeros without using the disk
        handle.seek(1234567)
        handle.write(b"a tampered byte would change this")
    tracemalloc.start()
    digest = sm3_file(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4 * 1024 * 1024
    out = subprocess.run(["openssl", "dgst", "-sm3", "-r", str(path)], capture_output=True, check=True).stdout
    assert digest.hex() == out.split()[0].decode()


def test_stream_of_pure_backend_matches(gmssl_backend):
    data = bytes(range(256)) * 700
    assert sm3_stream(io.BytesIO(data), backend=gmssl_backend) == sm3(data)
