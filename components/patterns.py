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

from genesys.topics import (
    ACD_END,
    CONVERSATION_END_PRESET,
    GENESYS_SOURCE_PREFIX,
    TRANSFER_SUFFIX,
    USER_END,
)

# EventBridge quotas (reference section 5).
PATTERN_MAX_CHARS = 2048
RULES_PER_BUS_DEFAULT = 300

# The longest partner source Genesys can name: orgId is a UUID, the suffix up to 64 characters.
LONGEST_GENESYS_SOURCE = GENESYS_SOURCE_PREFIX + "0" * 36 + "/" + "x" * 64
LONGEST_QUEUE_ID = "0" * 36

TopicSelection = str | tuple[str, ...]
"""Either :data:`CONVERSATION_END_PRESET` or a tuple of full topic templates."""


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
    """Whether a pattern uses the ``wildcard`` operator anywhere. Rules that do are limited to 30
    a bus (not adjustable); no pattern this program builds does, and a test keeps it so."""
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
    return problems
