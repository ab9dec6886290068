"""GenesysClient against the Genesys double over loopback HTTP: tokens, paging, the fault
matrix and its bounds, and messages a user can act on."""

from __future__ import annotations

import logging

import pytest

from conftest import CLIENT_SECRET, fast_client
from genesys.errors import GenesysAuthError, GenesysError, GenesysNotFound
from genesys_double import Fault


def client_for(double, secret=CLIENT_SECRET):
    return fast_client(double.url, secret)


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


def test_unreachable_genesys_says_where_it_tried(genesys):
    dead = fast_client("http://127.0.0.1:9")
    with pytest.raises(GenesysError, match=r"could not reach Genesys at 127\.0\.0\.1:9"):
        dead.get("/api/v2/organizations/me")


def test_not_found_is_its_own_error(genesys):
    with pytest.raises(GenesysNotFound, match="404"):
        client_for(genesys).get("/api/v2/routing/queues/00000000-0000-4000-8000-000000000000")


def test_paging_requests_grow_with_pages(genesys):
    genesys.add_queues(245)  # 250 with the fixture's five
    client = client_for(genesys)
    pages = list(client.pages("/api/v2/routing/queues"))
    assert sum(len(p.entities) for p in pages) == 250
    assert genesys.count("/api/v2/routing/queues") == 3


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
