"""What a stack costs per month in AWS for a stated event volume, with the prices' sources.

The volume is derived, not guessed, where the repository can say it: the events Genesys forwards
per conversation, and their size, come from the scenario sequences of tests/events/scenarios/
(modelled from Genesys' SDK models, not captured from a live organisation): every event whose
topic the default preset needs in the integration's Event Filter (patterns.required_topics) is
one partner event on the bus, whichever queue it is for. The number of conversations is the
reader's (``--conversations``). The number of alarms comes from the program (one topic,
one e-mail subscription), counted by running the program offline.

Prices are us-east-1 list prices, without the free tier; PRICES says where each was confirmed.

    python bench/monthly_cost.py [--conversations 300000] [--retention-days 7] [--dead-letter-share 0.001]

A second table prices the monitoring at 3, 300 and 1,000 queues (the dashboard, the standard
alarms, the two Metrics Insights alarms, ``operations health`` runs), counted from the program run
offline at each size with ``alarms.noEventsForMinutes`` set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from components import dashboard_body, patterns  # noqa: E402
from operations import offline_program as offline  # noqa: E402

GB = 1024**3
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str


PRICES = {
    "partner_events": Price(
        1.00 / 1e6,
        "per partner event (64 KB chunk)",
        "$1.00/million custom and partner events: blog.awsfundamentals.com EventBridge pricing guide; "
        "AWS knowledge center 'eventbridge-reduce-charges' (2021-12-13) confirms SaaS partner events are "
        "charged; the stored copy of aws.amazon.com/eventbridge/pricing did not show the figure",
    ),
    "archive_processing": Price(
        0.10 / GB,
        "per byte archived",
        "$0.10/GB: third-party summaries (factualminds.com 2026-06, wring.co), which disagree on whether it "
        "is per GB processed or stored; AWS's own figure not seen",
    ),
    "archive_storage": Price(
        0.023 / GB,
        "per byte-month stored",
        "$0.023/GB-month: NOT confirmed from any stored source (the figure AWS's pricing page is "
        "recalled to give)",
    ),
    "sqs_requests": Price(
        0.40 / 1e6,
        "per SQS request (standard queue)",
        "$0.40/million after 1 million free a month: gist 'AWS free tier values' (2017-11); not re-confirmed",
    ),
    "alarms": Price(
        0.10,
        "per standard-resolution alarm-month",
        "$0.10/alarm metric-month: infracost output for aws_cloudwatch_metric_alarm (vreutova/infracost-idem"
        "-support#2); first 10 alarms free",
    ),
    "dashboard": Price(
        3.00,
        "per dashboard-month",
        "$3 per dashboard: factualminds.com CloudWatch pricing (2026-06-13); "
        "aws.amazon.com/cloudwatch/pricing (stored copy) lists 3 dashboards of up to 50 metrics each free a "
        "month",
    ),
    "insights_alarm_metric": Price(
        0.10,
        "per metric a Metrics Insights alarm analyses, a month",
        "NOT confirmed from a stored source: recalled as the alarm price charged per metric the query "
        "analyses; aws.amazon.com/cloudwatch/pricing (stored copy) confirms only that such alarms get no "
        "free tier",
    ),
    "get_metric_data": Price(
        0.01 / 1000,
        "per metric requested by GetMetricData",
        "$0.01 per 1,000 metrics requested: Site24x7 knowledge base 'CloudWatch metrics cost calculation'; "
        "aws.amazon.com/cloudwatch/pricing (stored copy): GetMetricData is always charged",
    ),
    "sns_email": Price(
        2.00 / 1e5,
        "per e-mail notification",
        "$2.00/100,000 after 1,000 free: factualminds.com SNS pricing (2026-06-13)",
    ),
}


def scenario_events(required: tuple[str, ...]) -> tuple[float, float]:
    """(forwarded events per conversation, mean compact size in bytes) over the scenarios."""
    per_conversation, sizes = [], []
    for path in sorted((ROOT / "tests" / "events" / "scenarios").glob("*.json")):
        events = [e["event"] for e in json.loads(path.read_text())["events"]]
        forwarded = [e for e in events if e["detail-type"] in required]
        per_conversation.append(len(forwarded))
        sizes += [len(json.dumps(e, separators=(",", ":")).encode()) for e in forwarded]
    return statistics.mean(per_conversation), statistics.mean(sizes)


def alarms_of_a_stack() -> int:
    """How many standard CloudWatch alarms the program creates for a stack with the default alarms."""
    run = offline.run_offline(
        {
            "aws:region": "us-east-1",
            "target": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "queues": ["a1b2c3d4-e5f6-7890-abcd-ef1234567890"],
            "alarms": {"email": ["oncall@example.com"]},
            "genesys:clientId": "-",
            "genesys:clientSecret": "-",
        },
        ["genesys:clientSecret"],
        stack="dev",
        account="123456789012",
    )
    # The standard alarms; the Metrics Insights ones are priced apart (print_monitoring).
    return len(
        [
            a
            for a in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
            if not a.inputs.get("metricQueries")
        ]
    )


@dataclass(frozen=True)
class Monitoring:
    queues: int
    standard_alarms: int
    insights_alarms: int
    dashboard_metrics: int


def monitoring_of(queues: int) -> Monitoring:
    """What the program registers for monitoring at this many queues, run offline."""
    ids = [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(queues)]
    run = offline.run_offline(
        {
            "aws:region": "us-east-1",
            "target": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "queues": ids,
            "rulesPerBusQuota": max(queues, 300),
            "alarms": {"email": ["oncall@example.com"], "noEventsForMinutes": 60},
            "genesys:clientId": "-",
            "genesys:clientSecret": "-",
        },
        ["genesys:clientSecret"],
        stack="dev",
        account="123456789012",
    )
    alarms = run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    insights = [a for a in alarms if a.inputs.get("metricQueries")]
    (dashboard,) = run.of_type("aws:cloudwatch/dashboard:Dashboard")
    body = json.loads(dashboard.inputs["dashboardBody"])
    lines = [line for w in body["widgets"] for line in w["properties"].get("metrics", [])]
    return Monitoring(
        queues, len(alarms) - len(insights), len(insights), sum(map(dashboard_body.series_count, lines))
    )


def print_monitoring(health_runs: int) -> None:
    """The monitoring's monthly price at 3, 300 and 1,000 queues: quiet (no failed delivery, so the
    Metrics Insights alarms analyse no metric: EventBridge sends FailedInvocations and
    InvocationsFailedToBeSentToDlq only when not zero) and worst (every rule failing all month)."""
    print()
    print(f"Monitoring, a month (USD; {health_runs} `operations health` runs of a 1-hour window):")
    print()
    print(
        "| queues | dashboard (metrics) | standard alarms | Insights alarms | health runs | quiet | worst |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for queues in (3, 300, 1000):
        mon = monitoring_of(queues)
        dashboard = PRICES["dashboard"].usd
        standard = mon.standard_alarms * PRICES["alarms"].usd
        worst_insights = mon.insights_alarms * queues * PRICES["insights_alarm_metric"].usd
        # one query per queue and metric (5), and the source's Events
        health = health_runs * (5 * queues + 1) * PRICES["get_metric_data"].usd
        quiet = dashboard + standard + health
        print(
            f"| {queues:,} | {dashboard:.2f} ({mon.dashboard_metrics}) "
            f"| {standard:.2f} ({mon.standard_alarms}) "
            f"| 0.00-{worst_insights:.2f} ({mon.insights_alarms}) "
            f"| {health:.2f} | {quiet:.2f} | {quiet + worst_insights:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=300_000, help="conversations a month in the org")
    parser.add_argument("--retention-days", type=int, default=7, help="the archive's retentionDays")
    parser.add_argument(
        "--dead-letter-share", type=float, default=0.001, help="share of deliveries that fail"
    )
    parser.add_argument("--alarm-notifications", type=int, default=20, help="alarm e-mails a month")
    parser.add_argument("--health-runs", type=int, default=30, help="`operations health` runs a month")
    args = parser.parse_args()

    required = patterns.required_topics([patterns.CONVERSATION_END_PRESET])
    per_conversation, size = scenario_events(required)
    events = args.conversations * per_conversation
    archived_bytes = events * size
    stored_bytes = archived_bytes * min(args.retention_days, DAYS_PER_MONTH) / DAYS_PER_MONTH
    # A dead letter: SendMessage by EventBridge, then a listing (receive, visibility reset) and a
    # redrive (receive, delete) by the operator: about 5 requests.
    dead_letter_requests = events * args.dead_letter_share * 5

    lines = [
        ("EventBridge partner events", events, PRICES["partner_events"]),
        ("archive: events processed", archived_bytes, PRICES["archive_processing"]),
        ("archive: storage (steady state)", stored_bytes, PRICES["archive_storage"]),
        ("SQS dead-letter requests", dead_letter_requests, PRICES["sqs_requests"]),
        ("CloudWatch alarms", alarms_of_a_stack(), PRICES["alarms"]),
        ("SNS alarm e-mails", args.alarm_notifications, PRICES["sns_email"]),
    ]
    print(
        f"{args.conversations:,} conversations a month; {per_conversation:.2f} forwarded events per "
        f"conversation and {size:.0f} bytes per event (mean over the scenarios, topics "
        f"{', '.join(required)}); archive retention {args.retention_days} days; "
        f"{args.dead_letter_share:.1%} of deliveries dead-lettered"
    )
    print()
    print("| item | quantity | unit price | USD a month |")
    print("|---|---:|---|---:|")
    total = 0.0
    for label, quantity, price in lines:
        cost = quantity * price.usd
        total += cost
        shown = f"{quantity / GB:.3f} GB" if "byte" in price.unit else f"{quantity:,.0f}"
        print(f"| {label} | {shown} | {_unit(price)} | {cost:.2f} |")
    print(f"| **total** | | | **{total:.2f}** |")
    print()
    print_monitoring(args.health_runs)
    print()
    for key, price in PRICES.items():
        print(f"- {key}: {price.source}")


def _unit(price: Price) -> str:
    if "byte" in price.unit:
        return f"${price.usd * GB:.3f}/GB" + ("-month" if "month" in price.unit else "")
    if price.usd >= 0.01:
        return f"${price.usd:.2f} {price.unit.removeprefix('per ')}"
    if price.usd * 1e5 >= 1:
        return f"${price.usd * 1e5:.2f}/100,000"
    return f"${price.usd * 1e6:.2f}/million"


if __name__ == "__main__":
    main()
