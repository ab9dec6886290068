"""The Genesys conversation-event vocabulary: the partner source's prefix, the topic names,
which topics carry a queue id, and what the default preset means.

What Genesys publishes is Genesys' fact, so it lives here, beside the API client; the EventBridge
patterns that select from it are built in components.patterns.
"""

from __future__ import annotations

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
other value does. ``TAKEOVER`` (another participant took the interaction over; in the SDK since
the 22-value enum of purecloudplatformclientv2 269.0.0) is delivered as an end: Genesys does not
say whether the participant that took over carries the queue id, so excluding it could lose the
queue's only end, while delivering it costs at most a duplicate the consumer's key absorbs."""


class TopicError(ValueError):
    """A configured topic is unknown or cannot be filtered by queue."""


def short_topic(topic: str) -> str:
    """``v2.detail.events.conversation.{id}.acw`` → ``acw``, as a stack file may write it."""
    return topic.removeprefix(TOPIC_PREFIX)


def topic_template(topic: str) -> str:
    """``user.end`` or a full ``v2.detail.events.conversation.{id}.user.end`` → the template.

    Raises TopicError naming the accepted topics.
    """
    short = short_topic(topic)
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
