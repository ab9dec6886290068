"""Narrower grants under the mocks: the archive keeps only this stack's events (and moto's
archive, which applies the pattern, shows which), every taggable resource carries the tags,
and the dead-letter queue accepts only this stack's rules in this account."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
from moto import mock_aws

from mockrun import ACCOUNT, REGION, SOURCE, base_config, run_program

ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
RULE = "aws:cloudwatch/eventRule:EventRule"
BUS = "aws:cloudwatch/eventBus:EventBus"
SQS = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
EVENTS = Path(__file__).parent / "events"
CUSTOM = {
    "source": "com.genesyscloud.platform",
    "detailTypes": ["conversation.end", "conversation.transfer"],
    "queueIdPath": "detail.queueId",
    "eventBus": "default",
}


def custom_run():
    return run_program(base_config(queues=["a1b2c3d4-e5f6-7890-abcd-ef1234567890"], customEvents=CUSTOM))


def test_the_partner_bus_archive_keeps_the_verified_source_only():
    run = run_program(base_config(tags={"team": "contact-centre"}))
    archive = run.one(ARCHIVE)
    assert json.loads(archive.inputs["eventPattern"]) == {"source": [SOURCE]}
    # Every rule's events are in the archive, so a replay can reach every route.
    for rule in run.of_type(RULE):
        assert json.loads(rule.inputs["eventPattern"])["source"] == [SOURCE]


def test_a_custom_events_archive_keeps_its_source_and_detail_types_only():
    run = custom_run()
    archive = run.one(ARCHIVE)
    assert json.loads(archive.inputs["eventPattern"]) == {
        "source": ["com.genesyscloud.platform"],
        "detail-type": ["conversation.end", "conversation.transfer"],
    }
    (rule,) = run.of_type(RULE)
    rule_pattern = json.loads(rule.inputs["eventPattern"])
    assert set(rule_pattern["detail-type"]) <= set(json.loads(archive.inputs["eventPattern"])["detail-type"])


def test_on_the_default_bus_the_archive_leaves_every_other_event_out():
    # moto applies an archive's pattern as AWS does (a managed rule in front of the archive).
    run = custom_run()
    pattern = run.one(ARCHIVE).inputs["eventPattern"]
    seed = json.loads((EVENTS / "16-seed-conversation-end.json").read_text())["event"]
    others = [
        {"source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification", "detail": {}},
        {"source": "com.genesyscloud.platform", "detail-type": "conversation.start", "detail": {}},
        {"source": "com.example.billing", "detail-type": "conversation.end", "detail": {}},
    ]
    with mock_aws():
        events = boto3.client("events", region_name=REGION)
        bus_arn = events.describe_event_bus(Name="default")["Arn"]
        events.create_archive(ArchiveName="narrow", EventSourceArn=bus_arn, EventPattern=pattern)
        events.create_archive(ArchiveName="unfiltered", EventSourceArn=bus_arn)
        entries = [
            {"Source": e["source"], "DetailType": e["detail-type"], "Detail": json.dumps(e["detail"])}
            for e in [seed, *others]
        ]
        assert events.put_events(Entries=entries)["FailedEntryCount"] == 0
        narrow = events.describe_archive(ArchiveName="narrow")["EventCount"]
        unfiltered = events.describe_archive(ArchiveName="unfiltered")["EventCount"]
    assert (narrow, unfiltered) == (1, 4)


def test_every_taggable_resource_carries_the_tags_and_the_archive_takes_none():
    tags = {"team": "contact-centre", "cost-centre": "cc-42"}
    run = run_program(base_config(tags=tags))
    tagged = run.of_type(RULE) + run.of_type(BUS) + run.of_type(SQS)
    assert tagged and all(r.inputs["tags"] == tags for r in tagged)
    # EventBridge tags rules and buses only (TagResource: "In EventBridge, rules and event buses
    # can be tagged"); CreateArchive has no Tags parameter, and pulumi-aws's EventArchive no
    # tags input. The archive is found through the stack's archiveName output instead.
    assert "tags" not in run.one(ARCHIVE).inputs
    assert run.exports["archiveName"] == run.one(ARCHIVE).outputs["name"]


def test_the_dead_letter_policy_names_the_rules_and_this_account():
    run = run_program(base_config())
    (statement,) = json.loads(run.one(QUEUE_POLICY).inputs["policy"])["Statement"]
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert sorted(statement["Condition"]["ArnEquals"]["aws:SourceArn"]) == sorted(
        r.outputs["arn"] for r in run.of_type(RULE)
    )
