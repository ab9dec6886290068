"""The dynamic providers on the engine's path: pickled by the program (under mocks), unpickled
and configured in Pulumi's own provider host process, called over gRPC, against the Genesys
double over loopback HTTP."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import proto

from conftest import CLIENT_ID, CLIENT_SECRET
from mockrun import ProgramRun, base_config, run_program
from provider_host import HostError, ProviderHost, genesys_config, urn
from unimportable_provider import ProviderTheHostCannotImport

INTEGRATION = "pulumi-python:dynamic/genesys:EventBridgeIntegration"
QUEUES = "pulumi-python:dynamic/genesys:Queues"
SOURCE = "aws.partner/genesys.com/cloud/0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/dev-events"


@pytest.fixture(scope="module")
def program() -> ProgramRun:
    """The program's own dynamic resources, as it registers them (provider blob included)."""
    return run_program(base_config())


@pytest.fixture
def host() -> Iterator[ProviderHost]:
    with ProviderHost() as started:
        yield started


def stack_config(double):
    return genesys_config(double.url, CLIENT_ID, CLIENT_SECRET)


def test_the_integration_lives_its_whole_life_in_the_host(program, host, genesys):
    inputs = program.one(INTEGRATION).inputs
    the_urn = urn(INTEGRATION, "integration")
    host.configure(stack_config(genesys))

    checked, failures = host.check(the_urn, {}, inputs)
    assert failures == []
    assert checked["event_source_name"] == SOURCE  # what a preview shows

    id_, outs = host.create(the_urn, checked)
    assert id_ == "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
    assert outs["event_source_name"] == SOURCE
    assert outs["event_source_arn"] == f"arn:aws:events:eu-west-1::event-source/{SOURCE}"
    assert outs["intended_state"] == "ENABLED" and outs["reported_state"] == "ACTIVE"
    assert outs["org_id"] == "0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f"

    rechecked, _ = host.check(the_urn, outs, inputs)
    unchanged = host.diff(the_urn, id_, outs, rechecked)
    assert unchanged.changes == proto.DiffResponse.DIFF_NONE
    assert list(unchanged.replaces) == []

    renamed = host.diff(the_urn, id_, outs, {**rechecked, "integration": "EventBridge (dev)"})
    assert renamed.changes == proto.DiffResponse.DIFF_SOME
    assert list(renamed.replaces) == ["integration"]

    genesys.integration("EventBridge (dev)")["intendedState"] = "DISABLED"
    read_id, read = host.read(the_urn, id_, outs)
    assert read_id == id_ and read["intended_state"] == "DISABLED"
    assert host.diff(the_urn, id_, outs, read).changes == proto.DiffResponse.DIFF_SOME
    _, failures = host.check(the_urn, read, inputs)
    assert [p for p, _ in failures] == ["integration"]
    assert "no enabled Amazon EventBridge integration" in failures[0][1]
    assert "'EventBridge (dev)' (id 6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f, DISABLED)" in failures[0][1]

    genesys.integration("EventBridge (dev)")["intendedState"] = "ENABLED"
    updated = host.update(the_urn, id_, read, rechecked)
    assert updated["intended_state"] == "ENABLED"
    host.delete(the_urn, id_, updated)


def test_a_preview_fails_with_the_verification_message(program, host, genesys):
    props = genesys.integration("EventBridge (dev)")["config"]["properties"]
    props["awsAccountId"] = "999999999999"
    host.configure(stack_config(genesys))
    _, failures = host.check(urn(INTEGRATION, "integration"), {}, program.one(INTEGRATION).inputs)
    assert failures == [
        (
            "aws_account_id",
            "the integration 'EventBridge (dev)' (6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f) sends events "
            "to AWS account 999999999999, but this stack deploys to 123456789012. Set its 'AWS "
            "Account ID' to 123456789012 in Genesys Cloud under Admin > Integrations > EventBridge "
            "(dev), or deploy this stack with credentials and aws:region for account 999999999999.",
        )
    ]


def test_queues_resolve_in_the_host(program, host, genesys):
    inputs = program.one(QUEUES).inputs
    the_urn = urn(QUEUES, "queues")
    host.configure(stack_config(genesys))
    checked, failures = host.check(the_urn, {}, inputs)
    assert failures == []
    id_, outs = host.create(the_urn, checked)
    assert id_ == "queues"
    assert outs["queues"]["Billing"]["id"] == "b2c3d4e5-f6a7-4890-8bcd-ef1234567891"
    assert outs["queues"]["a1b2c3d4-e5f6-7890-abcd-ef1234567890"]["name"] == "Customer Care"
    rechecked, _ = host.check(the_urn, outs, inputs)
    assert host.diff(the_urn, id_, outs, rechecked).changes == proto.DiffResponse.DIFF_NONE

    genesys.data["queues"] = [q for q in genesys.data["queues"] if q["name"] != "Billing"]
    _, failures = host.check(the_urn, outs, inputs)
    assert len(failures) == 1
    assert "no queue is named 'Billing'" in failures[0][1]


def test_a_provider_the_host_cannot_unpickle_fails_there(host, genesys):
    blob = serialize_provider(ProviderTheHostCannotImport())
    dill.loads(base64.b64decode(blob))  # fine in this process, which can import the module...
    host.configure(stack_config(genesys))
    with pytest.raises(HostError, match="No module named 'unimportable_provider'"):
        host.check(urn("pulumi-python:dynamic:Resource", "bad"), {}, {"__provider": blob})


def test_the_program_provider_blobs_name_their_classes_and_carry_no_state(program):
    for type_, cls in ((INTEGRATION, b"IntegrationProvider"), (QUEUES, b"QueuesProvider")):
        blob = base64.b64decode(program.one(type_).inputs["__provider"]["value"])
        assert cls in blob and b"genesys." in blob
        assert CLIENT_SECRET.encode() not in blob and CLIENT_ID.encode() not in blob


def test_the_host_reports_genesys_being_unreachable_as_a_check_failure(program, host):
    host.configure(genesys_config("http://127.0.0.1:9", CLIENT_ID, CLIENT_SECRET))
    _, failures = host.check(urn(INTEGRATION, "integration"), {}, program.one(INTEGRATION).inputs)
    assert len(failures) == 1
    assert "could not reach Genesys at 127.0.0.1:9" in failures[0][1]


def test_the_host_is_stopped_whatever_happens(genesys):
    def fail_inside_the_host() -> None:
        with ProviderHost() as host:
            started.append(host.process)
            host.check(urn(QUEUES, "queues"), {}, {"__provider": "not a provider"})

    started: list = []
    with pytest.raises(HostError, match="UnpicklingError"):
        fail_inside_the_host()
    assert started[0].poll() is not None


def test_one_run_asks_genesys_once_for_check_and_create_together(host, genesys, capsys):
    """A whole `pulumi up` of the providers (Check, then Create, for both resources) in one
    host process: 40 queue names in a 250-queue organisation take at most 5 queue requests in
    all, and the integration its 3 (integrations, config/current, organizations/me)."""
    generated = genesys.add_queues(245)
    assert len(genesys.data["queues"]) == 250
    names = [q["name"] for q in generated[::6]][:40]
    run = run_program(base_config(queues=[{"name": n} for n in names]))
    host.configure(stack_config(genesys))

    created = {}
    for type_, name in ((INTEGRATION, "integration"), (QUEUES, "queues")):
        checked, failures = host.check(urn(type_, name), {}, run.one(type_).inputs)
        assert failures == []
        _, created[type_] = host.create(urn(type_, name), checked)

    queue_requests = genesys.count("/api/v2/routing/queues")
    integration_requests = genesys.count("/api/v2/integrations") + genesys.count("/api/v2/organizations")
    with capsys.disabled():
        print(
            f"\n[one run] 40 names, 250 queues: {queue_requests} queue requests, "
            f"{integration_requests} integration requests, {genesys.count('/oauth/token')} token request(s)"
        )
    assert queue_requests <= 5
    assert integration_requests == 3
    assert genesys.count("/oauth/token") == 1
    assert {q["name"] for q in created[QUEUES]["queues"].values()} == set(names)
    assert created[INTEGRATION]["event_source_name"] == SOURCE


# -- a pull request's preview never runs with the stack file's (deploy-time) client ------------

PREVIEW_ID, PREVIEW_SECRET = "preview-client-id", "preview-client-secret-read-only"


def clients_that_asked_for_a_token(double) -> set[str]:
    return {
        base64.b64decode((r.authorization or "").removeprefix("Basic ")).decode().partition(":")[0]
        for r in double.requests
        if r.path == "/oauth/token" and r.authorization
    }


def test_the_jobs_own_client_wins_over_the_stack_files(program, genesys):
    # The stack file holds the deploy client (as a Pulumi secret); the preview job's environment
    # holds the read-only preview client. The host must authenticate as the preview client only,
    # so the preview never runs with, or sends, the deploy-time secret.
    genesys.data["clients"][PREVIEW_ID] = PREVIEW_SECRET
    env = {"GENESYS_CLIENT_ID": PREVIEW_ID, "GENESYS_CLIENT_SECRET": PREVIEW_SECRET}
    with ProviderHost(env=env) as host:
        host.configure(stack_config(genesys))  # CLIENT_ID / CLIENT_SECRET: the deploy client
        _, failures = host.check(urn(INTEGRATION, "integration"), {}, program.one(INTEGRATION).inputs)
    assert failures == []
    assert clients_that_asked_for_a_token(genesys) == {PREVIEW_ID}
    token_requests = [r for r in genesys.requests if r.authorization and r.authorization.startswith("Basic ")]
    assert token_requests and all(
        CLIENT_SECRET not in base64.b64decode(r.authorization[6:]).decode() for r in token_requests
    )


def test_half_a_client_in_the_environment_is_refused_not_completed_from_the_stack_file(program, genesys):
    with ProviderHost(env={"GENESYS_CLIENT_ID": PREVIEW_ID, "GENESYS_CLIENT_SECRET": ""}) as host:
        host.configure(stack_config(genesys))
        _, failures = host.check(urn(INTEGRATION, "integration"), {}, program.one(INTEGRATION).inputs)
    assert genesys.requests == []
    assert any("set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET (both" in f for f in map(str, failures))
