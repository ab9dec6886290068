"""The stack's CloudWatch dashboard, as the ``DashboardBody`` JSON PutDashboard takes. Pure.

What an operator looks at on a bad night, top to bottom: which stack this is and where the
runbook is; whether Genesys is sending (partner events ingested) and the alarms' states; per
queue, events matched, delivered, failed and dead-lettered (or lost); retries and throttling; the
dead-letter queue's depth and oldest message.

Limits it is held to (CloudWatch service quotas, "Dashboards"; "Dashboard Body Structure and
Syntax"): at most 500 widgets, 500 metrics per widget and 2,500 per dashboard, counting the
metrics a math expression retrieves. A stack of up to PER_QUEUE_MAX queues gets one line per queue
(5 widgets x 20 = 100 metrics); a larger one gets, per graph, the total and the TOP queues as
Metrics Insights queries over the stack's bus, which CloudWatch evaluates over up to 10,000
metrics and which return TOP + 1 time series, so the body stays the same size at 1,000 queues.
A ``SEARCH`` expression was not used: it matches tokens, not a name prefix, and returns at most
500 time series, so at 1,000 queues a total over it would silently miss half of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from components import delivery_metrics as m

WIDGETS_MAX = 500
METRICS_PER_WIDGET_MAX = 500
METRICS_PER_DASHBOARD_MAX = 2500
DASHBOARD_NAME_MAX = 255
PER_QUEUE_MAX = 20
"""Up to this many queues, a line per queue; past it, the total and the TOP busiest."""
TOP = 10
GRAPH_PERIOD_SECONDS = 300
WIDTH = 24
"""A dashboard's grid is 24 columns wide."""


class DashboardLimitError(ValueError):
    """The body would break a CloudWatch dashboard limit."""


@dataclass(frozen=True)
class DashboardFacts:
    stack: str
    """``organisation/project/stack``, as the text widget names it."""
    region: str
    bus: str
    rule_prefix: str
    queues: Mapping[str, str]
    """Rule name → queue name, for every route of the stack."""
    source: str | None = None
    """The partner event source; None for customEvents (EventBridge counts partner events only)."""
    dead_letter_queue: str | None = None
    """The dead-letter queue's name (the ``QueueName`` of its SQS metrics)."""
    alarm_arns: Sequence[str] = field(default_factory=tuple)


def queue_labels(routes: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Rule name → how people call its queue, from the ``routes`` output (queue id → route)."""
    return {str(r["ruleName"]): str(r.get("queueName") or queue_id) for queue_id, r in routes.items()}


def dashboard_name(rule_prefix: str, region: str) -> str:
    """``<rule prefix><region>``: the stack's unique prefix, and the region, because dashboards
    are global to the account while stacks are regional. PutDashboard overwrites by name."""
    name = f"{rule_prefix}{region}"
    if len(name) > DASHBOARD_NAME_MAX:
        raise DashboardLimitError(f"dashboard name {name!r} is over {DASHBOARD_NAME_MAX} characters")
    return name


def console_url(partition: str, region: str, name: str) -> str | None:
    """The dashboard in the CloudWatch console; None in a partition whose console address is not
    known here (``aws-eusc``, which the Genesys region eusc-de-east-1 brings): the dashboard is
    still made, only its link is not guessed."""
    hosts = {
        "aws": f"{region}.console.aws.amazon.com",
        "aws-cn": f"{region}.console.amazonaws.cn",
        "aws-us-gov": "console.amazonaws-us-gov.com",
    }
    if partition not in hosts:
        return None
    return f"https://{hosts[partition]}/cloudwatch/home?region={region}#dashboards/dashboard/{name}"


def _graph(
    title: str, metrics: list[Any], *, x: int, y: int, stat: str = "Sum", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": WIDTH // 2,
        "height": 6,
        "properties": {
            "title": title,
            "view": "timeSeries",
            "stacked": False,
            "metrics": metrics,
            "stat": stat,
            "period": GRAPH_PERIOD_SECONDS,
            **extra,
        },
    }


def _per_rule(facts: DashboardFacts, metric: str) -> list[Any]:
    if len(facts.queues) <= PER_QUEUE_MAX:
        lines: list[Any] = []
        for rule, queue in sorted(facts.queues.items(), key=lambda kv: kv[1].casefold()):
            dims = [part for pair in m.rule_dimensions(facts.bus, rule).items() for part in pair]
            lines.append([m.NAMESPACE, metric, *dims, {"label": queue}])
        return lines
    tag = metric.lower()
    return [
        [
            {
                "expression": m.bus_total_query(metric, facts.bus),
                "id": f"{tag}_all",
                "label": "all queues",
            }
        ],
        [{"expression": m.bus_top_query(metric, facts.bus, TOP), "id": f"{tag}_top", "label": ""}],
    ]


def _totals(facts: DashboardFacts, labelled: Mapping[str, str]) -> list[Any]:
    return [
        [{"expression": m.bus_total_query(metric, facts.bus), "id": metric.lower(), "label": label}]
        for metric, label in labelled.items()
    ]


def _text(facts: DashboardFacts) -> str:
    # No queue count: past PER_QUEUE_MAX queues the body stays the same when a queue is added.
    where = f"Source `{facts.source}`, bus" if facts.source else "Bus"
    return (
        f"## Genesys queue events: {facts.stack}\n"
        f"{where} `{facts.bus}`, rules `{facts.rule_prefix}*`. "
        "Events stopped or failing: README, *Runbook: events stopped arriving*; "
        f"`python -m operations health --stack {facts.stack.rpartition('/')[2]}`."
    )


def body(facts: DashboardFacts) -> dict[str, Any]:
    region = facts.region
    widgets: list[dict[str, Any]] = [
        {
            "type": "text",
            "x": 0,
            "y": 0,
            "width": WIDTH,
            "height": 2,
            "properties": {"markdown": _text(facts)},
        }
    ]
    y = 2
    if facts.source:
        widgets.append(
            _graph(
                "Partner events ingested from Genesys",
                [[m.NAMESPACE, m.PARTNER_EVENTS, "EventSourceName", facts.source, {"label": "events"}]],
                x=0,
                y=y,
                region=region,
            )
        )
    if facts.alarm_arns:
        widgets.append(
            {
                "type": "alarm",
                "x": WIDTH // 2,
                "y": y,
                "width": WIDTH // 2,
                "height": 6,
                "properties": {"title": "Alarms", "alarms": list(facts.alarm_arns)},
            }
        )
    y += 6
    graphs = [
        ("Events matched per queue (TriggeredRules)", m.TRIGGERED),
        ("Delivered to Lambda (Invocations)", m.INVOCATIONS),
        ("Failed after retries (FailedInvocations)", m.FAILED),
        ("Sent to the dead-letter queue (InvocationsSentToDlq)", m.SENT_TO_DLQ),
    ]
    for i, (title, metric) in enumerate(graphs):
        widgets.append(_graph(title, _per_rule(facts, metric), x=(i % 2) * WIDTH // 2, y=y, region=region))
        y += 6 * (i % 2)
    widgets.append(
        _graph(
            "Lost, retrying, throttled (all queues)",
            _totals(
                facts,
                {
                    m.NOT_SENT_TO_DLQ: "lost",
                    m.ATTEMPTS: "attempts",
                    m.INVOCATIONS: "delivered",
                    m.THROTTLED: "throttled",
                },
            ),
            x=0,
            y=y,
            region=region,
        )
    )
    if facts.dead_letter_queue:
        widgets.append(
            _graph(
                "Dead-letter queue",
                [
                    [
                        "AWS/SQS",
                        "ApproximateNumberOfMessagesVisible",
                        "QueueName",
                        facts.dead_letter_queue,
                        {"label": "messages waiting"},
                    ],
                    [
                        "AWS/SQS",
                        "ApproximateAgeOfOldestMessage",
                        "QueueName",
                        facts.dead_letter_queue,
                        {"label": "oldest (s)", "yAxis": "right"},
                    ],
                ],
                x=WIDTH // 2,
                y=y,
                stat="Maximum",
                region=region,
            )
        )
    return {"start": "-PT6H", "periodOverride": "inherit", "widgets": widgets}


def series_count(entry: list[Any]) -> int:
    """How many metrics one line of a widget's ``metrics`` retrieves: one for a metric, TOP (or
    one for a total) for a Metrics Insights query, which returns at most that many."""
    if entry and isinstance(entry[0], dict) and "expression" in entry[0]:
        expression = str(entry[0]["expression"])
        return TOP if " LIMIT " in expression else 1
    return 1


def check_limits(dashboard: Mapping[str, Any]) -> None:
    widgets = dashboard["widgets"]
    if len(widgets) > WIDGETS_MAX:
        raise DashboardLimitError(f"{len(widgets)} widgets; a dashboard holds at most {WIDGETS_MAX}")
    total = 0
    for widget in widgets:
        count = sum(series_count(e) for e in widget["properties"].get("metrics", []))
        if count > METRICS_PER_WIDGET_MAX:
            raise DashboardLimitError(f"{count} metrics in one widget; at most {METRICS_PER_WIDGET_MAX}")
        total += count
    if total > METRICS_PER_DASHBOARD_MAX:
        raise DashboardLimitError(f"{total} metrics; a dashboard holds at most {METRICS_PER_DASHBOARD_MAX}")


def body_json(facts: DashboardFacts) -> str:
    """The body as PutDashboard takes it, checked against CloudWatch's limits."""
    dashboard = body(facts)
    check_limits(dashboard)
    return json.dumps(dashboard, separators=(",", ":"), sort_keys=True)
