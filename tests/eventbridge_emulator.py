"""The rules a program registered (under mocks), installed in moto's EventBridge with an SQS
queue standing in for each Lambda target, so real-shaped events can be put on the bus and
counted where they land.

Two moto gaps are worked around here, not in the program (reference section 7): bus names are
split on ``/``, so the test bus gets a name without one while the patterns stay exactly as
emitted; and a rule's ``State`` is ignored on delivery, so only the rules AWS would run
(ENABLED) are installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto import mock_aws

from mockrun import REGION, ProgramRun

RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
TEST_BUS = "genesys-partner-bus"


def conversation_of(event: dict[str, Any]) -> str:
    """The id that follows an event from put to delivery (both Genesys and the seed shape)."""
    detail = event["detail"]
    return str(detail.get("eventBody", detail).get("conversationId"))


class EmulatedBus:
    def __init__(self, run: ProgramRun) -> None:
        self.events = boto3.client("events", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        routes = run.exports["routes"]
        queue_of_rule = {route["ruleName"]: queue_id for queue_id, route in routes.items()}
        bus_names = {r.inputs["eventBusName"] for r in run.of_type(RULE)}
        assert len(bus_names) == 1, bus_names
        program_bus = bus_names.pop()
        self.bus = "default" if program_bus == "default" else TEST_BUS
        if self.bus != "default":
            self.events.create_event_bus(Name=self.bus)
        self.stand_ins: dict[str, str] = {}
        """SQS queue URL → the configured queue id whose route it stands in for."""
        self.installed_rules = 0
        enabled = {r.inputs["name"] for r in run.of_type(RULE) if r.inputs["state"] == "ENABLED"}
        for rule in run.of_type(RULE):
            if rule.inputs["name"] not in enabled:
                continue
            self.events.put_rule(
                Name=rule.inputs["name"],
                EventBusName=self.bus,
                EventPattern=rule.inputs["eventPattern"],
                State="ENABLED",
            )
            self.installed_rules += 1
        for target in run.of_type(TARGET):
            rule_name = target.inputs["rule"]
            if rule_name not in enabled:
                continue
            url = self.sqs.create_queue(QueueName=f"stand-in-{target.name}"[:80])["QueueUrl"]
            arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            self.events.put_targets(
                Rule=rule_name, EventBusName=self.bus, Targets=[{"Id": "stand-in", "Arn": arn}]
            )
            self.stand_ins[url] = queue_of_rule[rule_name]

    def put(self, events: Iterable[dict[str, Any]]) -> int:
        batch: list[dict[str, Any]] = []
        count = 0
        for event in events:
            batch.append(
                {
                    "Source": event["source"],
                    "DetailType": event["detail-type"],
                    "Detail": json.dumps(event["detail"]),
                    "Resources": event.get("resources", []),
                    "EventBusName": self.bus,
                }
            )
            if len(batch) == 10:
                count += self._put(batch)
                batch = []
        if batch:
            count += self._put(batch)
        return count

    def _put(self, entries: list[dict[str, Any]]) -> int:
        response = self.events.put_events(Entries=entries)
        assert response["FailedEntryCount"] == 0, response
        return len(entries)

    def delivered(self) -> dict[str, list[str]]:
        """Configured queue id → conversation ids of the events its target received."""
        return {q: [conversation_of(e) for e in events] for q, events in self.delivered_events().items()}

    def delivered_events(self) -> dict[str, list[dict[str, Any]]]:
        """Configured queue id → the events its target received, as the target got them."""
        received: dict[str, list[dict[str, Any]]] = {}
        for url, queue_id in self.stand_ins.items():
            got = received.setdefault(queue_id, [])
            while True:
                messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
                if not messages:
                    break
                for m in messages:
                    got.append(json.loads(m["Body"]))
                self.sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
                    ],
                )
        return received


@contextmanager
def emulated(run: ProgramRun) -> Iterator[EmulatedBus]:
    with mock_aws():
        yield EmulatedBus(run)
