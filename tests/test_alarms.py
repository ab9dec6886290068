"""The dead-letter queue's alarms under Pulumi's mock runtime, and the limits their names and
thresholds are held to."""

from __future__ import annotations

import re

import pytest

from components import alarms
from components.routing import DLQ_RETENTION_SECONDS
from mockrun import ACCOUNT, REGION, base_config, run_program

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SQS = "aws:sqs/queue:Queue"
EXISTING_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:contact-centre-oncall"
# SNS topic names: 1-256 of letters, digits, hyphens and underscores (SNS API, CreateTopic).
SNS_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


def by_metric(run):
    """The dead-letter queue's own alarms (the others are tests/test_delivery_alarms.py's)."""
    return {a.inputs["metricName"]: a for a in run.of_type(ALARM) if a.inputs.get("namespace") == "AWS/SQS"}


def test_by_default_two_alarms_watch_the_dead_letter_queue_and_notify_a_new_topic():
    run = run_program(base_config())
    queue = run.one(SQS)
    topic = run.one(TOPIC)
    found = by_metric(run)
    assert set(found) == {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"}
    for alarm in found.values():
        assert alarm.inputs["namespace"] == "AWS/SQS"
        assert alarm.inputs["dimensions"] == {"QueueName": queue.outputs["name"]}
        assert alarm.inputs["statistic"] == "Maximum"
        assert alarm.inputs["comparisonOperator"] == "GreaterThanThreshold"
        assert alarm.inputs["treatMissingData"] == "notBreaching"
        assert alarm.inputs["alarmActions"] == [topic.outputs["arn"]]
        assert alarm.inputs["okActions"] == [topic.outputs["arn"]]
        description = alarm.inputs["alarmDescription"]
        assert "python -m operations dead-letters" in description
        # Names the stack, the queue and the runbook section to read.
        assert description.startswith(f"Stack dev, dead-letter queue {queue.outputs['name']}: ")
        assert 'Read README, "Runbook: a Lambda was down from 14:00 to 16:00".' in description
    # Any message waiting fires at once; the oldest message fires three days before SQS drops it.
    assert found["ApproximateNumberOfMessagesVisible"].inputs["threshold"] == 0
    assert found["ApproximateAgeOfOldestMessage"].inputs["threshold"] == 11 * 86400
    assert queue.inputs["messageRetentionSeconds"] == 14 * 86400
    assert run.of_type(SUBSCRIPTION) == []
    assert run.exports["alarmTopicArn"] == topic.outputs["arn"]
    assert sorted(run.exports["alarmNames"]) == sorted(a.inputs["name"] for a in run.of_type(ALARM))
    assert run.exports["deadLetterQueueUrl"] == queue.outputs["url"]


def test_alarm_names_carry_the_queue_name_which_is_unique_in_the_account_and_region():
    run = run_program(base_config())
    queue_name = run.one(SQS).outputs["name"]
    assert sorted(run.exports["alarmNames"]) == [
        f"{queue_name}-deliveries-failing",
        f"{queue_name}-events-lost",
        f"{queue_name}-messages-waiting",
        f"{queue_name}-oldest-nearing-expiry",
    ]


def test_email_addresses_subscribe_to_the_topic_named_by_address_not_position():
    addresses = ["oncall@example.com", "team.lead@example.org"]
    run = run_program(base_config(alarms={"email": addresses}))
    topic_arn = run.one(TOPIC).outputs["arn"]
    subscriptions = run.of_type(SUBSCRIPTION)
    assert sorted(s.inputs["endpoint"] for s in subscriptions) == addresses
    for s in subscriptions:
        assert s.inputs["protocol"] == "email" and s.inputs["topic"] == topic_arn
    reordered = run_program(base_config(alarms={"email": list(reversed(addresses))}))
    assert {s.name for s in reordered.of_type(SUBSCRIPTION)} == {s.name for s in subscriptions}


def test_an_existing_topic_is_used_and_none_is_created():
    run = run_program(base_config(alarms={"topicArn": EXISTING_TOPIC, "email": ["oncall@example.com"]}))
    assert run.of_type(TOPIC) == []
    for alarm in run.of_type(ALARM):
        assert alarm.inputs["alarmActions"] == [EXISTING_TOPIC]
    assert run.one(SUBSCRIPTION).inputs["topic"] == EXISTING_TOPIC
    assert run.exports["alarmTopicArn"] == EXISTING_TOPIC


def test_alarms_false_registers_no_alarm_topic_or_subscription():
    run = run_program(base_config(alarms=False))
    assert run.of_type(ALARM) == [] and run.of_type(TOPIC) == [] and run.of_type(SUBSCRIPTION) == []
    assert run.exports["alarmTopicArn"] is None and run.exports["alarmNames"] == []
    assert run.one(SQS)  # the dead-letter queue itself stays


def test_without_a_dead_letter_queue_there_is_nothing_to_watch():
    run = run_program(base_config(deadLetterQueue=False))
    assert run.of_type(ALARM) == [] and run.of_type(TOPIC) == []
    assert run.exports["deadLetterQueueUrl"] is None


def test_tags_go_on_the_topic_and_the_alarms():
    run = run_program(base_config(tags={"team": "contact-centre"}))
    for r in [run.one(TOPIC), *run.of_type(ALARM)]:
        assert r.inputs["tags"] == {"team": "contact-centre"}, r.name


def test_the_auto_named_topic_and_its_display_name_fit_snss_rules():
    run = run_program(base_config())
    # Pulumi auto-names the topic: its logical name plus an 8-character suffix.
    topic = run.one(TOPIC)
    assert SNS_TOPIC_NAME.match(f"{topic.name}-1a2b3c4")
    assert len(topic.inputs["displayName"]) <= alarms.TOPIC_DISPLAY_NAME_MAX


def test_the_longest_queue_name_still_gives_valid_alarm_names():
    longest_queue = "q" * 80  # SQS queue names are at most 80 characters
    for spec in alarms.alarm_specs(DLQ_RETENTION_SECONDS):
        name = alarms.alarm_name(longest_queue, spec)
        assert len(name) <= alarms.ALARM_NAME_MAX
    with pytest.raises(alarms.AlarmLimitError):
        alarms.alarm_name("q" * 250, alarms.alarm_specs(DLQ_RETENTION_SECONDS)[0])


def test_descriptions_fit_cloudwatchs_limit():
    for spec in alarms.alarm_specs(DLQ_RETENTION_SECONDS):
        # The longest stack name Pulumi takes (100) and SQS queue name (80).
        text = alarms.described("q" * 80, stack="s" * 100, description=spec.description)
        assert len(text) <= alarms.ALARM_DESCRIPTION_MAX
    with pytest.raises(alarms.AlarmLimitError, match="1024"):
        alarms.described("q", stack="s", description="d" * 1024)


def test_a_retention_too_short_to_warn_is_refused():
    with pytest.raises(alarms.AlarmLimitError, match="no time to warn"):
        alarms.alarm_specs(3 * 86400)


def test_the_display_name_is_cut_to_snss_limit():
    assert len(alarms.topic_display_name("s" * 200)) == alarms.TOPIC_DISPLAY_NAME_MAX
