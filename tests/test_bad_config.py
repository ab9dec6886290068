"""The catalogue of bad stack configs: each fails with a message that names the key, the value
and the fix, through the whole program, before any resource is registered."""

from __future__ import annotations

import pulumi
import pytest

from mockrun import FUNCTION, ProgramRun, base_config, run_program

CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
OTHER_REGION = "arn:aws:lambda:us-east-1:123456789012:function:conversation-ended"

# (case id, config overrides, fragments the message must contain: key path, value, fix)
CASES = [
    (
        "id-not-uuid",
        {"queues": ["1234"]},
        ['queues[0].id = "1234"', "is not a Genesys queue id", "queues[0].name"],
    ),
    (
        "id-and-name",
        {"queues": [{"id": CARE, "name": "Billing"}]},
        ["queues[0] =", "exactly one of id or name (not both)"],
    ),
    ("neither-id-nor-name", {"queues": [{"enabled": True}]}, ["queues[0] =", "exactly one of id or name"]),
    ("same-id-twice", {"queues": [CARE, CARE.upper()]}, ["queues[1].id", "is listed already at queues[0]"]),
    (
        "same-name-twice",
        {"queues": [{"name": "Billing"}, {"name": "billing"}]},
        ['queues[1].name = "billing"', "listed already at queues[0]"],
    ),
    (
        "same-resource-name",
        {"queues": [{"name": "Billing Queue"}, {"name": "billing-queue"}]},
        ["queues[1].name", "same resource name 'billing-queue'", "by id instead"],
    ),
    (
        # A queue by id next to one whose *name* is that id: one resource name for both.
        "id-and-name-alike",
        {
            "queues": [
                "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
                {"name": "A1B2C3D4-E5F6-7890-ABCD-EF1234567890"},
            ]
        },
        ["queues[1].name", "same resource name 'a1b2c3d4-e5f6-7890-abcd-ef1234567890'", "queues[0]"],
    ),
    ("no-target", {"target": None}, ["queues[0].target = (not set)", "set the stack-wide `target`"]),
    (
        "target-not-lambda",
        {"target": "arn:aws:sqs:eu-west-1:123456789012:q"},
        ['target = "arn:aws:sqs', "not a Lambda function or alias ARN", "function:<name>"],
    ),
    (
        "target-other-region",
        {"target": OTHER_REGION},
        ["target =", "is in us-east-1", "aws:region eu-west-1"],
    ),
    ("target-version", {"target": f"{FUNCTION}:7"}, ["target =", "names version '7'", "alias"]),
    (
        "queue-target-bad",
        {"queues": [{"id": CARE, "target": "lambda"}]},
        ['queues[0].target = "lambda"', "not a Lambda"],
    ),
    (
        "target-other-account",
        {"target": "arn:aws:lambda:eu-west-1:999999999999:function:x"},
        [
            'target = "arn:aws:lambda:eu-west-1:999999999999:function:x"',
            "account 999999999999",
            "account 123456789012",
            "1 problem(s)",
        ],
    ),
    (
        "unknown-topic",
        {"topics": ["conversation.end"]},
        ['topics[0] = "conversation.end"', "unknown topic", "user.end"],
    ),
    (
        "topic-without-queue",
        {"queues": [{"id": CARE, "topics": ["customer.end"]}]},
        ["queues[0].topics[0]", "carries no eventBody.queueId"],
    ),
    ("topics-empty", {"topics": []}, ["topics = []", "non-empty list"]),
    (
        "retry-age-low",
        {"retry": {"maximumEventAgeSeconds": 30}},
        ["retry.maximumEventAgeSeconds = 30", "from 60 to 86400"],
    ),
    (
        "retry-attempts-high",
        {"retry": {"maximumRetryAttempts": 200}},
        ["retry.maximumRetryAttempts = 200", "from 0 to 185"],
    ),
    (
        "retry-not-number",
        {"retry": {"maximumRetryAttempts": "three"}},
        ['retry.maximumRetryAttempts = "three"', "whole number"],
    ),
    (
        "retry-typo",
        {"retry": {"maximumRetries": 3}},
        ["retry.maximumRetries = 3", "did you mean 'maximumRetryAttempts'"],
    ),
    ("archive-zero", {"archive": {"retentionDays": 0}}, ["archive.retentionDays = 0", "at least 1"]),
    ("archive-typo", {"archive": {"retention": 7}}, ["archive.retention", "did you mean 'retentionDays'"]),
    ("unknown-key-queue", {"queue": [CARE]}, ["queue = ", "did you mean 'queues'"]),
    (
        "unknown-key-deadletter",
        {"deadletterQueue": False},
        ["deadletterQueue = false", "did you mean 'deadLetterQueue'"],
    ),
    (
        "unknown-queue-key",
        {"queues": [{"id": CARE, "enable": False}]},
        ["queues[0].enable = false", "did you mean 'enabled'"],
    ),
    ("dlq-not-bool", {"deadLetterQueue": "yes"}, ['deadLetterQueue = "yes"', "true or false"]),
    (
        "enabled-not-bool",
        {"queues": [{"id": CARE, "enabled": "no"}]},
        ['queues[0].enabled = "no"', "true or false"],
    ),
    (
        "genesys-region",
        {"genesys:region": "moon-1"},
        ['genesys:region = "moon-1"', "not a Genesys Cloud region", "mypurecloud.ie"],
    ),
    (
        "genesys-region-with-hosts-overridden",
        {
            "genesys:region": "eu-west-9",
            "genesys:apiUrl": "https://api.private.example",
            "genesys:loginUrl": "https://login.private.example",
        },
        ['genesys:region = "eu-west-9"', "not a Genesys Cloud region", "override the hosts, not the region"],
    ),
    (
        "genesys-region-as-login-address",
        {"genesys:region": "https://login.mypurecloud.ie/"},
        ['genesys:region = "https://login.mypurecloud.ie/"', "genesys:region: mypurecloud.ie", "eu-west-1"],
    ),
    ("genesys-typo", {"genesys:regoin": "eu-west-1"}, ["genesys:regoin", "did you mean 'genesys:region'"]),
    (
        "no-client-id",
        {"genesys:clientId": None},
        ["genesys:clientId = (not set)", "pulumi config set genesys:clientId", "GENESYS_CLIENT_ID"],
    ),
    ("event-bus-default", {"eventBus": "default"}, ['eventBus = "default"', "partner event bus", "'create'"]),
    ("queues-missing", {"queues": None}, ["queues = (not set)", "list the queues"]),
    ("queues-not-list", {"queues": CARE}, ["queues = ", "must be a list"]),
    ("queue-item-number", {"queues": [42]}, ["queues[0] = 42", "must be a queue id or an object"]),
    (
        "rules-over-quota",
        {"rulesPerBusQuota": 2},
        ['queues = "3 queues"', "quota of 2 rules per bus", "Service Quotas"],
    ),
    ("quota-not-number", {"rulesPerBusQuota": "lots"}, ['rulesPerBusQuota = "lots"', "whole number"]),
    ("tags-aws-prefix", {"tags": {"aws:team": "x"}}, ["tags.aws:team", "may not start with 'aws:'"]),
    ("tags-not-map", {"tags": ["team"]}, ['tags = ["team"]', "map of strings"]),
    # EventBridge, SQS and SNS refuse these at the first tagged resource; refused here instead.
    (
        "tags-hash-in-key",
        {"tags": {"cost#centre": "cc-1"}},
        ['tags.cost#centre = "cost#centre"', "rename the key"],
    ),
    ("tags-empty-key", {"tags": {"": "x"}}, ['tags. = ""', "1 to 128 characters"]),
    ("tags-bad-value", {"tags": {"owner": "a&b <ops>"}}, ['tags.owner = "a&b <ops>"', "change the value"]),
    ("tags-long-value", {"tags": {"owner": "x" * 257}}, ["tags.owner", "at most 256 characters"]),
    ("tags-too-many", {"tags": {f"k{i}": "v" for i in range(51)}}, ['tags = "51 tags"', "at most 50 tags"]),
    (
        "budget-over-policy",
        {"lambdaPolicyBudgetBytes": 30000},
        ["lambdaPolicyBudgetBytes = 30000", "from 0 to 20480"],
    ),
    (
        "budget-not-number",
        {"lambdaPolicyBudgetBytes": "half"},
        ['lambdaPolicyBudgetBytes = "half"', "whole number"],
    ),
    ("no-aws-region", {"aws:region": None}, ["aws:region = (not set)", "pulumi config set aws:region"]),
    (
        "custom-bad-path",
        {
            "customEvents": {
                "source": "com.example",
                "detailTypes": ["conversation.end"],
                "queueIdPath": "queueId",
                "eventBus": "default",
            }
        },
        ['customEvents.queueIdPath = "queueId"', "detail.queueId"],
    ),
    (
        "custom-with-integration",
        {
            "integration": "EventBridge (dev)",
            "customEvents": {
                "source": "com.example",
                "detailTypes": ["conversation.end"],
                "queueIdPath": "detail.queueId",
                "eventBus": "default",
            },
        },
        ['integration = "EventBridge (dev)"', "does not apply with customEvents"],
    ),
    (
        "custom-genesys-source",
        {
            "customEvents": {
                "source": "aws.partner/genesys.com/cloud/x/y",
                "detailTypes": ["a"],
                "queueIdPath": "detail.queueId",
                "eventBus": "b",
            }
        },
        ["customEvents.source", "is a Genesys partner source"],
    ),
    (
        "custom-pattern-too-large",
        {
            "queues": [CARE],
            "customEvents": {
                "source": "com.example",
                "detailTypes": ["x" * 128] * 16,
                "queueIdPath": "detail.queueId",
                "eventBus": "default",
            },
        },
        ['queues[0] = "(pattern)"', "over EventBridge's 2048-character quota", "fewer"],
    ),
    ("alarms-not-object", {"alarms": "yes"}, ['alarms = "yes"', "must be false, or an object"]),
    (
        "alarms-silence-too-short",
        {"alarms": {"noEventsForMinutes": 2}},
        ["alarms.noEventsForMinutes = 2", "must be from 5 to 1440"],
    ),
    (
        "alarms-silence-not-number",
        {"alarms": {"noEventsForMinutes": "an hour"}},
        ['alarms.noEventsForMinutes = "an hour"', "whole number"],
    ),
    ("dashboard-not-boolean", {"dashboard": "no"}, ['dashboard = "no"', "must be true or false"]),
    ("alarms-typo", {"alarms": {"emails": ["a@example.com"]}}, ["alarms.emails", "did you mean 'email'"]),
    (
        "alarms-topic-not-sns",
        {"alarms": {"topicArn": "arn:aws:sqs:eu-west-1:123456789012:q"}},
        ['alarms.topicArn = "arn:aws:sqs', "not an SNS topic ARN", "arn:aws:sns:<region>"],
    ),
    (
        "alarms-topic-other-region",
        {"alarms": {"topicArn": "arn:aws:sns:us-east-1:123456789012:oncall"}},
        ["alarms.topicArn", "is in us-east-1", "use a topic in eu-west-1"],
    ),
    (
        "alarms-email-bad",
        {"alarms": {"email": ["oncall@example.com", "oncall at example"]}},
        ['alarms.email[1] = "oncall at example"', "not an e-mail address", "oncall@example.com"],
    ),
    (
        "alarms-email-twice",
        {"alarms": {"email": ["oncall@example.com", "OnCall@example.com"]}},
        ['alarms.email[1] = "OnCall@example.com"', "listed already at alarms.email[0]"],
    ),
    (
        "alarms-email-too-long",
        {"alarms": {"email": ["a" * 250 + "@example.com"]}},
        ["alarms.email[0]", "not an e-mail address"],
    ),
    ("alarms-email-not-list", {"alarms": {"email": {"to": "x"}}}, ["alarms.email = ", "list of addresses"]),
    (
        "alarms-without-dead-letter-queue",
        {"deadLetterQueue": False, "alarms": {"email": ["oncall@example.com"]}},
        ["alarms = ", "deadLetterQueue is false", "set alarms to false"],
    ),
    (
        "custom-typo",
        {
            "customEvents": {
                "source": "com.example",
                "detailType": ["a"],
                "queueIdPath": "detail.queueId",
                "eventBus": "b",
            }
        },
        ["customEvents.detailType", "did you mean 'detailTypes'"],
    ),
]


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


@pytest.mark.parametrize(("overrides", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_config_is_refused_with_its_key_value_and_fix_and_registers_nothing(overrides, fragments):
    record = ProgramRun()
    with pytest.raises(pulumi.RunError) as raised:
        run_program(base_config(**overrides), record=record)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "Traceback" not in message
    assert [r.type for r in record.resources] == []


def test_the_catalogue_is_at_least_25_distinct_configs():
    assert len({c[0] for c in CASES}) == len(CASES) >= 25


def test_every_problem_is_reported_at_once():
    overrides = {
        "queues": ["1234", {"name": "Billing", "target": "nope"}],
        "retry": {"maximumRetryAttempts": -1},
        "deadletterQueue": True,
    }
    with pytest.raises(pulumi.RunError) as raised:
        run_program(base_config(**overrides))
    message = str(raised.value)
    assert "has 4 problem(s)" in message
    for key in ("queues[0].id", "queues[1].target", "retry.maximumRetryAttempts", "deadletterQueue"):
        assert key in message


def test_a_plaintext_client_secret_is_refused_without_echoing_it():
    with pytest.raises(pulumi.RunError) as raised:
        run_program(base_config(), secret_keys=())
    message = str(raised.value)
    assert "genesys:clientSecret" in message and "--secret" in message
    assert "test-client-secret" not in message
