"""The rules the program emits, installed in moto's EventBridge: real-shaped Genesys events
land at exactly the targets they should, and nowhere else."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from eventbridge_emulator import conversation_of, emulated
from mockrun import FUNCTION, base_config, run_program

EVENTS = sorted((Path(__file__).parent / "events").glob("*.json"))
ORG = "0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f"
SOURCE = f"aws.partner/genesys.com/cloud/{ORG}/dev-events"
OTHER_SOURCE = "aws.partner/genesys.com/cloud/7c2d9e41-55aa-4b6c-8d1e-0f9a8b7c6d5e/prod-events"
CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
SUPPORT = "d4e5f6a7-b8c9-4012-adef-123456789013"
TEMPLATE = "v2.detail.events.conversation.{id}."


@pytest.fixture(autouse=True)
def no_ambient_aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def catalogue():
    return [json.loads(p.read_text()) for p in EVENTS]


def expected(kind):
    wanted = defaultdict(list)
    for case in catalogue():
        for queue_id in case["expect"][kind]:
            wanted[queue_id].append(conversation_of(case["event"]))
    return wanted


def delivered_sorted(bus):
    return {q: sorted(c) for q, c in bus.delivered().items() if c}


def test_every_catalogued_genesys_event_lands_exactly_where_it_should():
    run = run_program(
        base_config(
            queues=[
                CARE,
                {"name": "Billing", "target": f"{FUNCTION}-billing", "topics": ["acw", "user.end"]},
                {"name": "Sales Overflow", "enabled": False},
                {"id": SUPPORT, "target": f"{FUNCTION}-support", "topics": ["voicemail.end"]},
            ]
        )
    )
    with emulated(run) as bus:
        assert bus.installed_rules == 3  # the DISABLED rule is not run by AWS
        assert bus.put(case["event"] for case in catalogue()) == len(EVENTS)
        got = delivered_sorted(bus)
    assert got == {q: sorted(c) for q, c in expected("genesys").items()}


def test_the_seed_tutorial_shape_routes_on_a_custom_events_stack():
    run = run_program(
        base_config(
            queues=[CARE],
            customEvents={
                "source": "com.genesyscloud.platform",
                "detailTypes": ["conversation.end"],
                "queueIdPath": "detail.queueId",
                "eventBus": "default",
            },
        )
    )
    with emulated(run) as bus:
        bus.put(case["event"] for case in catalogue())
        got = delivered_sorted(bus)
    assert got == {q: sorted(c) for q, c in expected("custom").items()}


def generated_stack(count=50):
    rng = random.Random(20261127)
    queues = []
    for i in range(count):
        queue_id = f"{i:08x}-1111-4222-8333-{rng.getrandbits(48):012x}"
        kind = i % 3
        item: dict[str, object] = {"id": queue_id, "target": f"{FUNCTION}-{i % 7}"}
        if kind == 1:
            item["topics"] = ["acw", "user.end"]
        elif kind == 2:
            item["topics"] = ["acd.end", "voicemail.end"]
        if i % 10 == 9:
            item["enabled"] = False
        queues.append(item)
    return queues


def oracle(event, queue):
    """Whether a queue's route should receive an event, written from the reference's facts,
    not from the pattern builder."""
    if event["source"] != SOURCE or queue.get("enabled") is False:
        return False
    body = event["detail"]["eventBody"]
    if body.get("queueId") != queue["id"]:
        return False
    topic = event["detail-type"].removeprefix(TEMPLATE)
    if "topics" not in queue:
        # The preset: an agent leg that ended without moving the interaction on, or abandoned.
        moved_on = str(body.get("disconnectType", "")).endswith("TRANSFER")
        return (topic == "user.end" and not moved_on) or (
            topic == "acd.end" and body.get("acdOutcome") == "ABANDON"
        )
    return topic in queue["topics"]


def generated_events(queues, count):
    rng = random.Random(7)
    ids = [q["id"] for q in queues] + [f"ffff{i:04x}-0000-4000-8000-000000000000" for i in range(10)]
    topics = ["user.end", "acd.end", "acw", "voicemail.end", "customer.end", "user.start"]
    for n in range(count):
        topic = rng.choice(topics)
        body = {"conversationId": f"conv-{n:06d}", "mediaType": "VOICE"}
        if topic != "customer.end":
            queue_id = rng.choice(ids)
            body["queueId"] = queue_id.upper() if rng.random() < 0.02 else queue_id
        if topic == "acd.end":
            body["acdOutcome"] = rng.choice(["ANSWERED", "ABANDON", "FLOW_OUT", "UNKNOWN"])
        if topic == "user.end":
            disconnect = rng.choice(
                [None, "CLIENT", "PEER", "TRANSFER", "CONSULT_TRANSFER", "NO_ANSWER_TRANSFER"]
            )
            if disconnect is not None:
                body["disconnectType"] = disconnect
        yield {
            "source": OTHER_SOURCE if rng.random() < 0.1 else SOURCE,
            "detail-type": TEMPLATE + topic,
            "detail": {
                "topicName": f"v2.detail.events.conversation.conv-{n:06d}.{topic}",
                "version": "2",
                "eventBody": body,
            },
        }


def test_a_generated_stream_routes_with_perfect_precision_and_recall(capsys):
    queues = generated_stack(50)
    run = run_program(base_config(queues=queues))
    events = list(generated_events(queues, 5000))
    should = {(conversation_of(e), q["id"]) for e in events for q in queues if oracle(e, q)}
    with emulated(run) as bus:
        assert bus.installed_rules == 45
        bus.put(events)
        got = {(c, q) for q, conversations in bus.delivered().items() for c in conversations}
    true_positives = len(should & got)
    precision = true_positives / len(got)
    recall = true_positives / len(should)
    with capsys.disabled():
        print(
            f"\n[routing] {len(events)} events, 50 queues (45 enabled): {len(should)} deliveries expected, "
            f"{len(got)} delivered, {true_positives} correct; precision {precision:.4f}, recall {recall:.4f}"
        )
    assert len(should) > 500  # the stream exercises the routes, not only the misses
    assert precision == 1.0
    assert recall == 1.0


def test_a_generated_stream_of_seed_shaped_events_routes_exactly_on_a_custom_events_stack(capsys):
    rng = random.Random(11)
    queue_ids = [f"{i:08x}-2222-4333-8444-{rng.getrandbits(48):012x}" for i in range(30)]
    configured = queue_ids[:20]
    run = run_program(
        base_config(
            queues=configured,
            customEvents={
                "source": "com.genesyscloud.platform",
                "detailTypes": ["conversation.end"],
                "queueIdPath": "detail.queueId",
                "eventBus": "default",
            },
        )
    )
    events: list[dict[str, Any]] = []
    for n in range(2000):
        events.append(
            {
                "source": rng.choice(["com.genesyscloud.platform"] * 9 + ["com.example.other"]),
                "detail-type": rng.choice(["conversation.end"] * 4 + ["conversation.start"]),
                "detail": {"conversationId": f"seed-{n:05d}", "queueId": rng.choice(queue_ids)},
            }
        )
    should = {
        (e["detail"]["conversationId"], e["detail"]["queueId"])
        for e in events
        if e["source"] == "com.genesyscloud.platform"
        and e["detail-type"] == "conversation.end"
        and e["detail"]["queueId"] in configured
    }
    with emulated(run) as bus:
        bus.put(events)
        got = {(c, q) for q, conversations in bus.delivered().items() for c in conversations}
    true_positives = len(should & got)
    with capsys.disabled():
        print(
            f"\n[routing, customEvents] {len(events)} events, 20 of 30 queues routed: {len(should)} expected, "
            f"{len(got)} delivered, {true_positives} correct"
        )
    assert len(should) > 300
    assert got == should
