"""Pure builders for the resource policies the routing needs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

# Amazon SQS refuses a queue policy over 8,192 bytes (SQS developer guide, "policy quotas").
SQS_POLICY_MAX_BYTES = 8192


def dead_letter_queue_policy(queue_arn: str, rule_arns: Sequence[str], rule_name_prefix: str) -> str:
    """Let EventBridge put undeliverable events on the dead-letter queue, from these rules only.

    The policy names every rule ARN (``ArnEquals aws:SourceArn``). A few dozen ARNs already fill
    SQS's 8,192-byte policy quota, so past that the condition becomes ``ArnLike`` on the rule
    names this stack owns on this bus (``rule/<bus>/<prefix>*``): every rule the stack creates
    is named with that prefix, and no wider grant is made.
    """
    arns = sorted(set(rule_arns))
    policy = _policy(queue_arn, "ArnEquals", arns)
    if len(policy.encode()) <= SQS_POLICY_MAX_BYTES:
        return policy
    bus_prefix = arns[0].rsplit("/", 1)[0]
    return _policy(queue_arn, "ArnLike", [f"{bus_prefix}/{rule_name_prefix}*"])


def _policy(queue_arn: str, operator: str, source_arns: list[str]) -> str:
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
                    "Condition": {operator: {"aws:SourceArn": source_arns}},
                }
            ],
        },
        sort_keys=True,
        separators=(",", ":"),
    )


# A Lambda function's (or alias's) resource-based policy is at most 20 KB (20,480 bytes, as in
# "The final policy size (20749) is bigger than the limit (20480)"); the limit cannot be raised.
LAMBDA_POLICY_MAX_BYTES = 20480


def lambda_invoke_statement(statement_id: str, resource_arn: str, source_arn: str) -> dict[str, Any]:
    """One ``AddPermission`` for EventBridge, as Lambda stores it in the function's policy.

    Lambda writes every ``SourceArn`` as an ``ArnLike`` condition on ``AWS:SourceArn``, so the
    same shape holds an exact rule ARN or a ``…/<prefix>*`` pattern.
    """
    return {
        "Sid": statement_id,
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": resource_arn,
        "Condition": {"ArnLike": {"AWS:SourceArn": source_arn}},
    }


def lambda_policy(statements: Sequence[Mapping[str, Any]]) -> str:
    """The function's whole policy document as Lambda returns it from ``GetPolicy`` (compact)."""
    return _compact({"Version": "2012-10-17", "Id": "default", "Statement": list(statements)})


def statement_bytes(statement: Mapping[str, Any]) -> int:
    """What one statement adds to the policy: its compact JSON and the comma between statements."""
    return len(_compact(statement).encode()) + 1


def _compact(document: Mapping[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))
