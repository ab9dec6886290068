"""A stack "deployed" into moto from what the program registered under mocks: its enabled rules
on an emulated bus, the archive, the dead-letter queue and the target functions; and the
stack's outputs as `pulumi stack output --json` would print them, with the ARNs moto gave.

moto splits bus names on ``/`` (reference, section 7), so the bus gets a name without one;
the rules keep the names and patterns the program emitted.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

import boto3

from mockrun import ACCOUNT, REGION, ProgramRun

RULE = "aws:cloudwatch/eventRule:EventRule"
TEST_BUS = "genesys-partner-bus"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("handler.py", "def handle(event, context):\n    return event\n")
    return buffer.getvalue()


def create_function(target_arn: str) -> None:
    """The function (and its alias, for an alias ARN) a route's target names."""
    lam = boto3.client("lambda", region_name=REGION)
    iam = boto3.client("iam", region_name=REGION)
    try:
        role = iam.get_role(RoleName="conversation-handler")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="conversation-handler", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    parts = target_arn.split(":")
    name, alias = parts[6], parts[7] if len(parts) > 7 else None
    try:
        lam.get_function(FunctionName=name)
    except lam.exceptions.ResourceNotFoundException:
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="handler.handle",
            Code={"ZipFile": _zip()},
        )
    if alias:
        version = lam.publish_version(FunctionName=name)["Version"]
        lam.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)


def deploy(run: ProgramRun, *, archive: bool = True) -> dict[str, Any]:
    """Install the program's stack in moto; return its outputs."""
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    bus_arn = events.create_event_bus(Name=TEST_BUS)["EventBusArn"]
    rule_arns = {}
    for rule in run.of_type(RULE):
        if rule.inputs["state"] != "ENABLED":
            # moto ignores a rule's State on delivery: install only what AWS would run, but keep
            # the ARN it would have.
            rule_arns[rule.inputs["name"]] = (
                f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{TEST_BUS}/{rule.inputs['name']}"
            )
            continue
        rule_arns[rule.inputs["name"]] = events.put_rule(
            Name=rule.inputs["name"], EventBusName=TEST_BUS, EventPattern=rule.inputs["eventPattern"]
        )["RuleArn"]
    queue_url = sqs.create_queue(QueueName="routing-dead-letters-5e6f7a8")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    outputs = json.loads(json.dumps(run.exports))
    for route in outputs["routes"].values():
        route["ruleArn"] = rule_arns[route["ruleName"]]
        create_function(route["targetArn"])
    outputs["eventBusName"] = TEST_BUS
    outputs["deadLetterQueueArn"] = queue_arn
    outputs["deadLetterQueueUrl"] = queue_url
    outputs["archiveName"] = None
    if archive:
        outputs["archiveName"] = "routing-archive-0a1b2c3"
        events.create_archive(ArchiveName=outputs["archiveName"], EventSourceArn=bus_arn, RetentionDays=7)
    return outputs


def dead_letter(
    queue_url: str, event: dict[str, Any], *, rule_arn: str, target_arn: str, code: str, message: str
) -> None:
    """A message as EventBridge writes it to a target's dead-letter queue: the original event
    as the body; RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE and RETRY_ATTEMPTS as String
    message attributes (EventBridge user guide, "Using dead-letter queues")."""
    attributes = {
        "RULE_ARN": rule_arn,
        "TARGET_ARN": target_arn,
        "ERROR_CODE": code,
        "ERROR_MESSAGE": message,
        "RETRY_ATTEMPTS": "0",
    }
    boto3.client("sqs", region_name=REGION).send_message(
        QueueUrl=queue_url,
        MessageBody=json.dumps(event),
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )


def genesys_event(queue_id: str, conversation: str, when: datetime | None = None) -> dict[str, Any]:
    """A user.end event as Genesys sends it (reference, section 1)."""
    when = when or datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    return {
        "version": "0",
        "id": f"evt-{conversation}",
        "detail-type": "v2.detail.events.conversation.{id}.user.end",
        "source": "aws.partner/genesys.com/cloud/0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/dev-events",
        "account": ACCOUNT,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [],
        "detail": {
            "topicName": f"v2.detail.events.conversation.{conversation}.user.end",
            "version": "2",
            "eventBody": {"conversationId": conversation, "queueId": queue_id, "disconnectType": "CLIENT"},
        },
    }


def queue_depth(queue_url: str) -> tuple[int, int]:
    """(visible, in flight) messages of a queue."""
    attrs = boto3.client("sqs", region_name=REGION).get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])
