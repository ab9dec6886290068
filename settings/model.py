"""The frozen settings the rest of the program reads, and their defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from components import invoke_grants, naming, patterns
from settings.keys import DEFAULT_ARCHIVE_DAYS


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
    """Events a team publishes itself (``customEvents``), instead of Genesys' partner events."""

    source: str
    """Their ``source``, e.g. ``com.genesyscloud.platform``."""
    detail_types: tuple[str, ...]
    """Their ``detail-type`` values, e.g. ``conversation.end``."""
    queue_id_path: str
    """Where the queue id sits, e.g. ``detail.queueId``."""
    event_bus: str
    """The existing bus they are published to."""


@dataclass(frozen=True)
class AlarmSettings:
    """CloudWatch alarms on the dead-letter queue, to an SNS topic."""

    topic_arn: str | None = None
    """An existing topic for the alarms' actions; None: the stack creates one."""
    email: tuple[str, ...] = ()
    """Addresses subscribed to the topic (each confirms by mail)."""


@dataclass(frozen=True)
class ManagedIntegrationSettings:
    """Managed mode: the stack creates and keeps its Genesys integration."""

    name: str
    """The integration's name in Genesys Admin."""
    event_source_suffix: str | None = None
    """The partner event source's suffix; None: the stack's name."""
    adopt: bool = False
    """Take over an existing integration of that name that the stack did not create."""


@dataclass(frozen=True)
class Settings:
    routes: tuple[QueueRoute, ...]
    """One route per configured queue, in the configured order."""
    integration: str | None = None
    """Verify mode: id or name of the integration to verify; None: the only enabled one."""
    managed_integration: ManagedIntegrationSettings | None = None
    """Managed mode (``integration: {name, manage: true}``); then ``integration`` is None."""
    event_bus: str | None = None
    """None: create the partner bus named after the verified source; else an existing bus."""
    dead_letter_queue: bool = True
    keep_undelivered: bool = True
    """Pulumi forgets, and AWS keeps, the dead-letter queue and the archive when the stack deletes or
    replaces them (``retainOnDelete``)."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    archive_retention_days: int | None = DEFAULT_ARCHIVE_DAYS
    tags: Mapping[str, str] = field(default_factory=dict)
    lambda_policy_budget_bytes: int = invoke_grants.DEFAULT_BUDGET_BYTES
    custom_events: CustomEvents | None = None
    secret_keys: frozenset[str] = frozenset()
    """The config keys stored as secrets: their values are never shown in a message."""
    alarms: AlarmSettings | None = field(default_factory=AlarmSettings)
    """None: no alarms (``alarms: false``, or no dead-letter queue to watch)."""

    @property
    def enabled_routes(self) -> tuple[QueueRoute, ...]:
        return tuple(r for r in self.routes if r.enabled)


def slug(name: str) -> str:
    """A queue name as a resource name: lowercase letters, digits and dashes."""
    return naming.slug(name) or "queue"
