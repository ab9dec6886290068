"""Tests import the program's modules from the repository root, as the Pulumi engine does."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


import pytest  # noqa: E402

from genesys_double import GenesysDouble  # noqa: E402

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"


@pytest.fixture
def genesys():
    """A Genesys API double serving the fixture data on loopback, stopped after the test."""
    double = GenesysDouble().start()
    try:
        yield double
    finally:
        double.stop()
