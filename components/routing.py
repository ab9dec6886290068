"""QueueEventRouting: per queue, one EventBridge rule, one target and one Lambda permission,
plus the shared pieces that make delivery safe (a dead-letter queue and an archive).

Per-queue values arrive as small per-queue Outputs. Nothing here combines one Output that
holds every queue once per queue: that walks the whole collection N times and makes the
program quadratic (reference, section 6).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components import invoke_grants, naming, outputs
from components.invoke_grants import PolicyHolder
from components.patterns import LONGEST_GENESYS_SOURCE
from components.policies import dead_letter_queue_policy

DLQ_RETENTION_SECONDS = 14 * 24 * 3600
EVENTS_PRINCIPAL = "events.amazonaws.com"


@dataclass
class QueueRouteArgs:
    """One queue's route."""

    slug: str
    """Stable resource name from the queue's configured reference (its id or a slug of its
    name), never its list position; the rule's name is the stack's prefix and this."""
    queue: str
    """The queue as the user named it (id or name), for the rule's description."""
    event_pattern: pulumi.Input[str]
    """The serialised EventBridge pattern (see components.patterns), with the verified id."""
    target: PolicyHolder
    """The Lambda function, or the alias, that receives the events and whose policy grants it."""
    function_arn: pulumi.Input[str]
    """The target's unqualified function ARN, once AWS confirmed the function (and alias) exist."""
    enabled: bool = True
    """False keeps the route but disables its rule."""


@dataclass
class QueueEventRoutingArgs:
    event_bus_name: pulumi.Input[str]
    """The bus the rules go on: the partner bus named after the Genesys event source, or an
    existing bus (``customEvents``)."""
    routes: Sequence[QueueRouteArgs]
    """One entry per configured queue."""
    create_event_bus: bool = False
    """Create ``event_bus_name`` as the partner event bus of the source of the same name."""
    rule_name_prefix: str = "gqe-"
    """Every rule's name starts with this, and no other stack's rule on the bus does (see
    components.naming); it scopes the shared grants: the dead-letter queue's policy when the list
    of rule ARNs outgrows SQS's policy size, and a function's invoke permission past its budget."""
    bus_name_for_sizing: str = LONGEST_GENESYS_SOURCE
    """The bus name the invoke-permission budget is sized with: the bus's own name when it is
    known before deployment, else the longest partner bus name Genesys can give."""
    lambda_policy_budget_bytes: int = invoke_grants.DEFAULT_BUDGET_BYTES
    """How much of each target's 20,480-byte resource policy this stack's statements may use
    before they are consolidated into one prefix-scoped statement."""
    bus_description: str | None = None
    """The mark a bus this stack creates carries, so that a later run knows it as its own."""
    dead_letter_queue: bool = True
    """One standard SQS queue for events EventBridge could not deliver."""
    maximum_event_age_seconds: int = 86400
    """How long EventBridge keeps retrying an event (60–86400)."""
    maximum_retry_attempts: int = 185
    """How many times EventBridge retries an event (0–185)."""
    archive_retention_days: int | None = 7
    """Archive the bus's events for replay; None for no archive."""
    archive_event_pattern: pulumi.Input[str] | None = None
    """Which of the bus's events the archive keeps (see components.archive); None keeps all."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Applied to every taggable resource."""
    retain_undelivered: bool = True
    """Keep the dead-letter queue and the archive in AWS when Pulumi deletes or replaces them
    (``retainOnDelete``): what they hold was never delivered, or is the only copy to replay."""


class QueueEventRouting(pulumi.ComponentResource):
    """Genesys conversation events for chosen queues, routed to Lambda functions."""

    event_bus_name: pulumi.Output[str]
    """The name of the bus the rules are on."""
    routes: pulumi.Output[dict[str, dict[str, Any]]]
    """Route name → ``{ruleName, ruleArn, targetArn, enabled, invokeGrant}``."""
    dead_letter_queue_arn: pulumi.Output[str | None]
    dead_letter_queue_url: pulumi.Output[str | None]
    dead_letter_queue_name: pulumi.Output[str | None]
    """The queue's name: the ``QueueName`` dimension its alarms watch."""
    archive_name: pulumi.Output[str | None]

    def __init__(
        self, name: str, args: QueueEventRoutingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("genesys-queue-events:routing:QueueEventRouting", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags) or None

        # What holds undelivered events outlives `pulumi destroy` and any replacement: Pulumi
        # forgets it, AWS keeps it (README, "Deleting on purpose").
        keep = pulumi.ResourceOptions(parent=self, retain_on_delete=args.retain_undelivered)
        if args.create_event_bus:
            # A partner bus must carry the source's exact name; events to a source with no
            # associated bus are dropped. A kept archive keeps its managed rule on the bus, and
            # EventBridge refuses to delete a bus that has rules: the bus is kept with it, or
            # `pulumi destroy` would stop at the bus.
            keeps_archive = args.retain_undelivered and args.archive_retention_days is not None
            bus = aws.cloudwatch.EventBus(
                f"{name}-partner-bus",
                name=args.event_bus_name,
                event_source_name=args.event_bus_name,
                description=args.bus_description,
                tags=tags,
                opts=keep if keeps_archive else child,
            )
            bus_name: pulumi.Output[str] = bus.name
            bus_arn: pulumi.Output[str] = bus.arn
        else:
            bus_name = pulumi.Output.from_input(args.event_bus_name)
            bus_arn = aws.cloudwatch.get_event_bus_output(
                name=bus_name, opts=pulumi.InvokeOutputOptions(parent=self)
            ).arn

        dlq = None
        if args.dead_letter_queue:
            dlq = aws.sqs.Queue(
                f"{name}-dead-letters",
                message_retention_seconds=DLQ_RETENTION_SECONDS,
                sqs_managed_sse_enabled=True,
                tags=tags,
                opts=keep,
            )

        retry_policy = aws.cloudwatch.EventTargetRetryPolicyArgs(
            maximum_event_age_in_seconds=args.maximum_event_age_seconds,
            maximum_retry_attempts=args.maximum_retry_attempts,
        )
        grants = invoke_grants.plan(
            (invoke_grants.RouteGrant(route.slug, route.target) for route in args.routes),
            rule_name_prefix=args.rule_name_prefix,
            bus_name_for_sizing=args.bus_name_for_sizing,
            budget_bytes=args.lambda_policy_budget_bytes,
        )
        function_arns: dict[invoke_grants.PolicyHolder, pulumi.Input[str]] = {}
        for route in args.routes:
            function_arns.setdefault(route.target, route.function_arn)

        # Past its budget, a function (or alias) gets one statement for all of this stack's rules
        # on this bus. Registered before the targets, which depend on it: a queue new to such a
        # function is delivered only once the statement exists. A stack that crosses the budget
        # creates it in the same update, and Pulumi deletes the per-rule statements it no longer
        # registers only after every creation and update, so no event finds the function closed.
        shared_grants: dict[invoke_grants.PolicyHolder, aws.lambda_.Permission] = {}
        for holder, grant in grants.items():
            if grant.shared:
                pattern = _stack_rules_pattern(bus_name, holder, args.rule_name_prefix)
                shared_id = naming.shared_statement_id(args.rule_name_prefix)
                shared_grants[holder] = aws.lambda_.Permission(
                    shared_permission_name(name, holder),
                    statement_id=pattern.apply(functools.partial(naming.statement_id, shared_id)),
                    action="lambda:InvokeFunction",
                    function=function_arns[holder],
                    qualifier=holder.qualifier,
                    principal=EVENTS_PRINCIPAL,
                    source_arn=pattern,
                    opts=_created_before_replaced(child),
                )

        # One Output per function or alias, shared by its targets, not one per queue.
        target_arns: dict[invoke_grants.PolicyHolder, pulumi.Output[str]] = {}
        rules: list[aws.cloudwatch.EventRule] = []
        rule_names = [naming.rule_name(args.rule_name_prefix, route.slug) for route in args.routes]
        for route, rule_name in zip(args.routes, rule_names, strict=True):
            if route.target not in target_arns:
                target_arns[route.target] = _once_confirmed(route.function_arn, route.target.resource_arn)
            rule = aws.cloudwatch.EventRule(
                f"{name}-{route.slug}",
                name=rule_name,
                event_bus_name=bus_name,
                event_pattern=route.event_pattern,
                state="ENABLED" if route.enabled else "DISABLED",
                description=f"Genesys conversation events for queue {route.queue}",
                tags=tags,
                opts=_created_before_replaced(child),
            )
            admits = shared_grants.get(route.target)
            if admits is None:
                admits = aws.lambda_.Permission(
                    # The function (or alias) is part of the name: retargeting a queue creates a
                    # new permission and deletes the old one at the end of the update, never a
                    # replacement (the bridge deletes a permission with a set statement id before
                    # it creates its replacement: README, "What `pulumi up` does, in order").
                    per_queue_permission_name(name, route.slug, route.target),
                    statement_id=rule.arn.apply(functools.partial(naming.statement_id, rule_name)),
                    action="lambda:InvokeFunction",
                    function=route.function_arn,
                    qualifier=route.target.qualifier,
                    principal=EVENTS_PRINCIPAL,
                    source_arn=rule.arn,
                    # Stacks from before the function was part of the name keep their permissions.
                    opts=_created_before_replaced(
                        pulumi.ResourceOptions(
                            parent=self, aliases=[pulumi.Alias(name=f"{name}-{route.slug}")]
                        )
                    ),
                )
            aws.cloudwatch.EventTarget(
                f"{name}-{route.slug}",
                rule=rule.name,
                event_bus_name=bus_name,
                # Through the confirmed function ARN, so that no target points at nothing.
                arn=target_arns[route.target],
                retry_policy=retry_policy,
                dead_letter_config=aws.cloudwatch.EventTargetDeadLetterConfigArgs(arn=dlq.arn)
                if dlq
                else None,
                # Created or retargeted only once a statement admits its rule on that function.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[admits]),
            )
            rules.append(rule)

        # All rule ARNs in one Output, shared by the queue policy and the route table.
        rule_arns: pulumi.Output[list[str]] = pulumi.Output.all(*(r.arn for r in rules))

        dead_letter_queue_arn: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        dead_letter_queue_url: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        dead_letter_queue_name: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if dlq is not None and rules:
            aws.sqs.QueuePolicy(
                f"{name}-dead-letters",
                queue_url=dlq.url,
                policy=outputs.combine(dlq.arn, rule_arns).apply(
                    lambda v: dead_letter_queue_policy(v[0], v[1], args.rule_name_prefix)
                ),
                opts=child,
            )
            dead_letter_queue_arn = dlq.arn
            dead_letter_queue_url = dlq.url
            dead_letter_queue_name = dlq.name

        archive_name: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        if args.archive_retention_days is not None:
            archive = aws.cloudwatch.EventArchive(
                f"{name}-archive",
                event_source_arn=bus_arn,
                retention_days=args.archive_retention_days,
                event_pattern=args.archive_event_pattern,
                # Archives take no tags: in EventBridge only rules and buses can be tagged.
                description="This stack's events on the bus, for replay after a failed delivery",
                opts=keep,
            )
            archive_name = archive.name

        self.event_bus_name = bus_name
        self.routes = rule_arns.apply(
            lambda arns: {
                route.slug: {
                    "ruleName": rule_name,
                    "ruleArn": arn,
                    "targetArn": route.target.resource_arn,
                    "enabled": route.enabled,
                    "invokeGrant": grants[route.target].mode,
                }
                for route, rule_name, arn in zip(args.routes, rule_names, arns, strict=True)
            }
        )
        self.dead_letter_queue_arn = dead_letter_queue_arn
        self.dead_letter_queue_url = dead_letter_queue_url
        self.dead_letter_queue_name = dead_letter_queue_name
        self.archive_name = archive_name
        # The route table is the stack's `routes` export; registering it here as well would hold
        # it twice in state, so the component registers only its small outputs.
        self.register_outputs(
            {
                "event_bus_name": self.event_bus_name,
                "dead_letter_queue_arn": self.dead_letter_queue_arn,
                "dead_letter_queue_url": self.dead_letter_queue_url,
                "archive_name": self.archive_name,
            }
        )


def shared_permission_name(component: str, holder: PolicyHolder) -> str:
    """The logical name of a function's (or alias's) one statement for all of this stack's rules."""
    return f"{component}-invoke-{holder.name}"


def per_queue_permission_name(component: str, slug: str, holder: PolicyHolder) -> str:
    """The logical name of a queue's own invoke permission: the queue and the function (or
    alias) it grants, so that a permission is never replaced, only created and deleted."""
    name = f"{component}-{slug}-{holder.name}"
    if name == shared_permission_name(component, holder):
        # A queue named "Invoke" would take the shared permission's name, and crossing the budget
        # would then replace one by the other, delete-first. A slug never holds "--".
        return f"{component}-{slug}--{holder.name}"
    return name


def _created_before_replaced(opts: pulumi.ResourceOptions) -> pulumi.ResourceOptions:
    """``opts`` with ``delete_before_replace=False``: a replacement creates the new resource, and
    deletes the old one at the end of the update.

    The bridge replaces a rule or a permission whose name (statement id) the program sets
    delete-first, assuming the new one takes the old one's name (nameRequiresDeleteBeforeReplace);
    the engine takes the program's option over that. Safe here because every replacement of these
    has a new identity in AWS: a rule is replaced only when its bus or its name changes (rule.go
    ForceNew: name, name_prefix, event_bus_name; names are unique per bus, so the same name on
    another bus coexists), and a permission's statement id carries a hash of the ARN it grants
    (components.naming.statement_id), which every other ForceNew change of ours also moves to a
    new logical name. So a move to another bus routes each queue on the new bus before anything
    on the old one goes (README, "What `pulumi up` does, in order")."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=False))


def _once_confirmed(confirmed: pulumi.Input[str], value: str) -> pulumi.Output[str]:
    """``value``, once ``confirmed`` has resolved (and so once its check passed)."""
    return pulumi.Output.from_input(confirmed).apply(lambda _: value)


def _stack_rules_pattern(
    bus_name: pulumi.Output[str], holder: PolicyHolder, prefix: str
) -> pulumi.Output[str]:
    """``…:rule/<bus>/<prefix>*`` in the target's partition, region and account."""
    partition, region, account = invoke_grants.arn_parts(holder.function_arn)
    return bus_name.apply(lambda bus: naming.rule_arn_pattern(partition, region, account, bus, prefix))
