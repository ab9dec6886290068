"""Managed mode's integration, on the engine's path: the provider pickled as the program does,
unpickled and configured in Pulumi's own provider host, called over gRPC, against the Genesys
double over loopback HTTP. A preview is Check and Diff; an up adds Create or Update."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import proto

from conftest import CLIENT_ID, CLIENT_SECRET, configured
from genesys.managed_integration import ManagedIntegrationProvider
from genesys_double import Fault
from provider_host import HostError, ProviderHost, genesys_config, urn

TYPE = "pulumi-python:dynamic/genesys:ManagedIntegration"
URN = urn(TYPE, "integration")
ORG = "0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f"
OWNER = "organization/genesys-queue-events/cx-dev"
TOPICS = ["v2.detail.events.conversation.{id}.acd.end", "v2.detail.events.conversation.{id}.user.end"]
NOTES = (
    f"managed-by: {OWNER}\nCreated and kept by a Pulumi stack of genesys-queue-events: a change made "
    "here shows in the stack's next preview and is undone by its next `pulumi up`."
)


def inputs(**changes):
    blob = serialize_provider(ManagedIntegrationProvider())
    dill.loads(base64.b64decode(blob))  # the blob the engine would store and hand the host
    return {
        "__provider": blob,
        "name": "EventBridge (cx-dev)",
        "event_source_suffix": "cx-dev",
        "aws_account_id": "123456789012",
        "aws_region": "eu-west-1",
        "aws_partition": "aws",
        "topics": TOPICS,
        "owner": OWNER,
        "adopt": False,
        **changes,
    }


@pytest.fixture
def host(genesys) -> Iterator[ProviderHost]:
    with ProviderHost() as started:
        started.configure(genesys_config(genesys.url, CLIENT_ID, CLIENT_SECRET))
        yield started


def writes(double):
    return [(r.method, r.path, r.body) for r in double.writes()]


def first_up(host, genesys, **changes):
    """A first `pulumi up` as the engine records it: the state's inputs are what check()
    returned (no integration id yet: it did not exist), its outputs what create() returned.
    The engine hands a later check() those inputs as its olds, and diff() the outputs."""
    checked, failures = host.check(URN, {}, inputs(**changes))
    assert failures == []
    id_, outs = host.create(URN, checked)
    return checked, id_, outs


def deploy(host, genesys, **changes):
    """A first `pulumi up`: its id and outputs."""
    _, id_, outs = first_up(host, genesys, **changes)
    return id_, outs


def test_a_first_preview_shows_what_up_creates_and_writes_nothing(host, genesys):
    checked, failures = host.check(URN, {}, inputs())
    assert failures == []
    assert checked["integration_id"] == "" and checked["created"] is True and checked["drift"] == []
    assert checked["event_source_name"] == f"aws.partner/genesys.com/cloud/{ORG}/cx-dev"
    assert (
        checked["event_source_arn"]
        == f"arn:aws:events:eu-west-1::event-source/aws.partner/genesys.com/cloud/{ORG}/cx-dev"
    )
    assert checked["topics"] == TOPICS
    assert writes(genesys) == []


def test_up_creates_configures_and_enables_it_with_the_exact_bodies(host, genesys):
    state_inputs, id_, outs = first_up(host, genesys)
    assert writes(genesys) == [
        (
            "POST",
            "/api/v2/integrations",
            {"name": "EventBridge (cx-dev)", "integrationType": {"id": "amazon-eventbridge-source"}},
        ),
        (
            "PUT",
            f"/api/v2/integrations/{id_}/config/current",
            {
                "name": "EventBridge (cx-dev)",
                "version": 1,
                "properties": {
                    "awsAccountId": "123456789012",
                    "awsAccountRegion": "eu-west-1",
                    "eventSourceSuffix": "cx-dev",
                    "eventFilter": TOPICS,
                },
                "advanced": {},
                "notes": NOTES,
            },
        ),
        ("PATCH", f"/api/v2/integrations/{id_}", {"intendedState": "ENABLED"}),
    ]
    assert (
        outs["integration_id"] == id_
        and outs["intended_state"] == "ENABLED"
        and outs["reported_state"] == "ACTIVE"
    )
    assert outs["drift"] == [] and outs["created"] is True
    assert outs["event_source_name"] == f"aws.partner/genesys.com/cloud/{ORG}/cx-dev"
    assert CLIENT_SECRET not in repr(outs) and CLIENT_SECRET not in host.log()
    # The next preview: nothing to do, nothing written.
    before = len(genesys.writes())
    rechecked, failures = host.check(URN, state_inputs, inputs())
    assert failures == [] and rechecked["drift"] == []
    assert host.diff(URN, id_, outs, rechecked).changes == proto.DiffResponse.DIFF_NONE
    assert len(genesys.writes()) == before


def test_a_409_on_the_configuration_is_retried_after_reading_the_version_again(host, genesys):
    genesys.inject("/api/v2/integrations/", Fault(status=409, method="PUT", times=2))
    _, outs = deploy(host, genesys)
    assert [m for m, _, _ in writes(genesys)] == ["POST", "PUT", "PUT", "PUT", "PATCH"]
    reads = [r for r in genesys.requests if r.method == "GET" and r.path.endswith("/config/current")]
    assert len(reads) >= 3 and outs["drift"] == []


def test_a_403_names_the_permission_the_oauth_client_lacks(host, genesys):
    genesys.data["permissions"] = {CLIENT_ID: ["integrations:integration:view", "routing:queue:view"]}
    checked, failures = host.check(URN, {}, inputs())
    assert failures == []  # a preview needs only :view
    with pytest.raises(HostError, match=r"needs the permission integrations:integration:add for this"):
        host.create(URN, checked)
    assert genesys.data["integrations"][-1]["name"] != "EventBridge (cx-dev)"


def test_an_integration_this_stack_did_not_create_is_left_untouched_with_the_fix_in_the_message(
    host, genesys
):
    _, failures = host.check(URN, {}, inputs(name="EventBridge (dev)"))
    assert [p for p, _ in failures] == ["name"]
    reason = failures[0][1]
    assert (
        "named 'EventBridge (dev)' already exists (id 6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f, ENABLED)"
        in reason
    )
    assert "someone outside this stack" in reason and "`adopt: true`" in reason and "another `name`" in reason
    with pytest.raises(HostError, match="left untouched"):
        host.create(URN, inputs(name="EventBridge (dev)"))
    assert writes(genesys) == []


def test_another_stacks_integration_is_named_as_its(host, genesys):
    deploy(host, genesys)
    _, failures = host.check(URN, {}, inputs(owner="organization/genesys-queue-events/cx-prod"))
    assert "created by the stack organization/genesys-queue-events/cx-dev" in failures[0][1]


def test_adopt_takes_over_an_existing_integration_and_destroy_leaves_it(host, genesys):
    dev = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
    checked, failures = host.check(URN, {}, inputs(name="EventBridge (dev)", adopt=True))
    assert failures == [] and checked["integration_id"] == dev
    assert (
        "notes: without this stack's mark (managed-by: organization/genesys-queue-events/cx-dev)"
        in checked["drift"]
    )
    assert writes(genesys) == []
    id_, outs = host.create(URN, checked)
    assert id_ == dev and outs["created"] is False and outs["drift"] == []
    assert [m for m, _, _ in writes(genesys)] == ["PUT"]  # already enabled: no PATCH, no POST
    config = genesys.integration("EventBridge (dev)")["config"]
    assert config["properties"]["eventFilter"] == TOPICS and config["notes"] == NOTES
    host.delete(URN, id_, outs)
    assert genesys.deleted == [] and genesys.integration("EventBridge (dev)")


def test_drift_shows_in_a_preview_as_an_update_and_up_restores_it(host, genesys):
    state_inputs, id_, outs = first_up(host, genesys)
    live = genesys.integration("EventBridge (cx-dev)")
    live["intendedState"] = "DISABLED"
    live["config"]["properties"]["eventFilter"] = TOPICS[:1]
    live["config"]["properties"]["awsAccountId"] = "999999999999"
    before = len(genesys.writes())

    checked, failures = host.check(URN, state_inputs, inputs())
    assert failures == []
    assert checked["drift"] == [
        "awsAccountId: 999999999999 in Genesys, the stack wants 123456789012",
        "eventFilter: lacks v2.detail.events.conversation.{id}.user.end",
        "intendedState: DISABLED in Genesys, the stack wants ENABLED",
    ]
    diff = host.diff(URN, id_, outs, checked)
    assert diff.changes == proto.DiffResponse.DIFF_SOME and list(diff.replaces) == []
    assert len(genesys.writes()) == before  # the preview wrote nothing

    read_id, read = host.read(URN, id_, outs)  # a refresh sees it too
    assert read_id == id_ and read["drift"] == checked["drift"]

    updated = host.update(URN, id_, outs, checked)
    assert updated["drift"] == [] and updated["intended_state"] == "ENABLED"
    assert live["config"]["properties"]["eventFilter"] == TOPICS
    assert live["config"]["properties"]["awsAccountId"] == "123456789012"
    rechecked, _ = host.check(URN, checked, inputs())  # the state's inputs are now the update's
    assert host.diff(URN, id_, updated, rechecked).changes == proto.DiffResponse.DIFF_NONE


def test_a_topic_added_to_the_stack_is_an_update_of_the_event_filter(host, genesys):
    state_inputs, id_, outs = first_up(host, genesys)
    wider = [*TOPICS, "v2.detail.events.conversation.{id}.voicemail.end"]
    checked, _ = host.check(URN, state_inputs, inputs(topics=wider))
    assert host.diff(URN, id_, outs, checked).changes == proto.DiffResponse.DIFF_SOME
    updated = host.update(URN, id_, outs, checked)
    assert updated["topics"] == sorted(wider)
    assert genesys.integration("EventBridge (cx-dev)")["config"]["properties"]["eventFilter"] == sorted(wider)


def test_an_integration_deleted_in_genesys_fails_the_preview_with_the_fix_not_a_replace(host, genesys):
    # A replace would be refused by the engine (the resource is protected) with advice to edit
    # the program; the check says what happened and what to run instead.
    state_inputs, id_, outs = first_up(host, genesys)
    genesys.data["integrations"] = [i for i in genesys.data["integrations"] if i["id"] != id_]
    before = len(genesys.writes())
    _, failures = host.check(URN, state_inputs, inputs())
    assert [p for p, _ in failures] == ["name"]
    assert "'EventBridge (cx-dev)' that this stack keeps no longer exists" in failures[0][1]
    assert "run `pulumi refresh`" in failures[0][1] and "then `pulumi up` creates it again" in failures[0][1]
    assert host.read(URN, id_, outs)[0] == ""  # the refresh drops it from the state
    assert len(genesys.writes()) == before
    rechecked, failures = host.check(URN, {}, inputs())  # the up after it: a create
    assert failures == [] and rechecked["integration_id"] == ""


@pytest.mark.parametrize("where", ["stack file", "Genesys Admin"])
def test_a_renamed_integration_is_an_update_of_the_same_one_not_a_second(host, genesys, where):
    state_inputs, id_, outs = first_up(host, genesys)
    assert state_inputs["integration_id"] == ""
    name = "EventBridge (cx-dev)"
    if where == "stack file":
        name = "EventBridge (contact centre dev)"
    else:
        genesys.integration("EventBridge (cx-dev)")["name"] = "Renamed by hand"
    checked, failures = host.check(URN, state_inputs, inputs(name=name))
    assert failures == [] and checked["integration_id"] == id_
    diff = host.diff(URN, id_, outs, checked)
    assert diff.changes == proto.DiffResponse.DIFF_SOME and list(diff.replaces) == []
    updated = host.update(URN, id_, outs, checked)
    assert updated["integration_name"] == name and updated["drift"] == []
    assert [i["name"] for i in genesys.data["integrations"]].count(name) == 1
    assert [m for m, _, _ in writes(genesys)].count("POST") == 1


def test_an_adopted_integration_stays_adopted_through_updates_and_destroy_leaves_it(host, genesys):
    dev = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
    state_inputs, id_, outs = first_up(host, genesys, name="EventBridge (dev)", adopt=True)
    assert id_ == dev and outs["created"] is False
    wider = [*TOPICS, "v2.detail.events.conversation.{id}.voicemail.end"]
    checked, failures = host.check(
        URN, state_inputs, inputs(name="EventBridge (dev)", adopt=True, topics=wider)
    )
    assert failures == [] and checked["created"] is False
    updated = host.update(URN, id_, outs, checked)
    assert updated["created"] is False
    host.delete(URN, id_, updated)
    assert genesys.deleted == [] and genesys.integration("EventBridge (dev)")


def test_destroy_deletes_what_this_stack_created(host, genesys):
    id_, outs = deploy(host, genesys)
    host.delete(URN, id_, outs)
    assert genesys.deleted == [id_]
    assert ("DELETE", f"/api/v2/integrations/{id_}", None) in writes(genesys)


def test_the_secret_and_tokens_reach_nothing_managed_mode_registers_answers_or_logs(genesys):
    """The provider as the program registers it (its blob included), its whole life in the host,
    with a recognisable secret: not in the program's inputs, outputs or exports, nor in anything
    the host answers or logs, faults included."""
    from mockrun import AwsAccount, base_config, run_program
    from test_secrets import SECRET, assert_nowhere, everything_said

    genesys.data["clients"] = {CLIENT_ID: SECRET}
    config = base_config(
        **{"genesys:clientSecret": SECRET}, integration={"name": "EventBridge (cx-dev)", "manage": True}
    )
    source = f"aws.partner/genesys.com/cloud/{ORG}/dev"
    run = run_program(config, account=AwsAccount(event_sources={source: "PENDING"}))
    program_said = everything_said(
        {
            "inputs": [r.inputs for r in run.resources],
            "outputs": [r.outputs for r in run.resources],
            "exports": run.exports,
        }
    )
    assert "__provider" in program_said
    inputs = run.one(TYPE).inputs
    answers: list = []
    with ProviderHost(env={"PYTHONUNBUFFERED": "1"}) as host:
        host.configure(genesys_config(genesys.url, CLIENT_ID, SECRET))
        checked, failures = host.check(URN, {}, inputs)
        assert failures == []
        genesys.inject(
            "/api/v2/integrations/",
            Fault(status=409, method="PUT"),
            Fault(status=500, method="PATCH"),
        )
        with pytest.raises(HostError) as raised:
            host.create(URN, checked)  # created and configured; enabling fails
        answers += [checked, str(raised.value)]
        id_, outs = host.create(URN, checked)  # the next up finds it by name and mark, and goes on
        assert [m for m, _, _ in writes(genesys)].count("POST") == 1
        live = genesys.integration("EventBridge (cx-dev)")
        live["intendedState"] = "DISABLED"
        rechecked, _ = host.check(URN, checked, inputs)
        answers += [outs, rechecked, host.read(URN, id_, outs), str(host.diff(URN, id_, outs, rechecked))]
        answers.append(host.update(URN, id_, outs, rechecked))
        genesys.data["permissions"] = {CLIENT_ID: ["integrations:integration:view"]}
        with pytest.raises(HostError) as raised:
            host.delete(URN, id_, outs)
        answers.append(str(raised.value))
        log = host.log()
    assert "integrations:integration:delete" in answers[-1]
    assert_nowhere(program_said + everything_said(answers) + log, genesys.issued_tokens)


def test_a_configured_provider_that_has_talked_to_genesys_pickles_without_its_secret(genesys):
    """The engine keeps the provider dill-pickled in the state (``__provider``). Even one that
    holds the secret, with the process's shared client (secret, token) built and used, pickles
    to nothing of them, and unpickles unconfigured."""
    from test_secrets import SECRET, assert_nowhere

    genesys.data["clients"] = {CLIENT_ID: SECRET}
    provider = configured(ManagedIntegrationProvider(), genesys, **{"genesys:clientSecret": SECRET})
    checked = provider.check({}, {k: v for k, v in inputs().items() if k != "__provider"})
    assert checked.failures == [] and checked.inputs["event_source_name"].endswith("/cx-dev")
    assert genesys.issued_tokens  # it logged in: the shared client holds a token
    blob = base64.b64decode(serialize_provider(provider))
    assert_nowhere(blob.decode("latin-1"), genesys.issued_tokens)
    assert dill.loads(blob)._connection is None


def test_two_integrations_with_this_stacks_mark_and_neither_of_its_name_are_named_not_guessed(host, genesys):
    import copy

    state_inputs, id_, _ = first_up(host, genesys)
    ours = genesys.integration("EventBridge (cx-dev)")
    twin = {**copy.deepcopy(ours), "id": "7a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", "name": "Copy of it"}
    genesys.data["integrations"].append(twin)
    ours["name"] = "Renamed by hand"
    _, failures = host.check(URN, state_inputs, inputs())
    assert [p for p, _ in failures] == ["name"]
    assert (
        f"several EventBridge integrations carry this stack's mark (managed-by: {OWNER}): {id_}, {twin['id']}"
        in failures[0][1]
    )


def test_an_adoption_that_failed_half_way_is_still_an_adoption_on_the_next_up(host, genesys):
    """The failed run wrote the stack's mark; the next up must not take that for "created"."""
    genesys.integration("EventBridge (dev)")["intendedState"] = "DISABLED"
    adopting = inputs(name="EventBridge (dev)", adopt=True)
    checked, _ = host.check(URN, {}, adopting)
    genesys.inject("/api/v2/integrations/", Fault(status=500, method="PATCH"))
    with pytest.raises(HostError, match="HTTP 500"):
        host.create(URN, checked)  # configured and marked; enabling failed
    checked, failures = host.check(URN, {}, adopting)
    assert failures == [] and checked["created"] is False
    id_, outs = host.create(URN, checked)
    assert outs["created"] is False and outs["intended_state"] == "ENABLED"
    host.delete(URN, id_, outs)
    assert genesys.deleted == []
