"""``health``: is Genesys sending, and is every queue's event delivered? Per queue, the events
matched, delivered, failed, dead-lettered and lost in the window, from EventBridge's CloudWatch
metrics (components/delivery_metrics.py: the same metrics the dashboard and the alarms watch);
whether the partner event source ingested anything; and the dead-letter queue's depth, from SQS.

One ``GetMetricData`` data point per metric and queue, summed over the whole window; 500 queries a
call (the API's limit), so 1,000 queues take 11 calls. Exit status 0 when nothing needs anyone,
2 when something does, 1 for a mistake (as every command).
"""

from __future__ import annotations

import argparse
import json
import math
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from components import delivery_metrics as m
from operations import aws
from operations.dead_letters import queue_url_of
from operations.stack import OperationError, StackOutputs, load_outputs

QUERIES_PER_CALL = 500
NEEDS_ATTENTION = 2
WINDOW = re.compile(r"^(?P<n>[1-9][0-9]*)(?P<unit>[mhd])$")
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}
LONGEST_WINDOW = timedelta(days=14)
"""Past 15 days CloudWatch keeps 5-minute data points only; two weeks is what an on-call needs."""


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "health",
        parents=[common],
        help="per queue: events matched, delivered, failed, dead-lettered, lost; is the source ingesting",
        description="Per queue, the events matched, delivered, failed, sent to the dead-letter queue and "
        "lost in the window (EventBridge's CloudWatch metrics); whether the partner event source ingested "
        "events; the dead-letter queue's depth. Exit status 2 when something needs attention.",
    )
    p.add_argument(
        "--since", default="1h", help="the window up to now: 30m, 1h, 2d (default 1h, at most 14d)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    p.set_defaults(run=run)


def window(since: str) -> timedelta:
    matched = WINDOW.match(since.strip())
    if matched is None:
        raise OperationError(f"--since {since!r} is not a window such as 30m, 1h or 2d")
    length = timedelta(seconds=int(matched["n"]) * UNIT_SECONDS[matched["unit"]])
    if length > LONGEST_WINDOW:
        raise OperationError(f"--since {since!r} is longer than {LONGEST_WINDOW.days}d; use 14d or less")
    return length


@dataclass(frozen=True)
class QueueHealth:
    queue_id: str
    queue_name: str
    rule_name: str
    enabled: bool
    matched: int
    delivered: int
    failed: int
    dead_lettered: int
    lost: int


def rule_name(rule_arn: str) -> str:
    """The rule's name, the last segment of its ARN (``rule/<bus>/<name>`` or ``rule/<name>``)."""
    return rule_arn.rsplit("/", 1)[-1]


def metric_sums(
    cloudwatch: Any, queries: list[dict[str, Any]], start: datetime, end: datetime
) -> dict[str, float]:
    """Each query's Sum over the window, by its Id; a metric without data points sums to 0."""
    sums: dict[str, float] = {}
    for i in range(0, len(queries), QUERIES_PER_CALL):
        kwargs: dict[str, Any] = {
            "MetricDataQueries": queries[i : i + QUERIES_PER_CALL],
            "StartTime": start,
            "EndTime": end,
        }
        while True:
            answer = cloudwatch.get_metric_data(**kwargs)
            for result in answer.get("MetricDataResults", []):
                sums[result["Id"]] = sums.get(result["Id"], 0.0) + sum(result.get("Values", []))
            if not answer.get("NextToken"):
                break
            kwargs["NextToken"] = answer["NextToken"]
    return sums


def _query(query_id: str, metric: str, dimensions: dict[str, str], period: int) -> dict[str, Any]:
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {
                "Namespace": m.NAMESPACE,
                "MetricName": metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
            },
            "Period": period,
            "Stat": "Sum",
        },
        "ReturnData": True,
    }


def read_health(
    stack: StackOutputs, cloudwatch: Any, sqs: Any, length: timedelta, now: datetime
) -> dict[str, Any]:
    bus = stack.raw.get("eventBusName")
    if not bus:
        raise OperationError(
            f"the outputs of {stack.source} have no 'eventBusName'; is this a stack's outputs?"
        )
    source = stack.raw.get("eventSourceName")
    partner = bool(source) and stack.raw.get("integration") is not None
    # One data point over the whole window: a period of the window, in whole minutes.
    period = max(60, math.ceil(length.total_seconds() / 60) * 60)
    start = now - timedelta(seconds=period)
    queries = []
    for i, route in enumerate(stack.routes):
        rule = rule_name(route.rule_arns[0])
        for j, metric in enumerate(m.PER_QUEUE):
            queries.append(_query(f"q{i}m{j}", metric, m.rule_dimensions(bus, rule), period))
    if partner:
        queries.append(_query("source", m.PARTNER_EVENTS, {"EventSourceName": str(source)}, period))
    sums = metric_sums(cloudwatch, queries, start, now)

    queues = []
    for i, route in enumerate(stack.routes):
        counts = [int(sums.get(f"q{i}m{j}", 0)) for j in range(len(m.PER_QUEUE))]
        queues.append(
            QueueHealth(
                route.queue_id, route.queue_name, rule_name(route.rule_arns[0]), route.enabled, *counts
            )
        )
    events = int(sums.get("source", 0)) if partner else None
    depth = None
    if stack.raw.get("deadLetterQueueUrl") or stack.raw.get("deadLetterQueueArn"):
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue_url_of(sqs, stack), AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        depth = int(attributes["ApproximateNumberOfMessages"])

    problems = []
    if events == 0:
        problems.append(f"no partner event ingested from {source} in the window: is Genesys sending?")
    for q in queues:
        for what, count in (
            ("failed", q.failed),
            ("sent to the dead-letter queue", q.dead_lettered),
            ("lost", q.lost),
        ):
            if count:
                problems.append(f"{q.queue_name}: {count} event(s) {what}")
    if depth:
        problems.append(
            f"{depth} message(s) wait in the dead-letter queue: python -m operations dead-letters"
        )
    return {
        "window": {"from": start.isoformat(), "to": now.isoformat(), "seconds": period},
        "source": {
            "name": source,
            "partner": partner,
            "events": events,
            "ingesting": None if events is None else events > 0,
        },
        "queues": [asdict(q) for q in queues],
        "deadLetterQueue": {"messages": depth},
        "healthy": not problems,
        "problems": problems,
    }


def print_table(report: dict[str, Any]) -> None:
    source = report["source"]
    if source["partner"]:
        state = "ingesting" if source["ingesting"] else "NOT INGESTING"
        print(f"source {source['name']}: {source['events']} event(s), {state}")
    else:
        print(f"source {source['name']}: not a partner source; EventBridge counts no events for it")
    print(f"{'MATCHED':>8} {'DELIVERED':>9} {'FAILED':>6} {'DLQ':>6} {'LOST':>6}  QUEUE")
    for q in report["queues"]:
        off = "" if q["enabled"] else "  (disabled)"
        print(
            f"{q['matched']:>8} {q['delivered']:>9} {q['failed']:>6} {q['dead_lettered']:>6} {q['lost']:>6}"
            f"  {q['queue_name']} ({q['queue_id']}){off}"
        )
    depth = report["deadLetterQueue"]["messages"]
    if depth is not None:
        print(f"dead-letter queue: {depth} message(s) waiting")
    for problem in report["problems"]:
        print(f"attention: {problem}")


def run(args: argparse.Namespace) -> int:
    length = window(args.since)
    stack = load_outputs(args)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    report = read_health(
        stack, aws.client("cloudwatch", stack.region), aws.client("sqs", stack.region), length, now
    )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)
        verdict = "healthy" if report["healthy"] else f"{len(report['problems'])} problem(s)"
        print(f"{len(report['queues'])} queue(s) over the last {args.since}: {verdict}")
    return 0 if report["healthy"] else NEEDS_ATTENTION
