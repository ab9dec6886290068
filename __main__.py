"""genesys-queue-events: Genesys Cloud conversation-end events for chosen queues, into Lambda.

stack config → settings (every problem at once, before any resource)
            → Genesys: the verified EventBridge integration and the resolved queues
            → QueueEventRouting: per queue one rule and one target, invoke grants that fit
            → alarms on the dead-letter queue, on silence, lost events and failed deliveries
            → a dashboard of the stack
            → exports: the verified event source, the route table, the dashboard's URL
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

import settings
from components import dashboard_body, naming, outputs, patterns
from components.alarms import DeadLetterAlarms, DeadLetterAlarmsArgs
from components.archive import archive_pattern
from components.dashboard import StackDashboard, StackDashboardArgs
from components.delivery_alarms import DeliveryAlarms, DeliveryAlarmsArgs
from components.event_source import CustomSource, ManagedChoice, event_source
from components.routing import QueueEventRouting, QueueEventRoutingArgs
from components.target_functions import confirmed_functions
from genesys.queues import GenesysQueues, GenesysQueuesArgs
from settings import route_table

try:
    stack_settings = settings.from_pulumi_config()
    identity = aws.get_caller_identity()
    settings.check_target_accounts(stack_settings, identity.account_id)
    settings.check_default_suffix(stack_settings, pulumi.get_stack())
except settings.SettingsError as problems:
    # A user's mistake: a clear list, no traceback, nothing registered.
    raise pulumi.RunError(str(problems)) from None

if not stack_settings.enabled_routes:
    pulumi.log.warn("Every queue is `enabled: false`: this stack keeps its rules but routes no event.")
# Names and marks that belong to this stack alone, even on a bus other stacks share.
stack_name = (pulumi.get_organization(), pulumi.get_project(), pulumi.get_stack())
rule_name_prefix = naming.rule_name_prefix(*stack_name)
bus_description = naming.bus_description(*stack_name)

genesys_queues = GenesysQueues(
    "queues",
    GenesysQueuesArgs(
        queue_ids=sorted(r.queue.id for r in stack_settings.routes if r.queue.id),
        queue_names=sorted(str(r.queue.name) for r in stack_settings.routes if r.queue.name),
    ),
)
region = aws.get_region().region
partition = aws.get_partition().partition
managed = stack_settings.managed_integration
custom = stack_settings.custom_events
source = event_source(
    topics=list(patterns.required_topics(r.topics for r in stack_settings.enabled_routes)),
    integration=stack_settings.integration,
    # Managed mode's event source suffix defaults to the stack's name.
    managed=ManagedChoice(managed.name, managed.event_source_suffix or pulumi.get_stack(), managed.adopt)
    if managed
    else None,
    custom=CustomSource(custom.source, custom.event_bus) if custom else None,
    event_bus=stack_settings.event_bus,
    account_id=identity.account_id,
    region=region,
    partition=partition,
    bus_description=bus_description,
    owner="/".join(stack_name),
)
verified = route_table.verified_routes(stack_settings, source.name, genesys_queues.queues)
# One lookup per distinct function or alias, not one per queue.
functions = confirmed_functions((r.target.policy_holder, r.target_key) for r in stack_settings.routes)

routing = QueueEventRouting(
    "routing",
    QueueEventRoutingArgs(
        event_bus_name=source.bus_name,
        create_event_bus=source.creates_bus,
        routes=[route_table.route_args(r, verified, functions) for r in stack_settings.routes],
        rule_name_prefix=rule_name_prefix,
        bus_name_for_sizing=stack_settings.event_bus or patterns.LONGEST_GENESYS_SOURCE,
        lambda_policy_budget_bytes=stack_settings.lambda_policy_budget_bytes,
        bus_description=bus_description,
        dead_letter_queue=stack_settings.dead_letter_queue,
        maximum_event_age_seconds=stack_settings.retry.maximum_event_age_seconds,
        maximum_retry_attempts=stack_settings.retry.maximum_retry_attempts,
        archive_retention_days=stack_settings.archive_retention_days,
        archive_event_pattern=source.name.apply(
            lambda s: archive_pattern(
                s, stack_settings.custom_events.detail_types if stack_settings.custom_events else None
            )
        ),
        tags=stack_settings.tags,
        retain_undelivered=stack_settings.keep_undelivered,
    ),
)

# Someone is told when an event lands in the dead-letter queue, and before it would expire there.
alarms: DeadLetterAlarms | None = None
if stack_settings.alarms is not None and stack_settings.dead_letter_queue and stack_settings.routes:
    alarms = DeadLetterAlarms(
        "dead-letter-alarms",
        DeadLetterAlarmsArgs(
            queue_name=routing.dead_letter_queue_name.apply(str),
            stack=pulumi.get_stack(),
            topic_arn=stack_settings.alarms.topic_arn,
            email=stack_settings.alarms.email,
            tags=stack_settings.tags,
        ),
        opts=pulumi.ResourceOptions(parent=routing),
    )
    # ... and when Genesys goes quiet, or an event cannot even reach that queue, or deliveries fail.
    delivery_alarms = DeliveryAlarms(
        "delivery-alarms",
        DeliveryAlarmsArgs(
            dead_letter_queue_name=routing.dead_letter_queue_name.apply(str),
            stack="/".join(stack_name),
            source=source.name,
            bus=routing.event_bus_name,
            topic_arn=alarms.topic_arn,
            no_events_for_minutes=stack_settings.alarms.no_events_for_minutes,
            tags=stack_settings.tags,
        ),
        opts=pulumi.ResourceOptions(parent=routing),
    )
    alarm_names = pulumi.Output.all(alarms.alarm_names, delivery_alarms.alarm_names).apply(
        lambda v: v[0] + v[1]
    )
else:
    alarm_names = pulumi.Output.from_input([])

routes = route_table.exported_routes(stack_settings, verified, routing.routes)
dashboard: StackDashboard | None = None
if stack_settings.dashboard:
    dashboard = StackDashboard(
        "dashboard",
        StackDashboardArgs(
            name=dashboard_body.dashboard_name(rule_name_prefix, region),
            facts=outputs.combine(
                source.name, routing.event_bus_name, routes, routing.dead_letter_queue_name, alarm_names
            ).apply(
                lambda v: dashboard_body.DashboardFacts(
                    stack="/".join(stack_name),
                    region=region,
                    bus=v[1],
                    rule_prefix=rule_name_prefix,
                    queues=dashboard_body.queue_labels(v[2]),
                    source=None if stack_settings.custom_events else v[0],
                    dead_letter_queue=v[3],
                    alarm_arns=[
                        f"arn:{partition}:cloudwatch:{region}:{identity.account_id}:alarm:{n}" for n in v[4]
                    ],
                )
            ),
            partition=partition,
            region=region,
        ),
    )

pulumi.export("eventSourceName", source.name)
pulumi.export("eventSourceArn", source.arn)
pulumi.export("eventBusName", routing.event_bus_name)
pulumi.export("integration", source.integration_summary())
pulumi.export("routes", routes)
pulumi.export("deadLetterQueueArn", routing.dead_letter_queue_arn)
pulumi.export("deadLetterQueueUrl", routing.dead_letter_queue_url)
pulumi.export("archiveName", routing.archive_name)
pulumi.export("alarmTopicArn", alarms.topic_arn if alarms else None)
pulumi.export("alarmNames", alarm_names)
pulumi.export("dashboardName", dashboard.dashboard_name if dashboard else None)
pulumi.export("dashboardUrl", dashboard.url if dashboard else None)
