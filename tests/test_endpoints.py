"""The Genesys secret goes only to Genesys: the endpoint allow-list in the settings, in the
client and in the providers (in-process and in Pulumi's own provider host), the client's
own-origin rule for ``nextUri``, and the token kept out of every repr."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pulumi
import pytest

import settings
from commands import run
from conftest import CLIENT_ID, CLIENT_SECRET, configured, fast_client
from genesys import endpoints
from genesys.client import GenesysClient
from genesys.endpoints import ALLOW_CUSTOM_ENDPOINTS
from genesys.errors import GenesysError
from genesys.integration import IntegrationProvider
from genesys.regions import endpoints_for
from genesys_double import Fault, running
from mockrun import REGION, ProgramRun, base_config, run_program
from provider_host import ProviderHost, genesys_config, urn

ROOT = Path(__file__).resolve().parent.parent
OPTED_IN = {ALLOW_CUSTOM_ENDPOINTS: "1"}


@pytest.fixture
def not_opted_in(monkeypatch):
    monkeypatch.delenv(ALLOW_CUSTOM_ENDPOINTS, raising=False)


def problems(values, environ):
    """The settings' problems for these Genesys values, as (key, text) pairs."""
    config = {"queues": ["a1b2c3d4-e5f6-7890-abcd-ef1234567890"], "target": base_config()["target"]}
    env = {"GENESYS_CLIENT_ID": "x", "GENESYS_CLIENT_SECRET": "x", **environ}
    try:
        settings.parse({**config, **values}, aws_region=REGION, environ=env)
    except settings.SettingsError as e:
        return [(p.key, str(p)) for p in e.problems]
    return []


@pytest.mark.parametrize(
    ("region", "login_url", "api_url"),
    [
        (None, "https://login.mypurecloud.com", "https://api.mypurecloud.com"),
        ("eu-west-1", "https://login.mypurecloud.ie/", "https://api.mypurecloud.ie"),
        ("usw2.pure.cloud", "https://LOGIN.usw2.pure.cloud", "https://api.usw2.pure.cloud:443"),
        ("us-east-2", "https://login.use2.us-gov-pure.cloud", "https://api.use2.us-gov-pure.cloud"),
    ],
)
def test_the_regions_own_hosts_need_no_opt_in(region, login_url, api_url):
    values = {"genesys:apiUrl": api_url, "genesys:loginUrl": login_url}
    if region:
        values["genesys:region"] = region
    assert problems(values, {}) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",  # the test double: plain http
        "http://login.mypurecloud.ie",  # a Genesys host, but cleartext
        "https://login.evil.example",  # a foreign host
        "https://login.mypurecloud.ie.evil.example",  # a look-alike
        "https://mypurecloud.ie@evil.example",  # a user name that looks like the host
        "https://login.mypurecloud.ie:8443",  # a Genesys host on another port
        "https://localhost\\.mypurecloud.ie",  # urllib3 connects to localhost
        "https://evil.example\\@login.mypurecloud.ie",  # urllib3 connects to evil.example
        "https://login.mypurecloud.ie%2eevil.example",  # urllib3 decodes %2e: evil.example
        "https://login.mypurecloud.ie\t.evil.example",  # the standard library drops the tab
        "https://login.mypurecloud.ie.",  # not the host Genesys' certificate names
        "https://l\u043egin.mypurecloud.ie",  # a Cyrillic o
        "https://api.mypurecloud.ie",  # Genesys', but the API host, not the login host
        "https://login.mypurecloud.de",  # Genesys', but another region's
        "https://apps.mypurecloud.ie",  # under the region's domain, but not its login host
    ],
)
def test_anything_else_is_refused_from_the_stack_file_without_the_opt_in(url):
    found = problems({"genesys:region": "eu-west-1", "genesys:loginUrl": url}, {})
    assert [key for key, _ in found] == ["genesys:loginUrl"]
    text = found[0][1]
    assert (
        "is not https://login.mypurecloud.ie, the Genesys region's own host" in text
        or "user name" in text
        or "whitespace, control or non-ASCII" in text
    ), text
    assert "mypurecloud.ie@" not in text  # a user name in a URL is not echoed


def test_the_refusal_names_the_key_the_value_and_both_fixes():
    ((key, text),) = problems({"genesys:apiUrl": "https://api.evil.example"}, {})
    assert key == "genesys:apiUrl"
    assert text.startswith('genesys:apiUrl = "https://api.evil.example": ')
    assert "genesys:region" in text and f"{ALLOW_CUSTOM_ENDPOINTS}=1" in text
    assert "never in the stack file" in text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "https://genesys.internal.example",
        "https://api.mypurecloud.de",
    ],
)
def test_the_opt_in_allows_loopback_and_private_https_endpoints(url):
    assert problems({"genesys:apiUrl": url, "genesys:loginUrl": url}, OPTED_IN) == []


def test_even_with_the_opt_in_plain_http_is_loopback_only():
    ((key, text),) = problems({"genesys:loginUrl": "http://genesys.internal.example"}, OPTED_IN)
    assert key == "genesys:loginUrl" and "cleartext" in text


def test_the_opt_in_is_not_a_stack_setting():
    found = problems({"genesys:loginUrl": "http://127.0.0.1:8080", "genesys:allowCustomEndpoints": True}, {})
    assert {key for key, _ in found} == {"genesys:loginUrl", "genesys:allowCustomEndpoints"}


def test_the_program_refuses_a_foreign_login_url_before_any_resource(not_opted_in):
    record = ProgramRun()
    with pytest.raises(pulumi.RunError) as raised:
        run_program(base_config(**{"genesys:loginUrl": "http://127.0.0.1:9"}), record=record)
    assert 'genesys:loginUrl = "http://127.0.0.1:9"' in str(raised.value)
    assert record.resources == []


def test_the_program_accepts_it_with_the_opt_in():
    url = "http://127.0.0.1:9"
    run = run_program(base_config(**{"genesys:loginUrl": url, "genesys:apiUrl": url}))
    assert run.of_type("pulumi-python:dynamic/genesys:Queues")


def stack_file_check(tmp_path, login_url, env):
    stack = tmp_path / "Pulumi.probe.yaml"
    text = (ROOT / "Pulumi.dev.yaml").read_text()
    stack.write_text(text.rstrip("\n") + f"\n  genesys:loginUrl: {login_url}\n")
    environ = {k: v for k, v in os.environ.items() if k != ALLOW_CUSTOM_ENDPOINTS}
    return run([sys.executable, "-m", "settings", str(stack)], cwd=ROOT, env={**environ, **env})


def test_the_stack_file_check_refuses_it_too_and_takes_the_opt_in_from_its_environment(tmp_path):
    refused = stack_file_check(tmp_path, "http://127.0.0.1:8080", {})
    assert refused.returncode == 1
    assert 'genesys:loginUrl = "http://127.0.0.1:8080"' in refused.stderr
    allowed = stack_file_check(tmp_path, "http://127.0.0.1:8080", OPTED_IN)
    assert allowed.returncode == 0, allowed.stderr


# -- the client and the providers: no request, so no credential, leaves for such a host ----


def test_the_client_refuses_before_sending_anything(genesys, not_opted_in):
    with pytest.raises(GenesysError) as raised:
        fast_client(genesys.url)
    assert "genesys:loginUrl" in str(raised.value) and ALLOW_CUSTOM_ENDPOINTS in str(raised.value)
    assert genesys.requests == []


def test_the_provider_refuses_in_check_and_sends_nothing(genesys, monkeypatch):
    provider = configured(IntegrationProvider(), genesys)
    # A client made while the opt-in was set is cached; it must not be handed out without it.
    assert provider.client() is not None
    monkeypatch.delenv(ALLOW_CUSTOM_ENDPOINTS)
    before = len(genesys.requests)
    result = provider.check({}, {"integration": None, "aws_account_id": "123456789012"})
    (failure,) = result.failures
    assert ALLOW_CUSTOM_ENDPOINTS in failure.reason
    assert len(genesys.requests) == before


def test_in_pulumis_provider_host_the_host_environment_decides(genesys):
    # The engine's path: the URLs come from the stack config in Configure; the host process
    # has no opt-in. Check fails with the reason, and the double never hears from it.
    run = run_program(base_config())
    integration = run.one("pulumi-python:dynamic/genesys:EventBridgeIntegration")
    with ProviderHost(env={ALLOW_CUSTOM_ENDPOINTS: ""}) as host:
        host.configure(genesys_config(genesys.url, CLIENT_ID, CLIENT_SECRET))
        _, failures = host.check(urn(integration.type, "integration"), {}, integration.inputs)
    assert failures and ALLOW_CUSTOM_ENDPOINTS in failures[0][1]
    assert genesys.requests == []


def test_a_next_uri_on_another_origin_is_not_followed_with_the_token(genesys):
    with running() as elsewhere:
        genesys.inject(
            "/api/v2/routing/queues",
            Fault(next_uri=f"{elsewhere.url}/api/v2/routing/queues?pageSize=100&pageNumber=2"),
        )
        client = fast_client(genesys.url)
        with pytest.raises(GenesysError) as raised:
            list(client.pages("/api/v2/routing/queues"))
        assert elsewhere.requests == []  # nothing, and so no bearer token, went there
    message = str(raised.value)
    assert elsewhere.url in message and "not followed" in message
    for token in genesys.issued_tokens:
        assert token not in message


@pytest.mark.parametrize("path", ["/api/v2/organizations/me", "/oauth/token"])
def test_a_redirect_is_not_followed_with_the_token_or_the_secret(genesys, path):
    with running() as elsewhere:
        genesys.inject(path, Fault(status=307, location=f"{elsewhere.url}{path}"))
        with pytest.raises(GenesysError) as raised:
            fast_client(genesys.url).get("/api/v2/organizations/me")
        assert elsewhere.requests == []
    assert "redirect" in str(raised.value) and "not followed" in str(raised.value)


def test_a_next_uri_on_the_same_origin_is_followed(genesys):
    genesys.add_queues(150)
    genesys.inject(
        "/api/v2/routing/queues",
        Fault(next_uri=f"{genesys.url}/api/v2/routing/queues?pageSize=100&pageNumber=2"),
    )
    pages = list(fast_client(genesys.url).pages("/api/v2/routing/queues"))
    assert len(pages) == 2


def test_the_token_and_the_secret_are_in_no_repr(genesys):
    client = fast_client(genesys.url)
    client.get("/api/v2/organizations/me")
    (token,) = genesys.issued_tokens
    assert client._token is not None and client._token.value == token
    shown_values = (repr(client), repr(client._token), repr(client._credentials), str(vars(client)))
    for shown in shown_values:
        assert token not in shown
        assert CLIENT_SECRET not in shown


def test_the_client_takes_the_regions_own_hosts_without_the_opt_in(not_opted_in):
    client = GenesysClient(endpoints_for("eu-west-1"), CLIENT_ID, CLIENT_SECRET)  # sends nothing yet
    assert client.endpoints.login_url == "https://login.mypurecloud.ie"
    with pytest.raises(GenesysError, match="genesys:apiUrl"):
        GenesysClient(
            endpoints_for("eu-west-1", api_url="https://api.mypurecloud.de"), CLIENT_ID, CLIENT_SECRET
        )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://api.mypurecloud.ie/x", "https://api.mypurecloud.ie/x"),
        ("https://user:pw@api.example/p?token=t#frag", "https://(hidden)@api.example/p?(hidden)#(hidden)"),
        ("https://a@b@api.example", "https://(hidden)@api.example"),
        ("http://[::1", "(an invalid URL)"),
    ],
)
def test_a_url_in_a_message_hides_what_may_carry_a_credential(url, shown):
    assert endpoints.shown(url) == shown
