"""Hostile Genesys URLs, driven as an attacker would: a stack file whose ``genesys:loginUrl``
the standard library reads as a Genesys host but requests connects elsewhere, and a Genesys
listing whose ``nextUri`` does the same. A loopback listener (tests/tls_listener.py) shows
where the HTTP library really connects and what it sends there: nothing, ever."""

from __future__ import annotations

import base64
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from commands import run
from conftest import CLIENT_ID, CLIENT_SECRET, fast_client
from genesys.client import GenesysClient
from genesys.endpoints import ALLOW_CUSTOM_ENDPOINTS
from genesys.errors import GenesysError
from genesys.integration import IntegrationProvider
from genesys.regions import endpoints_for
from genesys_double import Fault
from mockrun import base_config, run_program
from provider_host import ProviderHost, secret, urn
from tls_listener import TlsListener

ROOT = Path(__file__).resolve().parent.parent
# The standard library's host is localhost\.mypurecloud.ie (under a Genesys domain);
# requests' is localhost, where an attacker's listener answers.
HOSTILE_LOGIN = "https://localhost\\.mypurecloud.ie"
BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()


@pytest.fixture
def listener(tmp_path, monkeypatch):
    """The attacker's listener, with this process's requests routed through it; no opt-in."""
    monkeypatch.delenv(ALLOW_CUSTOM_ENDPOINTS, raising=False)
    with TlsListener(tmp_path) as tls:
        for name, value in tls.environment().items():
            monkeypatch.setenv(name, value)
        yield tls


def test_the_listener_sees_where_requests_connects_and_what_it_sends(listener):
    # The instrument works: a request to https://localhost arrives with its header.
    import requests

    requests.get("https://localhost/probe", headers={"Authorization": "Basic probe"}, timeout=5)
    (seen,) = listener.seen
    assert seen.connect == "localhost:443" and seen.headers["Authorization"] == "Basic probe"


def test_python_m_settings_refuses_a_login_url_that_requests_reads_as_another_host(tmp_path):
    stack = tmp_path / "Pulumi.probe.yaml"
    text = (ROOT / "Pulumi.dev.yaml").read_text().rstrip("\n")
    assert "genesys:region: eu-west-1" in text  # the hostile host looks like the region's domain
    stack.write_text(f"{text}\n  genesys:loginUrl: {HOSTILE_LOGIN}\n")
    environ = {k: v for k, v in os.environ.items() if k != ALLOW_CUSTOM_ENDPOINTS}
    done = run([sys.executable, "-m", "settings", str(stack)], cwd=ROOT, env=environ)
    assert done.returncode == 1, done.stdout
    assert "genesys:loginUrl" in done.stderr and "backslash" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_client_sends_no_secret_to_it(listener):
    endpoints = endpoints_for("eu-west-1", login_url=HOSTILE_LOGIN)
    error = ""
    try:
        GenesysClient(endpoints, CLIENT_ID, CLIENT_SECRET).get("/api/v2/organizations/me")
    except GenesysError as e:
        error = str(e)
    assert listener.seen == []  # not even a connection, and so no Basic credentials
    assert "genesys:loginUrl" in error and "backslash" in error


def test_the_provider_sends_no_secret_to_it(listener):
    provider = IntegrationProvider()
    config = {
        "genesys:region": "eu-west-1",
        "genesys:loginUrl": HOSTILE_LOGIN,
        "genesys:clientId": CLIENT_ID,
        "genesys:clientSecret": CLIENT_SECRET,
    }
    provider.configure(ConfigureRequest(Config(config, "genesys-queue-events")))
    result = provider.check({}, {"integration": None, "aws_account_id": "123456789012"})
    assert listener.seen == []
    (failure,) = result.failures
    assert "genesys:loginUrl" in failure.reason and "backslash" in failure.reason


def test_in_pulumis_provider_host_it_is_refused_before_a_connection(listener):
    integration = run_program(base_config()).one("pulumi-python:dynamic/genesys:EventBridgeIntegration")
    config = {
        "genesys:region": "eu-west-1",
        "genesys:loginUrl": HOSTILE_LOGIN,
        "genesys:clientId": CLIENT_ID,
        "genesys:clientSecret": secret(CLIENT_SECRET),
    }
    with ProviderHost(env={ALLOW_CUSTOM_ENDPOINTS: "", **listener.environment()}) as host:
        host.configure(config)
        _, failures = host.check(urn(integration.type, "integration"), {}, integration.inputs)
    assert listener.seen == []
    assert failures and "genesys:loginUrl" in failures[0][1]


# -- nextUri: the bearer token stays on the API's origin ------------------------------------


class Recorder:
    """A plain HTTP listener on another loopback address: records each request's headers."""

    def __init__(self, host: str) -> None:
        self.headers: list[dict[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                recorder.headers.append(dict(self.headers.items()))
                body = b'{"entities": [], "pageCount": 1}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def elsewhere():
    recorder = Recorder("127.0.0.2")
    yield recorder
    recorder.stop()


def hostile_next_uris(genesys_url: str, other_port: int) -> list[str]:
    """nextUris the standard library reads as the double's origin, urllib3 as 127.0.0.2."""
    own = genesys_url.removeprefix("http://")
    return [
        f"http://127.0.0.2:{other_port}\\@{own}/api/v2/routing/queues?pageNumber=2",
        f"http://127.0.0.2:{other_port}/api/v2/routing/queues?pageNumber=2",
        f"//127.0.0.2:{other_port}/api/v2/routing/queues?pageNumber=2",
        f"http://127.0.0.2:{other_port}#@{own}/api/v2/routing/queues",
        f"http://127.0.0.2%3a{other_port}@{own}/api/v2/routing/queues",
    ]


@pytest.mark.parametrize("case", range(5))
def test_a_hostile_next_uri_gets_no_token(genesys, elsewhere, case):
    next_uri = hostile_next_uris(genesys.url, elsewhere.port)[case]
    genesys.inject("/api/v2/routing/queues", Fault(next_uri=next_uri))
    error = ""
    try:
        list(fast_client(genesys.url).pages("/api/v2/routing/queues"))
    except GenesysError as e:
        error = str(e)
    assert elsewhere.headers == []  # no request, and so no bearer token, went there
    assert "not followed" in error
    for token in genesys.issued_tokens:
        assert token not in error


def test_a_relative_next_uri_is_joined_to_the_api_url(genesys):
    genesys.add_queues(150)
    genesys.inject(
        "/api/v2/routing/queues", Fault(next_uri="/api/v2/routing/queues?pageSize=100&pageNumber=2")
    )
    pages = list(fast_client(genesys.url).pages("/api/v2/routing/queues"))
    assert len(pages) == 2
    assert [r.query.get("pageNumber") for r in genesys.requests if r.path == "/api/v2/routing/queues"] == [
        ["1"],
        ["2"],
    ]


@pytest.mark.parametrize("next_uri", ["/oauth/token", "/api/v1/x", "api/v2/routing/queues"])
def test_a_relative_next_uri_outside_the_api_is_not_followed(genesys, next_uri):
    genesys.inject("/api/v2/routing/queues", Fault(next_uri=next_uri))
    with pytest.raises(GenesysError, match="not followed"):
        list(fast_client(genesys.url).pages("/api/v2/routing/queues"))
    assert genesys.count("/oauth") == 1 and genesys.count("/api/v1") == 0
