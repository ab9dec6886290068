"""What `pulumi up` would do between two runs of the program: the engine's verdict per resource,
and whether any step leaves a routed queue without a permission that admits it. Pure: it reads
what two offline runs registered (operations/offline_program.py) and never calls Pulumi.

Per resource the engine asks the provider for a diff. pulumi-aws bridges terraform-provider-aws:
a change of a ``ForceNew`` property is a replacement, any other change an update in place. A
replacement creates the new resource before it deletes the old one, unless the provider says
delete-before-replace: pulumi-terraform-bridge does for a resource whose auto-named property (a
rule's ``name``, a permission's ``statementId``) the program set itself, because the new one would
take the same name (``nameRequiresDeleteBeforeReplace``, pkg/tfbridge/schema.go:195-244, asked at
pkg/tfbridge/provider.go:1275-1276). pulumi-aws declares no ``UniqueNameFields`` that would
soften that for these types. The program's own ``deleteBeforeReplace`` option overrides the
provider's choice either way (pulumi/pulumi pkg/resource/deploy/step_generator.go, "The user can
override the provider's decision"): a resource that sets it to false is replaced create-first.
Every row of ``REPLACEMENTS`` names its source; README, "What
`pulumi up` does, in order", has the table with file and line.

Order, as the engine runs an update: creations, updates and delete-first replacements run once
the resources they depend on (``dependsOn`` and the resources whose outputs their inputs take)
are done; resources the program no longer registers, and the old halves of create-first
replacements, are deleted at the end.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from genesys.integration import IntegrationProvider
from genesys.queues import QueuesProvider

TFAWS = "hashicorp/terraform-provider-aws"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
PERMISSION = "aws:lambda/permission:Permission"
PROVIDER_KEY = "__provider"


@dataclass(frozen=True)
class Replacement:
    """How one resource type is replaced."""

    force_new: tuple[str, ...]
    """The inputs (Pulumi's names) whose change replaces the resource."""
    auto_named: str | None
    """The input pulumi-aws fills with a random name when the program leaves it out; set by the
    program, a replacement is delete-first."""
    source: str


REPLACEMENTS: dict[str, Replacement] = {
    "aws:cloudwatch/eventBus:EventBus": Replacement(
        ("name", "eventSourceName"), "name", f"{TFAWS} internal/service/events/bus.go:70,100"
    ),
    RULE: Replacement(
        ("name", "namePrefix", "eventBusName"), "name", f"{TFAWS} internal/service/events/rule.go:69,105,113"
    ),
    TARGET: Replacement(
        ("rule", "eventBusName", "targetId"),
        None,
        f"{TFAWS} internal/service/events/target.go (rule, event_bus_name, target_id); no `name`",
    ),
    PERMISSION: Replacement(
        (
            "action",
            "eventSourceToken",
            "function",
            "functionUrlAuthType",
            "invokedViaFunctionUrl",
            "principal",
            "principalOrgId",
            "qualifier",
            "sourceAccount",
            "sourceArn",
            "statementId",
            "statementIdPrefix",
        ),
        "statementId",
        f"{TFAWS} internal/service/lambda/permission.go:52-118 (no Update); pulumi/pulumi-aws "
        'provider/resources.go: "statement_id": tfbridge.AutoName("statementId", 100, "-")',
    ),
    "aws:sqs/queue:Queue": Replacement(
        ("name", "namePrefix", "fifoQueue"), "name", f"{TFAWS} internal/service/sqs/queue.go"
    ),
    "aws:sqs/queuePolicy:QueuePolicy": Replacement(
        ("queueUrl",), None, f"{TFAWS} internal/service/sqs/queue_policy.go"
    ),
    "aws:cloudwatch/eventArchive:EventArchive": Replacement(
        ("name", "eventSourceArn"), "name", f"{TFAWS} internal/service/events/archive.go:31,37"
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": Replacement(
        ("name",), "name", f"{TFAWS} internal/service/cloudwatch/metric_alarm.go (alarm_name)"
    ),
    "aws:cloudwatch/dashboard:Dashboard": Replacement(
        ("dashboardName",),
        None,
        f"{TFAWS} internal/service/cloudwatch/dashboard.go (dashboard_name; required, not auto-named)",
    ),
    "aws:sns/topic:Topic": Replacement(
        ("name", "namePrefix", "fifoTopic"), "name", f"{TFAWS} internal/service/sns/topic.go"
    ),
    "aws:sns/topicSubscription:TopicSubscription": Replacement(
        ("topic", "protocol", "endpoint"), None, f"{TFAWS} internal/service/sns/topic_subscription.go"
    ),
    "pulumi-python:dynamic/genesys:EventBridgeIntegration": Replacement(
        IntegrationProvider.replace_on, None, "genesys/integration.py IntegrationProvider.replace_on"
    ),
    "pulumi-python:dynamic/genesys:ManagedIntegration": Replacement(
        ("integration_id",),
        None,
        "genesys/managed_integration.py ManagedIntegrationProvider.diff (a new id when Genesys lost it)",
    ),
    "pulumi-python:dynamic/genesys:Queues": Replacement(
        QueuesProvider.replace_on, None, "genesys/queues.py QueuesProvider.replace_on"
    ),
}

Op = Literal["create", "update", "replace", "delete"]
OPS: tuple[Op, ...] = ("create", "update", "replace", "delete")


@dataclass(frozen=True)
class Resource:
    """What one run registered for one resource: enough to diff it and to follow its grants."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    depends_on: frozenset[tuple[str, str]] = frozenset()
    """(type, logical name) of the resources this one waits for."""
    aliases: frozenset[str] = frozenset()
    """Logical names it was registered under before: the engine takes a resource of that name as
    this one."""
    delete_before_replace: bool | None = None
    """The program's ``deleteBeforeReplace`` option; None leaves the choice to the provider."""


@dataclass(frozen=True)
class Step:
    op: Op
    type: str
    name: str
    changed: tuple[str, ...] = ()
    delete_first: bool = False
    """A replacement that deletes the old resource before the new one exists."""


def resources(
    registered: Iterable[Any],
    dependencies: Mapping[tuple[str, str], Iterable[tuple[str, str]]],
    aliases: Mapping[tuple[str, str], Iterable[str]] | None = None,
    delete_before_replace: Mapping[tuple[str, str], bool] | None = None,
) -> list[Resource]:
    """What an offline run registered (``type``, ``name``, ``inputs``, ``outputs``), with what each
    resource waits for ((type, name) → (type, name)s), its aliases ((type, name) → names) and the
    ``deleteBeforeReplace`` option the program set ((type, name) → bool)."""
    aliases = aliases or {}
    delete_before_replace = delete_before_replace or {}
    return [
        Resource(
            r.type,
            r.name,
            r.inputs,
            r.outputs,
            frozenset(dependencies.get((r.type, r.name), ())),
            frozenset(aliases.get((r.type, r.name), ())),
            delete_before_replace.get((r.type, r.name)),
        )
        for r in registered
    ]


def steps(base: Iterable[Resource], head: Iterable[Resource]) -> list[Step]:
    """The engine's verdict for every resource that changes: creations, updates, replacements,
    deletions, each by type and name. Component resources (not in ``REPLACEMENTS``) have no step
    of their own."""
    olds = {(r.type, r.name): r for r in base if r.type in REPLACEMENTS}
    news = {(r.type, r.name): r for r in head if r.type in REPLACEMENTS}
    # A resource registered under a new name with the old one as its alias is the same resource.
    renamed = {
        (new.type, alias): key
        for key, new in news.items()
        for alias in new.aliases
        if key not in olds and (new.type, alias) in olds and (new.type, alias) not in news
    }
    olds = {renamed.get(key, key): old for key, old in olds.items()}
    out: list[Step] = []
    for key, new in news.items():
        old = olds.get(key)
        if old is None:
            out.append(Step("create", *key))
            continue
        changed = _changed(old.inputs, new.inputs)
        if not changed:
            continue
        rule = REPLACEMENTS[new.type]
        if set(rule.force_new).intersection(changed):
            # The bridge: delete-first when the auto-named property was set by the program; the
            # program's own option, where it set one, wins.
            first = rule.auto_named is not None and new.inputs.get(rule.auto_named) is not None
            if new.delete_before_replace is not None:
                first = new.delete_before_replace
            out.append(Step("replace", *key, changed, delete_first=first))
        else:
            out.append(Step("update", *key, changed))
    out = _dependents_deleted_first(out, news)
    out.extend(Step("delete", *key) for key in olds if key not in news)
    # The engine runs independent steps in any order: list them in one that does not vary.
    return sorted(out, key=lambda s: (OPS.index(s.op), s.type, s.name))


def _dependents_deleted_first(out: list[Step], news: Mapping[tuple[str, str], Resource]) -> list[Step]:
    """The engine deletes a delete-first replacement's dependents that are replaced too before it
    deletes the resource itself, so their replacements are delete-first as well (pulumi/pulumi
    pkg/resource/deploy/step_generator.go, ``calculateDependentReplacements``; its
    tests/integration/delete_before_create). The engine asks the provider whether a dependent would
    be replaced; here, a dependent that this verdict replaces."""
    first = {(s.type, s.name) for s in out if s.op == "replace" and s.delete_first}
    replaced = {(s.type, s.name): s for s in out if s.op == "replace" and not s.delete_first}
    grew = True
    while grew:
        grew = False
        for key in list(replaced):
            if news[key].depends_on & first:
                first.add(key)
                del replaced[key]
                grew = True
    return [
        dataclasses.replace(s, delete_first=True) if s.op == "replace" and (s.type, s.name) in first else s
        for s in out
    ]


def counts(verdict: Iterable[Step]) -> dict[str, int]:
    """``{create, update, replace, delete}`` → how many resources."""
    got = Counter(step.op for step in verdict)
    return {op: got.get(op, 0) for op in OPS}


def windows(base: Iterable[Resource], head: Iterable[Resource]) -> list[str]:
    """Each moment of the update in which a routed queue (an enabled rule with a target) would
    send to a function no permission admits its rule on, as a sentence; empty when none."""
    base, head = list(base), list(head)
    by_name = {(r.type, r.name): r for r in head}
    verdict = {(s.type, s.name): s for s in steps(base, head)}
    problems: list[str] = []
    for replaced in verdict.values():
        if replaced.op == "replace" and replaced.delete_first and replaced.type in (RULE, PERMISSION):
            problems.append(
                f"{replaced.name}: replaced delete-first ({', '.join(replaced.changed)} changed): it is "
                "gone before its replacement exists"
            )
    # Before a target is created or retargeted, a permission that admits its rule there must
    # already exist: unchanged from before, or one the target waits for.
    for target in (r for r in head if r.type == TARGET):
        step = verdict.get((TARGET, target.name))
        if step is None or (step.op == "update" and "arn" not in step.changed):
            continue
        rule = _rule_of(head, target)
        if rule is None or rule.inputs.get("state") == "DISABLED":
            continue
        ready = [
            p
            for p in head
            if p.type == PERMISSION
            and _admits(p, rule, target)
            and ((PERMISSION, p.name) not in verdict or (PERMISSION, p.name) in target.depends_on)
        ]
        if not ready:
            problems.append(
                f"{target.name}: points at {target.inputs['arn']} before any permission admits "
                f"rule {rule.inputs['name']} there"
            )
    # At the end, every routed queue is admitted where its target points.
    for target in (r for r in head if r.type == TARGET):
        rule = _rule_of(head, target)
        if rule is None or rule.inputs.get("state") == "DISABLED":
            continue
        if not any(p.type == PERMISSION and _admits(p, rule, target) for p in by_name.values()):
            problems.append(f"{target.name}: no permission admits rule {rule.inputs['name']} at the end")
    return problems


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    keys = (set(old) | set(new)) - {PROVIDER_KEY}
    return tuple(sorted(k for k in keys if old.get(k) != new.get(k)))


def _rule_of(run: Iterable[Resource], target: Resource) -> Resource | None:
    return next(
        (
            r
            for r in run
            if r.type == RULE
            and r.inputs.get("name") == target.inputs.get("rule")
            and r.inputs.get("eventBusName") == target.inputs.get("eventBusName")
        ),
        None,
    )


def _admits(permission: Resource, rule: Resource, target: Resource) -> bool:
    """The permission lets this rule invoke the function (or alias) the target points at."""
    qualifier = permission.inputs.get("qualifier")
    holder = f"{permission.inputs['function']}:{qualifier}" if qualifier else permission.inputs["function"]
    # Lambda stores a SourceArn as ArnLike (`*` matches any run of characters); without one, the
    # statement admits every rule of the principal.
    source = permission.inputs.get("sourceArn")
    return holder == target.inputs["arn"] and (
        source is None or fnmatch.fnmatchcase(rule.outputs["arn"], source)
    )
