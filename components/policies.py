"""Pure builders for the resource policies the routing needs."""

from __future__ import annotations

import json
from collections.abc import Sequence

# Amazon SQS refuses a queue policy over 8,192 bytes (SQS developer guide, "policy quotas").
SQS_POLICY_MAX_BYTES = 8192


def dead_letter_queue_policy(queue_arn: str, rule_arns: Sequence[str], rule_name_prefix: str) -> str:
    """Let EventBridge put undeliverable events on the dead-letter queue, from these rules only.

    The policy names every rule ARN (``ArnEquals aws:SourceArn``). A few dozen ARNs already fill
    SQS's 8,192-byte policy quota, so past that the condition becomes ``ArnLike`` on the rule
    names this stack owns on this bus (``rule/<bus>/<prefix>*``): every rule the stack creates
    is named with that prefix, and no wider grant is made.

    Both forms also require ``aws:SourceAccount`` = the queue's own account: the rule ARN
    already names the account, and the second key keeps the grant closed if a pattern is ever
    widened (AWS's confused-deputy guidance for service principals).
    """
    arns = sorted(set(rule_arns))
    policy = _policy(queue_arn, "ArnEquals", arns)
    if len(policy.encode()) <= SQS_POLICY_MAX_BYTES:
        return policy
    bus_prefix = arns[0].rsplit("/", 1)[0]
    return _policy(queue_arn, "ArnLike", [f"{bus_prefix}/{rule_name_prefix}*"])


def _policy(queue_arn: str, operator: str, source_arns: list[str]) -> str:
    account = queue_arn.split(":")[4]  # arn:<partition>:sqs:<region>:<account>:<name>
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "EventBridgeDeadLetters",
                    "Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {
                        operator: {"aws:SourceArn": source_arns},
                        "StringEquals": {"aws:SourceAccount": account},
                    },
                }
            ],
        },
        sort_keys=True,
        separators=(",", ":"),
    )
