"""``dead-letters``: what EventBridge could not deliver, grouped by queue and error; ``--redrive``
hands each original event to its route's target function again.

EventBridge writes the original event as the message body, with message attributes RULE_ARN,
TARGET_ARN, ERROR_CODE, ERROR_MESSAGE (and EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS). Anyone
who may send to the queue can write those attributes too, so a message is redriven only when
its RULE_ARN is a rule of one of the stack's routes, its TARGET_ARN is that route's target and
its event names that route's queue in its detail (the rule matched nothing else);
any other message is listed with the reason and left in the queue. A redrive invokes the
route's target asynchronously (InvocationType=Event), as EventBridge does, and deletes the
message only after Lambda accepted the event; a failed invoke leaves it in the queue. It never
goes through the bus: a partner bus does not take PutEvents.

Every message the run receives and does not delete stays hidden until the run ends (its
visibility is extended while the run lasts), so the run sees each message once and ends only
when a receive comes back empty; what is left is SQS's own count, read after the run.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from operations import aws
from operations.stack import Route, StackOutputs, load_outputs

# Messages being looked at stay hidden from other readers this long, extended every third of
# it while the run lasts; whatever is not deleted is made visible again at the end of the run.
VISIBILITY_SECONDS = 120
# A short long-poll: an empty answer then means the queue has nothing visible left.
WAIT_SECONDS = 1
MESSAGE_SHOWN = 80
NO_RULE = "(no RULE_ARN: not written by EventBridge)"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "dead-letters",
        parents=[common],
        help="list the dead-letter queue by queue and error; --redrive to deliver again",
        description="List the dead-letter queue's messages by queue and error; --redrive re-invokes "
        "each message's target function with its original event.",
    )
    p.add_argument("--queue", help="only this queue's dead letters (id or name, as in the routes output)")
    p.add_argument("--redrive", action="store_true", help="invoke each target again; delete on success")
    p.set_defaults(run=run)


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receipt: str
    body: str
    rule_arn: str | None
    target_arn: str | None
    error_code: str
    error_message: str
    sent: datetime | None

    @classmethod
    def from_message(cls, m: dict[str, Any]) -> DeadLetter:
        attrs = {k: v.get("StringValue") for k, v in m.get("MessageAttributes", {}).items()}
        sent = m.get("Attributes", {}).get("SentTimestamp")
        return cls(
            message_id=m["MessageId"],
            receipt=m["ReceiptHandle"],
            body=m.get("Body", ""),
            rule_arn=attrs.get("RULE_ARN"),
            target_arn=attrs.get("TARGET_ARN"),
            error_code=attrs.get("ERROR_CODE") or "(none)",
            error_message=attrs.get("ERROR_MESSAGE") or "",
            sent=datetime.fromtimestamp(int(sent) / 1000, UTC) if sent else None,
        )


def group_label(stack: StackOutputs, letter: DeadLetter) -> str:
    if letter.rule_arn is None:
        return NO_RULE
    route = stack.route_of_rule(letter.rule_arn)
    return route.label if route else f"rule {printable(letter.rule_arn)} (not a route of this stack)"


def refusal(stack: StackOutputs, letter: DeadLetter) -> tuple[Route | None, str | None]:
    """The route whose target may get this message again, or why none may."""
    if letter.rule_arn is None:
        return None, "no RULE_ARN: not written by EventBridge"
    route = stack.route_of_rule(letter.rule_arn)
    if route is None:
        return None, f"RULE_ARN {printable(letter.rule_arn)} is not a rule of this stack"
    if letter.target_arn != route.target_arn:
        named = printable(letter.target_arn) if letter.target_arn else "(none)"
        return route, f"TARGET_ARN {named} is not the target of its rule ({route.target_arn})"
    try:
        event = json.loads(letter.body)
    except ValueError:
        return route, "the body is not an event (not JSON)"
    if not names_queue(event, route.queue_id):
        # The route's rule matches only events of its queue (at detail.eventBody.queueId, or a
        # custom event's own path): an event that names no such value is not one it wrote.
        return route, "the event does not name its route's queue, so its rule never matched it"
    return route, None


def names_queue(event: Any, queue_id: str) -> bool:
    """Whether ``queue_id`` is a value somewhere in the event's ``detail`` (walked iteratively:
    the body is whatever the sender wrote)."""
    pending = [event.get("detail")] if isinstance(event, dict) else []
    while pending:
        value = pending.pop()
        if value == queue_id:
            return True
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def redrive(lambda_client: Any, route: Route, letter: DeadLetter) -> str | None:
    """Hand the original event to its route's target again; None on success, else why not."""
    try:
        answer = lambda_client.invoke(
            FunctionName=route.target_arn, InvocationType="Event", Payload=letter.body.encode()
        )
    except ClientError as e:
        error = e.response.get("Error", {})
        return f"{error.get('Code')}: {error.get('Message')}"
    status = answer.get("StatusCode")
    return None if status == 202 else f"Lambda answered {status}, not 202"


class HeldMessages:
    """The messages this run received and has not deleted: hidden from every reader (this run
    included) until the run ends, by extending their visibility before it runs out."""

    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs, self.queue_url = sqs, queue_url
        self.receipts: dict[str, str] = {}  # message id → its latest receipt handle
        self.extended = time.monotonic()

    def receive(self) -> list[dict[str, Any]]:
        """The next messages this run has not seen; an empty list when the queue has none left."""
        while True:
            self.extend_if_due()
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                MessageAttributeNames=["All"],
                AttributeNames=["SentTimestamp"],
                VisibilityTimeout=VISIBILITY_SECONDS,
                WaitTimeSeconds=WAIT_SECONDS,
            ).get("Messages", [])
            fresh = [m for m in messages if m["MessageId"] not in self.receipts]
            for m in messages:  # one seen before (its visibility ran out): hold it again
                self.receipts[m["MessageId"]] = m["ReceiptHandle"]
            if fresh or not messages:
                return fresh

    def hold(self, letter: DeadLetter) -> None:
        self.receipts[letter.message_id] = letter.receipt

    def delete(self, letter: DeadLetter) -> None:
        self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=letter.receipt)
        self.receipts[letter.message_id] = ""  # seen, and gone

    def extend_if_due(self) -> None:
        if time.monotonic() - self.extended >= VISIBILITY_SECONDS / 3:
            self._set_visibility(VISIBILITY_SECONDS)
            self.extended = time.monotonic()

    def release(self) -> None:
        """Make every held message visible again, now."""
        self._set_visibility(0)

    def _set_visibility(self, seconds: int) -> None:
        handles = [h for h in self.receipts.values() if h]
        for i in range(0, len(handles), 10):
            # An entry can fail (the message was deleted by someone else): nothing to hold then.
            self.sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": h, "VisibilityTimeout": seconds}
                    for n, h in enumerate(handles[i : i + 10])
                ],
            )


def run(args: argparse.Namespace) -> int:
    stack = load_outputs(args)
    only: Route | None = stack.route(args.queue) if args.queue else None
    sqs = aws.client("sqs", stack.region)
    queue_url = queue_url_of(sqs, stack)
    lambda_client = aws.client("lambda", stack.region) if args.redrive else None

    groups: Counter[tuple[str, str, str]] = Counter()
    oldest: dict[tuple[str, str, str], datetime] = {}
    refused: Counter[str] = Counter()
    held = HeldMessages(sqs, queue_url)
    redriven = 0
    try:
        while messages := held.receive():
            for m in messages:
                letter = DeadLetter.from_message(m)
                held.hold(letter)
                if only is not None and letter.rule_arn not in only.rule_arns:
                    continue
                label = group_label(stack, letter)
                key = (label, printable(letter.error_code), printable(letter.error_message))
                groups[key] += 1
                if letter.sent and (key not in oldest or letter.sent < oldest[key]):
                    oldest[key] = letter.sent
                route, why_not = refusal(stack, letter)
                if route is not None and why_not is None and lambda_client is not None:
                    why_not = redrive(lambda_client, route, letter)
                    if why_not is None:
                        held.delete(letter)
                        redriven += 1
                        continue
                if why_not is not None:
                    refused[f"{label}: {why_not}"] += 1
                held.extend_if_due()
    finally:
        held.release()

    print_groups(groups, oldest)
    total = sum(groups.values())
    scope = f" for queue {only.label}" if only else ""
    if lambda_client is None:
        for reason, count in sorted(refused.items()):
            print(f"would not be redriven ({count}): {reason}")
        print(f"{total} dead letter(s){scope} in {len(groups)} group(s); nothing changed")
        return 0
    for reason, count in sorted(refused.items()):
        print(f"not redriven ({count}): {reason}")
    print(
        f"{redriven} of {total} dead letter(s){scope} redriven and deleted; "
        f"{messages_left(sqs, queue_url)} left in the queue"
    )
    return 1 if refused else 0


def messages_left(sqs: Any, queue_url: str) -> str:
    """SQS's own count of what the queue holds now (approximate, as SQS says)."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    left = attributes.get("ApproximateNumberOfMessages", "?")
    in_flight = int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0))
    return f"{left} (and {in_flight} received by another reader)" if in_flight else str(left)


def printable(text: str) -> str:
    """An attribute as it may reach the terminal: anyone who may send to the queue wrote it, so
    no control character (an escape sequence) and no more than 200 characters."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return shown if len(shown) <= 200 else shown[:199] + "…"


def queue_url_of(sqs: Any, stack: StackOutputs) -> str:
    """``deadLetterQueueUrl``; for a stack deployed before that output existed, from the ARN."""
    if stack.raw.get("deadLetterQueueUrl") or not stack.raw.get("deadLetterQueueArn"):
        return stack.require("deadLetterQueueUrl")
    _, _, _, _, account, name = str(stack.raw["deadLetterQueueArn"]).split(":", 5)
    return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])


def print_groups(groups: Counter[tuple[str, str, str]], oldest: dict[tuple[str, str, str], datetime]) -> None:
    if not groups:
        return
    print(f"{'COUNT':>6}  {'OLDEST (UTC)':<17}  {'ERROR_CODE':<22}  QUEUE / ERROR_MESSAGE")
    for key, count in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[1])):
        label, code, message = key
        when = f"{oldest[key]:%Y-%m-%d %H:%M}" if key in oldest else "-"
        shown = message if len(message) <= MESSAGE_SHOWN else message[: MESSAGE_SHOWN - 1] + "…"
        print(f"{count:>6}  {when:<17}  {code:<22}  {label}")
        if shown:
            print(f"{'':>6}  {'':<17}  {'':<22}  {shown}")
