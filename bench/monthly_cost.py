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

from components import patterns  # noqa: E402
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
    """How many CloudWatch alarms the program creates for a stack with the default alarms."""
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
    return len(run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=300_000, help="conversations a month in the org")
    parser.add_argument("--retention-days", type=int, default=7, help="the archive's retentionDays")
    parser.add_argument(
        "--dead-letter-share", type=float, default=0.001, help="share of deliveries that fail"
    )
    parser.add_argument("--alarm-notifications", type=int, default=20, help="alarm e-mails a month")
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
