"""DeliveryAlarms: someone is told when Genesys stops sending, when an event could not even be
put into the dead-letter queue, and when deliveries fail, which the dead-letter queue's own
alarms (components/alarms.py) cannot see.

- ``events-stopped`` (``alarms.noEventsForMinutes``): ``AWS/Events`` ``Events`` for the partner
  event source, Sum per minute, under 1 for N minutes running; missing data is breaching,
  because EventBridge publishes no data point for a minute without events.
- ``events-lost``: ``InvocationsFailedToBeSentToDlq`` summed over the stack's bus, above 0 in
  five minutes; missing data is not breaching (EventBridge sends it only when not zero).
- ``deliveries-failing``: ``FailedInvocations``, the same way.

The last two cover every rule of the stack with one alarm each. A metric-math alarm may
reference at most 10 metrics (a hard limit) and a ``SEARCH`` expression cannot be alarmed on,
so for 300 rules each is a Metrics Insights query alarm, which evaluates up to 10,000 metrics
(CloudWatch user guide, "Limits" of alarms; an account holds 200 such alarms per region by
default). Metrics Insights filters by exact value, so the query's scope is the bus
(components/delivery_metrics.py).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import delivery_metrics as m
from components.alarms import (
    AlarmSpec,
    alarm_name,
    checked_description,
)

RUNBOOK = 'README, "Runbook: events stopped arriving"'
QUERY_PERIOD_SECONDS = 300
"""Five minutes for the bus-wide alarms: well inside the 3 hours a Metrics Insights alarm sees."""


@dataclass(frozen=True)
class DeliveryAlarmSpec:
    kind: str
    description: str
    threshold: float
    comparison: str
    treat_missing_data: str
    period: int
    evaluation_periods: int
    metric_name: str
    dimensions: Mapping[str, str] = field(default_factory=dict)
    """For an alarm on one metric; empty for a Metrics Insights query."""
    query: str | None = None
    """The Metrics Insights query, for an alarm over every rule on the bus."""


NAME_SHOWN_MAX = 140
"""A name longer than this (a 256-character custom bus) is shown cut in its middle, so that every
description fits CloudWatch's 1,024 characters; a Genesys partner source is at most 131."""


def _shown(name: str) -> str:
    if len(name) <= NAME_SHOWN_MAX:
        return name
    half = (NAME_SHOWN_MAX - 1) // 2
    return f"{name[:half]}…{name[-half:]}"


def delivery_alarm_specs(
    *, stack: str, source: str, bus: str, dead_letter_queue: str, no_events_for_minutes: int | None
) -> list[DeliveryAlarmSpec]:
    """The alarms for one stack. ``stack`` is ``organisation/project/stack``."""
    shown_stack, shown_source, shown_bus = _shown(stack), _shown(source), _shown(bus)
    short = _shown(stack.rsplit("/", 1)[-1])
    health = f"python -m operations health --stack {short}"
    specs = []
    if no_events_for_minutes is not None:
        n = no_events_for_minutes
        specs.append(
            DeliveryAlarmSpec(
                kind="events-stopped",
                description=checked_description(
                    f"Stack {shown_stack}: no event arrived from the Genesys partner event source "
                    f"{shown_source} for {n} minutes. Genesys may have stopped sending (integration "
                    "disabled or in error, a topic removed from its filter, the event source deleted, "
                    "the OAuth client rotated). "
                    f"Read {RUNBOOK}, step 1; check: {health} --since {n}m"
                ),
                threshold=1,
                comparison="LessThanThreshold",
                treat_missing_data="breaching",
                period=m.PERIOD_SECONDS,
                evaluation_periods=n,
                metric_name=m.PARTNER_EVENTS,
                dimensions={"EventSourceName": source},
            )
        )
    scope = f"the rules on bus {shown_bus}" + ("" if bus == source else f" (source {shown_source})")
    specs.append(
        DeliveryAlarmSpec(
            kind="events-lost",
            description=checked_description(
                f"Stack {shown_stack}: EventBridge could not put a failed event into the dead-letter queue "
                f"{dead_letter_queue} ({m.NOT_SENT_TO_DLQ} over {scope}): that event is gone unless "
                f"the archive has it. Read {RUNBOOK}, step 4; which queue: {health}"
            ),
            threshold=0,
            comparison="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            period=QUERY_PERIOD_SECONDS,
            evaluation_periods=1,
            metric_name=m.NOT_SENT_TO_DLQ,
            query=m.bus_total_query(m.NOT_SENT_TO_DLQ, bus),
        )
    )
    specs.append(
        DeliveryAlarmSpec(
            kind="deliveries-failing",
            description=checked_description(
                f"Stack {shown_stack}: deliveries to Lambda failed ({m.FAILED} over {scope}). Read "
                f"{RUNBOOK}, step 3; which queue: {health}; which error: python -m operations "
                f"dead-letters --stack {short}"
            ),
            threshold=0,
            comparison="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            period=QUERY_PERIOD_SECONDS,
            evaluation_periods=1,
            metric_name=m.FAILED,
            query=m.bus_total_query(m.FAILED, bus),
        )
    )
    return specs


def delivery_alarm_name(queue_name: str, kind: str) -> str:
    """``<dead-letter queue name>-<kind>``, like the dead-letter alarms: unique in the account and
    region, and within the deploy role's ``alarm:routing-dead-letters-*`` grant."""
    return alarm_name(queue_name, AlarmSpec(kind, "", 0, ""))


@dataclass
class DeliveryAlarmsArgs:
    dead_letter_queue_name: pulumi.Input[str]
    """Names the alarms (``<queue>-<kind>``) and is named in their descriptions."""
    stack: str
    """``organisation/project/stack``, named in every description."""
    source: pulumi.Input[str]
    """The event source: the ``EventSourceName`` of ``Events``, and named in every description."""
    bus: pulumi.Input[str]
    """The bus whose rules the Metrics Insights alarms sum over."""
    topic_arn: pulumi.Input[str]
    """The dead-letter alarms' topic: every alarm notifies it, in ALARM and back to OK."""
    no_events_for_minutes: int | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


class DeliveryAlarms(pulumi.ComponentResource):
    """Alarms on silence, lost events and failed deliveries, to the dead-letter alarms' topic."""

    alarm_names: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: DeliveryAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("genesys-queue-events:alarms:DeliveryAlarms", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        queue = pulumi.Output.from_input(args.dead_letter_queue_name)
        specs = pulumi.Output.all(queue, args.source, args.bus).apply(
            lambda v: {
                s.kind: s
                for s in delivery_alarm_specs(
                    stack=args.stack,
                    source=v[1],
                    bus=v[2],
                    dead_letter_queue=v[0],
                    no_events_for_minutes=args.no_events_for_minutes,
                )
            }
        )
        # Which alarms exist, and their thresholds and periods, depend on settings alone; only
        # the names they mention come from outputs.
        shapes = delivery_alarm_specs(
            stack=args.stack,
            source="",
            bus="",
            dead_letter_queue="",
            no_events_for_minutes=args.no_events_for_minutes,
        )
        tags = dict(args.tags) or None
        names = []
        for shape in shapes:
            spec = specs.apply(lambda s, k=shape.kind: s[k])  # type: ignore[misc]
            one_metric = shape.query is None
            alarm = aws.cloudwatch.MetricAlarm(
                f"{name}-{shape.kind}",
                name=queue.apply(functools.partial(delivery_alarm_name, kind=shape.kind)),
                alarm_description=spec.apply(lambda s: s.description),
                namespace=m.NAMESPACE if one_metric else None,
                metric_name=shape.metric_name if one_metric else None,
                dimensions=spec.apply(lambda s: dict(s.dimensions)) if one_metric else None,
                statistic="Sum" if one_metric else None,
                period=shape.period if one_metric else None,
                metric_queries=None
                if one_metric
                else [
                    aws.cloudwatch.MetricAlarmMetricQueryArgs(
                        id="q",
                        expression=spec.apply(lambda s: str(s.query)),
                        period=shape.period,
                        return_data=True,
                        label=shape.metric_name,
                    )
                ],
                threshold=shape.threshold,
                comparison_operator=shape.comparison,
                treat_missing_data=shape.treat_missing_data,
                evaluation_periods=shape.evaluation_periods,
                datapoints_to_alarm=shape.evaluation_periods,
                alarm_actions=[args.topic_arn],
                ok_actions=[args.topic_arn],
                tags=tags,
                opts=child,
            )
            names.append(alarm.name)
        self.alarm_names = pulumi.Output.all(*names)
        self.register_outputs({"alarm_names": self.alarm_names})
