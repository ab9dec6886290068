"""Tests import the program's modules from the repository root, as the Pulumi engine does."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


from collections.abc import Iterable  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from pulumi.dynamic import Config, ConfigureRequest  # noqa: E402

# The shared helpers' assertions report as the tests' own do.
pytest.register_assert_rewrite("commands")

from aws_endpoint import AwsEndpoint  # noqa: E402
from deployed_stack import dead_letter, genesys_event  # noqa: E402
from genesys.client import GenesysClient, RetryBounds  # noqa: E402
from genesys.endpoints import ALLOW_CUSTOM_ENDPOINTS  # noqa: E402
from genesys.regions import GenesysEndpoints  # noqa: E402
from genesys_double import running  # noqa: E402

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"
# Retry bounds small enough for tests: 4 tries, short backoff, 2 s longest Retry-After.
FAST = RetryBounds(attempts=3, backoff_factor=0.05, backoff_max=0.2, longest_wait=2.0, read_timeout=0.5)


def fast_client(url: str, secret: str = CLIENT_SECRET) -> GenesysClient:
    """A client of the double at ``url`` with the FAST bounds."""
    return GenesysClient(GenesysEndpoints(login_url=url, api_url=url), CLIENT_ID, secret, FAST)


def configured(provider, double, **extra):
    """``provider`` configured as the engine configures it, for the double with the test client."""
    config = {
        "genesys:apiUrl": double.url,
        "genesys:loginUrl": double.url,
        "genesys:clientId": CLIENT_ID,
        "genesys:clientSecret": CLIENT_SECRET,
        **extra,
    }
    provider.configure(ConfigureRequest(Config(config, "genesys-queue-events")))
    return provider


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
    with running() as double:
        yield double


@pytest.fixture(scope="module")
def aws_endpoint():
    """AWS on loopback for the operations tools (tests/aws_endpoint.py), one for the tests of a
    module, stopped after them."""
    aws = AwsEndpoint().start()
    try:
        yield aws
    finally:
        aws.stop()


@pytest.fixture
def aws_environment(aws_endpoint, monkeypatch):
    """An operator's environment pointed at ``aws_endpoint``: test credentials, no AWS profile, and
    no Genesys client credentials for a tool to pick up."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_endpoint.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


def send_dead_letters(
    outputs: dict[str, Any],
    queue_id: str,
    conversations: Iterable[str],
    *,
    code: str,
    message: str,
    target_arn: str | None = None,
) -> None:
    """A dead letter for each of the conversations of queue ``queue_id``, in the dead-letter queue
    of the stack of ``outputs``, as EventBridge writes it when the queue's rule could not deliver
    the event to ``target_arn`` (by default the rule's own target)."""
    route = outputs["routes"][queue_id]
    for conversation in conversations:
        dead_letter(
            outputs["deadLetterQueueUrl"],
            genesys_event(queue_id, conversation),
            rule_arn=route["ruleArn"],
            target_arn=route["targetArn"] if target_arn is None else target_arn,
            code=code,
            message=message,
        )
