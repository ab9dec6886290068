"""``dead-letters``: what EventBridge could not deliver, grouped by queue and error; ``--redrive``
hands each original event to its target function again.

EventBridge writes the original event as the message body, with message attributes RULE_ARN,
TARGET_ARN, ERROR_CODE, ERROR_MESSAGE (and EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS). A redrive
invokes TARGET_ARN asynchronously (InvocationType=Event), as EventBridge does, and deletes the
message only after Lambda accepted the event; a failed invoke leaves it in the queue. It never
goes through the bus: a partner bus does not take PutEvents.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from operations import aws
from operations.stack import Route, StackOutputs, load_outputs

# Messages being looked at stay hidden from other readers this long; whatever is not deleted
# is made visible again at the end of the run.
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
    return route.label if route else f"rule {letter.rule_arn} (not a route of this stack)"


def redrive(lambda_client: Any, letter: DeadLetter) -> str | None:
    """Hand the original event to its target again; None on success, else why not."""
    if not letter.target_arn or ":lambda:" not in letter.target_arn:
        return f"TARGET_ARN {letter.target_arn!r} is not a Lambda function"
    try:
        json.loads(letter.body)
    except ValueError:
        return "the body is not an event (not JSON)"
    try:
        answer = lambda_client.invoke(
            FunctionName=letter.target_arn, InvocationType="Event", Payload=letter.body.encode()
        )
    except ClientError as e:
        error = e.response.get("Error", {})
        return f"{error.get('Code')}: {error.get('Message')}"
    status = answer.get("StatusCode")
    return None if status == 202 else f"Lambda answered {status}, not 202"


def run(args: argparse.Namespace) -> int:
    stack = load_outputs(args)
    only: Route | None = stack.route(args.queue) if args.queue else None
    sqs = aws.client("sqs", stack.region)
    queue_url = queue_url_of(sqs, stack)
    lambda_client = aws.client("lambda", stack.region) if args.redrive else None

    groups: Counter[tuple[str, str, str]] = Counter()
    oldest: dict[tuple[str, str, str], datetime] = {}
    failures: Counter[str] = Counter()
    kept: dict[str, str] = {}  # message id → latest receipt handle, made visible again at the end
    seen: set[str] = set()
    redriven = 0
    try:
        while True:
            messages = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=10,
                MessageAttributeNames=["All"],
                AttributeNames=["SentTimestamp"],
                VisibilityTimeout=VISIBILITY_SECONDS,
                WaitTimeSeconds=WAIT_SECONDS,
            ).get("Messages", [])
            fresh = [m for m in messages if m["MessageId"] not in seen]
            for m in messages:
                if m["MessageId"] in kept:
                    kept[m["MessageId"]] = m["ReceiptHandle"]
            if not fresh:
                break
            for m in fresh:
                seen.add(m["MessageId"])
                letter = DeadLetter.from_message(m)
                if only is not None and letter.rule_arn not in only.rule_arns:
                    kept[letter.message_id] = letter.receipt
                    continue
                key = (group_label(stack, letter), letter.error_code, letter.error_message)
                groups[key] += 1
                if letter.sent and (key not in oldest or letter.sent < oldest[key]):
                    oldest[key] = letter.sent
                if lambda_client is None:
                    kept[letter.message_id] = letter.receipt
                    continue
                why_not = redrive(lambda_client, letter)
                if why_not is None:
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=letter.receipt)
                    redriven += 1
                else:
                    failures[f"{group_label(stack, letter)}: {why_not}"] += 1
                    kept[letter.message_id] = letter.receipt
    finally:
        release(sqs, queue_url, list(kept.values()))

    print_groups(groups, oldest)
    total = sum(groups.values())
    scope = f" for queue {only.label}" if only else ""
    if lambda_client is None:
        print(f"{total} dead letter(s){scope} in {len(groups)} group(s); nothing changed")
        return 0
    for reason, count in sorted(failures.items()):
        print(f"not redriven ({count}): {reason}")
    failed = sum(failures.values())
    print(f"{redriven} of {total} dead letter(s){scope} redriven and deleted; {failed} left in the queue")
    return 1 if failed else 0


def queue_url_of(sqs: Any, stack: StackOutputs) -> str:
    """``deadLetterQueueUrl``; for a stack deployed before that output existed, from the ARN."""
    if stack.raw.get("deadLetterQueueUrl") or not stack.raw.get("deadLetterQueueArn"):
        return stack.require("deadLetterQueueUrl")
    _, _, _, _, account, name = str(stack.raw["deadLetterQueueArn"]).split(":", 5)
    return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])


def release(sqs: Any, queue_url: str, receipts: list[str]) -> None:
    """Make the messages this run looked at but did not delete visible again, now."""
    for i in range(0, len(receipts), 10):
        batch = receipts[i : i + 10]
        sqs.change_message_visibility_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(n), "ReceiptHandle": h, "VisibilityTimeout": 0} for n, h in enumerate(batch)],
        )


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
