import json

import pytest

from components import patterns
from genesys import topics as genesys_topics

SOURCE = "aws.partner/genesys.com/cloud/0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/dev-events"
QUEUE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"


def test_seed_tutorial_custom_shape_is_reproduced_exactly():
    # The seed tutorial's put_rule pattern, as it wrote it.
    seed = {
        "source": ["com.genesyscloud.platform"],
        "detail-type": ["conversation.end"],
        "detail": {"queueId": [QUEUE]},
    }
    built = patterns.custom_pattern(
        "com.genesyscloud.platform", ["conversation.end"], "detail.queueId", QUEUE
    )
    assert built == seed
    assert json.loads(patterns.serialise(built)) == seed


def test_conversation_end_preset_is_a_final_user_end_or_an_abandoned_acd_end_for_the_queue():
    p = patterns.genesys_pattern(SOURCE, QUEUE, patterns.CONVERSATION_END_PRESET)
    assert p["source"] == [SOURCE]
    not_moved_on, unstated, abandoned = p["$or"]
    assert not_moved_on == {
        "detail-type": ["v2.detail.events.conversation.{id}.user.end"],
        "detail": {
            "eventBody": {
                "queueId": [QUEUE],
                "disconnectType": [{"anything-but": {"suffix": "TRANSFER"}}],
            }
        },
    }
    assert unstated == {
        "detail-type": ["v2.detail.events.conversation.{id}.user.end"],
        "detail": {"eventBody": {"queueId": [QUEUE], "disconnectType": [{"exists": False}]}},
    }
    assert abandoned == {
        "detail-type": ["v2.detail.events.conversation.{id}.acd.end"],
        "detail": {"eventBody": {"queueId": [QUEUE], "acdOutcome": ["ABANDON"]}},
    }
    # anything-but/suffix, not anything-but/wildcard: no share of the 30 wildcard rules a bus holds.
    assert not patterns.uses_wildcard(p)


def test_explicit_topics_filter_on_the_queue_id_in_the_event_body():
    topics = (genesys_topics.topic_template("acw"), genesys_topics.topic_template("user.end"))
    p = patterns.genesys_pattern(SOURCE, QUEUE, topics)
    assert p == {
        "source": [SOURCE],
        "detail-type": [
            "v2.detail.events.conversation.{id}.acw",
            "v2.detail.events.conversation.{id}.user.end",
        ],
        "detail": {"eventBody": {"queueId": [QUEUE]}},
    }


def test_serialisation_is_deterministic_whatever_the_construction_order():
    a = {"source": ["s"], "detail": {"b": [1], "a": [2]}}
    b = {"detail": {"a": [2], "b": [1]}, "source": ["s"]}
    assert patterns.serialise(a) == patterns.serialise(b) == '{"detail":{"a":[2],"b":[1]},"source":["s"]}'


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        ("conversation.end", "unknown topic"),
        ("v2.detail.events.conversation.{id}.user.ended", "unknown topic"),
        ("customer.end", "carries no eventBody.queueId"),
        ("flow.end", "carries no eventBody.queueId"),
        ("flow.outcome", "carries no eventBody.queueId"),
        ("attributes", "carries no eventBody.queueId"),
        ("contact", "carries no eventBody.queueId"),
        ("outbound", "carries no eventBody.queueId"),
        ("v2.detail.events.conversation.{id}.outbound", "carries no eventBody.queueId"),
    ],
)
def test_topics_that_cannot_route_per_queue_are_refused(topic, message):
    with pytest.raises(genesys_topics.TopicError, match=message):
        genesys_topics.topic_template(topic)


def test_wrapup_carries_the_queue_id_and_can_be_chosen():
    assert genesys_topics.topic_template("wrapup") == "v2.detail.events.conversation.{id}.wrapup"


def test_the_refusals_name_only_topics_that_can_be_routed():
    with pytest.raises(genesys_topics.TopicError) as raised:
        genesys_topics.topic_template("conversation.end")
    listed = str(raised.value)
    assert "wrapup" in listed and "user.end" in listed
    assert "customer.end" not in listed and "flow.outcome" not in listed


def test_full_topic_templates_are_accepted():
    full = "v2.detail.events.conversation.{id}.voicemail.end"
    assert genesys_topics.topic_template(full) == full


def test_required_topics_are_the_union_of_every_selection():
    got = patterns.required_topics(
        [patterns.CONVERSATION_END_PRESET, (genesys_topics.topic_template("acw"),)]
    )
    assert got == (
        "v2.detail.events.conversation.{id}.acd.end",
        "v2.detail.events.conversation.{id}.acw",
        "v2.detail.events.conversation.{id}.user.end",
    )


def test_quota_pattern_size():
    small = patterns.serialise({"source": ["s"]})
    big = patterns.serialise({"source": ["x" * 2100]})
    problems = patterns.quota_problems({"queues[0]": small, "queues[1]": big})
    assert len(problems) == 1
    key, message = problems[0]
    assert key == "queues[1]"
    assert message.startswith("its event pattern is 2115 characters")
    assert "2048" in message


def test_quota_rules_per_bus_respects_a_raised_quota():
    many = {f"queues[{i}]": patterns.serialise({"source": [str(i)]}) for i in range(301)}
    ((key, problem),) = patterns.quota_problems(many)
    assert key == "queues"
    assert "301 rules" in problem and "rulesPerBusQuota" in problem
    assert patterns.quota_problems(many, rules_per_bus=500) == []


def test_no_pattern_the_program_builds_counts_against_the_wildcard_quota():
    # Rules with `wildcard` are limited to 30 a bus and the limit cannot be raised; the program
    # builds none, so it needs no check for it.
    routable = tuple(
        genesys_topics.topic_template(t) for t, ok in genesys_topics.CONVERSATION_TOPICS.items() if ok
    )
    built = [
        patterns.genesys_pattern(SOURCE, QUEUE, patterns.CONVERSATION_END_PRESET),
        patterns.genesys_pattern(SOURCE, QUEUE, routable),
        patterns.custom_pattern("com.genesyscloud.platform", ["conversation.end"], "detail.queueId", QUEUE),
    ]
    assert not any(patterns.uses_wildcard(p) for p in built)
    assert patterns.uses_wildcard({"detail": {"x": [{"wildcard": "a*"}]}})


def test_the_longest_configurable_pattern_fits_the_quota():
    every_topic = tuple(
        genesys_topics.topic_template(t)
        for t, routable in genesys_topics.CONVERSATION_TOPICS.items()
        if routable
    )
    for selection in (every_topic, patterns.CONVERSATION_END_PRESET):
        p = patterns.serialise(
            patterns.genesys_pattern(patterns.LONGEST_GENESYS_SOURCE, patterns.LONGEST_QUEUE_ID, selection)
        )
        assert len(p) <= patterns.PATTERN_MAX_CHARS
