"""The Genesys dynamic providers against the Genesys double, called in-process.

The same providers are driven through Pulumi's own provider host over gRPC in
test_provider_host.py; here each verification rule is taken one at a time.
"""

from __future__ import annotations

import dill
import pytest
from pulumi.dynamic import Config, ConfigureRequest

from conftest import CLIENT_ID, CLIENT_SECRET, configured
from genesys.errors import GenesysError
from genesys.integration import IntegrationProvider
from genesys.provider import UNKNOWN
from genesys.queues import QueuesProvider

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ORG = "0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f"
SOURCE = f"aws.partner/genesys.com/cloud/{ORG}/dev-events"
END_TOPICS = [
    "v2.detail.events.conversation.{id}.acd.end",
    "v2.detail.events.conversation.{id}.user.end",
]


def integration_inputs(**overrides):
    inputs = {
        "integration": None,
        "aws_account_id": ACCOUNT,
        "aws_region": REGION,
        "aws_partition": "aws",
        "required_topics": END_TOPICS,
        "event_bus_name": None,
    }
    inputs.update(overrides)
    return inputs


def failures_of(result):
    return {f.property: f.reason for f in result.failures}


def refusal(double, prop, **overrides):
    """Check the integration against the double and return the reason given for `prop`."""
    provider = configured(IntegrationProvider(), double)
    return failures_of(provider.check({}, integration_inputs(**overrides)))[prop]


def test_the_only_enabled_integration_is_verified_and_names_the_event_source(genesys):
    provider = configured(IntegrationProvider(), genesys)
    created = provider.create(integration_inputs())
    assert created.id == "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
    outs = created.outs
    assert outs["event_source_name"] == SOURCE
    assert outs["event_source_arn"] == f"arn:aws:events:{REGION}::event-source/{SOURCE}"
    assert outs["org_id"] == ORG and outs["event_source_suffix"] == "dev-events"
    assert outs["intended_state"] == "ENABLED" and outs["reported_state"] == "ACTIVE"
    assert outs["integration_name"] == "EventBridge (dev)"
    assert set(END_TOPICS) <= set(outs["topics"])


def test_check_returns_the_verified_facts_so_a_preview_shows_them(genesys):
    provider = configured(IntegrationProvider(), genesys)
    result = provider.check({}, integration_inputs(integration="EventBridge (dev)"))
    assert result.failures == []
    assert result.inputs["event_source_name"] == SOURCE
    assert result.inputs["integration"] == "EventBridge (dev)"


def test_create_takes_what_check_verified_once_and_never_anything_stale(genesys):
    provider = configured(IntegrationProvider(), genesys)
    checked = provider.check({}, integration_inputs()).inputs
    asked = len(genesys.requests)
    assert provider.create(checked).outs == checked  # served from check(): no request
    assert len(genesys.requests) == asked
    provider.create(checked)  # taken once: a second create() asks Genesys again
    assert len(genesys.requests) == asked + 3

    provider.check({}, integration_inputs())
    genesys.integration("EventBridge (dev)")["intendedState"] = "DISABLED"
    assert provider.check({}, integration_inputs()).failures  # a failed check drops the entry
    with pytest.raises(GenesysError, match="no enabled Amazon EventBridge integration"):
        provider.create(checked)


def test_check_with_unknown_inputs_waits_for_create(genesys):
    provider = configured(IntegrationProvider(), genesys)
    result = provider.check({}, integration_inputs(aws_account_id=UNKNOWN))
    assert result.failures == [] and "event_source_name" not in result.inputs
    assert genesys.requests == []


def test_several_enabled_integrations_are_listed(genesys):
    genesys.integration("EventBridge (retired)")["intendedState"] = "ENABLED"
    reason = refusal(genesys, "integration")
    assert "several enabled Amazon EventBridge integrations" in reason
    assert "EventBridge (dev)" in reason and "EventBridge (retired)" in reason
    assert "Set `integration`" in reason


def test_an_unknown_integration_reference_lists_the_candidates(genesys):
    reason = refusal(genesys, "integration", integration="EventBridge (prod)")
    assert "no Amazon EventBridge integration has that id or name" in reason
    assert "'EventBridge (dev)'" in reason and "Data Actions" not in reason


def test_a_disabled_integration_is_refused(genesys):
    reason = refusal(genesys, "integration", integration="EventBridge (retired)")
    assert "is DISABLED" in reason and "enable it in Genesys Cloud" in reason


def test_a_restored_integration_is_not_taken_for_an_enabled_one(genesys):
    # RESTORED is in the SDK models' intendedState enum (ClientApp, Java SDK 214) but is not a
    # state a user sets (the Genesys Terraform provider accepts ENABLED | DISABLED): it says the
    # integration came back from DELETED, not that it runs. Only ENABLED is taken as sending.
    genesys.integration("EventBridge (dev)")["intendedState"] = "RESTORED"
    assert "no enabled Amazon EventBridge integration" in refusal(genesys, "integration")
    reason = refusal(genesys, "integration", integration="EventBridge (dev)")
    assert "is RESTORED, so Genesys sends no events" in reason and "enable it" in reason


def test_an_inactive_integration_is_refused(genesys):
    genesys.integration("EventBridge (dev)")["reportedState"] = {"code": "ERROR"}
    reason = refusal(genesys, "integration")
    assert "reports ERROR, not ACTIVE" in reason


def test_an_integration_sending_to_another_account_is_refused(genesys):
    reason = refusal(genesys, "aws_account_id", aws_account_id="999999999999")
    assert "sends events to AWS account 123456789012" in reason
    assert "this stack deploys to 999999999999" in reason and "'AWS Account ID'" in reason


def test_an_integration_sending_to_another_region_is_refused(genesys):
    reason = refusal(genesys, "aws_region", aws_region="us-east-1")
    assert "sends events to AWS region eu-west-1" in reason and "deploys to us-east-1" in reason


def test_a_topic_missing_from_the_event_filter_is_refused(genesys):
    filters = genesys.integration("EventBridge (dev)")["config"]["properties"]["eventFilter"]
    filters.remove("v2.detail.events.conversation.{id}.acd.end")
    reason = refusal(genesys, "required_topics")
    assert "does not forward v2.detail.events.conversation.{id}.acd.end" in reason
    assert "Event Filter" in reason


def test_an_existing_bus_must_be_the_partner_bus(genesys):
    reason = refusal(genesys, "event_bus_name", event_bus_name="my-bus")
    assert f"'{SOURCE}'" in reason
    provider = configured(IntegrationProvider(), genesys)
    assert provider.check({}, integration_inputs(event_bus_name=SOURCE)).failures == []


def test_diff_replaces_on_a_new_integration_reference_and_ignores_nothing_else(genesys):
    provider = configured(IntegrationProvider(), genesys)
    outs = provider.create(integration_inputs()).outs
    same = provider.check(outs, integration_inputs()).inputs
    unchanged = provider.diff("id", outs, same)
    assert unchanged.changes is False and unchanged.replaces == []
    other = provider.diff("id", outs, {**same, "integration": "EventBridge (dev)"})
    assert other.changes is True and other.replaces == ["integration"]
    region = provider.diff("id", outs, {**same, "aws_region": "us-east-1"})
    assert region.replaces == ["aws_region"]


def test_read_reports_drift_without_failing(genesys):
    provider = configured(IntegrationProvider(), genesys)
    outs = provider.create(integration_inputs()).outs
    integration = genesys.integration("EventBridge (dev)")
    integration["intendedState"] = "DISABLED"
    integration["config"]["properties"]["eventFilter"].remove("v2.detail.events.conversation.{id}.user.end")
    read = provider.read(outs["integration_id"], outs)
    assert read.id == outs["integration_id"]
    assert read.outs["intended_state"] == "DISABLED"
    assert "v2.detail.events.conversation.{id}.user.end" not in read.outs["topics"]
    assert provider.diff("id", outs, read.outs).changes is True


def test_missing_credentials_are_a_check_failure_that_says_how_to_set_them(genesys, monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)
    provider = IntegrationProvider()
    provider.configure(
        ConfigureRequest(Config({"genesys:apiUrl": genesys.url, "genesys:loginUrl": genesys.url}, "p"))
    )
    reason = failures_of(provider.check({}, integration_inputs()))["integration"]
    assert "pulumi config set genesys:clientSecret --secret" in reason


def test_an_unknown_region_is_a_check_failure_even_with_both_hosts_overridden(genesys):
    provider = configured(IntegrationProvider(), genesys, **{"genesys:region": "eu-west-9"})
    reason = failures_of(provider.check({}, integration_inputs()))["integration"]
    assert "genesys:region 'eu-west-9' is not a Genesys Cloud region" in reason
    assert genesys.requests == []


def test_credentials_may_come_from_the_environment(genesys, monkeypatch):
    monkeypatch.setenv("GENESYS_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("GENESYS_CLIENT_SECRET", CLIENT_SECRET)
    provider = IntegrationProvider()
    provider.configure(
        ConfigureRequest(Config({"genesys:apiUrl": genesys.url, "genesys:loginUrl": genesys.url}, "p"))
    )
    assert provider.check({}, integration_inputs()).failures == []


def test_a_configured_provider_pickles_to_nothing_secret(genesys):
    provider = configured(IntegrationProvider(), genesys)
    provider.check({}, integration_inputs())
    blob = dill.dumps(provider, recurse=True)
    assert CLIENT_SECRET.encode() not in blob and CLIENT_ID.encode() not in blob
    assert all(t.encode() not in blob for t in genesys.issued_tokens)
    assert dill.loads(blob)._connection is None


# -- queues -----------------------------------------------------------------------------------


def test_queues_resolve_by_id_and_by_name(genesys):
    provider = configured(QueuesProvider(), genesys)
    outs = provider.create(
        {"queue_ids": ["a1b2c3d4-e5f6-7890-abcd-ef1234567890"], "queue_names": ["billing", "Sales Overflow"]}
    ).outs
    assert outs["queues"] == {
        "a1b2c3d4-e5f6-7890-abcd-ef1234567890": {
            "id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            "name": "Customer Care",
            "division": {"id": "d0000000-0000-4000-8000-000000000001", "name": "Home"},
        },
        "billing": {
            "id": "b2c3d4e5-f6a7-4890-8bcd-ef1234567891",
            "name": "Billing",
            "division": {"id": "d0000000-0000-4000-8000-000000000001", "name": "Home"},
        },
        "Sales Overflow": {
            "id": "c3d4e5f6-a7b8-4901-9cde-f12345678902",
            "name": "Sales Overflow",
            "division": {"id": "d0000000-0000-4000-8000-000000000002", "name": "Sales"},
        },
    }


def test_unknown_queues_are_one_failure_listing_all_with_suggestions(genesys):
    provider = configured(QueuesProvider(), genesys)
    result = provider.check(
        {},
        {
            "queue_ids": ["00000000-0000-4000-8000-000000000000"],
            "queue_names": ["Biling", "Support Tier2", "Nowhere"],
        },
    )
    (failure,) = result.failures
    assert failure.reason.startswith("4 configured queue(s) not found")
    assert "queue id 00000000-0000-4000-8000-000000000000 does not exist" in failure.reason
    assert "no queue is named 'Biling'; did you mean 'Billing'?" in failure.reason
    assert "did you mean 'Support Tier 2'?" in failure.reason
    assert "no queue is named 'Nowhere'" in failure.reason


def test_a_queue_given_by_id_and_by_name_is_refused(genesys):
    provider = configured(QueuesProvider(), genesys)
    result = provider.check(
        {}, {"queue_ids": ["b2c3d4e5-f6a7-4890-8bcd-ef1234567891"], "queue_names": ["Billing"]}
    )
    (failure,) = result.failures
    assert "'Billing' (b2c3d4e5-f6a7-4890-8bcd-ef1234567891) is configured twice" in failure.reason


@pytest.mark.parametrize("extra", [0, 245, 995])
def test_resolving_names_costs_pages_not_queues(genesys, extra):
    added = genesys.add_queues(extra)
    names = [q["name"] for q in added] + [
        "Billing",
        "Returns",
        "Support Tier 2",
        "Customer Care",
        "Sales Overflow",
    ]
    provider = configured(QueuesProvider(), genesys)
    outs = provider.create({"queue_ids": [], "queue_names": names}).outs
    assert len(outs["queues"]) == len(names)
    pages = -(-len(genesys.data["queues"]) // 100)
    assert genesys.count("/api/v2/routing/queues") == pages


def test_resolving_250_ids_costs_one_request_per_hundred(genesys):
    added = genesys.add_queues(250)
    provider = configured(QueuesProvider(), genesys)
    outs = provider.create({"queue_ids": [q["id"] for q in added], "queue_names": []}).outs
    assert len(outs["queues"]) == 250
    assert genesys.count("/api/v2/routing/queues") == 3


def test_a_few_names_in_a_large_organisation_are_asked_for_by_name(genesys):
    genesys.add_queues(2000)
    provider = configured(QueuesProvider(), genesys)
    outs = provider.create({"queue_ids": [], "queue_names": ["Billing", "Returns"]}).outs
    assert {q["name"] for q in outs["queues"].values()} == {"Billing", "Returns"}
    # the first page of the listing, then one request per name, instead of 21 pages
    assert genesys.count("/api/v2/routing/queues") == 3


def test_a_rate_limited_listing_is_retried_as_asked(genesys):
    provider = configured(QueuesProvider(), genesys)
    from genesys_double import Fault

    genesys.inject("/api/v2/routing/queues", Fault(status=429, retry_after=1))
    outs = provider.create({"queue_ids": [], "queue_names": ["Billing"]}).outs
    assert outs["queues"]["Billing"]["name"] == "Billing"


def test_an_integration_without_a_suffix_is_refused(genesys):
    genesys.integration("EventBridge (dev)")["config"]["properties"]["eventSourceSuffix"] = ""
    reason = refusal(genesys, "integration")
    assert "has no Event Source Suffix" in reason


def test_a_refresh_shows_a_deleted_queue_as_drift_and_the_next_check_names_it(genesys):
    provider = configured(QueuesProvider(), genesys)
    inputs = {"queue_ids": [], "queue_names": ["Billing", "Returns"]}
    outs = provider.create(inputs).outs
    genesys.data["queues"] = [q for q in genesys.data["queues"] if q["name"] != "Returns"]
    read = provider.read("queues", outs)
    assert read.id == "queues"
    assert set(read.outs["queues"]) == {"Billing"}
    assert provider.diff("queues", outs, read.outs).changes is True
    (failure,) = provider.check(read.outs, inputs).failures
    assert "no queue is named 'Returns'" in failure.reason
