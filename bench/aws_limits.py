"""How the program's per-queue pieces fill AWS's fixed limits (instant).

Prints, for a short and the longest partner-bus name: the bytes one per-rule Lambda statement
adds, how many queues one function takes one statement each before the default budget (half of
Lambda's 20,480-byte policy) switches it to one prefix statement, and how many rule ARNs the
dead-letter queue's policy can name before SQS's 8,192-byte quota switches it to a prefix grant.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components import invoke_grants, naming, patterns, policies

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:conversation-ended"
SHORT_BUS = "aws.partner/genesys.com/cloud/0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/dev-events"
PREFIX = naming.rule_name_prefix("organization", "genesys-queue-events", "contact-centre-prod")
QUEUE_ID = "0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f"


def routes(count: int, holder: invoke_grants.PolicyHolder) -> list[invoke_grants.RouteGrant]:
    return [invoke_grants.RouteGrant(f"{i:08x}{QUEUE_ID[8:]}", holder) for i in range(count)]


def per_rule_capacity(bus: str, holder: invoke_grants.PolicyHolder) -> int:
    count = 1
    while not invoke_grants.plan(routes(count + 1, holder), rule_name_prefix=PREFIX, bus_name_for_sizing=bus)[
        holder
    ].shared:
        count += 1
    return count


def dead_letter_capacity(bus: str) -> int:
    queue_arn = "arn:aws:sqs:eu-west-1:123456789012:routing-dead-letters-1a2b3c4"
    count = 1
    while True:
        names = [f"{PREFIX}{r.route_name}" for r in routes(count + 1, HOLDER)]
        arns = [naming.rule_arn("aws", "eu-west-1", "123456789012", bus, name) for name in names]
        if '"ArnLike"' in policies.dead_letter_queue_policy(queue_arn, arns, PREFIX):
            return count
        count += 1


def one_statement(route_names: list[str], bus: str) -> dict[str, object]:
    route_grants = [invoke_grants.RouteGrant(name, HOLDER) for name in route_names]
    plan = invoke_grants.plan(route_grants, rule_name_prefix=PREFIX, bus_name_for_sizing=bus)
    return invoke_grants.statements(plan, rule_name_prefix=PREFIX, bus_name=bus)[HOLDER][0]


HOLDER = invoke_grants.PolicyHolder(FUNCTION)
ALIAS = invoke_grants.PolicyHolder(FUNCTION, "live")

print(f"rule-name prefix of stack contact-centre-prod: {PREFIX!r} ({len(PREFIX)} characters)")
print(
    "| bus name | chars | statement bytes (id queue) | statement bytes (40-char name) "
    "| per-rule queues per function | per-rule queues per alias | rule ARNs the DLQ policy names |"
)
print("|---|---:|---:|---:|---:|---:|---:|")
buses = (
    ("short (suffix dev-events)", SHORT_BUS),
    ("longest Genesys can give", patterns.LONGEST_GENESYS_SOURCE),
)
for label, bus in buses:
    by_id = policies.statement_bytes(one_statement([QUEUE_ID], bus))
    by_name = policies.statement_bytes(one_statement(["q" * 40], bus))
    print(
        f"| {label} | {len(bus)} | {by_id} | {by_name} | {per_rule_capacity(bus, HOLDER)} "
        f"| {per_rule_capacity(bus, ALIAS)} | {dead_letter_capacity(bus)} |"
    )
shared = one_statement([r.route_name for r in routes(100, HOLDER)], patterns.LONGEST_GENESYS_SOURCE)
print(
    f"one prefix statement for all of a stack's rules (longest bus): {policies.statement_bytes(shared)} bytes"
)
