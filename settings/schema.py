"""What each configuration key means and accepts: one table, from which both the README's
"Configuration" table and the stack files' JSON Schema are made.

The schema lets an editor check ``Pulumi.<stack>.yaml`` as it is typed; the settings parser
stays the authority (it checks what a schema cannot: regions against targets, quotas, ids
resolved in Genesys). ``python -m settings --schema`` prints it; ``--readme-table`` the table.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from components import aws_limits, invoke_grants, patterns
from genesys import regions, topics
from settings import keys


@dataclass(frozen=True)
class KeyDoc:
    names: tuple[str, ...]
    """The keys, as written in a stack file without the project namespace."""
    required: str
    meaning: str
    """Markdown, as the README shows it."""
    schema: dict[str, Any]


def _pattern(regex: re.Pattern[str]) -> str:
    """A Python pattern as JSON Schema (ECMA-262) reads it: named groups lose their names."""
    return regex.pattern.replace("?P<", "?<")


_SECRET_OR_TEXT = {
    "oneOf": [{"type": "string"}, {"type": "object", "properties": {"secure": {"type": "string"}}}]
}
_TOPICS = {
    "oneOf": [
        {"const": patterns.CONVERSATION_END_PRESET},
        {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "string",
                "anyOf": [
                    {"enum": sorted(t for t, routable in topics.CONVERSATION_TOPICS.items() if routable)},
                    {
                        "pattern": "^"
                        + topics.TOPIC_PREFIX.replace(".", "[.]").replace("{", "[{]").replace("}", "[}]")
                        + "[a-z.]+$"
                    },
                ],
            },
        },
    ]
}
_TARGET = {"type": "string", "pattern": _pattern(keys.LAMBDA_ARN_RE)}
_QUEUE_ID = {"type": "string", "pattern": _pattern(keys.UUID_RE)}
_QUEUE = {
    "oneOf": [
        _QUEUE_ID,
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "id": _QUEUE_ID,
                "name": {"type": "string", "minLength": 1},
                "target": _TARGET,
                "enabled": {"type": "boolean"},
                "topics": _TOPICS,
            },
            "oneOf": [{"required": ["id"]}, {"required": ["name"]}],
        },
    ]
}
# Letters, digits, spaces and _ . : / = + - @: written as the ASCII punctuation it refuses, so
# that both ECMA-262 (editors) and Python (check-jsonschema) read it alike.
_TAG_TEXT = "^[^!\"#$%&'()*,;<>?\\[\\\\\\]^`{|}~\\t\\n\\r]*$"


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "required": list(required),
    }


KEY_DOCS: tuple[KeyDoc, ...] = (
    KeyDoc(
        ("queues",),
        "yes",
        "list; each item a queue id (UUID) or `{id \\| name, target?, enabled?, topics?}` with exactly one of "
        "`id`/`name`",
        {"type": "array", "minItems": 1, "items": _QUEUE},
    ),
    KeyDoc(
        ("target",),
        "unless every queue has one",
        "Lambda function or alias ARN, in `aws:region` and this account",
        _TARGET,
    ),
    KeyDoc(
        ("integration",),
        "no",
        "id or name of the Genesys `amazon-eventbridge-source` integration to verify; default: the only "
        "enabled one. Or `{name, manage: true, eventSourceSuffix?, adopt?}`: the stack creates and keeps "
        "it (see [Managed mode](#managed-mode-the-stack-creates-the-integration))",
        {
            "oneOf": [
                {"type": "string"},
                {
                    **_object(
                        {
                            "name": {"type": "string", "minLength": 1},
                            "manage": {"const": True},
                            "eventSourceSuffix": {
                                "type": "string",
                                "pattern": _pattern(keys.EVENT_SOURCE_SUFFIX_RE),
                            },
                            "adopt": {"type": "boolean"},
                        },
                        ("name", "manage"),
                    )
                },
            ]
        },
    ),
    KeyDoc(
        ("topics",),
        "no",
        "`conversation-end` (default: the conversation ended in the queue, see [What your Lambda "
        "receives](#what-your-lambda-receives)), or a list of topics (`acd.end`, `acw`, `user.end`, "
        "`voicemail.end`, `wrapup`, the `.start` topics, … or full `v2.detail.events.conversation.{id}.…` "
        "templates), delivered unfiltered. Topics whose events carry no queue id (`customer.*`, `flow.*`, "
        "`attributes`, `contact`, `outbound`) are refused",
        _TOPICS,
    ),
    KeyDoc(
        ("eventBus",),
        "no",
        "`create` (default: the partner bus named after the verified source) or the name of the existing "
        "partner bus",
        {"type": "string", "pattern": _pattern(keys.BUS_NAME_RE), "not": {"const": "default"}},
    ),
    KeyDoc(
        ("deadLetterQueue",),
        "no",
        "default `true`: one standard SQS queue (SSE on, 14 days), writable only by this stack's rules: each "
        "rule ARN is named while the policy fits SQS's 8,192-byte policy quota (42 rules on a bus with a short "
        "suffix, 33 on the longest partner-bus name; `bench/aws_limits.py`); past that the grant is `ArnLike` "
        "on this stack's rule names on this bus (`rule/<bus>/<this stack's prefix>*`)",
        {"type": "boolean"},
    ),
    KeyDoc(
        ("keepUndelivered",),
        "no",
        "default `true`: when `pulumi destroy` or a replacement deletes the dead-letter queue or the archive, "
        "Pulumi forgets them and AWS keeps them with what they hold (`retainOnDelete`); `false` deletes them "
        'too. See "Deleting on purpose"',
        {"type": "boolean"},
    ),
    KeyDoc(
        ("retry",),
        "no",
        "`{maximumEventAgeSeconds: 60–86400, maximumRetryAttempts: 0–185}`; default 86400 / 185",
        _object(
            {
                "maximumEventAgeSeconds": {
                    "type": "integer",
                    "minimum": keys.MAX_EVENT_AGE[0],
                    "maximum": keys.MAX_EVENT_AGE[1],
                },
                "maximumRetryAttempts": {
                    "type": "integer",
                    "minimum": keys.MAX_RETRY_ATTEMPTS[0],
                    "maximum": keys.MAX_RETRY_ATTEMPTS[1],
                },
            }
        ),
    ),
    KeyDoc(
        ("archive",),
        "no",
        "`{retentionDays: ≥1}`, default 7; `false` for none",
        {"oneOf": [{"type": "boolean"}, _object({"retentionDays": {"type": "integer", "minimum": 1}})]},
    ),
    KeyDoc(
        ("tags",),
        "no",
        "map applied to every taggable resource; at most 50, keys 1–128 and values 0–256 characters of "
        "letters, digits, spaces and `_ . : / = + - @`, keys not starting with `aws:` (the rules EventBridge, "
        "SQS and SNS share)",
        {
            "type": "object",
            "maxProperties": aws_limits.BY_NAME["tags per resource"],
            "propertyNames": {
                "minLength": 1,
                "maxLength": 128,
                "pattern": _TAG_TEXT,
                "not": {"pattern": "^[aA][wW][sS]:"},
            },
            "additionalProperties": {"type": "string", "maxLength": 256, "pattern": _TAG_TEXT},
        },
    ),
    KeyDoc(
        ("rulesPerBusQuota",),
        "no",
        "default 300 (EventBridge's default); raise only after AWS raised the account's quota",
        {"type": "integer", "minimum": 1},
    ),
    KeyDoc(
        ("lambdaPolicyBudgetBytes",),
        "no",
        f"0–{keys.LAMBDA_POLICY_MAX}, default {invoke_grants.DEFAULT_BUDGET_BYTES}: how much of each target "
        "function's (or alias's) 20 KB resource policy this stack's invoke statements may use before they "
        'become one prefix statement (see "Invoke permissions"); lower it when a function has many other '
        "triggers, 0 for one statement from the start",
        {"type": "integer", "minimum": 0, "maximum": keys.LAMBDA_POLICY_MAX},
    ),
    KeyDoc(
        ("customEvents",),
        "no",
        "`{source, detailTypes, queueIdPath, eventBus}` for events you publish yourself (e.g. "
        "`com.genesyscloud.platform` / `conversation.end` / `detail.queueId`); the integration check is "
        "skipped, queues are still resolved",
        _object(
            {
                "source": {"type": "string", "pattern": _pattern(keys.EVENT_SOURCE_RE)},
                "detailTypes": {
                    "oneOf": [
                        {"type": "string"},
                        {"type": "array", "minItems": 1, "items": {"type": "string"}},
                    ]
                },
                "queueIdPath": {"type": "string", "pattern": _pattern(keys.DETAIL_PATH_RE)},
                "eventBus": {"type": "string", "pattern": _pattern(keys.BUS_NAME_RE)},
            },
            required=keys.CUSTOM_EVENTS_KEYS,
        ),
    ),
    KeyDoc(
        ("alarms",),
        "no",
        "default on (with the dead-letter queue): CloudWatch alarms on the dead-letter queue and on events "
        'that could not reach it or whose delivery failed (see "Alarms") to an SNS topic the stack creates; '
        "`{topicArn: <an existing topic in aws:region>, email: [addresses], noEventsForMinutes: "
        f"{keys.NO_EVENTS_MINUTES[0]}–{keys.NO_EVENTS_MINUTES[1]}}}`; `noEventsForMinutes` (off unless set) "
        "also alarms when no partner event arrived from the source for that long; `false` for none",
        {
            "oneOf": [
                {"type": "boolean"},
                _object(
                    {
                        "topicArn": {"type": "string", "pattern": _pattern(keys.SNS_TOPIC_ARN_RE)},
                        "email": {
                            "type": "array",
                            "items": {
                                "type": "string",
                                "maxLength": keys.MAX_EMAIL,
                                "pattern": _pattern(keys.EMAIL_RE),
                            },
                        },
                        "noEventsForMinutes": {
                            "type": "integer",
                            "minimum": keys.NO_EVENTS_MINUTES[0],
                            "maximum": keys.NO_EVENTS_MINUTES[1],
                        },
                    }
                ),
            ]
        },
    ),
    KeyDoc(
        ("dashboard",),
        "no",
        'default `true`: a CloudWatch dashboard of the stack (see "Dashboard"), its URL in the '
        "`dashboardUrl` output; `false` for none",
        {"type": "boolean"},
    ),
    KeyDoc(
        ("genesys:region",),
        "no",
        "AWS code (`eu-west-1`) or domain (`mypurecloud.ie`); default `us-east-1`",
        {"type": "string", "enum": regions.valid_regions()},
    ),
    KeyDoc(
        ("genesys:clientId", "genesys:clientSecret"),
        "yes, or the environment",
        "the OAuth client (`genesys:clientSecret` as a secret)",
        _SECRET_OR_TEXT,
    ),
    KeyDoc(
        ("genesys:apiUrl", "genesys:loginUrl"),
        "no",
        "override the base URLs (`genesys:region` must still be a Genesys region); only the region's own "
        "`https://login.<domain>` and `https://api.<domain>`, unless the process runs with "
        "`GENESYS_ALLOW_CUSTOM_ENDPOINTS=1` (a private endpoint, a test double; plain `http://` on loopback "
        'only). See "Security model"',
        {"type": "string", "pattern": r"^https?://[^\s/\\%@?#]+(/[^\s\\?#]*)?$"},
    ),
)


def readme_table() -> str:
    """The README's "Configuration" table."""
    rows = ["| key | required | meaning |", "|---|---|---|"]
    for doc in KEY_DOCS:
        rows.append(f"| {', '.join(f'`{n}`' for n in doc.names)} | {doc.required} | {doc.meaning} |")
    return "\n".join(rows) + "\n"


def _plain(markdown: str) -> str:
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown).replace("\\|", "|")


def stack_file_schema() -> dict[str, Any]:
    """A JSON Schema for ``Pulumi.<stack>.yaml``: this project's keys checked, other namespaces
    (``aws:``, …) admitted as they are, and any other key of this project or ``genesys:`` refused."""
    properties: dict[str, Any] = {}
    for doc in KEY_DOCS:
        for name in doc.names:
            full = name if ":" in name else f"{keys.PROJECT}:{name}"
            text = _plain(doc.meaning)
            properties[full] = {**doc.schema, "description": text, "markdownDescription": doc.meaning}
    owned = "|".join((keys.PROJECT, "genesys"))  # plain names: ECMA-262 refuses `\\-`
    config = {
        "type": "object",
        "properties": properties,
        "patternProperties": {f"^(?!(?:{owned}):)[A-Za-z0-9_.-]+:.+$": {}},
        "additionalProperties": False,
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"https://{keys.PROJECT}.invalid/stack-file.schema.json",
        "title": f"Pulumi stack file of {keys.PROJECT}",
        "type": "object",
        "properties": {
            "config": config,
            "secretsprovider": {"type": "string"},
            "encryptionsalt": {"type": "string"},
        },
    }


def schema_text() -> str:
    return json.dumps(stack_file_schema(), indent=2, ensure_ascii=False) + "\n"
