"""What the program looks up in AWS at preview, and what each failure says.

The mocks answer as the AWS provider does: the partner event source by name prefix, failing for
no match and for several; event buses by prefix as a list; a function or alias with a not-found
error when it is missing. The exact lookup the provider cannot make goes to EventBridge itself
(moto, in-process).
"""

from __future__ import annotations

import asyncio

import boto3
import pulumi
import pytest
from moto import mock_aws

from components import naming
from mockrun import (
    ACCOUNT,
    FUNCTION,
    PROJECT,
    REGION,
    SOURCE,
    AwsAccount,
    ProgramRun,
    base_config,
    run_program,
)

RULE = "aws:cloudwatch/eventRule:EventRule"
BUS = "aws:cloudwatch/eventBus:EventBus"
OURS = naming.bus_description("organization", PROJECT, "dev")


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


def refused(config, account, match):
    record = ProgramRun()
    with pytest.raises(pulumi.RunError, match=match) as raised:
        run_program(config, account=account, record=record)
    return str(raised.value), record


def test_a_missing_partner_event_source_is_explained():
    message, _ = refused(base_config(), AwsAccount(event_sources={}), r"partner event source .* is not in")
    assert SOURCE in message and "AWS Account ID and Region" in message


def test_a_deleted_partner_event_source_is_explained():
    refused(base_config(), AwsAccount(event_sources={SOURCE: "DELETED"}), r"is DELETED in this AWS account")


def test_a_longer_named_source_is_not_taken_for_ours():
    # Only ".../dev-events-2" exists: the prefix lookup finds exactly one, and it is not ours.
    refused(
        base_config(), AwsAccount(event_sources={f"{SOURCE}-2": "PENDING"}), r"is not in this AWS account"
    )


def test_the_source_is_found_by_its_exact_name_when_another_starts_with_it(monkeypatch):
    # Two integrations in one account: ".../dev-events" and ".../dev-events-2". The provider's
    # prefix lookup fails for both; EventBridge is then asked for the exact name.
    for var, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(var, value)
    sources = {SOURCE: "PENDING", f"{SOURCE}-2": "PENDING"}
    with mock_aws():
        events = boto3.client("events", region_name=REGION)
        for name in sources:
            events.create_partner_event_source(Name=name, Account=ACCOUNT)
        run = run_program(base_config(), account=AwsAccount(event_sources=sources))
    assert run.one(BUS).inputs["name"] == SOURCE
    assert run.exports["eventSourceName"] == SOURCE
    lookups = [c for c in run.calls if c[0] == "aws:cloudwatch/getEventSource:getEventSource"]
    assert lookups == [("aws:cloudwatch/getEventSource:getEventSource", {"namePrefix": SOURCE})]


def test_a_bus_someone_else_associated_is_caught_at_preview_with_the_fix():
    account = AwsAccount(event_sources={SOURCE: "ACTIVE"}, event_buses={SOURCE: ""})
    message, record = refused(base_config(), account, r"already exists in this AWS account")
    assert f"eventBus: {SOURCE}" in message
    assert "aws events update-event-bus" in message and OURS in message
    # The bus itself is never registered for creation with a failing source, and no rule
    # points at a source the program could not confirm.
    assert record.of_type(RULE) == [] or all(
        r.inputs.get("eventBusName") is None for r in record.of_type(RULE)
    )


def test_a_bus_this_stack_created_keeps_working_on_every_later_up():
    first = run_program(base_config())
    (bus,) = first.of_type(BUS)
    assert bus.inputs["description"] == OURS
    # The next `up`: the source is ACTIVE and the bus, created with this stack's mark, exists.
    later = run_program(
        base_config(), account=AwsAccount(event_sources={SOURCE: "ACTIVE"}, event_buses={SOURCE: OURS})
    )
    assert later.one(BUS).inputs["name"] == SOURCE
    assert len(later.of_type(RULE)) == 3


def test_another_stacks_mark_is_not_this_stacks():
    theirs = naming.bus_description("organization", PROJECT, "dev-b")
    refused(
        base_config(),
        AwsAccount(event_sources={SOURCE: "ACTIVE"}, event_buses={SOURCE: theirs}),
        "this stack did not create it",
    )


def test_routing_on_an_existing_bus_by_name_needs_no_ownership():
    run = run_program(
        base_config(eventBus=SOURCE),
        account=AwsAccount(event_sources={SOURCE: "ACTIVE"}, event_buses={SOURCE: ""}),
    )
    assert run.of_type(BUS) == []
    assert {r.inputs["eventBusName"] for r in run.of_type(RULE)} == {SOURCE}


def test_a_missing_function_names_it_and_the_key_that_chose_it():
    billing = f"{FUNCTION}-billing:live"
    account = AwsAccount(functions={billing})  # the stack-wide target is missing
    message, _ = refused(base_config(), account, "was not found")
    assert f"target = {FUNCTION}:" in message and "correct target" in message


def test_a_missing_alias_names_the_queue_key():
    account = AwsAccount(functions={FUNCTION})  # Billing's alias "live" is missing
    message, _ = refused(base_config(), account, "alias 'live'")
    assert f"queues[1].target = {FUNCTION}-billing:live" in message


def test_each_distinct_function_and_alias_is_looked_up_once():
    queues: list[str | dict[str, str]] = [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(20)]
    queues += [
        {"name": "Billing", "target": f"{FUNCTION}-billing:live"},
        {"name": "Support Tier 2", "target": f"{FUNCTION}-billing:live"},
    ]
    run = run_program(base_config(queues=queues))
    lookups = [c[1] for c in run.calls if c[0] in ("lambda:GetFunctionConcurrency", "lambda:GetAlias")]
    assert sorted((c["functionName"], c.get("name")) for c in lookups) == [
        (FUNCTION, None),
        (f"{FUNCTION}-billing", "live"),
    ]


def test_a_stack_that_routes_nothing_says_so():
    run = run_program(base_config(queues=[{"name": "Billing", "enabled": False}]))
    assert any("routes no event" in w for w in run.warnings)
    assert not any("routes no event" in w for w in run_program(base_config()).warnings)


@pytest.mark.parametrize(
    ("token", "says"),
    [
        ("aws:cloudwatch/getEventSource:getEventSource", "Looking up the partner event source"),
        ("lambda:GetFunctionConcurrency", "looking up the function failed"),
    ],
    ids=["event-source", "function"],
)
def test_a_denied_lookup_says_so_and_is_not_taken_for_a_missing_resource(token, says):
    message, _ = refused(base_config(), AwsAccount(denied={token}), "AccessDenied")
    assert says in message
    assert "not found" not in message and "is not in this AWS account" not in message


@pytest.mark.parametrize(
    "wording",
    [
        "no matching partner event source",
        "no EventBridge Source matched; change the search criteria and try again",
    ],
    ids=["older-provider", "newer-provider"],
)
def test_both_wordings_of_no_match_mean_a_missing_source(monkeypatch, wording):
    from components import partner_source

    async def fails(*_args, **_kwargs):
        raise partner_source.aws_invoke.LookupFailed(
            f"invoke of aws:cloudwatch/getEventSource failed: {wording}"
        )

    monkeypatch.setattr(partner_source.aws_invoke, "look_up", fails)
    assert asyncio.run(partner_source.source_state(SOURCE)) is None
