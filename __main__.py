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
from components import patterns
from components.partner_source import confirm_partner_source
from components.routing import QueueEventRouting, QueueEventRoutingArgs, QueueRouteArgs
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
        source = confirm_partner_source(source)
    bus_name = pulumi.Output.from_input(stack.event_bus) if stack.event_bus else source
else:
    source = pulumi.Output.from_input(stack.custom_events.source)
    bus_name = pulumi.Output.from_input(stack.custom_events.event_bus)


def event_pattern(route: config.QueueRoute, queue_id: pulumi.Output[str]) -> pulumi.Output[str]:
    custom = stack.custom_events
    if custom is not None:
        return queue_id.apply(
            lambda qid: patterns.serialise(
                patterns.custom_pattern(custom.source, custom.detail_types, custom.queue_id_path, qid)
            )
        )
    return pulumi.Output.all(source, queue_id).apply(
        lambda v: patterns.serialise(patterns.genesys_pattern(v[0], v[1], route.topics))
    )


def route_args(route: config.QueueRoute) -> QueueRouteArgs:
    # One small Output per queue, taken from the resolved map once (see components/routing.py).
    reference = route.queue.reference
    resolved: pulumi.Output[dict[str, Any]] = queues.queues.apply(lambda q: q[reference])
    queue_id: pulumi.Output[str] = resolved.apply(lambda q: q["id"])
    return QueueRouteArgs(
        name=route.queue.resource_name,
        queue_id=queue_id,
        queue_name=resolved.apply(lambda q: q["name"]),
        event_pattern=event_pattern(route, queue_id),
        target_arn=route.target.arn,
        function_arn=route.target.function_arn,
        qualifier=route.target.qualifier,
        enabled=route.enabled,
    )


routing = QueueEventRouting(
    "routing",
    QueueEventRoutingArgs(
        event_bus_name=bus_name,
        create_event_bus=stack.custom_events is None and stack.event_bus is None,
        routes=[route_args(r) for r in stack.queues],
        rule_name_prefix=f"gqe-{config.slug(pulumi.get_stack())[:16]}-",
        dead_letter_queue=stack.dead_letter_queue,
        maximum_event_age_seconds=stack.retry.maximum_event_age_seconds,
        maximum_retry_attempts=stack.retry.maximum_retry_attempts,
        archive_retention_days=stack.archive_retention_days,
        tags=stack.tags,
    ),
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
pulumi.export("routes", routing.routes)
pulumi.export("deadLetterQueueArn", routing.dead_letter_queue_arn)
pulumi.export("archiveName", routing.archive_name)
