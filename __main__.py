"""genesys-queue-events: Genesys Cloud conversation-end events for chosen queues, into Lambda.

stack config → settings (every problem at once, before any resource)
            → Genesys: the verified EventBridge integration and the resolved queues
            → QueueEventRouting: per queue one rule, one target, one Lambda permission
            → exports: the verified event source and the route table
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

import settings as config
from components import naming, outputs, patterns
from components.alarms import DeadLetterAlarms, DeadLetterAlarmsArgs
from components.archive import archive_pattern
from components.partner_source import confirm_partner_source
from components.routing import QueueEventRouting, QueueEventRoutingArgs, QueueRouteArgs
from components.target_functions import confirmed_functions
from genesys.integration import EventBridgeIntegration, EventBridgeIntegrationArgs
from genesys.queues import GenesysQueues, GenesysQueuesArgs

try:
    stack = config.from_pulumi_config()
    identity = aws.get_caller_identity()
    config.check_target_accounts(stack, identity.account_id)
except config.SettingsError as problems:
    # A user's mistake: a clear list, no traceback, nothing registered.
    raise pulumi.RunError(str(problems)) from None

region = aws.get_region().region
partition = aws.get_partition().partition
# Names and marks that belong to this stack alone, even on a bus other stacks share.
stack_name = (pulumi.get_organization(), pulumi.get_project(), pulumi.get_stack())
rule_name_prefix = naming.rule_name_prefix(*stack_name)
bus_description = naming.bus_description(*stack_name)
if not stack.enabled_queues:
    pulumi.log.warn("Every queue is `enabled: false`: this stack keeps its rules but routes no event.")

queues = GenesysQueues(
    "queues",
    GenesysQueuesArgs(
        queue_ids=sorted(q.queue.id for q in stack.queues if q.queue.id),
        queue_names=sorted(str(q.queue.name) for q in stack.queues if q.queue.name),
    ),
)

integration: EventBridgeIntegration | None = None
if stack.custom_events is None:
    integration = EventBridgeIntegration(
        "integration",
        EventBridgeIntegrationArgs(
            integration=stack.integration,
            aws_account_id=identity.account_id,
            aws_region=region,
            aws_partition=partition,
            required_topics=list(patterns.required_topics(q.topics for q in stack.enabled_queues)),
            event_bus_name=stack.event_bus,
        ),
    )
    source: pulumi.Output[str] = integration.event_source_name
    if stack.event_bus is None:
        source = confirm_partner_source(source, bus_description)
    bus_name = pulumi.Output.from_input(stack.event_bus) if stack.event_bus else source
else:
    source = pulumi.Output.from_input(stack.custom_events.source)
    bus_name = pulumi.Output.from_input(stack.custom_events.event_bus)


def verified_route(route: config.QueueRoute, source: str, queue: dict[str, Any]) -> dict[str, Any]:
    custom = stack.custom_events
    if custom is not None:
        pattern = patterns.custom_pattern(
            custom.source, custom.detail_types, custom.queue_id_path, queue["id"]
        )
    else:
        pattern = patterns.genesys_pattern(source, queue["id"], route.topics)
    return {"id": queue["id"], "name": queue["name"], "eventPattern": patterns.serialise(pattern)}


# Every route's verified queue and pattern, in one pass over the resolved queues; each rule then
# takes its own entry. (Combining the whole map once per queue would make the program quadratic.)
verified = outputs.combine(source, queues.queues).apply(
    lambda v: {r.queue.reference: verified_route(r, v[0], v[1][r.queue.reference]) for r in stack.queues}
)


# One lookup per distinct function or alias, not one per queue.
functions = confirmed_functions((r.target.policy_holder, r.target_key) for r in stack.queues)


def route_args(route: config.QueueRoute) -> QueueRouteArgs:
    reference = route.queue.reference
    return QueueRouteArgs(
        name=route.queue.resource_name,
        queue=reference,
        event_pattern=verified.apply(lambda v: v[reference]["eventPattern"]),
        target=route.target.policy_holder,
        function_arn=functions[route.target.policy_holder],
        enabled=route.enabled,
    )


def route_table(v: tuple[Any, ...]) -> dict[str, Any]:
    """Queue id → its route, from the verified queues and the component's rules."""
    queues_by_reference, rules = v
    table = {}
    for r in stack.queues:
        queue = queues_by_reference[r.queue.reference]
        table[queue["id"]] = {
            "queueName": queue["name"],
            **rules[r.queue.resource_name],
            "eventPattern": queue["eventPattern"],
        }
    return table


routing = QueueEventRouting(
    "routing",
    QueueEventRoutingArgs(
        event_bus_name=bus_name,
        create_event_bus=stack.custom_events is None and stack.event_bus is None,
        routes=[route_args(r) for r in stack.queues],
        rule_name_prefix=rule_name_prefix,
        bus_name_for_sizing=stack.event_bus or patterns.LONGEST_GENESYS_SOURCE,
        lambda_policy_budget_bytes=stack.lambda_policy_budget_bytes,
        bus_description=bus_description,
        dead_letter_queue=stack.dead_letter_queue,
        maximum_event_age_seconds=stack.retry.maximum_event_age_seconds,
        maximum_retry_attempts=stack.retry.maximum_retry_attempts,
        archive_retention_days=stack.archive_retention_days,
        archive_event_pattern=source.apply(
            lambda s: archive_pattern(s, stack.custom_events.detail_types if stack.custom_events else None)
        ),
        tags=stack.tags,
    ),
)

# Someone is told when an event lands in the dead-letter queue, and before it would expire there.
alarms: DeadLetterAlarms | None = None
if stack.alarms is not None and stack.dead_letter_queue and stack.queues:
    alarms = DeadLetterAlarms(
        "dead-letter-alarms",
        DeadLetterAlarmsArgs(
            queue_name=routing.dead_letter_queue_name.apply(str),
            stack=pulumi.get_stack(),
            topic_arn=stack.alarms.topic_arn,
            email=stack.alarms.email,
            tags=stack.tags,
        ),
        opts=pulumi.ResourceOptions(parent=routing),
    )

pulumi.export("eventSourceName", source)
pulumi.export("eventSourceArn", integration.event_source_arn if integration else None)
pulumi.export("eventBusName", routing.event_bus_name)
pulumi.export(
    "integration",
    pulumi.Output.all(
        integration.integration_id,
        integration.integration_name,
        integration.intended_state,
        integration.topics,
    ).apply(lambda v: {"id": v[0], "name": v[1], "state": v[2], "topics": v[3]})
    if integration
    else None,
)
pulumi.export("routes", outputs.combine(verified, routing.routes).apply(route_table))
pulumi.export("deadLetterQueueArn", routing.dead_letter_queue_arn)
pulumi.export("deadLetterQueueUrl", routing.dead_letter_queue_url)
pulumi.export("archiveName", routing.archive_name)
pulumi.export("alarmTopicArn", alarms.topic_arn if alarms else None)
pulumi.export("alarmNames", alarms.alarm_names if alarms else [])
