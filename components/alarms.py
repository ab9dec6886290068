"""DeadLetterAlarms: someone is told when an event lands in the dead-letter queue, and again
before SQS would drop it unseen.

Two CloudWatch alarms on the queue's own SQS metrics, whose actions go to an SNS topic (the
stack's own, or an existing one), with e-mail subscriptions. The names, thresholds and limits
are computed by pure functions below, so they test without Pulumi.

Not built: an alarm on EventBridge's ``InvocationsFailedToBeSentToDlq``. That metric exists
per rule only (dimension ``RuleName``, with ``EventBusName`` on a custom bus); an alarm on
metric math may reference at most 10 metrics (a hard limit), and a stack has up to 300 rules.
See README, "Alarms".
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.routing import DLQ_RETENTION_SECONDS

# CloudWatch: an alarm name is 1-255 characters, unique in the account and region
# (PutMetricAlarm overwrites an alarm of the same name).
ALARM_NAME_MAX = 255
# CloudWatch: an alarm description is at most 1,024 characters.
ALARM_DESCRIPTION_MAX = 1024
# SNS: a display name (the "From" of its e-mails) is at most 100 characters.
TOPIC_DISPLAY_NAME_MAX = 100
# SQS publishes queue metrics once a minute; five-minute periods keep the alarms calm.
PERIOD_SECONDS = 300
# Warn this long before the queue's retention drops the oldest message.
EXPIRY_WARNING_SECONDS = 3 * 24 * 3600


class AlarmLimitError(ValueError):
    """A computed alarm would break a CloudWatch limit."""


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm on one SQS metric of the dead-letter queue."""

    kind: str
    """Stable suffix of the alarm's name and logical name."""
    metric_name: str
    threshold: float
    description: str


def alarm_specs(retention_seconds: int) -> list[AlarmSpec]:
    """The dead-letter queue's two alarms, for a queue that keeps messages this long."""
    warn_at = retention_seconds - EXPIRY_WARNING_SECONDS
    if warn_at <= PERIOD_SECONDS:
        raise AlarmLimitError(
            f"a retention of {retention_seconds} s leaves no time to warn before messages expire"
        )
    days = retention_seconds / 86400
    return [
        AlarmSpec(
            kind="messages-waiting",
            metric_name="ApproximateNumberOfMessagesVisible",
            threshold=0,
            description=(
                "An event could not be delivered to its Lambda function and waits in the "
                "dead-letter queue. See what failed: python -m operations dead-letters; "
                "fix the cause, then redrive: python -m operations dead-letters --redrive."
            ),
        ),
        AlarmSpec(
            kind="oldest-nearing-expiry",
            metric_name="ApproximateAgeOfOldestMessage",
            threshold=warn_at,
            description=(
                f"A dead letter has waited more than {warn_at // 86400} days; SQS deletes it at "
                f"{days:g} days. Redrive now: python -m operations dead-letters --redrive."
            ),
        ),
    ]


def alarm_name(queue_name: str, spec: AlarmSpec) -> str:
    """``<dead-letter queue name>-<kind>``: unique in the account and region because the
    queue's name is (SQS queue names are), so no other stack's alarm is overwritten."""
    name = f"{queue_name}-{spec.kind}"
    if not 1 <= len(name) <= ALARM_NAME_MAX:
        raise AlarmLimitError(f"alarm name {name!r} is over CloudWatch's {ALARM_NAME_MAX} characters")
    return name


DEAD_LETTER_RUNBOOK = 'README, "Runbook: a Lambda was down from 14:00 to 16:00"'


def described(queue_name: str, *, stack: str, description: str) -> str:
    return checked_description(
        f"Stack {stack}, dead-letter queue {queue_name}: {description} Read {DEAD_LETTER_RUNBOOK}."
    )


def checked_description(text: str) -> str:
    """``text``, or AlarmLimitError when CloudWatch would refuse it as an alarm's description."""
    if len(text) > ALARM_DESCRIPTION_MAX:
        raise AlarmLimitError(
            f"alarm description of {len(text)} characters; CloudWatch takes {ALARM_DESCRIPTION_MAX}"
        )
    return text


def topic_display_name(stack: str) -> str:
    return f"Genesys queue events ({stack})"[:TOPIC_DISPLAY_NAME_MAX]


def subscription_name(component: str, address: str) -> str:
    """Logical name of an e-mail subscription: from the address, never its list position."""
    digest = hashlib.sha256(address.casefold().encode()).hexdigest()[:12]
    return f"{component}-email-{digest}"


@dataclass
class DeadLetterAlarmsArgs:
    queue_name: pulumi.Input[str]
    """The dead-letter queue's name (the ``QueueName`` dimension of its SQS metrics)."""
    stack: str
    """The stack, for the topic's display name and the alarms' descriptions."""
    retention_seconds: int = DLQ_RETENTION_SECONDS
    """How long the queue keeps a message; the age alarm fires before that."""
    topic_arn: str | None = None
    """An existing SNS topic for the alarms' actions; None: create one."""
    email: Sequence[str] = ()
    """Addresses to subscribe to the topic; each must confirm by mail."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Applied to the topic and the alarms."""


class DeadLetterAlarms(pulumi.ComponentResource):
    """CloudWatch alarms on the dead-letter queue, to an SNS topic with e-mail subscriptions."""

    topic_arn: pulumi.Output[str]
    """The topic the alarms notify."""
    alarm_names: pulumi.Output[list[str]]
    """The alarms' names, as CloudWatch shows them."""

    def __init__(
        self, name: str, args: DeadLetterAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("genesys-queue-events:alarms:DeadLetterAlarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags) or None

        if args.topic_arn is None:
            # Auto-named (logical name plus a random suffix): a fixed name would let two stacks
            # share one topic, since CreateTopic returns an existing topic of the same name.
            # No KMS key: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
            topic = aws.sns.Topic(
                f"{name}-topic", display_name=topic_display_name(args.stack), tags=tags, opts=child
            )
            topic_arn: pulumi.Output[str] = topic.arn
        else:
            topic_arn = pulumi.Output.from_input(args.topic_arn)

        for address in args.email:
            aws.sns.TopicSubscription(
                subscription_name(name, address),
                topic=topic_arn,
                protocol="email",
                endpoint=address,
                opts=child,
            )

        names: list[pulumi.Output[str]] = []
        queue_name = pulumi.Output.from_input(args.queue_name)
        for spec in alarm_specs(args.retention_seconds):
            alarm = aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.kind}",
                name=queue_name.apply(functools.partial(alarm_name, spec=spec)),
                # Names the stack, the queue and the runbook section, as every alarm does.
                alarm_description=queue_name.apply(
                    functools.partial(described, stack=args.stack, description=spec.description)
                ),
                namespace="AWS/SQS",
                metric_name=spec.metric_name,
                dimensions={"QueueName": queue_name},
                statistic="Maximum",
                period=PERIOD_SECONDS,
                evaluation_periods=1,
                threshold=spec.threshold,
                comparison_operator="GreaterThanThreshold",
                # An idle queue may publish no data points: that is not a dead letter.
                treat_missing_data="notBreaching",
                alarm_actions=[topic_arn],
                ok_actions=[topic_arn],
                tags=tags,
                opts=child,
            )
            names.append(alarm.name)

        self.topic_arn = topic_arn
        self.alarm_names = pulumi.Output.all(*names)
        self.register_outputs({"topic_arn": self.topic_arn, "alarm_names": self.alarm_names})
