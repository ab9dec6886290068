"""Pure builders for EventBridge event patterns, and the quota checks that bound them.

Nothing here registers a resource: every function takes plain values and returns plain values,
so the patterns can be tested, sized and checked before the program touches the cloud.

Genesys publishes conversation events to its partner event source with the topic *template*
(literal ``{id}``) as ``detail-type`` and the queue at ``detail.eventBody.queueId``; see
shared/reference/genesys-eventbridge.md, sections 1 and 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

GENESYS_SOURCE_PREFIX = "aws.partner/genesys.com/cloud/"
TOPIC_PREFIX = "v2.detail.events.conversation.{id}."

# The conversation detail topics Genesys publishes, and whether their eventBody carries the
# queue id. Source: the Genesys Platform SDKs' notificationMappings.json (every
# v2.detail.events.conversation.{id}.* topic and its model class; checked in
# MyPureCloud/platform-client-sdk-javascript at commit 072402687565d8f1b9eed43d3f9642877e2d89f0)
# and the models' field lists (platform-client-sdk-python build/docs/*DetailEventTopic*.md):
# AcdStart/AcdEnd, AfterCallWork, UserStart/UserEnd, VoicemailStart/VoicemailEnd and Wrapup
# events have `queueId`; CustomerStart/CustomerEnd, FlowStart/FlowEnd/FlowOutcome,
# AttributeUpdate, ContactUpdate and OutboundInit events do not. Only the topics that carry it
# can be routed per queue; the others are named so that a user who asks for one is told why it
# cannot be used rather than that it does not exist.
CONVERSATION_TOPICS: dict[str, bool] = {
    "acd.start": True,
    "acd.end": True,
    "acw": True,
    "user.start": True,
    "user.end": True,
    "voicemail.start": True,
    "voicemail.end": True,
    "wrapup": True,
    "customer.start": False,
    "customer.end": False,
    "flow.start": False,
    "flow.end": False,
    "flow.outcome": False,
    "attributes": False,
    "contact": False,
    "outbound": False,
}

CONVERSATION_END_PRESET = "conversation-end"
"""The default topic selection: the conversation ended in the queue. Either the agent leg the
queue routed ended other than by moving the interaction on (``user.end`` whose
``disconnectType`` does not end in ``TRANSFER``, or has none), or the customer abandoned while
waiting in the queue (``acd.end`` with ``acdOutcome`` ``ABANDON``)."""

USER_END = TOPIC_PREFIX + "user.end"
ACD_END = TOPIC_PREFIX + "acd.end"

TRANSFER_SUFFIX = "TRANSFER"
"""Every ``disconnectType`` that means the interaction moved on rather than ended ends in this:
``TRANSFER``, ``CONSULT_TRANSFER``, ``CONFERENCE_TRANSFER``, ``FORWARD_TRANSFER``,
``NO_ANSWER_TRANSFER``, ``NOT_AVAILABLE_TRANSFER``, ``DND_TRANSFER`` (the SDK models' enum); no
other value does."""

# EventBridge quotas (reference section 5).
PATTERN_MAX_CHARS = 2048
RULES_PER_BUS_DEFAULT = 300
WILDCARD_RULES_PER_BUS = 30

# The longest partner source Genesys can name: orgId is a UUID, the suffix up to 64 characters.
LONGEST_GENESYS_SOURCE = GENESYS_SOURCE_PREFIX + "0" * 36 + "/" + "x" * 64
LONGEST_QUEUE_ID = "0" * 36

TopicSelection = str | tuple[str, ...]
"""Either :data:`CONVERSATION_END_PRESET` or a tuple of full topic templates."""


class TopicError(ValueError):
    """A configured topic is unknown or cannot be filtered by queue."""


def topic_template(topic: str) -> str:
    """``user.end`` or a full ``v2.detail.events.conversation.{id}.user.end`` → the template.

    Raises TopicError naming the accepted topics.
    """
    short = topic[len(TOPIC_PREFIX) :] if topic.startswith(TOPIC_PREFIX) else topic
    routable = ", ".join(sorted(t for t, has_queue in CONVERSATION_TOPICS.items() if has_queue))
    if short not in CONVERSATION_TOPICS:
        raise TopicError(
            f"unknown topic; use one of {routable} "
            f"(or its full template, {TOPIC_PREFIX}<topic>), "
            f"or the preset {CONVERSATION_END_PRESET!r}"
        )
    if not CONVERSATION_TOPICS[short]:
        raise TopicError(
            f"topic {short!r} carries no eventBody.queueId, so it cannot be routed per queue; "
            f"use one of {routable}"
        )
    return TOPIC_PREFIX + short


def topics_of(selection: TopicSelection) -> tuple[str, ...]:
    """The topic templates a selection needs Genesys to forward (its ``eventFilter``)."""
    if selection == CONVERSATION_END_PRESET:
        return (ACD_END, USER_END)
    return tuple(selection)


def required_topics(selections: Iterable[TopicSelection]) -> tuple[str, ...]:
    """Every topic template the stack's routes need, sorted and without repeats."""
    return tuple(sorted({t for s in selections for t in topics_of(s)}))


def queue_id_field(queue_id: str) -> dict[str, Any]:
    return {"detail": {"eventBody": {"queueId": [queue_id]}}}


def genesys_pattern(source: str, queue_id: str, selection: TopicSelection) -> dict[str, Any]:
    """The pattern for one queue on the Genesys partner bus.

    ``source`` pins the rule to the verified event source, so an event from another
    organisation's source can never match even on a shared bus.
    """
    if selection == CONVERSATION_END_PRESET:
        return {"source": [source], "$or": conversation_end_alternatives(queue_id)}
    return {"source": [source], "detail-type": list(selection), **queue_id_field(queue_id)}


def conversation_end_alternatives(queue_id: str) -> list[dict[str, Any]]:
    """The preset's three ``$or`` alternatives for one queue.

    - ``user.end`` whose ``disconnectType`` does not end in ``TRANSFER``: the agent's leg ended
      and the interaction did not move on. ``anything-but`` with ``suffix`` is supported on event
      buses (EventBridge user guide, "Comparison operators": Anything-but (ends with)) and is not
      ``wildcard``, so it does not count against the 30 wildcard rules a bus may hold.
    - ``user.end`` with no ``disconnectType``: every EventBridge matcher except
      ``exists: false`` requires the field, so ``anything-but`` alone would drop such an event.
      The SDK models mark every field optional and state a transfer only by a value ending in
      ``TRANSFER``; an event that states none is delivered rather than silently lost (a
      consumer de-duplicates anyway, see the README).
    - ``acd.end`` with ``acdOutcome`` ``ABANDON``: the customer gave up while queued. Answered
      and flowed-out ``acd.end`` events are the interaction leaving the queue, not ending.
    """
    return [
        {
            "detail-type": [USER_END],
            "detail": {
                "eventBody": {
                    "queueId": [queue_id],
                    "disconnectType": [{"anything-but": {"suffix": TRANSFER_SUFFIX}}],
                }
            },
        },
        {
            "detail-type": [USER_END],
            "detail": {"eventBody": {"queueId": [queue_id], "disconnectType": [{"exists": False}]}},
        },
        {
            "detail-type": [ACD_END],
            "detail": {"eventBody": {"queueId": [queue_id], "acdOutcome": ["ABANDON"]}},
        },
    ]


def custom_pattern(
    source: str, detail_types: Sequence[str], queue_id_path: str, queue_id: str
) -> dict[str, Any]:
    """The pattern for events a team publishes itself (``customEvents``).

    With ``com.genesyscloud.platform`` / ``conversation.end`` / ``detail.queueId`` this is the
    seed tutorial's pattern exactly.
    """
    field: Any = [queue_id]
    for segment in reversed(queue_id_path.split(".")):
        field = {segment: field}
    return {"source": [source], "detail-type": list(detail_types), **field}


def serialise(pattern: Mapping[str, Any]) -> str:
    """The pattern as EventBridge stores it: compact JSON with sorted keys, so the same
    configuration always yields the same string (and `pulumi preview` shows no false diff)."""
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"))


def uses_wildcard(pattern: Any) -> bool:
    """Whether a pattern uses the ``wildcard`` operator anywhere (its own 30-per-bus quota)."""
    if isinstance(pattern, Mapping):
        return "wildcard" in pattern or any(uses_wildcard(v) for v in pattern.values())
    if isinstance(pattern, list):
        return any(uses_wildcard(v) for v in pattern)
    return False


def quota_problems(
    patterns: Mapping[str, str], rules_per_bus: int = RULES_PER_BUS_DEFAULT
) -> list[tuple[str, str]]:
    """Check serialised patterns (keyed by the config path of the queue they serve) against
    EventBridge's quotas. Returns (config key, message) per broken quota; empty when all fit."""
    problems = [
        (
            where,
            f"its event pattern is {len(p)} characters, over EventBridge's "
            f"{PATTERN_MAX_CHARS}-character quota on event patterns. Give it fewer topics (or detailTypes), "
            "or ask AWS Support to raise 'Event pattern size' (the API allows up to 4,096).",
        )
        for where, p in patterns.items()
        if len(p) > PATTERN_MAX_CHARS
    ]
    if len(patterns) > rules_per_bus:
        problems.append(
            (
                "queues",
                f"{len(patterns)} rules would go on one event bus, over the quota of "
                f"{rules_per_bus} rules per bus. Request a higher 'Maximum number of rules per event "
                "bus' in AWS Service Quotas, then set rulesPerBusQuota to the new value; or split "
                "the queues over stacks with separate buses.",
            )
        )
    wildcard_rules = [where for where, p in patterns.items() if uses_wildcard(json.loads(p))]
    if len(wildcard_rules) > WILDCARD_RULES_PER_BUS:
        problems.append(
            (
                "queues",
                f"{len(wildcard_rules)} rules use the 'wildcard' operator, over EventBridge's "
                f"fixed quota of {WILDCARD_RULES_PER_BUS} per bus (it cannot be raised). Use "
                "'prefix' or exact values instead.",
            )
        )
    return problems
