"""The Genesys fault matrix, table-driven: each injected fault, its outcome, and the time it
may take at most (retries are bounded in attempts and in each wait)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from conftest import CLIENT_SECRET, FAST, fast_client
from genesys.client import GenesysClient
from genesys.errors import GenesysAuthError, GenesysError, GenesysPermissionError, RetryAfterTooLong
from genesys_double import Fault, GenesysDouble

# The worst case under FAST: four tries, each up to the read timeout, the waits between them,
# and a second's slack for a loaded machine.
FAST_BOUND = (FAST.attempts + 1) * (FAST.read_timeout + 0.1) + FAST.attempts * FAST.longest_wait + 1.0

ME = "/api/v2/organizations/me"
# The login host's answers, as the Genesys SDKs read them (`error`, `error_description`): token
# throttling is a 400 with invalid_request and "rate limit exceeded"; a wrong client a 400 or 401
# with invalid_client.
THROTTLED = {"error": "invalid_request", "error_description": "rate limit exceeded; retry later"}
INVALID_CLIENT = {
    "error": "invalid_client",
    "description": "client not found",
    "error_description": "client not found",
}
QUEUES = "/api/v2/routing/queues"
INTEGRATIONS = "/api/v2/integrations"


def get(path: str) -> Callable[[GenesysClient], Any]:
    return lambda client: client.get(path)


def list_pages(path: str, page_size: int = 100) -> Callable[[GenesysClient], Any]:
    return lambda client: [len(p.entities) for p in client.pages(path, page_size=page_size)]


@dataclass
class Case:
    id: str
    path: str
    faults: list[Fault]
    call: Callable[[GenesysClient], Any]
    raises: type[Exception] | None = None
    message: str = ""
    """A regex the error message must match; with no error, the result must satisfy `check`."""
    check: Callable[[Any], bool] = field(default=lambda result: result is not None)
    at_least: float = 0.0
    """Seconds the call must take (a honoured Retry-After)."""
    bound: float = FAST_BOUND
    requests: int | None = None
    """How many requests the faulty path must have seen."""
    secret: str = CLIENT_SECRET
    """The client secret the client presents."""


CASES = [
    Case(
        "429-retry-after-honoured", ME, [Fault(status=429, retry_after=1)], get(ME), at_least=1.0, requests=2
    ),
    Case(
        "429-retry-after-too-long",
        ME,
        [Fault(status=429, retry_after=120)],
        get(ME),
        RetryAfterTooLong,
        "asked to wait 120 s .* longer than the 2 s",
        bound=1.0,
        requests=1,
    ),
    Case(
        "429-until-attempts-run-out",
        ME,
        [Fault(status=429, retry_after=0, times=10)],
        get(ME),
        GenesysError,
        "still rate-limited \\(429\\) after 4 attempts",
        requests=4,
    ),
    Case(
        "5xx-burst-shorter-than-bound",
        QUEUES,
        [Fault(status=503, times=2), Fault(status=502)],
        get(QUEUES),
        requests=4,
    ),
    Case(
        "5xx-burst-longer-than-bound",
        QUEUES,
        [Fault(status=504, times=10)],
        get(QUEUES),
        GenesysError,
        "GET /api/v2/routing/queues: HTTP 504: injected 504",
        requests=4,
    ),
    Case(
        "500-is-not-retried", QUEUES, [Fault(status=500)], get(QUEUES), GenesysError, "HTTP 500", requests=1
    ),
    Case("timeout-once", ME, [Fault(delay=1.5)], get(ME), requests=2),
    Case(
        "timeout-every-time",
        ME,
        [Fault(delay=1.0, times=10)],
        get(ME),
        GenesysError,
        "could not reach Genesys .* after 4 attempts \\(timed out\\)",
        requests=4,
    ),
    Case("401-expired-token-refreshed", ME, [Fault(status=401)], get(ME), requests=2),
    Case(
        "401-after-refresh",
        ME,
        [Fault(status=401, times=2)],
        get(ME),
        GenesysAuthError,
        "refused the OAuth token \\(401\\) even after a fresh login.*genesys:clientSecret",
        requests=2,
    ),
    Case(
        "401-at-login",
        "/oauth/token",
        [Fault(status=401)],
        get(ME),
        GenesysAuthError,
        "refused the OAuth client \\(HTTP 401.*genesys:clientId",
        requests=1,
    ),
    Case(
        "400-token-throttled-then-success",
        "/oauth/token",
        [Fault(status=400, payload=THROTTLED, times=2)],
        get(ME),
        requests=3,
    ),
    Case(
        "400-token-throttled-until-attempts-run-out",
        "/oauth/token",
        [Fault(status=400, payload=THROTTLED, times=10)],
        get(ME),
        GenesysError,
        "still rate-limiting this OAuth client's token requests \\(HTTP 400: rate limit exceeded.*after 4 attempts",
        requests=4,
    ),
    Case(
        "400-token-invalid-client",
        "/oauth/token",
        [Fault(status=400, payload=INVALID_CLIENT)],
        get(ME),
        GenesysAuthError,
        "refused the OAuth client \\(HTTP 400: client not found\\).*genesys:clientSecret",
        requests=1,
    ),
    Case(
        "401-token-wrong-secret",
        "/oauth/token",
        [],
        get(ME),
        GenesysAuthError,
        "refused the OAuth client \\(HTTP 401: authentication failed\\).*genesys:clientId",
        requests=1,
        secret="not-the-secret",
    ),
    Case(
        "403-queues",
        QUEUES,
        [Fault(status=403)],
        get(QUEUES),
        GenesysPermissionError,
        "forbidden \\(403\\).*lacks the permission routing:queue:view",
        requests=1,
    ),
    Case(
        "403-integrations",
        INTEGRATIONS,
        [Fault(status=403)],
        get(INTEGRATIONS),
        GenesysPermissionError,
        "lacks the permission integrations:integration:view",
        requests=1,
    ),
    Case(
        "malformed-json",
        ME,
        [Fault(body="<html>maintenance</html>")],
        get(ME),
        GenesysError,
        "body is not JSON \\(text/html\\)",
        requests=1,
    ),
    Case(
        "empty-page-ends-listing",
        QUEUES,
        [Fault(empty_page=True)],
        list_pages(QUEUES),
        check=lambda sizes: sizes == [0],
        requests=1,
    ),
    Case(
        "paging-loop",
        QUEUES,
        [Fault(loop=True, times=100)],
        list_pages(QUEUES, page_size=2),
        GenesysError,
        "paging loops back to /api/v2/routing/queues\\?pageSize=2&pageNumber=1",
        requests=2,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault(genesys: GenesysDouble, case: Case) -> None:
    client = fast_client(genesys.url, case.secret)
    if case.path != "/oauth/token":
        client.get(ME)  # hold a token already, so the fault meets the call it is meant for
    before = genesys.count(case.path)
    genesys.inject(case.path, *case.faults)
    started = time.monotonic()
    if case.raises is None:
        assert case.check(case.call(client))
    else:
        with pytest.raises(case.raises, match=case.message) as raised:
            case.call(client)
        assert CLIENT_SECRET not in str(raised.value)
    elapsed = time.monotonic() - started
    assert case.at_least <= elapsed < case.bound, f"took {elapsed:.2f} s"
    if case.requests is not None:
        assert genesys.count(case.path) - before == case.requests


def test_the_matrix_covers_every_fault_kind() -> None:
    kinds = {c.id.split("-")[0] for c in CASES}
    assert {"400", "429", "5xx", "500", "timeout", "401", "403", "malformed", "empty", "paging"} <= kinds
