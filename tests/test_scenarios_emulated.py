"""What a user's Lambda receives, scenario by scenario: the real-shaped event sequences of
tests/events/scenarios/ put on the bus in moto, with the rules the program emits for the
default preset and for an explicit topic list, and the exact set of deliveries asserted.

Each scenario file lists the events one conversation produces (shapes from the Genesys SDKs'
detail-event models) and, per event, the queues whose Lambda must receive it under the preset
and under the topic list. README.md's scenario table says the same in words."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from eventbridge_emulator import emulated
from mockrun import ROOT, base_config, run_program

SCENARIOS = sorted((Path(__file__).parent / "events" / "scenarios").glob("*.json"))
CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
TOPICS = ["acd.end", "user.end", "voicemail.end"]
STACKS = {
    "preset": [CARE, {"name": "Billing"}],
    "topics": [{"id": CARE, "topics": TOPICS}, {"name": "Billing", "topics": TOPICS}],
}


@pytest.fixture(autouse=True)
def no_ambient_aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def scenarios() -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in SCENARIOS]


def identity(event: dict[str, Any]) -> str:
    """One event, whatever envelope id EventBridge gave it on the way."""
    return str(event["detail"]["metadata"]["CorrelationId"])


def described(event: dict[str, Any]) -> str:
    body = event["detail"]["eventBody"]
    detail = body.get("disconnectType") or body.get("acdOutcome") or "-"
    topic = event["detail-type"].removeprefix("v2.detail.events.conversation.{id}.")
    return f"{topic} {detail} {identity(event)}"


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_each_scenario_delivers_exactly_what_the_readme_says(stack, capsys):
    run = run_program(base_config(queues=STACKS[stack]))
    expected = {
        (queue_id, identity(step["event"]))
        for scenario in scenarios()
        for step in scenario["events"]
        for queue_id in step["expect"][stack]
    }
    every_event = [step["event"] for scenario in scenarios() for step in scenario["events"]]
    with emulated(run) as bus:
        assert bus.installed_rules == 2
        assert bus.put(every_event) == len(every_event)
        got_events = bus.delivered_events()
    got = {(queue_id, identity(e)) for queue_id, events in got_events.items() for e in events}
    names = {identity(e): described(e) for e in every_event}
    assert sorted(names[i] for _, i in got - expected) == [], "delivered but not expected"
    assert sorted(names[i] for _, i in expected - got) == [], "expected but not delivered"
    assert sum(len(events) for events in got_events.values()) == len(got)  # each delivered once
    with capsys.disabled():
        print(
            f"\n[scenarios, {stack}] {len(SCENARIOS)} scenarios, {len(every_event)} events: "
            f"{len(got)} deliveries, as expected"
        )


def test_the_preset_delivers_at_most_one_event_per_conversation_and_queue():
    """So de-duplicating on (conversationId, queueId), the key the README names, loses no
    distinct end in any scenario; it only absorbs repeats (retries, replays, re-sends)."""
    for scenario in scenarios():
        keys = [
            (step["event"]["detail"]["eventBody"]["conversationId"], queue_id)
            for step in scenario["events"]
            for queue_id in step["expect"]["preset"]
        ]
        assert len(keys) == len(set(keys)), scenario["scenario"]


def test_the_readme_table_counts_what_each_scenario_delivers():
    readme = (ROOT / "README.md").read_text()
    rows = {
        cells[0]: cells
        for line in readme.splitlines()
        if line.startswith("| ") and len(cells := [c.strip() for c in line.strip("|").split("|")]) == 4
    }

    def counted(cell: str) -> int:  # "1: the `user.end`", "2 to Care, 2 to Billing", "nothing"
        return sum(int(n) for n in re.findall(r"\b(\d+)\b", cell))

    for scenario in scenarios():
        title = scenario["scenario"]
        assert title in rows, f"no README row for {title!r}"
        for column, stack in ((2, "preset"), (3, "topics")):
            deliveries = sum(len(step["expect"][stack]) for step in scenario["events"])
            assert counted(rows[title][column]) == deliveries, (title, stack)
