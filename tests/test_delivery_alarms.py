"""The alarms on silence, lost events and failed deliveries, under Pulumi's mock runtime, held to
what AWS documents for each metric and to CloudWatch's limits on alarms.

Sources (what each fact below is taken from):
- EVENTBRIDGE: EventBridge user guide, "Monitoring Amazon EventBridge",
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html: namespace
  ``AWS/Events``; metrics sent every minute; Count, "Sum and SampleCount tend to be the most
  useful"; ``Events`` "the number of partner events ingested", dimension ``EventSourceName``;
  rule metrics with ``RuleName``, and ``EventBusName`` too on a custom bus; ``FailedInvocations``
  and ``InvocationsFailedToBeSentToDlq`` sent "only if it isn't zero".
- MISSING: CloudWatch user guide, "Configuring how CloudWatch alarms treat missing data": for a
  metric that reports only when something happens, missing data is ``notBreaching``.
- ALARM_LIMITS: CloudWatch user guide, "Limits" (alarm-limits.html): a metric-math alarm references
  at most 10 metrics (hard limit); a Metrics Insights alarm evaluates the latest 3 hours, up to
  10,000 metrics; 200 such alarms per account and region. "Use search expressions in graphs":
  "You can't create an alarm based on the SEARCH expression".
- PUT_METRIC_ALARM: CloudWatch API reference, PutMetricAlarm: Period 10, 20, 30 or a multiple of
  60; below a one-hour period, Period x EvaluationPeriods at most 86,400 s; AlarmDescription at
  most 1,024 characters; AlarmName 1-255.
"""

from __future__ import annotations

import re

import pytest

from components import alarms, delivery_alarms
from mockrun import PREFIX, ROOT, SOURCE, base_config, run_program
from settings import SettingsError, parse

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SQS = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"
STACK = "organization/genesys-queue-events/dev"
# What AWS documents per metric: (dimension names, statistic, missing data when the metric is
# sent only when something happened).
DOCUMENTED = {
    ("AWS/Events", "Events"): {"dimensions": {"EventSourceName"}, "statistic": "Sum", "missing": "breaching"},
    ("AWS/Events", "FailedInvocations"): {
        "dimensions": {"EventBusName", "RuleName"},
        "statistic": "SUM",
        "missing": "notBreaching",
    },
    ("AWS/Events", "InvocationsFailedToBeSentToDlq"): {
        "dimensions": {"EventBusName", "RuleName"},
        "statistic": "SUM",
        "missing": "notBreaching",
    },
}
METRICS_INSIGHTS = re.compile(
    r'^SELECT (?P<stat>[A-Z]+)\((?P<metric>\w+)\) FROM SCHEMA\("(?P<namespace>[^"]+)", (?P<dims>[\w, ]+)\)'
    r"(?: WHERE EventBusName = '(?P<bus>[^']+)')?$"
)
MI_EVALUATION_SECONDS = 3 * 3600
MI_ALARMS_PER_REGION = 200


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


def delivery(run):
    return {
        a.name.removeprefix("delivery-alarms-"): a
        for a in run.of_type(ALARM)
        if a.name.startswith("delivery-")
    }


def test_silence_is_an_alarm_on_partner_events_per_minute_missing_data_breaching():
    run = run_program(base_config(alarms={"noEventsForMinutes": 45}))
    alarm = delivery(run)["events-stopped"].inputs
    documented = DOCUMENTED[(alarm["namespace"], alarm["metricName"])]
    assert (alarm["namespace"], alarm["metricName"]) == ("AWS/Events", "Events")
    assert alarm["dimensions"] == {"EventSourceName": SOURCE}
    assert set(alarm["dimensions"]) == documented["dimensions"]
    assert alarm["statistic"] == documented["statistic"]
    assert alarm["treatMissingData"] == documented["missing"]
    # One-minute periods, all 45 of them empty: under 1 event a minute for 45 minutes.
    assert alarm["period"] == 60
    assert alarm["evaluationPeriods"] == alarm["datapointsToAlarm"] == 45
    assert (alarm["comparisonOperator"], alarm["threshold"]) == ("LessThanThreshold", 1)


def test_without_no_events_for_minutes_there_is_no_silence_alarm_but_the_others_are_there():
    found = delivery(run_program(base_config()))
    assert set(found) == {"events-lost", "deliveries-failing"}


@pytest.mark.parametrize("kind", ["events-lost", "deliveries-failing"])
def test_lost_and_failed_are_metrics_insights_alarms_over_the_stacks_bus(kind):
    run = run_program(base_config())
    alarm = delivery(run)[kind].inputs
    (query,) = alarm["metricQueries"]
    parsed = METRICS_INSIGHTS.match(query["expression"])
    assert parsed, query["expression"]
    documented = DOCUMENTED[(parsed["namespace"], parsed["metric"])]
    assert parsed["stat"] == documented["statistic"]
    assert {d.strip() for d in parsed["dims"].split(",")} == documented["dimensions"]
    # The bus this stack created, named after the source.
    assert parsed["bus"] == run.exports["eventBusName"] == SOURCE
    assert alarm["treatMissingData"] == documented["missing"]
    assert (alarm["comparisonOperator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)
    assert query["returnData"] is True and query["period"] == 300 and query["id"] == "q"
    assert alarm["evaluationPeriods"] == alarm["datapointsToAlarm"] == 1
    assert query["period"] * alarm["evaluationPeriods"] <= MI_EVALUATION_SECONDS
    assert "metricName" not in alarm and "namespace" not in alarm


def test_on_a_bus_other_than_the_source_both_are_named_with_the_queue_and_tags():
    custom = {
        "source": "com.example.cc",
        "detailTypes": ["conversation.end"],
        "queueIdPath": "detail.q",
        "eventBus": "cc",
    }
    run = run_program(base_config(customEvents=custom, tags={"team": "contact-centre"}))
    queue = run.one(SQS).outputs["name"]
    lost = delivery(run)["events-lost"].inputs
    assert (
        f"dead-letter queue {queue} (InvocationsFailedToBeSentToDlq over the rules on bus cc (source com.example.cc))"
        in (lost["alarmDescription"])
    )
    assert "WHERE EventBusName = 'cc'" in lost["metricQueries"][0]["expression"]
    for alarm in delivery(run).values():
        assert alarm.inputs["tags"] == {"team": "contact-centre"}, alarm.name


def test_on_the_default_bus_the_query_has_no_bus_dimension():
    custom = {
        "source": "com.genesyscloud.platform",
        "detailTypes": ["conversation.end"],
        "queueIdPath": "detail.queueId",
        "eventBus": "default",
    }
    run = run_program(base_config(customEvents=custom))
    query = delivery(run)["events-lost"].inputs["metricQueries"][0]["expression"]
    assert query == 'SELECT SUM(InvocationsFailedToBeSentToDlq) FROM SCHEMA("AWS/Events", RuleName)'


def test_every_alarm_names_the_stack_the_source_or_queue_and_a_runbook_section_that_exists():
    run = run_program(base_config(alarms={"noEventsForMinutes": 60}))
    queue = run.one(SQS).outputs["name"]
    readme = (ROOT / "README.md").read_text()
    for alarm in run.of_type(ALARM):
        text = alarm.inputs["alarmDescription"]
        assert len(text) <= 1024
        assert "Stack dev" in text or f"Stack {STACK}" in text, alarm.name
        assert SOURCE in text or queue in text, alarm.name
        (section,) = re.findall(r'README, "(Runbook: [^"]+)"', text)
        assert f"\n## {section}\n" in readme, section


def test_alarm_names_are_pinned_to_the_dead_letter_queue_and_notify_its_topic():
    run = run_program(base_config(alarms={"noEventsForMinutes": 60}))
    queue = run.one(SQS).outputs["name"]
    topic = run.one(TOPIC).outputs["arn"]
    found = delivery(run)
    assert {k: a.inputs["name"] for k, a in found.items()} == {
        "events-stopped": f"{queue}-events-stopped",
        "events-lost": f"{queue}-events-lost",
        "deliveries-failing": f"{queue}-deliveries-failing",
    }
    for alarm in found.values():
        assert alarm.inputs["alarmActions"] == [topic] and alarm.inputs["okActions"] == [topic]
    assert set(run.exports["alarmNames"]) >= {a.inputs["name"] for a in found.values()}


def test_alarms_false_has_none_of_them():
    assert delivery(run_program(base_config(alarms=False))) == {}


def test_the_longest_silence_fits_one_day_of_one_minute_periods_and_longer_is_refused():
    specs = delivery_alarms.delivery_alarm_specs(
        stack="o" * 100,
        source="s" * 256,
        bus="b" * 256,
        dead_letter_queue="q" * 80,
        no_events_for_minutes=1440,
    )
    silence = specs[0]
    assert silence.period * silence.evaluation_periods <= 86_400
    for spec in specs:  # the longest names AWS allows still give a description CloudWatch takes
        assert len(spec.description) <= 1024
    # ... shown cut in the description, never in what the alarm watches
    assert silence.dimensions == {"EventSourceName": "s" * 256}
    assert all("b" * 256 in str(s.query) for s in specs[1:])
    for minutes in (4, 1441):
        with pytest.raises(SettingsError, match=r"alarms\.noEventsForMinutes"):
            parse(base_config(alarms={"noEventsForMinutes": minutes}), aws_region="eu-west-1")


def test_no_events_for_minutes_does_not_apply_to_custom_events():
    custom = {"source": "com.example", "detailTypes": ["x"], "queueIdPath": "detail.q", "eventBus": "b"}
    with pytest.raises(SettingsError, match="customEvents has none"):
        parse(base_config(customEvents=custom, alarms={"noEventsForMinutes": 60}), aws_region="eu-west-1")


def test_a_stack_uses_two_of_the_regions_metrics_insights_alarms_whatever_its_size():
    # 300 queues would need 300 per-rule alarms, or 30 metric-math alarms of 10 metrics each.
    run = run_program(base_config(queues=[f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(300)]))
    insights = [a for a in run.of_type(ALARM) if a.inputs.get("metricQueries")]
    assert len(insights) == 2 and len(run.of_type(ALARM)) == 4
    assert MI_ALARMS_PER_REGION // len(insights) == 100  # stacks per account and region
    assert PREFIX  # the rules are this stack's; their bus is the alarms' scope


def test_what_the_on_call_reads_in_each_alarm():
    """The descriptions, word for word: what SNS mails when an alarm fires."""
    source = "aws.partner/genesys.com/cloud/org/dev"
    specs = delivery_alarms.delivery_alarm_specs(
        stack=STACK, source=source, bus=source, dead_letter_queue="dlq-0a1b2c3", no_events_for_minutes=60
    )
    runbook = 'Read README, "Runbook: events stopped arriving"'
    assert [s.description for s in specs] == [
        f"Stack {STACK}: no event arrived from the Genesys partner event source {source} for 60 minutes. "
        "Genesys may have stopped sending (integration disabled or in error, a topic removed from its filter, "
        f"the event source deleted, the OAuth client rotated). {runbook}, step 1; check: python -m "
        "operations health --stack dev --since 60m",
        f"Stack {STACK}: EventBridge could not put a failed event into the dead-letter queue dlq-0a1b2c3 "
        f"(InvocationsFailedToBeSentToDlq over the rules on bus {source}): that event is gone unless the "
        f"archive has it. {runbook}, step 4; which queue: python -m operations health --stack dev",
        f"Stack {STACK}: deliveries to Lambda failed (FailedInvocations over the rules on bus {source}). "
        f"{runbook}, step 3; which queue: python -m operations health --stack dev; which error: python -m "
        "operations dead-letters --stack dev",
    ]
    shared = delivery_alarms.delivery_alarm_specs(
        stack="o/p/s", source="src", bus="shared", dead_letter_queue="q", no_events_for_minutes=None
    )
    assert [s.kind for s in shared] == ["events-lost", "deliveries-failing"]
    assert "over the rules on bus shared (source src))" in shared[0].description
    assert shared[0].query == (
        'SELECT SUM(InvocationsFailedToBeSentToDlq) FROM SCHEMA("AWS/Events", EventBusName, RuleName) '
        "WHERE EventBusName = 'shared'"
    )
    assert (shared[1].metric_name, shared[1].period, shared[1].evaluation_periods) == (
        "FailedInvocations",
        300,
        1,
    )
    assert shared[1].dimensions == {}


def test_long_names_are_cut_in_the_middle_at_140_characters():
    kept, cut = "k" * 140, "a" * 70 + "b" * 71
    stopped = delivery_alarms.delivery_alarm_specs(
        stack=f"o/p/{kept}", source=cut, bus=cut, dead_letter_queue="q", no_events_for_minutes=5
    )[0]
    assert f"--stack {kept} --since 5m" in stopped.description
    assert f"source {'a' * 69}…{'b' * 69} for 5 minutes" in stopped.description
    with pytest.raises(alarms.AlarmLimitError, match=r"^alarm description of 1025 characters"):
        alarms.checked_description("d" * 1025)
    assert alarms.checked_description("d" * 1024) == "d" * 1024
