"""Validators for the stack-wide sections: retry, archive, alarms, tags, customEvents, quotas."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from components import aws_limits, patterns
from genesys import topics
from settings.keys import (
    ALARMS_KEYS,
    ARCHIVE_KEYS,
    BUS_NAME_RE,
    CREATE_BUS,
    CUSTOM_EVENTS_KEYS,
    DEFAULT_ARCHIVE_DAYS,
    DETAIL_PATH_RE,
    EMAIL_RE,
    EVENT_SOURCE_RE,
    EVENT_SOURCE_SUFFIX_RE,
    INTEGRATION_KEYS,
    MAX_EMAIL,
    MAX_EVENT_AGE,
    MAX_RETRY_ATTEMPTS,
    RETRY_KEYS,
    SNS_TOPIC_ARN_RE,
)
from settings.model import (
    AlarmSettings,
    CustomEvents,
    ManagedIntegrationSettings,
    QueueRoute,
    RetryPolicy,
    Settings,
)
from settings.problems import MISSING, Collector, Problem, SettingsError


def retry_policy(c: Collector, value: Any) -> RetryPolicy:
    if value is MISSING:
        return RetryPolicy()
    value = c.section("retry", value, RETRY_KEYS, "an object {maximumEventAgeSeconds, maximumRetryAttempts}")
    if value is None:
        return RetryPolicy()
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


def archive_retention(c: Collector, value: Any) -> int | None:
    if value is MISSING or value is True:
        return DEFAULT_ARCHIVE_DAYS
    if value is False:
        return None
    value = c.section("archive", value, ARCHIVE_KEYS, "false or an object {retentionDays: 7}")
    if value is None:
        return DEFAULT_ARCHIVE_DAYS
    if "retentionDays" not in value:
        return DEFAULT_ARCHIVE_DAYS
    return c.integer("archive.retentionDays", value["retentionDays"], 1, None) or DEFAULT_ARCHIVE_DAYS


def alarm_settings(c: Collector, value: Any, region: str, dead_letter_queue: bool) -> AlarmSettings | None:
    if value is False:
        return None
    if value is MISSING or value is True:
        # On by default, but only where there is a dead-letter queue to watch.
        return AlarmSettings() if dead_letter_queue else None
    value = c.section(
        "alarms", value, ALARMS_KEYS, 'false, or an object {topicArn?, email?: ["oncall@example.com"]}'
    )
    if value is None:
        return None
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


def tag_map(c: Collector, value: Any) -> dict[str, str]:
    if value is MISSING:
        return {}
    if not isinstance(value, Mapping):
        c.add("tags", value, 'must be a map of strings, e.g. {"team": "contact-centre"}')
        return {}
    for key, shown, message in aws_limits.tag_problems(value):
        c.add(key, shown, message)
    return {str(k): str(v) for k, v in value.items()}


def custom_events(c: Collector, project: Mapping[str, Any]) -> CustomEvents | None:
    value = project.get("customEvents", MISSING)
    if value is MISSING:
        return None
    value = c.section(
        "customEvents", value, CUSTOM_EVENTS_KEYS, "an object {source, detailTypes, queueIdPath, eventBus}"
    )
    if value is None:
        return None
    ok = True
    source = value.get("source")
    if not isinstance(source, str) or not EVENT_SOURCE_RE.match(source):
        c.add("customEvents.source", source, 'must be the events\' source, e.g. "com.genesyscloud.platform"')
        ok = False
    elif source.startswith(topics.GENESYS_SOURCE_PREFIX):
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


def check_quotas(c: Collector, routes: Sequence[QueueRoute], custom: CustomEvents | None, quota: int) -> None:
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


def integration_section(c: Collector, value: Any) -> tuple[str | None, ManagedIntegrationSettings | None]:
    """``integration``: a string (verify mode: the id or name of the integration to verify) or
    ``{name, manage: true, eventSourceSuffix?, adopt?}`` (managed mode)."""
    if value is MISSING or value is None:
        return None, None
    if isinstance(value, str):
        return value, None
    shape = "a string (id or name) or an object {name, manage: true, eventSourceSuffix?, adopt?}"
    section = c.section("integration", value, INTEGRATION_KEYS, shape)
    if section is None:
        return None, None
    name = section.get("name", MISSING)
    if not isinstance(name, str) or not name.strip():
        c.add(
            "integration.name",
            name,
            "the integration's name in Genesys Admin is required, e.g. `EventBridge (dev)`",
        )
    manage = section.get("manage", MISSING)
    if manage is not True:
        c.add(
            "integration.manage",
            manage,
            "must be true for the stack to create and keep the integration; to only verify an "
            "existing one, write its name as a string: `integration: EventBridge (dev)`",
        )
    suffix = section.get("eventSourceSuffix")
    if suffix is not None and (not isinstance(suffix, str) or not EVENT_SOURCE_SUFFIX_RE.match(suffix)):
        c.add(
            "integration.eventSourceSuffix",
            suffix,
            "must be 1 to 64 letters, digits, '.', '-' or '_' (it ends the partner event source's name); "
            "leave it out for the stack's name",
        )
    adopt = c.boolean("integration.adopt", section["adopt"]) if "adopt" in section else False
    if not isinstance(name, str) or manage is not True:
        return None, None
    return None, ManagedIntegrationSettings(name=name.strip(), event_source_suffix=suffix, adopt=bool(adopt))


def check_default_suffix(settings: Settings, stack: str) -> None:
    """Managed mode without ``eventSourceSuffix`` takes the stack's name: it must fit too."""
    managed = settings.managed_integration
    if managed is None or managed.event_source_suffix is not None or EVENT_SOURCE_SUFFIX_RE.match(stack):
        return
    raise SettingsError(
        [
            Problem(
                "integration.eventSourceSuffix",
                MISSING,
                f"defaults to the stack's name {stack!r}, which is not 1 to 64 letters, digits, '.', "
                "'-' or '_'; set eventSourceSuffix under genesys-queue-events:integration",
            )
        ],
        secret_keys=settings.secret_keys,
    )
