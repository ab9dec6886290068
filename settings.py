"""Stack configuration → typed, frozen, validated settings.

Every problem in the configuration is collected and reported at once, each naming the key path
(``queues[2].id``), the bad value and the fix, before the program registers any resource.
The contract is in shared/DESIGN.md ("Stack configuration").

The module reads plain values only, so the same checks run from the program (Pulumi config)
and from the command line over a stack file (``python -m settings Pulumi.dev.yaml``).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from components import aws_limits, invoke_grants, naming, patterns
from genesys import endpoints, regions

PROJECT = "genesys-queue-events"

PROJECT_KEYS = (
    "queues",
    "target",
    "integration",
    "topics",
    "eventBus",
    "deadLetterQueue",
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
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):lambda:(?P<region>[a-z0-9-]+):"
    r"(?P<account>\d{12}):function:(?P<function>[A-Za-z0-9_-]{1,64})"
    r"(?::(?P<qualifier>[A-Za-z0-9_$-]{1,128}))?$"
)
BUS_NAME_RE = re.compile(r"^[/.\-_A-Za-z0-9]{1,256}$")
EVENT_SOURCE_RE = re.compile(r"^[/.\-_A-Za-z0-9]{1,256}$")
DETAIL_PATH_RE = re.compile(r"^detail(\.[A-Za-z0-9_$@-]+)+$")
EXAMPLE_QUEUE_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
# An existing topic for the alarms: SNS topic names are 1-256 of letters, digits, - and _.
SNS_TOPIC_ARN_RE = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):sns:(?P<region>[a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$"
)
# An address SNS can mail: one @, a dotted domain, no spaces; 254 characters at most (RFC 5321).
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_EMAIL = 254


# --------------------------------------------------------------------------------------------
# The settings the rest of the program reads


@dataclass(frozen=True)
class QueueRef:
    """How the user named a queue: by id or by name (exactly one)."""

    id: str | None = None
    name: str | None = None

    @property
    def reference(self) -> str:
        """The configured id or name: the key under which the resolved queue is found."""
        return self.id if self.id is not None else str(self.name)

    @property
    def resource_name(self) -> str:
        """Stable logical name: from the reference, never from the list position."""
        return self.id.lower() if self.id is not None else slug(str(self.name))


@dataclass(frozen=True)
class LambdaTarget:
    arn: str
    """The function or alias ARN EventBridge invokes."""
    function_arn: str
    """The function's unqualified ARN: what the Lambda permission is attached to."""
    qualifier: str | None
    """The alias, when the target is an alias ARN."""
    account: str
    region: str

    @property
    def policy_holder(self) -> invoke_grants.PolicyHolder:
        """The function, or alias, whose resource-based policy lets the rules invoke it."""
        return invoke_grants.PolicyHolder(self.function_arn, self.qualifier)


@dataclass(frozen=True)
class QueueRoute:
    queue: QueueRef
    target: LambdaTarget
    enabled: bool
    topics: patterns.TopicSelection
    path: str
    """Where this queue sits in the config (``queues[2]``), for messages."""
    target_key: str = "target"
    """Where its target was configured: ``target`` or ``queues[2].target``."""


@dataclass(frozen=True)
class RetryPolicy:
    maximum_event_age_seconds: int = 86400
    maximum_retry_attempts: int = 185


@dataclass(frozen=True)
class CustomEvents:
    source: str
    detail_types: tuple[str, ...]
    queue_id_path: str
    event_bus: str


@dataclass(frozen=True)
class AlarmSettings:
    """CloudWatch alarms on the dead-letter queue, to an SNS topic."""

    topic_arn: str | None = None
    """An existing topic for the alarms' actions; None: the stack creates one."""
    email: tuple[str, ...] = ()
    """Addresses subscribed to the topic (each confirms by mail)."""


@dataclass(frozen=True)
class GenesysConnection:
    """Where the Genesys organisation lives. Credentials are not here: the providers read
    them in ``configure()`` so that they never become resource inputs."""

    region: str = regions.DEFAULT_REGION
    api_url: str | None = None
    login_url: str | None = None


@dataclass(frozen=True)
class Settings:
    queues: tuple[QueueRoute, ...]
    aws_region: str
    integration: str | None = None
    event_bus: str | None = None
    """None: create the partner bus named after the verified source; else an existing bus."""
    dead_letter_queue: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    archive_retention_days: int | None = DEFAULT_ARCHIVE_DAYS
    tags: Mapping[str, str] = field(default_factory=dict)
    rules_per_bus_quota: int = patterns.RULES_PER_BUS_DEFAULT
    lambda_policy_budget_bytes: int = invoke_grants.DEFAULT_BUDGET_BYTES
    custom_events: CustomEvents | None = None
    genesys: GenesysConnection = field(default_factory=GenesysConnection)
    secret_keys: frozenset[str] = frozenset()
    """The config keys stored as secrets: their values are never shown in a message."""
    alarms: AlarmSettings | None = field(default_factory=AlarmSettings)
    """None: no alarms (``alarms: false``, or no dead-letter queue to watch)."""

    @property
    def enabled_queues(self) -> tuple[QueueRoute, ...]:
        return tuple(q for q in self.queues if q.enabled)


# --------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    key: str
    value: Any
    message: str
    hidden: bool = False
    """The value is a secret (its key is stored as one): shown as ``(hidden)``."""

    def __str__(self) -> str:
        if self.value is _MISSING:
            shown = "(not set)"
        elif self.hidden or looks_secret(self.key):
            shown = json.dumps(HIDDEN)
        else:
            shown = json.dumps(_scrubbed(self.value), default=str)
        return f"{self.key} = {shown}: {self.message}"


HIDDEN = "(hidden)"
# A key whose name says it holds a credential: its value is never echoed, whatever the key is
# (a misspelt `genesys:clientsecret`, a `tags.apiToken`).
SECRET_NAME_RE = re.compile(
    r"secret|passw|passphrase|token|credential|private.?key|api.?key|access.?key|auth", re.IGNORECASE
)


def looks_secret(key: str) -> bool:
    return any(SECRET_NAME_RE.search(part) for part in re.split(r"[.:\[\]]", str(key)) if part)


def _scrubbed(value: Any) -> Any:
    """A value fit for a message: nested values under secret-looking names hidden, a user name
    or password inside a URL hidden."""
    if isinstance(value, Mapping):
        return {k: HIDDEN if looks_secret(str(k)) else _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(v) for v in value]
    if isinstance(value, str) and "@" in value and "://" in value:
        return endpoints.shown(value)
    return value


def _config_key(problem_key: str) -> str:
    """``queues[2].target`` → ``genesys-queue-events:queues``; ``genesys:apiUrl`` stays."""
    top = re.split(r"[.\[]", problem_key, maxsplit=1)[0]
    return top if ":" in top else f"{PROJECT}:{top}"


def _hide_secrets(problems: Sequence[Problem], secret_keys: Collection[str]) -> list[Problem]:
    """Mark every problem under a key stored as a secret; its value also leaves the message."""
    hidden: list[Problem] = []
    for problem in problems:
        top = _config_key(problem.key)
        if top in secret_keys or top.partition(":")[2] in secret_keys or problem.hidden:
            text = str(problem.value)
            message = problem.message.replace(text, HIDDEN) if len(text) >= 4 else problem.message
            hidden.append(replace(problem, message=message, hidden=True))
        else:
            hidden.append(problem)
    return hidden


class SettingsError(ValueError):
    """The stack configuration has problems; ``problems`` lists every one. A value under a key
    in ``secret_keys``, or under a secret-looking name, is shown as ``(hidden)``."""

    def __init__(
        self,
        problems: Sequence[Problem],
        source: str = "stack configuration",
        secret_keys: Collection[str] = (),
    ):
        self.problems = _hide_secrets(problems, secret_keys)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"The {source} has {len(self.problems)} problem(s); nothing was deployed.\n{lines}")


_MISSING: Any = object()


def slug(name: str) -> str:
    """A queue name as a resource name: lowercase letters, digits and dashes."""
    return naming.slug(name) or "queue"


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"known keys are {', '.join(choices)}"


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, key: str, value: Any, message: str) -> None:
        self.problems.append(Problem(key, value, message))

    def unknown_keys(self, where: str, mapping: Mapping[str, Any], known: Sequence[str]) -> None:
        for k in mapping:
            if k not in known:
                key = f"{where}.{k}" if where else k
                self.add(key, mapping[k], f"unknown key; {_suggest(str(k), known)}")

    def integer(self, key: str, value: Any, low: int, high: int | None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(key, value, "must be a whole number")
            return None
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"at least {low}"
            self.add(key, value, f"must be {bound}")
            return None
        return value

    def boolean(self, key: str, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.add(key, value, "must be true or false")
            return None
        return value


# --------------------------------------------------------------------------------------------
# Parsing


def parse(
    values: Mapping[str, Any],
    *,
    aws_region: str | None,
    environ: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
) -> Settings:
    """Validate plain config values and return Settings, or raise SettingsError with every
    problem.

    ``values`` maps config keys to plain (already decoded) values: project keys without their
    namespace (``queues``), others with it (``genesys:region``, ``aws:region``).
    ``secret_keys`` lists the keys stored as secrets; ``environ`` stands in for os.environ.
    """
    env = os.environ if environ is None else environ
    c = _Collector()

    project = {k: v for k, v in values.items() if ":" not in k}
    genesys_cfg = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("genesys:")}
    c.unknown_keys("", project, PROJECT_KEYS)
    for k, v in genesys_cfg.items():
        if k not in GENESYS_KEYS:
            c.add(f"genesys:{k}", v, f"unknown key; {_suggest(k, GENESYS_KEYS)}")

    if not aws_region:
        c.add(
            "aws:region",
            _MISSING,
            "the AWS region is not set; set it with `pulumi config set aws:region eu-west-1`",
        )
    region = aws_region or ""

    genesys = _genesys(c, genesys_cfg, env, secret_keys)
    custom = _custom_events(c, project)
    if custom is not None:
        for key in ("integration", "eventBus"):
            if key in project:
                c.add(
                    key,
                    project[key],
                    "does not apply with customEvents (no Genesys integration is involved); "
                    "remove it, and name the bus in customEvents.eventBus",
                )

    default_target = None
    if "target" in project:
        default_target = _target(c, "target", project["target"], region)
    default_topics: patterns.TopicSelection = patterns.CONVERSATION_END_PRESET
    if "topics" in project:
        if custom is not None:
            c.add(
                "topics", project["topics"], "does not apply with customEvents; use customEvents.detailTypes"
            )
        else:
            default_topics = _topics(c, "topics", project["topics"]) or default_topics

    routes = _queues(c, project, default_target, default_topics, region, custom is not None)

    event_bus = None
    if "eventBus" in project and custom is None:
        bus = project["eventBus"]
        if not isinstance(bus, str) or not BUS_NAME_RE.match(bus):
            c.add("eventBus", bus, f"must be {CREATE_BUS!r} or the name of an existing event bus")
        elif bus == "default":
            c.add(
                "eventBus",
                bus,
                "Genesys publishes to its partner event bus, never to the default bus; rules there "
                f"would never fire. Use {CREATE_BUS!r}, or the name of the partner bus you created",
            )
        elif bus != CREATE_BUS:
            event_bus = bus

    dead_letter_queue = True
    if "deadLetterQueue" in project:
        dead_letter_queue = c.boolean("deadLetterQueue", project["deadLetterQueue"]) is not False

    retry = _retry(c, project.get("retry", _MISSING))
    alarms = _alarms(c, project.get("alarms", _MISSING), region, dead_letter_queue)
    archive_days = _archive(c, project.get("archive", _MISSING))
    tags = _tags(c, project.get("tags", _MISSING))
    quota = patterns.RULES_PER_BUS_DEFAULT
    if "rulesPerBusQuota" in project:
        quota = c.integer("rulesPerBusQuota", project["rulesPerBusQuota"], 1, None) or quota

    budget = invoke_grants.DEFAULT_BUDGET_BYTES
    if "lambdaPolicyBudgetBytes" in project:
        got = c.integer("lambdaPolicyBudgetBytes", project["lambdaPolicyBudgetBytes"], 0, LAMBDA_POLICY_MAX)
        budget = budget if got is None else got

    if routes and not c.problems:
        _check_quotas(c, routes, custom, quota)

    if c.problems:
        raise SettingsError(c.problems, secret_keys=secret_keys)
    return Settings(
        queues=tuple(routes),
        aws_region=region,
        integration=_integration(project),
        event_bus=custom.event_bus if custom else event_bus,
        dead_letter_queue=dead_letter_queue,
        retry=retry,
        archive_retention_days=archive_days,
        tags=tags,
        rules_per_bus_quota=quota,
        lambda_policy_budget_bytes=budget,
        custom_events=custom,
        genesys=genesys,
        secret_keys=frozenset(secret_keys),
        alarms=alarms,
    )


def _integration(project: Mapping[str, Any]) -> str | None:
    value = project.get("integration")
    return str(value) if value is not None else None


def _genesys(
    c: _Collector, cfg: Mapping[str, Any], env: Mapping[str, str], secret_keys: Sequence[str]
) -> GenesysConnection:
    region = cfg.get("region", regions.DEFAULT_REGION)
    api_url, login_url = cfg.get("apiUrl"), cfg.get("loginUrl")
    try:  # also with both hosts overridden: a typo in the region stays a typo
        regions.domain_for(str(region))
    except regions.UnknownRegionError:
        c.add("genesys:region", region, regions.unknown_region_message())
    for key in ("apiUrl", "loginUrl"):
        url = cfg.get(key)
        if url is None:
            continue
        # The OAuth secret and token go to these hosts: Genesys' own, unless the process's
        # owner opted in (GENESYS_ALLOW_CUSTOM_ENDPOINTS=1 in its environment, never in config).
        reason = (
            endpoints.refusal(url, endpoints.custom_endpoints_allowed(env))
            if isinstance(url, str)
            else "must be a base URL such as https://api.mypurecloud.ie"
        )
        if reason is not None:
            c.add(f"genesys:{key}", url, reason)
    for key, var in (("clientId", "GENESYS_CLIENT_ID"), ("clientSecret", "GENESYS_CLIENT_SECRET")):
        if key not in cfg and not env.get(var):
            c.add(
                f"genesys:{key}",
                _MISSING,
                f"the Genesys OAuth client is not configured; run `pulumi config set genesys:{key}"
                f"{' --secret' if key == 'clientSecret' else ''} <value>` or set {var}",
            )
    if "clientSecret" in cfg and "genesys:clientSecret" not in secret_keys:
        # The value itself is never echoed back.
        c.problems.append(
            Problem(
                "genesys:clientSecret",
                "(hidden)",
                "is stored in plaintext; set it again with "
                "`pulumi config set genesys:clientSecret --secret <value>`",
            )
        )
    return GenesysConnection(
        region=str(region),
        api_url=str(api_url) if api_url else None,
        login_url=str(login_url) if login_url else None,
    )


def _target(c: _Collector, key: str, value: Any, region: str) -> LambdaTarget | None:
    m = LAMBDA_ARN_RE.match(value) if isinstance(value, str) else None
    if m is None:
        c.add(
            key,
            value,
            "is not a Lambda function or alias ARN; use "
            "arn:aws:lambda:<region>:<account>:function:<name>[:<alias>]",
        )
        return None
    qualifier = m["qualifier"]
    if qualifier is not None and (qualifier.isdigit() or qualifier == "$LATEST"):
        c.add(
            key,
            value,
            f"names version {qualifier!r}; point EventBridge at the function or at an alias, "
            "so that a deploy of the function does not need a deploy of this stack",
        )
        return None
    if region and m["region"] != region:
        c.add(
            key,
            value,
            f"is in {m['region']}, but the stack deploys to aws:region {region}; EventBridge "
            "rules invoke Lambda functions in their own region only. Use a function in "
            f"{region}, or deploy this stack to {m['region']}",
        )
        return None
    function_arn = value.rsplit(":", 1)[0] if qualifier else value
    return LambdaTarget(
        arn=value,
        function_arn=function_arn,
        qualifier=qualifier,
        account=m["account"],
        region=m["region"],
    )


def _topics(c: _Collector, key: str, value: Any) -> patterns.TopicSelection | None:
    if value == patterns.CONVERSATION_END_PRESET:
        return patterns.CONVERSATION_END_PRESET
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        c.add(
            key,
            value,
            f"must be {patterns.CONVERSATION_END_PRESET!r} or a non-empty list of topic names",
        )
        return None
    templates: list[str] = []
    for i, topic in enumerate(value):
        try:
            templates.append(patterns.topic_template(str(topic)))
        except patterns.TopicError as e:
            c.add(f"{key}[{i}]", topic, str(e))
    if len(templates) != len(value):
        return None
    return tuple(sorted(set(templates)))


def _queue_ref(c: _Collector, path: str, item: Any) -> tuple[QueueRef | None, Mapping[str, Any]]:
    if isinstance(item, str):
        item = {"id": item}
    if not isinstance(item, Mapping):
        c.add(path, item, 'must be a queue id or an object such as {"name": "Billing"}')
        return None, {}
    c.unknown_keys(path, item, QUEUE_KEYS)
    has_id, has_name = "id" in item, "name" in item
    if has_id == has_name:
        c.add(
            path,
            dict(item),
            "give exactly one of id or name"
            + (" (not both)" if has_id else f', e.g. {{"id": "{EXAMPLE_QUEUE_ID}"}}'),
        )
        return None, item
    if has_id:
        qid = item["id"]
        if not isinstance(qid, str) or not UUID_RE.match(qid):
            c.add(
                f"{path}.id",
                qid,
                f"is not a Genesys queue id (a UUID such as {EXAMPLE_QUEUE_ID}); copy it from "
                f"Admin > Queues, or give the queue's name as {path}.name",
            )
            return None, item
        return QueueRef(id=qid.lower()), item
    name = item["name"]
    if not isinstance(name, str) or not name.strip():
        c.add(f"{path}.name", name, "must be the queue's name as shown in Genesys Cloud")
        return None, item
    return QueueRef(name=name.strip()), item


def _queues(
    c: _Collector,
    project: Mapping[str, Any],
    default_target: LambdaTarget | None,
    default_topics: patterns.TopicSelection,
    region: str,
    custom: bool,
) -> list[QueueRoute]:
    items = project.get("queues", _MISSING)
    if items is _MISSING or items == []:
        c.add(
            "queues",
            items,
            f'list the queues to route, e.g. ["{EXAMPLE_QUEUE_ID}", {{"name": "Billing"}}]',
        )
        return []
    if not isinstance(items, list):
        c.add("queues", items, "must be a list of queue ids or objects")
        return []
    routes: list[QueueRoute] = []
    seen_ids: dict[str, str] = {}
    seen_names: dict[str, str] = {}
    seen_resource_names: dict[str, str] = {}
    for i, item in enumerate(items):
        path = f"queues[{i}]"
        ref, raw = _queue_ref(c, path, item)
        target = default_target
        if "target" in raw:
            target = _target(c, f"{path}.target", raw["target"], region)
        elif default_target is None and "target" not in project:
            c.add(
                f"{path}.target",
                _MISSING,
                "no Lambda target for this queue; set the stack-wide `target` or this queue's target",
            )
        enabled = True
        if "enabled" in raw:
            enabled = c.boolean(f"{path}.enabled", raw["enabled"]) is not False
        topics = default_topics
        if "topics" in raw:
            if custom:
                c.add(f"{path}.topics", raw["topics"], "does not apply with customEvents")
            else:
                topics = _topics(c, f"{path}.topics", raw["topics"]) or default_topics
        if ref is None:
            continue
        if ref.id is not None:
            if ref.id in seen_ids:
                c.add(f"{path}.id", ref.id, f"is listed already at {seen_ids[ref.id]}; list each queue once")
                continue
            seen_ids[ref.id] = path
        else:
            folded = str(ref.name).casefold()
            if folded in seen_names:
                c.add(
                    f"{path}.name",
                    ref.name,
                    f"is listed already at {seen_names[folded]}; list each queue once",
                )
                continue
            seen_names[folded] = path
        # Ids and name slugs share one namespace of resource names: a queue named like another
        # queue's id would otherwise collide in its rule, target and permission.
        if ref.resource_name in seen_resource_names:
            key = f"{path}.id" if ref.id is not None else f"{path}.name"
            c.add(
                key,
                ref.reference,
                f"gives the same resource name {ref.resource_name!r} as "
                f"{seen_resource_names[ref.resource_name]}; give one of them by id instead",
            )
            continue
        seen_resource_names[ref.resource_name] = path
        if target is not None:
            target_key = f"{path}.target" if "target" in raw else "target"
            routes.append(QueueRoute(ref, target, enabled, topics, path, target_key))
    return routes


def _retry(c: _Collector, value: Any) -> RetryPolicy:
    if value is _MISSING:
        return RetryPolicy()
    if not isinstance(value, Mapping):
        c.add("retry", value, "must be an object {maximumEventAgeSeconds, maximumRetryAttempts}")
        return RetryPolicy()
    c.unknown_keys("retry", value, RETRY_KEYS)
    default = RetryPolicy()
    age = default.maximum_event_age_seconds
    if "maximumEventAgeSeconds" in value:
        age = (
            c.integer("retry.maximumEventAgeSeconds", value["maximumEventAgeSeconds"], *MAX_EVENT_AGE) or age
        )
    attempts = default.maximum_retry_attempts
    if "maximumRetryAttempts" in value:
        got = c.integer("retry.maximumRetryAttempts", value["maximumRetryAttempts"], *MAX_RETRY_ATTEMPTS)
        attempts = attempts if got is None else got
    return RetryPolicy(age, attempts)


def _archive(c: _Collector, value: Any) -> int | None:
    if value is _MISSING or value is True:
        return DEFAULT_ARCHIVE_DAYS
    if value is False:
        return None
    if not isinstance(value, Mapping):
        c.add("archive", value, "must be false or an object {retentionDays: 7}")
        return DEFAULT_ARCHIVE_DAYS
    c.unknown_keys("archive", value, ARCHIVE_KEYS)
    if "retentionDays" not in value:
        return DEFAULT_ARCHIVE_DAYS
    return c.integer("archive.retentionDays", value["retentionDays"], 1, None) or DEFAULT_ARCHIVE_DAYS


def _alarms(c: _Collector, value: Any, region: str, dead_letter_queue: bool) -> AlarmSettings | None:
    if value is False:
        return None
    if value is _MISSING or value is True:
        # On by default, but only where there is a dead-letter queue to watch.
        return AlarmSettings() if dead_letter_queue else None
    if not isinstance(value, Mapping):
        c.add("alarms", value, 'must be false, or an object {topicArn?, email?: ["oncall@example.com"]}')
        return None
    c.unknown_keys("alarms", value, ALARMS_KEYS)
    if not dead_letter_queue:
        c.add(
            "alarms",
            value,
            "the alarms watch the dead-letter queue, and deadLetterQueue is false; "
            "turn deadLetterQueue on, or set alarms to false",
        )
    topic_arn = value.get("topicArn")
    if topic_arn is not None:
        m = SNS_TOPIC_ARN_RE.match(topic_arn) if isinstance(topic_arn, str) else None
        if m is None:
            c.add(
                "alarms.topicArn",
                topic_arn,
                "is not an SNS topic ARN; use arn:aws:sns:<region>:<account>:<topic>, or leave it out "
                "and the stack creates a topic",
            )
            topic_arn = None
        elif region and m["region"] != region:
            c.add(
                "alarms.topicArn",
                topic_arn,
                f"is in {m['region']}, but CloudWatch alarms in {region} notify topics of their own "
                f"region only; use a topic in {region}",
            )
            topic_arn = None
    emails = value.get("email", [])
    if isinstance(emails, str):
        emails = [emails]
    if not isinstance(emails, list):
        c.add("alarms.email", emails, 'must be a list of addresses, e.g. ["oncall@example.com"]')
        emails = []
    seen: dict[str, int] = {}
    for i, address in enumerate(emails):
        key = f"alarms.email[{i}]"
        if not isinstance(address, str) or len(address) > MAX_EMAIL or not EMAIL_RE.match(address):
            c.add(key, address, "is not an e-mail address such as oncall@example.com")
        elif address.casefold() in seen:
            first = seen[address.casefold()]
            c.add(key, address, f"is listed already at alarms.email[{first}]; list it once")
        else:
            seen[address.casefold()] = i
    return AlarmSettings(
        topic_arn=str(topic_arn) if topic_arn else None,
        email=tuple(emails[i] for i in seen.values()),
    )


def _tags(c: _Collector, value: Any) -> dict[str, str]:
    if value is _MISSING:
        return {}
    if not isinstance(value, Mapping):
        c.add("tags", value, 'must be a map of strings, e.g. {"team": "contact-centre"}')
        return {}
    for key, shown, message in aws_limits.tag_problems(value):
        c.add(key, shown, message)
    return {str(k): str(v) for k, v in value.items()}


def _custom_events(c: _Collector, project: Mapping[str, Any]) -> CustomEvents | None:
    value = project.get("customEvents", _MISSING)
    if value is _MISSING:
        return None
    if not isinstance(value, Mapping):
        c.add("customEvents", value, "must be an object {source, detailTypes, queueIdPath, eventBus}")
        return None
    c.unknown_keys("customEvents", value, CUSTOM_EVENTS_KEYS)
    ok = True
    source = value.get("source")
    if not isinstance(source, str) or not EVENT_SOURCE_RE.match(source):
        c.add("customEvents.source", source, 'must be the events\' source, e.g. "com.genesyscloud.platform"')
        ok = False
    elif source.startswith(patterns.GENESYS_SOURCE_PREFIX):
        c.add(
            "customEvents.source",
            source,
            "is a Genesys partner source; remove customEvents and let the program verify the integration",
        )
        ok = False
    detail_types = value.get("detailTypes")
    if isinstance(detail_types, str):
        detail_types = [detail_types]
    if (
        not isinstance(detail_types, list)
        or not detail_types
        or not all(isinstance(d, str) and d for d in detail_types)
    ):
        c.add("customEvents.detailTypes", detail_types, 'must be a non-empty list, e.g. ["conversation.end"]')
        ok = False
    path = value.get("queueIdPath")
    if not isinstance(path, str) or not DETAIL_PATH_RE.match(path):
        c.add("customEvents.queueIdPath", path, 'must be a dotted path under detail, e.g. "detail.queueId"')
        ok = False
    bus = value.get("eventBus")
    if not isinstance(bus, str) or not BUS_NAME_RE.match(bus) or bus == CREATE_BUS:
        c.add(
            "customEvents.eventBus",
            bus,
            'must name the existing bus your events are published to, e.g. "default"',
        )
        ok = False
    if not ok or not isinstance(detail_types, list):
        return None
    return CustomEvents(str(source), tuple(str(d) for d in detail_types), str(path), str(bus))


def _check_quotas(
    c: _Collector, routes: Sequence[QueueRoute], custom: CustomEvents | None, quota: int
) -> None:
    # Size every pattern with the longest values it can be given once resolved, so a pattern
    # that could outgrow the quota is refused now, not halfway through a deployment.
    sized: dict[str, str] = {}
    for r in routes:
        if custom is not None:
            p = patterns.custom_pattern(
                custom.source, custom.detail_types, custom.queue_id_path, patterns.LONGEST_QUEUE_ID
            )
        else:
            p = patterns.genesys_pattern(patterns.LONGEST_GENESYS_SOURCE, patterns.LONGEST_QUEUE_ID, r.topics)
        sized[r.path] = patterns.serialise(p)
    for key, message in patterns.quota_problems(sized, quota):
        c.add(key, f"{len(routes)} queues" if key == "queues" else "(pattern)", message)


# --------------------------------------------------------------------------------------------
# Sources of values: Pulumi config and stack files


def _short_key(key: str, project: str) -> str:
    """``genesys-queue-events:queues`` → ``queues``; keys of other namespaces stay whole."""
    namespace, _, name = key.partition(":")
    return name if namespace == project else key


def decode_pulumi_config(raw: Mapping[str, str], project: str = PROJECT) -> dict[str, Any]:
    """Pulumi hands structured config to programs as JSON text; decode it back to values.

    Keys in the project namespace lose their prefix; other namespaces keep theirs.
    """
    values: dict[str, Any] = {}
    for key, text in raw.items():
        short = _short_key(key, project)
        if key.partition(":")[0] not in (project, "genesys"):
            values[short] = text
            continue
        try:
            values[short] = json.loads(text)
        except (TypeError, ValueError):
            values[short] = text
        # A bare id or name that happens to parse as a number stays the string it was.
        if short in STRING_KEYS and not isinstance(values[short], str):
            values[short] = text
    return values


def from_pulumi_config() -> Settings:
    """Settings from the running stack's config (what `pulumi config` holds)."""
    from pulumi.runtime import config as runtime_config

    # The language host hands config over either as the process's config map or through
    # PULUMI_CONFIG; take both, the map winning.
    raw = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env())
    secret_keys.update(k for k in raw if runtime_config.is_config_secret(k))
    values = decode_pulumi_config(raw)
    region = values.get("aws:region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return parse(values, aws_region=region, secret_keys=sorted(secret_keys))


def check_target_accounts(settings: Settings, account_id: str) -> None:
    """EventBridge rules invoke Lambda functions of their own account only."""
    # One problem per configured target, not one per queue that shares it.
    foreign = {r.target_key: r.target for r in settings.queues if r.target.account != account_id}
    problems = [
        Problem(
            key,
            target.arn,
            f"is in account {target.account}, but the stack deploys to account {account_id}; "
            "use a function in this account, or deploy with that account's credentials",
        )
        for key, target in foreign.items()
    ]
    if problems:
        raise SettingsError(problems, secret_keys=settings.secret_keys)


def load_stack_file(path: str | Path, project: str = PROJECT) -> tuple[dict[str, Any], list[str]]:
    """Read a ``Pulumi.<stack>.yaml`` with PyYAML → (values, secret keys), as the CLI would
    hand them to the program."""
    import yaml

    doc = yaml.safe_load(Path(path).read_text()) or {}
    config = doc.get("config") or {}
    values: dict[str, Any] = {}
    secrets: list[str] = []
    for key, value in config.items():
        short = _short_key(str(key), project)
        if isinstance(value, Mapping) and set(value) == {"secure"}:
            secrets.append(str(key))
            values[short] = "(secret)"
        else:
            values[short] = value
    return values, secrets


def main(argv: Sequence[str]) -> int:
    """``python -m settings Pulumi.dev.yaml [...]``: report every config problem of stack
    files exactly as the program would, without the Pulumi CLI or any cloud credential."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m settings", description=main.__doc__)
    parser.add_argument("files", nargs="*", metavar="Pulumi.<stack>.yaml")
    parser.add_argument("--rule-prefix", metavar="STACK", help="print the stack's rule-name prefix and exit")
    parser.add_argument(
        "--organization",
        default="organization",
        help="the stack's organisation (self-managed backends: organization)",
    )
    args = parser.parse_args(argv)
    if args.rule_prefix:
        print(naming.rule_name_prefix(args.organization, PROJECT, args.rule_prefix))
        return 0
    if not args.files:
        parser.print_usage(sys.stderr)
        return 2
    failed = False
    for name in args.files:
        values, secrets = load_stack_file(name)
        region = values.get("aws:region")
        try:
            # Credentials are supplied by CI at deploy time; presence is not this check's job.
            parse(
                values,
                aws_region=str(region) if region else None,
                environ={
                    "GENESYS_CLIENT_ID": "-",
                    "GENESYS_CLIENT_SECRET": "-",
                    # The endpoint opt-in is the caller's, from its own environment.
                    endpoints.ALLOW_CUSTOM_ENDPOINTS: os.environ.get(endpoints.ALLOW_CUSTOM_ENDPOINTS, ""),
                },
                secret_keys=secrets,
            )
            print(f"{name}: ok")
        except SettingsError as e:
            failed = True
            print(f"{name}: {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
