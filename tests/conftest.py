from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tiezheng.gm import GMBackend, get_backend

# print_blob: a failure in a clean clone (no example database) prints the decorator that replays it.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile("default")


@pytest.fixture(params=["openssl", "gmssl"])
def backend(request: pytest.FixtureRequest) -> GMBackend:
    return get_backend(request.param)


@pytest.fixture
def openssl_backend() -> GMBackend:
    return get_backend("openssl")


@pytest.fixture
def gmssl_backend() -> GMBackend:
    return get_backend("gmssl")
