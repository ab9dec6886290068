"""Tests import the program's modules from the repository root, as the Pulumi engine does."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


import pytest  # noqa: E402

from genesys.client import GenesysClient, RetryBounds  # noqa: E402
from genesys.endpoints import ALLOW_CUSTOM_ENDPOINTS  # noqa: E402
from genesys.regions import GenesysEndpoints  # noqa: E402
from genesys_double import GenesysDouble  # noqa: E402

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"
# Retry bounds small enough for tests: 4 tries, short backoff, 2 s longest Retry-After.
FAST = RetryBounds(attempts=3, backoff_factor=0.05, backoff_max=0.2, longest_wait=2.0, read_timeout=0.5)


def fast_client(url: str, secret: str = CLIENT_SECRET) -> GenesysClient:
    """A client of the double at ``url`` with the FAST bounds."""
    return GenesysClient(GenesysEndpoints(login_url=url, api_url=url), CLIENT_ID, secret, FAST)


@pytest.fixture(scope="session", autouse=True)
def custom_endpoints_allowed():
    """The Genesys double listens on loopback over plain http, outside the Genesys domains: the
    tests opt in as an operator would, in the environment of the process (and so of every
    provider host they start). A test of the refusal removes it with ``monkeypatch.delenv``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ALLOW_CUSTOM_ENDPOINTS, "1")
        yield


@pytest.fixture
def genesys():
    """A Genesys API double serving the fixture data on loopback, stopped after the test."""
    double = GenesysDouble().start()
    try:
        yield double
    finally:
        double.stop()
