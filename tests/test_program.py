"""The whole program under Pulumi's mock runtime: the resource graph a user gets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.invoke_grants import PolicyHolder
from mockrun import ACCOUNT, FUNCTION, PREFIX, QUEUES_BY_NAME, REGION, SOURCE, base_config, run_program

RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
PERMISSION = "aws:lambda/permission:Permission"
BUS = "aws:cloudwatch/eventBus:EventBus"
SQS = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"

CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
BILLING = QUEUES_BY_NAME["billing"]["id"]
SALES = QUEUES_BY_NAME["sales overflow"]["id"]
SUPPORT = QUEUES_BY_NAME["support tier 2"]["id"]


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


def several_queues(**overrides):
    return base_config(
        queues=[
            CARE,
            {"name": "Billing", "target": f"{FUNCTION}-billing:live"},
            {"name": "Sales Overflow", "enabled": False},
            {"id": SUPPORT, "topics": ["acw", "voicemail.end"]},
        ],
        retry={"maximumEventAgeSeconds": 3600, "maximumRetryAttempts": 10},
        tags={"team": "contact-centre"},
        **overrides,
    )


def by_rule_name(run):
    return {r.outputs["name"]: r for r in run.of_type(RULE)}


def holder_of(target_arn: str) -> PolicyHolder:
    """The policy holder a target ARN names (the fixtures' only alias is ``live``)."""
    if target_arn.endswith(":live"):
        return PolicyHolder(target_arn.removesuffix(":live"), "live")
    return PolicyHolder(target_arn)


def permission_queue(name: str) -> str:
    """``routing-<queue>-<function>-<hash>`` → ``routing-<queue>`` (the rule's logical name)."""
    return name[: name.index("-conversation-ended")]


def permissions_by_queue(run):
    return {permission_queue(p.name): p for p in run.of_type(PERMISSION)}


def test_every_queue_gets_one_rule_one_target_one_permission_on_the_partner_bus():
    run = run_program(several_queues())
    bus = run.one(BUS)
    assert bus.inputs["name"] == SOURCE and bus.inputs["eventSourceName"] == SOURCE
    rules, targets, permissions = run.of_type(RULE), run.of_type(TARGET), run.of_type(PERMISSION)
    assert len(rules) == len(targets) == len(permissions) == 4
    assert {r.name for r in rules} == {t.name for t in targets}
    # A queue's permission is named by the queue and the function (or alias) it opens, so that a
    # retarget creates one and deletes the other instead of replacing it delete-first.
    assert {p.name for p in permissions} == {f"{t.name}-{holder_of(t.inputs['arn']).name}" for t in targets}
    assert f"routing-{CARE}-conversation-ended-bec273" in {p.name for p in permissions}
    for rule in rules:
        assert rule.inputs["eventBusName"] == SOURCE
    for target in targets:
        assert target.inputs["eventBusName"] == SOURCE
    rule_arns = {r.name: r.outputs["arn"] for r in rules}
    for permission in permissions:
        assert permission.inputs["sourceArn"] == rule_arns[permission_queue(permission.name)]
        assert permission.inputs["principal"] == "events.amazonaws.com"
        assert permission.inputs["action"] == "lambda:InvokeFunction"


def test_each_queue_routes_to_its_own_target_and_permission_names_that_function():
    run = run_program(several_queues())
    rules = by_rule_name(run)
    targets = {t.name: t for t in run.of_type(TARGET)}
    permissions = permissions_by_queue(run)
    billing = rules[f"{PREFIX}billing"]
    assert targets[billing.name].inputs["arn"] == f"{FUNCTION}-billing:live"
    assert targets[billing.name].inputs["rule"] == f"{PREFIX}billing"
    # An alias target: the permission names the function and the alias as qualifier.
    assert permissions[billing.name].inputs["function"] == f"{FUNCTION}-billing"
    assert permissions[billing.name].inputs["qualifier"] == "live"
    care = rules[f"{PREFIX}{CARE}"]
    assert targets[care.name].inputs["arn"] == FUNCTION
    assert permissions[care.name].inputs["function"] == FUNCTION
    assert "qualifier" not in permissions[care.name].inputs


def test_patterns_carry_the_resolved_queue_id_and_the_verified_source():
    run = run_program(several_queues())
    rules = by_rule_name(run)
    billing = json.loads(rules[f"{PREFIX}billing"].inputs["eventPattern"])
    assert billing["source"] == [SOURCE]
    assert billing["$or"][0]["detail"]["eventBody"]["queueId"] == [BILLING]
    support = json.loads(rules[f"{PREFIX}{SUPPORT}"].inputs["eventPattern"])
    assert support == {
        "source": [SOURCE],
        "detail-type": [
            "v2.detail.events.conversation.{id}.acw",
            "v2.detail.events.conversation.{id}.voicemail.end",
        ],
        "detail": {"eventBody": {"queueId": [SUPPORT]}},
    }
    assert "Billing" in rules[f"{PREFIX}billing"].inputs["description"]


def test_targets_carry_the_dead_letter_queue_and_retry_policy():
    run = run_program(several_queues())
    dlq = run.one(SQS)
    assert dlq.inputs["sqsManagedSseEnabled"] is True
    assert dlq.inputs["messageRetentionSeconds"] == 14 * 24 * 3600
    assert "fifoQueue" not in dlq.inputs
    for target in run.of_type(TARGET):
        assert target.inputs["deadLetterConfig"] == {"arn": dlq.outputs["arn"]}
        assert target.inputs["retryPolicy"] == {"maximumEventAgeInSeconds": 3600, "maximumRetryAttempts": 10}


def test_queue_policy_allows_exactly_these_rules_and_nothing_wider():
    run = run_program(several_queues())
    policy = json.loads(run.one(QUEUE_POLICY).inputs["policy"])
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == run.one(SQS).outputs["arn"]
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": sorted(r.outputs["arn"] for r in run.of_type(RULE))},
        # The queue's own account as well: the deployed account, from the caller identity.
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    }


def test_exports_name_the_verified_source_and_every_route():
    run = run_program(several_queues())
    exports = run.exports
    assert exports["eventSourceName"] == SOURCE
    assert exports["eventSourceArn"] == f"arn:aws:events:{REGION}::event-source/{SOURCE}"
    assert exports["eventBusName"] == SOURCE
    assert exports["integration"]["state"] == "ENABLED"
    assert exports["integration"]["name"] == "EventBridge (dev)"
    assert exports["deadLetterQueueArn"] == run.one(SQS).outputs["arn"]
    assert exports["archiveName"] == run.one(ARCHIVE).outputs["name"]
    rules = {r.outputs["name"]: r for r in run.of_type(RULE)}
    assert set(exports["routes"]) == {CARE, BILLING, SALES, SUPPORT}
    billing = exports["routes"][BILLING]
    assert billing == {
        "queueName": "Billing",
        "ruleName": f"{PREFIX}billing",
        "ruleArn": rules[f"{PREFIX}billing"].outputs["arn"],
        "targetArn": f"{FUNCTION}-billing:live",
        "eventPattern": rules[f"{PREFIX}billing"].inputs["eventPattern"],
        "enabled": True,
        "invokeGrant": "per-rule",
    }


def test_archive_keeps_the_bus_events_for_the_configured_days():
    run = run_program(several_queues(archive={"retentionDays": 30}))
    archive = run.one(ARCHIVE)
    assert archive.inputs["retentionDays"] == 30
    assert archive.inputs["eventSourceArn"] == run.one(BUS).outputs["arn"]


def test_reordering_the_queues_changes_no_resource_name():
    config = several_queues()
    reordered = dict(config, queues=list(reversed(config["queues"])))
    first = {(r.type, r.name) for r in run_program(config).resources}
    second = {(r.type, r.name) for r in run_program(reordered).resources}
    assert first == second


def test_removing_a_queue_removes_exactly_its_rule_target_and_permission():
    config = several_queues()
    fewer = dict(config, queues=[q for q in config["queues"] if q != CARE])
    before = {(r.type, r.name) for r in run_program(config).resources}
    after = {(r.type, r.name) for r in run_program(fewer).resources}
    assert before - after == {
        (RULE, f"routing-{CARE}"),
        (TARGET, f"routing-{CARE}"),
        (PERMISSION, f"routing-{CARE}-conversation-ended-bec273"),
    }


def test_a_disabled_queue_keeps_its_route_with_a_disabled_rule():
    run = run_program(several_queues())
    states = {r.outputs["name"]: r.inputs["state"] for r in run.of_type(RULE)}
    assert states == {
        f"{PREFIX}{CARE}": "ENABLED",
        f"{PREFIX}billing": "ENABLED",
        f"{PREFIX}sales-overflow": "DISABLED",
        f"{PREFIX}{SUPPORT}": "ENABLED",
    }
    assert run.exports["routes"][SALES]["enabled"] is False


def test_required_topics_come_from_the_enabled_queues():
    run = run_program(several_queues())
    integration = run.one("pulumi-python:dynamic/genesys:EventBridgeIntegration")
    assert integration.inputs["required_topics"] == [
        "v2.detail.events.conversation.{id}.acd.end",
        "v2.detail.events.conversation.{id}.acw",
        "v2.detail.events.conversation.{id}.user.end",
        "v2.detail.events.conversation.{id}.voicemail.end",
    ]
    assert integration.inputs["aws_account_id"] == ACCOUNT
    assert integration.inputs["aws_region"] == REGION


def test_tags_go_on_every_taggable_resource():
    run = run_program(several_queues())
    for r in run.of_type(RULE) + run.of_type(BUS) + run.of_type(SQS):
        assert r.inputs["tags"] == {"team": "contact-centre"}, r.name


def test_an_existing_partner_bus_is_used_not_created():
    run = run_program(several_queues(eventBus=SOURCE))
    assert run.of_type(BUS) == []
    assert {r.inputs["eventBusName"] for r in run.of_type(RULE)} == {SOURCE}
    assert run.one("pulumi-python:dynamic/genesys:EventBridgeIntegration").inputs["event_bus_name"] == SOURCE


def test_without_dead_letter_queue_or_archive():
    run = run_program(several_queues(deadLetterQueue=False, archive=False))
    assert run.of_type(SQS) == [] and run.of_type(QUEUE_POLICY) == [] and run.of_type(ARCHIVE) == []
    for target in run.of_type(TARGET):
        assert "deadLetterConfig" not in target.inputs
    assert run.exports["deadLetterQueueArn"] is None and run.exports["archiveName"] is None


def test_custom_events_reproduce_the_seed_tutorial_pattern_on_the_named_bus():
    config = base_config(
        queues=[CARE],
        customEvents={
            "source": "com.genesyscloud.platform",
            "detailTypes": ["conversation.end"],
            "queueIdPath": "detail.queueId",
            "eventBus": "contact-centre",
        },
    )
    run = run_program(config)
    rule = run.one(RULE)
    assert json.loads(rule.inputs["eventPattern"]) == {
        "source": ["com.genesyscloud.platform"],
        "detail-type": ["conversation.end"],
        "detail": {"queueId": [CARE]},
    }
    assert rule.inputs["eventBusName"] == "contact-centre"
    assert run.of_type(BUS) == []
    assert run.of_type("pulumi-python:dynamic/genesys:EventBridgeIntegration") == []
    assert run.exports["eventSourceArn"] is None


def test_the_credentials_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GENESYS_CLIENT_ID", "id-from-env")
    monkeypatch.setenv("GENESYS_CLIENT_SECRET", "secret-from-env")
    config = several_queues()
    del config["genesys:clientId"], config["genesys:clientSecret"]
    run = run_program(config)
    assert len(run.of_type(RULE)) == 4


def test_the_example_stack_file_deploys():
    import settings

    values, _ = settings.load_stack_file(Path(__file__).parent.parent / "Pulumi.dev.yaml")
    values.update({"genesys:clientId": "test-client-id", "genesys:clientSecret": "test-client-secret"})
    run = run_program(values)
    assert len(run.of_type(RULE)) == 3
    assert {r.inputs["state"] for r in run.of_type(RULE)} == {"ENABLED", "DISABLED"}
