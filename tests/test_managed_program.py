"""Managed mode in the program, under Pulumi's mock runtime: what it registers, that a preview of
a first deploy does not fail on the partner source that does not exist yet, and that an up waits
for it, bounded, before it creates the bus."""

from __future__ import annotations

import asyncio

import pytest

from components import source_wait
from mockrun import ORG_ID, AwsAccount, base_config, run_program

MANAGED = "pulumi-python:dynamic/genesys:ManagedIntegration"
VERIFIED = "pulumi-python:dynamic/genesys:EventBridgeIntegration"
BUS = "aws:cloudwatch/eventBus:EventBus"
SOURCE = f"aws.partner/genesys.com/cloud/{ORG_ID}/dev"


def managed(**extra):
    return base_config(integration={"name": "EventBridge (dev)", "manage": True, **extra})


class AppearingSources(dict):
    """Partner event sources the account holds only after ``after`` lookups."""

    def __init__(self, name: str, after: int | None) -> None:
        super().__init__()
        self.name, self.after, self.lookups = name, after, 0

    def __iter__(self):
        self.lookups += 1
        if self.after is not None and self.lookups > self.after:
            self[self.name] = "PENDING"
        return super().__iter__()


@pytest.fixture
def quick_wait(monkeypatch):
    wait = source_wait.SourceWait(polls=4, interval_seconds=0.01)
    monkeypatch.setattr(source_wait, "DEFAULT_WAIT", wait)
    return wait


def test_managed_mode_registers_the_integration_protected_with_the_stacks_facts():
    run = run_program(managed(), account=AwsAccount(event_sources={SOURCE: "PENDING"}))
    assert run.of_type(VERIFIED) == []
    integration = run.one(MANAGED)
    assert {
        k: integration.inputs[k] for k in ("name", "event_source_suffix", "owner", "adopt", "topics")
    } == {
        "name": "EventBridge (dev)",
        "event_source_suffix": "dev",  # the stack's name
        "owner": "organization/genesys-queue-events/dev",
        "adopt": False,
        "topics": [
            "v2.detail.events.conversation.{id}.acd.end",
            "v2.detail.events.conversation.{id}.user.end",
        ],
    }
    assert (
        integration.inputs["aws_account_id"] == "123456789012"
        and integration.inputs["aws_region"] == "eu-west-1"
    )
    assert "integration" in run.protected
    assert run.one(BUS).inputs["name"] == SOURCE
    assert run.exports["eventSourceName"] == SOURCE


def test_the_suffix_and_adopt_come_from_the_stack_file():
    run = run_program(
        managed(eventSourceSuffix="cx-dev", adopt=True),
        account=AwsAccount(event_sources={f"aws.partner/genesys.com/cloud/{ORG_ID}/cx-dev": "PENDING"}),
    )
    inputs = run.one(MANAGED).inputs
    assert inputs["event_source_suffix"] == "cx-dev" and inputs["adopt"] is True


def test_a_first_preview_shows_the_bus_without_failing_on_the_source_not_there_yet(quick_wait):
    sources = AppearingSources(SOURCE, after=None)
    run = run_program(managed(), account=AwsAccount(event_sources=sources), preview=True)
    assert run.one(BUS).inputs["name"] == SOURCE
    assert sources.lookups == 1  # a preview looks once and does not wait


def test_an_up_waits_for_the_source_genesys_creates_then_creates_the_bus(quick_wait):
    sources = AppearingSources(SOURCE, after=2)
    run = run_program(managed(), account=AwsAccount(event_sources=sources))
    assert sources.lookups == 3
    assert run.one(BUS).inputs["name"] == SOURCE


def test_an_up_gives_up_after_the_bound_and_says_what_to_check(quick_wait):
    sources = AppearingSources(SOURCE, after=None)
    with pytest.raises(Exception, match="has not created the partner event source") as raised:
        run_program(managed(), account=AwsAccount(event_sources=sources))
    message = str(raised.value)
    assert (
        f"within {quick_wait.longest_seconds:.0f} s ({quick_wait.polls} polls; last state: none)" in message
    )
    assert "Admin > Integrations" in message and "run `pulumi up` again" in message
    assert sources.lookups == quick_wait.polls


def test_the_wait_reports_progress_per_poll():
    seen: list[str] = []
    states = iter([None, None, "PENDING"])

    async def state_of(_name):
        return next(states)

    wait = source_wait.SourceWait(polls=5, interval_seconds=0.0)
    assert (
        asyncio.run(source_wait.wait_for_source(SOURCE, "EventBridge (dev)", wait, state_of, seen.append))
        == SOURCE
    )
    assert [line.split(" (")[0] for line in seen] == [
        f"waiting for Genesys to create the partner event source {SOURCE}",
        f"waiting for Genesys to create the partner event source {SOURCE}",
        f"the partner event source {SOURCE} exists",
    ]
    assert "poll 2 of 5" in seen[1] and "of at most 0 s" in seen[1]


def test_a_stack_name_that_cannot_be_a_suffix_is_named_with_the_fix():
    with pytest.raises(
        Exception, match=r"integration.eventSourceSuffix = \(not set\): defaults to the stack's name"
    ) as raised:
        run_program(managed(), stack="x" * 65)
    assert "set eventSourceSuffix under genesys-queue-events:integration" in str(raised.value)
