"""The AWS limits the stack's resources must meet, as data, and the tag rules as a check.

Neither Pulumi's mocks nor moto enforce any of these; the program checks what it can before any
resource exists (settings), and tests/test_aws_limits.py rebuilds what AWS would hold from what
the program registers and holds it against each limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components import naming, patterns, policies


@dataclass(frozen=True)
class Limit:
    name: str
    value: int
    source: str


LIMITS = (
    Limit(
        "EventBridge rule name, characters", naming.RULE_NAME_MAX, "EventBridge API reference, PutRule Name"
    ),
    Limit("event pattern, characters", patterns.PATTERN_MAX_CHARS, "EventBridge quotas (default)"),
    Limit("rules per event bus", patterns.RULES_PER_BUS_DEFAULT, "EventBridge quotas (adjustable)"),
    Limit("Lambda resource-based policy, bytes", policies.LAMBDA_POLICY_MAX_BYTES, "Lambda quotas (fixed)"),
    Limit("Lambda statement id, characters", 100, "Lambda API reference, AddPermission StatementId"),
    Limit("SQS queue policy, bytes", policies.SQS_POLICY_MAX_BYTES, "SQS developer guide, policy quotas"),
    Limit("tags per resource", 50, "EventBridge, SQS and SNS tagging rules"),
    Limit("tag key, characters", 128, "EventBridge, SQS and SNS tagging rules"),
    Limit("tag value, characters", 256, "EventBridge, SQS and SNS tagging rules"),
)
BY_NAME = {limit.name: limit.value for limit in LIMITS}

TAG_PUNCTUATION = "_.:/=+-@"
"""EventBridge, SQS and SNS allow letters, digits, spaces and these in tag keys and values."""
RESERVED_TAG_PREFIX = "aws:"


def _allowed(text: str) -> bool:
    return all(ch.isalnum() or ch == " " or ch in TAG_PUNCTUATION for ch in text)


def tag_problems(tags: Mapping[Any, Any]) -> list[tuple[str, Any, str]]:
    """(key path, value, message) for each tag EventBridge, SQS or SNS would refuse."""
    problems: list[tuple[str, Any, str]] = []
    if len(tags) > BY_NAME["tags per resource"]:
        problems.append(("tags", f"{len(tags)} tags", "AWS allows at most 50 tags per resource; remove some"))
    allowed = f"letters, digits, spaces and {' '.join(TAG_PUNCTUATION)}"
    for key, value in tags.items():
        path = f"tags.{key}"
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not _allowed(key):
            problems.append((path, key, f"tag keys are 1 to 128 characters of {allowed}; rename the key"))
        elif key.lower().startswith(RESERVED_TAG_PREFIX):
            problems.append(
                (path, key, "tag keys may not start with 'aws:' (reserved by AWS); rename the key")
            )
        if not isinstance(value, str) or len(value) > 256 or not _allowed(value):
            problems.append(
                (path, value, f"tag values are text of at most 256 characters of {allowed}; change the value")
            )
    return problems
