"""The dashboard body builder and the metric queries it shares with the alarms, alone (no Pulumi):
layout, what each graph shows, and CloudWatch's dashboard limits (sources in test_dashboard.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components import dashboard_body as db
from components import delivery_metrics as m

BUS = "aws.partner/genesys.com/cloud/org/dev"
SOURCE = BUS
TOTAL = 'SELECT SUM({}) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = \'' + BUS + "'"


def facts(count: int = 2, **overrides: Any) -> db.DashboardFacts:
    values: dict[str, Any] = {
        "stack": "org/genesys-queue-events/dev",
        "region": "eu-west-1",
        "bus": BUS,
        "rule_prefix": "gqe-abcdef-dev-",
        "queues": {f"gqe-abcdef-dev-q{i}": f"Queue {i}" for i in range(count)},
        "source": SOURCE,
        "dead_letter_queue": "routing-dead-letters-0a1b2c3",
        "alarm_arns": ("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a",),
    }
    values.update(overrides)
    return db.DashboardFacts(**values)


def by_title(body):
    return {w["properties"].get("title", w["type"]): w for w in body["widgets"]}


def test_the_layout_top_to_bottom():
    body = db.body(facts())
    assert (body["start"], body["periodOverride"]) == ("-PT6H", "inherit")
    placed = [(w["type"], w["x"], w["y"], w["width"], w["height"]) for w in body["widgets"]]
    assert placed == [
        ("text", 0, 0, 24, 2),
        ("metric", 0, 2, 12, 6),
        ("alarm", 12, 2, 12, 6),
        ("metric", 0, 8, 12, 6),
        ("metric", 12, 8, 12, 6),
        ("metric", 0, 14, 12, 6),
        ("metric", 12, 14, 12, 6),
        ("metric", 0, 20, 12, 6),
        ("metric", 12, 20, 12, 6),
    ]
    for w in body["widgets"]:
        assert all(type(w[k]) is int for k in ("x", "y", "width", "height"))
        if w["type"] == "metric":
            p = w["properties"]
            assert (p["view"], p["stacked"], p["period"], p["region"]) == (
                "timeSeries",
                False,
                300,
                "eu-west-1",
            )


def test_the_text_names_the_stack_source_bus_prefix_runbook_and_health_command():
    text = db.body(facts())["widgets"][0]["properties"]["markdown"]
    assert text == (
        "## Genesys queue events: org/genesys-queue-events/dev\n"
        f"Source `{SOURCE}`, bus `{BUS}`, rules `gqe-abcdef-dev-*`. Events stopped or failing: "
        "README, *Runbook: events stopped arriving*; `python -m operations health --stack dev`."
    )
    custom = db.body(facts(source=None))["widgets"][0]["properties"]["markdown"]
    assert custom.splitlines()[1].startswith(f"Bus `{BUS}`, rules")


def test_partner_events_alarms_and_dead_letter_graphs():
    widgets = by_title(db.body(facts()))
    events = widgets["Partner events ingested from Genesys"]["properties"]
    assert events["metrics"] == [["AWS/Events", "Events", "EventSourceName", SOURCE, {"label": "events"}]]
    assert events["stat"] == "Sum"
    assert widgets["Alarms"]["properties"]["alarms"] == ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a"]
    dlq = widgets["Dead-letter queue"]["properties"]
    assert dlq["stat"] == "Maximum"
    assert dlq["metrics"] == [
        [
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            "routing-dead-letters-0a1b2c3",
            {"label": "messages waiting"},
        ],
        [
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            "QueueName",
            "routing-dead-letters-0a1b2c3",
            {"label": "oldest (s)", "yAxis": "right"},
        ],
    ]


def test_without_source_alarms_or_dead_letter_queue_their_widgets_are_left_out():
    titles = set(by_title(db.body(facts(source=None, alarm_arns=(), dead_letter_queue=None))))
    assert titles.isdisjoint({"Partner events ingested from Genesys", "alarm", "Dead-letter queue"})
    assert "Lost, retrying, throttled (all queues)" in titles


def test_per_queue_graphs_one_line_a_queue_sorted_by_name():
    widgets = by_title(db.body(facts(3, queues={"r-b": "billing", "r-a": "Care", "r-c": "sales"})))
    graphs = {
        "Events matched per queue (TriggeredRules)": "TriggeredRules",
        "Delivered to Lambda (Invocations)": "Invocations",
        "Failed after retries (FailedInvocations)": "FailedInvocations",
        "Sent to the dead-letter queue (InvocationsSentToDlq)": "InvocationsSentToDlq",
    }
    for title, metric in graphs.items():
        assert widgets[title]["properties"]["metrics"] == [
            ["AWS/Events", metric, "EventBusName", BUS, "RuleName", "r-b", {"label": "billing"}],
            ["AWS/Events", metric, "EventBusName", BUS, "RuleName", "r-a", {"label": "Care"}],
            ["AWS/Events", metric, "EventBusName", BUS, "RuleName", "r-c", {"label": "sales"}],
        ]
        assert widgets[title]["properties"]["stat"] == "Sum"


def test_totals_graph_is_metrics_insights_sums_over_the_bus():
    totals = by_title(db.body(facts()))["Lost, retrying, throttled (all queues)"]["properties"]["metrics"]
    assert totals == [
        [
            {
                "expression": TOTAL.format("InvocationsFailedToBeSentToDlq"),
                "id": "invocationsfailedtobesenttodlq",
                "label": "lost",
            }
        ],
        [{"expression": TOTAL.format("InvocationAttempts"), "id": "invocationattempts", "label": "attempts"}],
        [{"expression": TOTAL.format("Invocations"), "id": "invocations", "label": "delivered"}],
        [{"expression": TOTAL.format("ThrottledRules"), "id": "throttledrules", "label": "throttled"}],
    ]


@pytest.mark.parametrize("count", [db.PER_QUEUE_MAX, db.PER_QUEUE_MAX + 1, 1000])
def test_past_twenty_queues_the_total_and_the_top_ten(count):
    matched = by_title(db.body(facts(count)))["Events matched per queue (TriggeredRules)"]["properties"][
        "metrics"
    ]
    if count <= 20:
        assert len(matched) == count
        return
    assert matched == [
        [{"expression": TOTAL.format("TriggeredRules"), "id": "triggeredrules_all", "label": "all queues"}],
        [
            {
                "expression": TOTAL.format("TriggeredRules")
                + " GROUP BY RuleName ORDER BY SUM() DESC LIMIT 10",
                "id": "triggeredrules_top",
                "label": "",
            }
        ],
    ]


def test_the_metrics_health_reads_per_queue_in_its_column_order():
    assert m.PER_QUEUE == (
        "TriggeredRules",
        "Invocations",
        "FailedInvocations",
        "InvocationsSentToDlq",
        "InvocationsFailedToBeSentToDlq",
    )
    assert (m.NAMESPACE, m.PARTNER_EVENTS, m.PERIOD_SECONDS) == ("AWS/Events", "Events", 60)


def test_the_default_bus_has_no_bus_dimension_or_filter():
    assert m.rule_dimensions("default", "r") == {"RuleName": "r"}
    assert m.rule_dimensions("b", "r") == {"EventBusName": "b", "RuleName": "r"}
    assert (
        m.bus_total_query("Invocations", "default")
        == 'SELECT SUM(Invocations) FROM SCHEMA("AWS/Events", RuleName)'
    )
    assert m.bus_top_query("Invocations", "default", 3) == (
        'SELECT SUM(Invocations) FROM SCHEMA("AWS/Events", RuleName) GROUP BY RuleName ORDER BY SUM() DESC LIMIT 3'
    )
    line = db.body(facts(1, bus="default"))["widgets"][3]["properties"]["metrics"][0]
    assert line == ["AWS/Events", "TriggeredRules", "RuleName", "gqe-abcdef-dev-q0", {"label": "Queue 0"}]


def test_series_counted_as_cloudwatch_counts_them():
    assert db.series_count(["AWS/Events", "Invocations", "RuleName", "r", {}]) == 1
    assert db.series_count([{"expression": "SELECT SUM(x) FROM y", "id": "a"}]) == 1
    assert (
        db.series_count([{"expression": "SELECT SUM(x) FROM y GROUP BY RuleName LIMIT 10", "id": "t"}]) == 10
    )
    assert db.series_count([{"id": "math", "label": "no expression"}]) == 1
    assert db.series_count([]) == 1


def test_limits_at_and_past_each_bound():
    line = ["AWS/Events", "Invocations", "RuleName", "r", {}]
    full = {"type": "metric", "properties": {"metrics": [line] * 500}}
    db.check_limits({"widgets": [full] * 5})  # 500 a widget, 2,500 in all: allowed
    db.check_limits({"widgets": [{"type": "text", "properties": {}}] * 500})
    with pytest.raises(db.DashboardLimitError, match=r"^501 metrics in one widget; at most 500$"):
        db.check_limits({"widgets": [{"type": "metric", "properties": {"metrics": [line] * 501}}]})
    one = {"type": "metric", "properties": {"metrics": [line]}}
    with pytest.raises(db.DashboardLimitError, match=r"^2501 metrics; a dashboard holds at most 2500$"):
        db.check_limits({"widgets": [full] * 5 + [one]})
    with pytest.raises(db.DashboardLimitError, match=r"^501 widgets; a dashboard holds at most 500$"):
        db.check_limits({"widgets": [{"type": "text", "properties": {}}] * 501})


def test_body_json_is_compact_sorted_and_checked():
    text = db.body_json(facts())
    assert json.loads(text) == db.body(facts())
    assert text == json.dumps(db.body(facts()), separators=(",", ":"), sort_keys=True)
    assert text.startswith('{"periodOverride":"inherit","start":"-PT6H","widgets":[')


def test_names_labels_and_urls():
    assert db.dashboard_name("gqe-abcdef-dev-", "eu-west-1") == "gqe-abcdef-dev-eu-west-1"
    assert db.dashboard_name("p" * 246, "eu-west-1") == "p" * 246 + "eu-west-1"  # 255
    with pytest.raises(db.DashboardLimitError, match="over 255 characters"):
        db.dashboard_name("p" * 247, "eu-west-1")
    assert db.console_url("aws", "eu-west-1", "d") == (
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/d"
    )
    assert db.console_url("aws-cn", "cn-north-1", "d") == (
        "https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#dashboards/dashboard/d"
    )
    assert db.console_url("aws-us-gov", "us-gov-west-1", "d") == (
        "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#dashboards/dashboard/d"
    )
    # A partition this module has no console address for gets no link rather than a KeyError.
    assert db.console_url("aws-eusc", "eusc-de-east-1", "d") is None
    routes: dict[str, dict[str, Any]] = {
        "id-1": {"ruleName": "r1", "queueName": "Care"},
        "id-2": {"ruleName": "r2", "queueName": None},
    }
    assert db.queue_labels(routes) == {"r1": "Care", "r2": "id-2"}
