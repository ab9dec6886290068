"""The configuration keys, their bounds and the shapes their values must have."""

from __future__ import annotations

import re

from components import aws_limits

PROJECT = "genesys-queue-events"

PROJECT_KEYS = (
    "queues",
    "target",
    "integration",
    "topics",
    "eventBus",
    "deadLetterQueue",
    "keepUndelivered",
    "retry",
    "archive",
    "tags",
    "rulesPerBusQuota",
    "lambdaPolicyBudgetBytes",
    "customEvents",
    "alarms",
)
GENESYS_KEYS = ("region", "clientId", "clientSecret", "apiUrl", "loginUrl")
QUEUE_KEYS = ("id", "name", "target", "enabled", "topics")
RETRY_KEYS = ("maximumEventAgeSeconds", "maximumRetryAttempts")
ARCHIVE_KEYS = ("retentionDays",)
CUSTOM_EVENTS_KEYS = ("source", "detailTypes", "queueIdPath", "eventBus")
ALARMS_KEYS = ("topicArn", "email")

# Keys whose value is always text, even when it looks like a number.
STRING_KEYS = ("integration", "target", "eventBus", "genesys:region", "genesys:clientId")
CREATE_BUS = "create"
MAX_EVENT_AGE = (60, 86400)
MAX_RETRY_ATTEMPTS = (0, 185)
LAMBDA_POLICY_MAX = aws_limits.BY_NAME["Lambda resource-based policy, bytes"]
DEFAULT_ARCHIVE_DAYS = 7

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
LAMBDA_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov|aws-eusc):lambda:(?P<region>[a-z0-9-]+):"
    r"(?P<account>\d{12}):function:(?P<function>[A-Za-z0-9_-]{1,64})"
    r"(?::(?P<qualifier>[A-Za-z0-9_$-]{1,128}))?$"
)
BUS_NAME_RE = re.compile(r"^[/.\-_A-Za-z0-9]{1,256}$")
EVENT_SOURCE_RE = re.compile(r"^[/.\-_A-Za-z0-9]{1,256}$")
DETAIL_PATH_RE = re.compile(r"^detail(\.[A-Za-z0-9_$@-]+)+$")
EXAMPLE_QUEUE_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
# An existing topic for the alarms: SNS topic names are 1-256 of letters, digits, - and _.
SNS_TOPIC_ARN_RE = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov|aws-eusc):sns:(?P<region>[a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$"
)
# An address SNS can mail: one @, a dotted domain, no spaces; 254 characters at most (RFC 5321).
# Managed mode (``integration: {name, manage: true, ...}``). The suffix ends the partner event
# source's name; 64 characters at most, the longest source the pattern sizes are computed for
# (components.patterns.LONGEST_GENESYS_SOURCE).
INTEGRATION_KEYS = ("name", "manage", "eventSourceSuffix", "adopt")
EVENT_SOURCE_SUFFIX_RE = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_EMAIL = 254
