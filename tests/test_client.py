"""GenesysClient against the Genesys double over loopback HTTP: tokens, paging, the fault
matrix and its bounds, and messages a user can act on."""

from __future__ import annotations

import logging
import time

import pytest
from conftest import CLIENT_ID, CLIENT_SECRET
from genesys_double import Fault

from genesys.client import (
    GenesysAuthError,
    GenesysClient,
    GenesysError,
    GenesysNotFound,
    GenesysPermissionError,
    RetryAfterTooLong,
    RetryBounds,
)
from genesys.regions import GenesysEndpoints

FAST = RetryBounds(attempts=3, backoff_factor=0.05, backoff_max=0.2, longest_wait=2.0, read_timeout=0.5)
# Worst case with FAST: 4 tries, each up to the read timeout, plus the waits in between.
FAST_BOUND = 4 * (FAST.read_timeout + 0.1) + 3 * FAST.backoff_max + 1.0


def client_for(double, secret=CLIENT_SECRET, bounds=FAST):
    return GenesysClient(
        GenesysEndpoints(login_url=double.url, api_url=double.url), CLIENT_ID, secret, bounds
    )


def test_one_token_serves_many_calls(genesys):
    client = client_for(genesys)
    for _ in range(3):
        assert client.get("/api/v2/organizations/me")["id"] == genesys.data["organization"]["id"]
    assert genesys.count("/oauth/token") == 1
    token_request = next(r for r in genesys.requests if r.path == "/oauth/token")
    assert token_request.authorization.startswith("Basic ")


def test_an_expired_token_is_refreshed_once(genesys):
    client = client_for(genesys)
    client.get("/api/v2/organizations/me")
    genesys.expire_tokens()
    assert client.get("/api/v2/organizations/me")["id"]
    assert genesys.count("/oauth/token") == 2


def test_wrong_credentials_say_which_settings_to_check(genesys):
    with pytest.raises(GenesysAuthError) as raised:
        client_for(genesys, secret="wrong-secret").get("/api/v2/organizations/me")
    message = str(raised.value)
    assert "refused the OAuth client" in message and "genesys:clientSecret" in message
    assert "wrong-secret" not in message


def test_a_token_refused_after_refresh_is_an_auth_error(genesys):
    client = client_for(genesys)
    genesys.inject("/api/v2/organizations/me", Fault(status=401, times=2))
    with pytest.raises(GenesysAuthError, match="even after a fresh login"):
        client.get("/api/v2/organizations/me")
    assert genesys.count("/oauth/token") == 2


@pytest.mark.parametrize(
    ("path", "permission"),
    [
        ("/api/v2/routing/queues", "routing:queue:view"),
        ("/api/v2/integrations", "integrations:integration:view"),
    ],
)
def test_forbidden_names_the_missing_permission(genesys, path, permission):
    genesys.inject(path, Fault(status=403))
    with pytest.raises(GenesysPermissionError) as raised:
        client_for(genesys).get(path)
    assert permission in str(raised.value) and "403" in str(raised.value)


def test_429_with_retry_after_is_honoured(genesys):
    client = client_for(genesys)
    client.get("/api/v2/organizations/me")  # token first
    genesys.inject("/api/v2/organizations/me", Fault(status=429, retry_after=1))
    started = time.monotonic()
    assert client.get("/api/v2/organizations/me")["id"]
    elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 1.0 + FAST_BOUND
    assert genesys.count("/api/v2/organizations/me") == 3


def test_a_retry_after_beyond_the_bound_fails_at_once_saying_so(genesys):
    client = client_for(genesys)
    genesys.inject("/api/v2/organizations/me", Fault(status=429, retry_after=120))
    started = time.monotonic()
    with pytest.raises(RetryAfterTooLong, match="asked to wait 120 s"):
        client.get("/api/v2/organizations/me")
    assert time.monotonic() - started < 1.0


def test_a_5xx_burst_shorter_than_the_bound_is_survived(genesys):
    client = client_for(genesys)
    genesys.inject("/api/v2/routing/queues", Fault(status=503, times=2), Fault(status=502))
    assert client.get("/api/v2/routing/queues")["entities"]
    assert genesys.count("/api/v2/routing/queues") == 4


def test_a_5xx_burst_longer_than_the_bound_fails_cleanly_within_it(genesys):
    client = client_for(genesys)
    genesys.inject("/api/v2/routing/queues", Fault(status=503, times=10))
    started = time.monotonic()
    with pytest.raises(GenesysError, match=r"GET /api/v2/routing/queues: HTTP 503: injected 503"):
        client.get("/api/v2/routing/queues")
    assert time.monotonic() - started < FAST_BOUND
    assert genesys.count("/api/v2/routing/queues") == FAST.attempts + 1


def test_a_slow_answer_is_retried_after_the_timeout(genesys):
    client = client_for(genesys)
    client.get("/api/v2/organizations/me")
    genesys.inject("/api/v2/organizations/me", Fault(delay=1.5))
    assert client.get("/api/v2/organizations/me")["id"]


def test_answers_slower_than_the_timeout_every_time_fail_within_the_bound(genesys):
    client = client_for(genesys)
    client.get("/api/v2/organizations/me")
    genesys.inject("/api/v2/organizations/me", Fault(delay=1.0, times=10))
    started = time.monotonic()
    with pytest.raises(GenesysError, match=r"could not reach Genesys .*\(timed out\)"):
        client.get("/api/v2/organizations/me")
    assert time.monotonic() - started < FAST_BOUND


def test_unreachable_genesys_says_where_it_tried(genesys):
    dead = GenesysClient(
        GenesysEndpoints("http://127.0.0.1:9", "http://127.0.0.1:9"), CLIENT_ID, CLIENT_SECRET, FAST
    )
    with pytest.raises(GenesysError, match=r"could not reach Genesys at 127\.0\.0\.1:9"):
        dead.get("/api/v2/organizations/me")


def test_a_body_that_is_not_json_is_reported(genesys):
    client = client_for(genesys)
    client.get("/api/v2/organizations/me")
    genesys.inject("/api/v2/organizations/me", Fault(body="<html>maintenance</html>"))
    with pytest.raises(GenesysError, match=r"body is not JSON .*text/html"):
        client.get("/api/v2/organizations/me")


def test_not_found_is_its_own_error(genesys):
    with pytest.raises(GenesysNotFound, match="404"):
        client_for(genesys).get("/api/v2/routing/queues/00000000-0000-4000-8000-000000000000")


def test_paging_requests_grow_with_pages(genesys):
    genesys.add_queues(245)  # 250 with the fixture's five
    client = client_for(genesys)
    pages = list(client.pages("/api/v2/routing/queues"))
    assert sum(len(p.entities) for p in pages) == 250
    assert genesys.count("/api/v2/routing/queues") == 3


def test_an_empty_page_ends_the_listing(genesys):
    client = client_for(genesys)
    genesys.inject("/api/v2/routing/queues", Fault(empty_page=True))
    pages = list(client.pages("/api/v2/routing/queues"))
    assert [len(p.entities) for p in pages] == [0]


def test_a_paging_loop_is_an_error_not_a_hang(genesys):
    client = client_for(genesys)
    genesys.inject("/api/v2/routing/queues", Fault(loop=True, times=100))
    started = time.monotonic()
    with pytest.raises(GenesysError, match="paging loops back"):
        list(client.pages("/api/v2/routing/queues", page_size=2))
    assert time.monotonic() - started < 5


def test_neither_secret_nor_token_reaches_a_log_line_or_the_repr(genesys, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(genesys)
    genesys.inject("/api/v2/routing/queues", Fault(status=503))
    client.get("/api/v2/routing/queues")
    genesys.expire_tokens()
    client.get("/api/v2/organizations/me")
    logged = caplog.text + repr(client)
    assert "GET /api/v2/routing/queues -> 200" in caplog.text
    assert CLIENT_SECRET not in logged
    assert genesys.issued_tokens and all(t not in logged for t in genesys.issued_tokens)
