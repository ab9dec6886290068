"""The stack's CloudWatch dashboard: what the program registers, and the body held to the
documented dashboard limits up to 1,000 queues.

Limits (CloudWatch service quotas, "Dashboards": "Up to 500 metrics per dashboard widget. Up to
2500 metrics per dashboard, across all widgets", counting metrics retrieved for math;
"Dashboard Body Structure and Syntax": 0-500 widgets, a 24-column grid; PutDashboard:
DashboardName at most 255 of A-Z a-z 0-9 - _). Metrics per EventBridge's monitoring page (see
tests/test_delivery_alarms.py).
"""

from __future__ import annotations

import json
import re

import pytest

from components import dashboard_body as db
from mockrun import ACCOUNT, PREFIX, QUEUES_BY_NAME, REGION, SOURCE, base_config, run_program

DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
RULE = "aws:cloudwatch/eventRule:EventRule"
SQS = "aws:sqs/queue:Queue"
DOCUMENTED_METRICS = {
    "AWS/Events": {
        "Events",
        "TriggeredRules",
        "Invocations",
        "FailedInvocations",
        "InvocationsSentToDlq",
        "InvocationsFailedToBeSentToDlq",
        "InvocationAttempts",
        "ThrottledRules",
    },
    "AWS/SQS": {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"},
}
NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


def queue_ids(count):
    return [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(count)]


def metric_lines(body):
    return [line for w in body["widgets"] for line in w["properties"].get("metrics", [])]


def test_by_default_the_stack_has_a_dashboard_named_after_its_prefix_and_region():
    run = run_program(base_config(alarms={"noEventsForMinutes": 60}))
    dashboard = run.one(DASHBOARD)
    assert dashboard.inputs["dashboardName"] == f"{PREFIX}{REGION}" == run.exports["dashboardName"]
    assert NAME.match(dashboard.inputs["dashboardName"])
    assert run.exports["dashboardUrl"] == (
        f"https://{REGION}.console.aws.amazon.com/cloudwatch/home?region={REGION}"
        f"#dashboards/dashboard/{PREFIX}{REGION}"
    )
    body = json.loads(dashboard.inputs["dashboardBody"])
    text = dashboard.inputs["dashboardBody"]
    # This stack's source, bus, rule prefix, queues, rules and dead-letter queue.
    assert SOURCE in text and PREFIX in text and run.one(SQS).outputs["name"] in text
    for name in ("Billing", "Sales Overflow"):
        assert f'"label":"{name}"' in text
    assert QUEUES_BY_NAME["billing"]["name"] == "Billing"
    for rule in run.of_type(RULE):
        assert f'"RuleName","{rule.inputs["name"]}"' in text
    alarm_widget = next(w for w in body["widgets"] if w["type"] == "alarm")
    assert alarm_widget["properties"]["alarms"] == [
        f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{n}" for n in run.exports["alarmNames"]
    ]
    assert len(alarm_widget["properties"]["alarms"]) <= 100  # an alarm widget shows at most 100


def test_the_body_is_dashboard_json_of_documented_metrics_on_a_24_column_grid():
    run = run_program(base_config())
    body = json.loads(run.one(DASHBOARD).inputs["dashboardBody"])
    assert isinstance(body["widgets"], list) and 0 < len(body["widgets"]) <= db.WIDGETS_MAX
    for w in body["widgets"]:
        assert w["type"] in {"metric", "text", "alarm"}
        assert w["x"] >= 0 and w["x"] + w["width"] <= 24 and w["height"] > 0 and w["y"] >= 0
        if w["type"] == "metric":
            assert w["properties"]["region"] == REGION and w["properties"]["period"] % 60 == 0
    for line in metric_lines(body):
        if isinstance(line[0], dict):  # a Metrics Insights query over the stack's bus
            query = re.match(
                r'^SELECT SUM\((\w+)\) FROM SCHEMA\("AWS/Events", EventBusName, RuleName\) ',
                line[0]["expression"],
            )
            assert query and query[1] in DOCUMENTED_METRICS["AWS/Events"], line
            continue
        namespace, metric, *dims = line[:-1]
        assert metric in DOCUMENTED_METRICS[namespace], line
        names = set(dims[0::2])
        assert names in ({"EventSourceName"}, {"EventBusName", "RuleName"}, {"QueueName"}), line
    # No two widgets overlap.
    cells = [
        (w["x"] + i, w["y"] + j)
        for w in body["widgets"]
        for i in range(w["width"])
        for j in range(w["height"])
    ]
    assert len(cells) == len(set(cells))


def test_dashboard_false_registers_none():
    run = run_program(base_config(dashboard=False))
    assert run.of_type(DASHBOARD) == []
    assert run.exports["dashboardName"] is None and run.exports["dashboardUrl"] is None


def test_custom_events_have_no_partner_events_graph():
    custom = {
        "source": "com.example.cc",
        "detailTypes": ["conversation.end"],
        "queueIdPath": "detail.q",
        "eventBus": "cc",
    }
    body = json.loads(run_program(base_config(customEvents=custom)).one(DASHBOARD).inputs["dashboardBody"])
    named = [line for line in metric_lines(body) if isinstance(line[0], str)]
    assert named and all(line[1] != "Events" for line in named)
    assert "EventBusName = 'cc'" in json.dumps(body)


def test_a_thousand_queue_stack_fits_the_dashboard_limits_at_the_size_of_a_small_one():
    run = run_program(base_config(queues=queue_ids(1000), rulesPerBusQuota=1000))
    text = run.one(DASHBOARD).inputs["dashboardBody"]
    body = json.loads(text)
    db.check_limits(body)
    retrieved = sum(db.series_count(line) for line in metric_lines(body))
    assert retrieved <= db.METRICS_PER_DASHBOARD_MAX
    assert len(body["widgets"]) == 9
    # Independent of the number of queues past 20: the same body for 21 queues, so adding a queue
    # to a large stack leaves the dashboard as it is.
    small = run_program(base_config(queues=queue_ids(21))).one(DASHBOARD).inputs["dashboardBody"]
    assert text == small
    assert len(text.encode()) < 8 * 1024, len(text.encode())
