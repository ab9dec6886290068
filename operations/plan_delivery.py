"""What the plan shows of delivery and tags: each target's retry policy and dead-letter queue, and
the tags on each taggable resource. Read from what the program registered, not from the settings,
so that the plan shows what a `pulumi up` would send to AWS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from operations import offline_program as offline

TARGET = "aws:cloudwatch/eventTarget:EventTarget"


def delivery(program: offline.OfflineRun) -> dict[str, Any]:
    """``{"delivery": {...}}``: how the targets retry, and where what they cannot deliver goes."""
    targets = program.of_type(TARGET)
    if not targets:
        return {}
    policies = []
    for target in targets:
        retry = target.inputs.get("retryPolicy") or {}
        policy = {
            "maximumEventAgeSeconds": int(retry.get("maximumEventAgeInSeconds", 86400)),
            "maximumRetryAttempts": int(retry.get("maximumRetryAttempts", 185)),
        }
        if policy not in policies:
            policies.append(policy)
    dead_letters = {(t.inputs.get("deadLetterConfig") or {}).get("arn") for t in targets}
    return {
        "delivery": {
            "targets": len(targets),
            # One policy for every target today; a list if that ever changes, never a silent pick.
            "retryPolicy": policies[0] if len(policies) == 1 else policies,
            "deadLetterQueueArn": next(iter(dead_letters))
            if len(dead_letters) == 1
            else sorted(map(str, dead_letters)),
        }
    }


def tags(configured: Mapping[str, str], program: offline.OfflineRun) -> dict[str, Any]:
    """The configured tags, and on which of the AWS resources the program put them."""
    aws = [r for r in program.resources if r.type.startswith("aws:")]
    tagged = [r for r in aws if configured and r.inputs.get("tags") == dict(configured)]
    return {
        "values": dict(configured),
        "taggedResources": len(tagged),
        "awsResources": len(aws),
        "untaggedTypes": sorted({r.type for r in aws} - {r.type for r in tagged}) if configured else [],
    }


def retry_line(policy: Mapping[str, int]) -> str:
    age, attempts = policy["maximumEventAgeSeconds"], policy["maximumRetryAttempts"]
    return f"each target retries an event for up to {age} s ({_duration(age)}) and {attempts} attempts"


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def short_type(type_: str) -> str:
    """``aws:cloudwatch/eventTarget:EventTarget`` → ``EventTarget``."""
    return type_.rsplit(":", 1)[-1]
