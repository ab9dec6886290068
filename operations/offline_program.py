"""Run the real program (``__main__.py``) offline, under Pulumi's mock runtime, and record what it
would register: no Pulumi CLI, no AWS, no Genesys.

What only a real preview can know is never invented. The mocks answer with values that say what
they stand for (``<orgId>``, ``<queue id of 'Billing'>``, ``<random>``) and record which facts
they assumed: the AWS account (taken from the targets' ARNs), that the partner event source and
the target functions exist, and what Genesys holds (the integration, queue ids and names).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import runpy
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks

from components import naming, outputs, target_functions
from genesys.integration import verified_facts
from genesys.managed_integration import planned_facts

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "genesys-queue-events"
# The organisation Pulumi reports on the self-managed (file, S3) backends.
SELF_MANAGED_ORGANIZATION = "organization"

ORG_ID = "<orgId>"
SUFFIX = "<eventSourceSuffix>"
SOURCE = f"aws.partner/genesys.com/cloud/{ORG_ID}/{SUFFIX}"
RANDOM = "<random>"  # Pulumi's auto-naming appends a random suffix, chosen at `pulumi up`


def queue_id_placeholder(name: str) -> str:
    return f"<queue id of {name!r}>"


def queue_name_placeholder(queue_id: str) -> str:
    return f"<name of queue {queue_id}>"


@dataclass
class Registered:
    type: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class OfflineRun:
    """What one offline run of the program registered, looked up and exported."""

    account: str
    region: str
    partition: str
    resources: list[Registered] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    """Each provider invoke the program made (token), in order."""
    exports: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dependencies: dict[tuple[str, str], frozenset[tuple[str, str]]] = field(default_factory=dict)
    """(type, logical name) → the resources it waits for (see DependencyMonitor)."""
    aliases: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """(type, logical name) → the logical names it was registered under before."""
    delete_before_replace: dict[tuple[str, str], bool] = field(default_factory=dict)
    """(type, logical name) → the program's ``deleteBeforeReplace`` option, where it set one."""

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_]

    def resource_counts(self) -> Counter[str]:
        """Resource type → how many: what a first ``pulumi up`` creates (components included)."""
        return Counter(r.type for r in self.resources)


def aws_resource_outputs(
    args: pulumi_mocks.MockResourceArgs, *, partition: str, region: str, account: str, random_suffix: str
) -> dict[str, Any]:
    """A resource's inputs with the outputs AWS (and Pulumi's auto-naming) add, built the way they
    build them: names with a random suffix, ARNs from the partition, region and account."""
    typ, name, inputs = args.typ, args.name, dict(args.inputs)
    return {**inputs, **_aws_outputs(typ, name, inputs, partition, region, account, random_suffix)}


def _aws_outputs(
    typ: str,
    name: str,
    inputs: Mapping[str, Any],
    partition: str,
    region: str,
    account: str,
    random_suffix: str,
) -> dict[str, Any]:
    where = f"{partition}:{{service}}:{region}:{account}"
    events = where.format(service="events")
    auto_named = f"{name}-{random_suffix}"
    if typ == "aws:cloudwatch/eventBus:EventBus":
        return {"arn": f"arn:{events}:event-bus/{inputs['name']}"}
    if typ == "aws:cloudwatch/eventRule:EventRule":
        return {"arn": naming.rule_arn(partition, region, account, inputs["eventBusName"], inputs["name"])}
    if typ == "aws:sqs/queue:Queue":
        return {
            "name": auto_named,
            "arn": f"arn:{where.format(service='sqs')}:{auto_named}",
            "url": f"https://sqs.{region}.amazonaws.com/{account}/{auto_named}",
        }
    if typ == "aws:sns/topic:Topic":
        return {"name": auto_named, "arn": f"arn:{where.format(service='sns')}:{auto_named}"}
    if typ == "aws:cloudwatch/eventArchive:EventArchive":
        return {"name": auto_named, "arn": f"arn:{events}:archive/{auto_named}"}
    return {}


class PlanMocks(pulumi.runtime.Mocks):
    """Answers the program's invokes and gives resources the outputs AWS would, with placeholders
    where only AWS, Genesys or the engine can supply a value."""

    def __init__(self, run: OfflineRun) -> None:
        self.run = run

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        outs = aws_resource_outputs(
            args,
            partition=self.run.partition,
            region=self.run.region,
            account=self.run.account,
            random_suffix=RANDOM,
        )
        if args.typ == "pulumi-python:dynamic/genesys:Queues":
            queues = {
                i: {"id": i, "name": queue_name_placeholder(i), "division": {}}
                for i in inputs.get("queue_ids", [])
            }
            queues.update(
                {
                    n: {"id": queue_id_placeholder(n), "name": n, "division": {}}
                    for n in inputs.get("queue_names", [])
                }
            )
            outs["queues"] = queues
        elif args.typ == "pulumi-python:dynamic/genesys:ManagedIntegration":
            # What the first `pulumi up` creates in Genesys, as the provider plans it.
            outs.update(planned_facts(inputs, ORG_ID))
        elif args.typ == "pulumi-python:dynamic/genesys:EventBridgeIntegration":
            # The provider's own facts, from an integration that forwards what the stack needs.
            wanted = inputs.get("integration")
            entity = {
                "id": f"<id of integration {wanted!r}>" if wanted else "<id of the only enabled one>",
                "name": wanted or "<the only enabled EventBridge integration>",
                "intendedState": "<ENABLED>",
                "reportedState": {"code": "<ACTIVE>"},
            }
            properties = {"eventSourceSuffix": SUFFIX, "eventFilter": list(inputs.get("required_topics", []))}
            outs.update(
                verified_facts(
                    entity, properties, ORG_ID, partition=self.run.partition, region=self.run.region
                )
            )
        self.run.resources.append(Registered(args.typ, args.name, inputs, outs))
        return f"{args.name}-id", outs

    def call(  # type: ignore[override]  # the SDK accepts a plain dict, as its own docs show
        self, args: pulumi_mocks.MockCallArgs
    ) -> dict[str, Any] | tuple[dict[str, Any], list[tuple[str, str]]]:
        self.run.lookups.append(args.token)
        answer = LOOKUPS.get(args.token)
        if answer is None:  # a failed invoke, as the engine reports one: the program says what it means
            return {}, [("", f"the offline plan has no answer for the lookup {args.token}")]
        return answer(self.run, args.args)


def _caller_identity(run: OfflineRun, _: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "accountId": run.account,
        "arn": f"arn:{run.partition}:iam::{run.account}:user/<you>",
        "userId": "<you>",
    }


def _region(run: OfflineRun, _: Mapping[str, Any]) -> dict[str, Any]:
    return {"region": run.region, "name": run.region, "id": run.region}


def _partition(run: OfflineRun, _: Mapping[str, Any]) -> dict[str, Any]:
    suffix = {"aws-cn": "amazonaws.com.cn", "aws-eusc": "amazonaws.eu"}.get(run.partition, "amazonaws.com")
    return {"partition": run.partition, "dnsSuffix": suffix, "id": run.partition}


def _event_source(run: OfflineRun, args: Mapping[str, Any]) -> dict[str, Any]:
    # Assumed to exist with no bus yet, as after Genesys created it: verified at preview.
    name = args["namePrefix"]
    return {
        "name": name,
        "state": "PENDING",
        "arn": f"arn:{run.partition}:events:{run.region}::event-source/{name}",
    }


def _event_buses(run: OfflineRun, _: Mapping[str, Any]) -> dict[str, Any]:
    return {"eventBuses": [], "id": run.region}  # no bus took the source yet: verified at preview


def _function(run: OfflineRun, args: Mapping[str, Any]) -> dict[str, Any]:
    return {}  # assumed to exist: verified at preview


def _event_bus(run: OfflineRun, args: Mapping[str, Any]) -> dict[str, Any]:
    name = args["name"]
    return {"name": name, "arn": f"arn:{run.partition}:events:{run.region}:{run.account}:event-bus/{name}"}


# The invokes the program makes (provider data sources), and what the plan assumes each finds.
LOOKUPS: dict[str, Callable[[OfflineRun, Mapping[str, Any]], dict[str, Any]]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:cloudwatch/getEventSource:getEventSource": _event_source,
    "aws:cloudwatch/getEventBuses:getEventBuses": _event_buses,
    "lambda:GetFunctionConcurrency": _function,
    "lambda:GetAlias": _function,
    "aws:cloudwatch/getEventBus:getEventBus": _event_bus,
}


class DependencyMonitor(pulumi_mocks.MockMonitor):
    """The mock engine, also recording what each resource waits for (its ``dependsOn`` and the
    resources whose outputs its inputs take: the edges `pulumi up` orders its steps by) and the
    names it was known by before (its ``aliases``) and its ``deleteBeforeReplace`` option, which
    the engine takes over the provider's choice (pulumi/pulumi pkg/resource/deploy/step_generator.go,
    "The user can override the provider's decision")."""

    def __init__(
        self,
        mocks: pulumi.runtime.Mocks,
        dependencies: dict[tuple[str, str], frozenset[tuple[str, str]]],
        aliases: dict[tuple[str, str], frozenset[str]],
        delete_before_replace: dict[tuple[str, str], bool],
    ) -> None:
        super().__init__(mocks)
        self.dependencies = dependencies
        self.aliases = aliases
        self.delete_before_replace = delete_before_replace

    def RegisterResource(self, request: Any) -> Any:  # the engine's RPC name
        key = (request.type, request.name)
        self.dependencies[key] = frozenset(map(type_and_name, request.dependencies))
        self.aliases[key] = frozenset(
            a.spec.name if a.HasField("spec") else type_and_name(a.urn)[1] for a in request.aliases
        )
        if request.deleteBeforeReplaceDefined:
            self.delete_before_replace[key] = request.deleteBeforeReplace
        return super().RegisterResource(request)


def type_and_name(urn: str) -> tuple[str, str]:
    """``urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`` → (type, name)."""
    *_, qualified_type, name = urn.split("::")
    return qualified_type.rsplit("$", 1)[-1], name


class WarningsTo(logging.Handler):
    """What the program tells the engine's log at warning level, as the CLI would show it."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def pulumi_config(values: Mapping[str, Any]) -> dict[str, str]:
    """Config as the Pulumi CLI hands it to a program: keys namespaced, structured values as JSON
    text, plain strings as they are."""
    import json

    out: dict[str, str] = {}
    for key, value in values.items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        out[full] = value if isinstance(value, str) else json.dumps(value)
    return out


def run_offline(
    values: Mapping[str, Any],
    secret_keys: list[str],
    *,
    stack: str,
    account: str,
    partition: str = "aws",
    organization: str = SELF_MANAGED_ORGANIZATION,
) -> OfflineRun:
    """Run ``__main__.py`` under the mocks with this stack config (short keys, as
    ``settings.load_stack_file`` returns them); raise what the program raises."""
    run = OfflineRun(account=account, region=str(values.get("aws:region") or ""), partition=partition)
    mocks = PlanMocks(run)
    run.exports.update(
        run_main(
            mocks,
            pulumi_config(values),
            secret_keys,
            stack=stack,
            organization=organization,
            warnings=run.warnings,
            monitor=DependencyMonitor(mocks, run.dependencies, run.aliases, run.delete_before_replace),
        )
    )
    return run


def run_main(
    mocks: pulumi.runtime.Mocks,
    config: Mapping[str, str],
    secret_keys: Sequence[str],
    *,
    stack: str,
    organization: str,
    warnings: list[str],
    monitor: pulumi_mocks.MockMonitor | None = None,
    preview: bool = False,
) -> dict[str, Any]:
    """Run ``__main__.py`` under these mocks, with config as the Pulumi CLI hands it over, and
    return its exports resolved; what the program warns goes to ``warnings``. Raises what the
    program raises."""
    logger = logging.getLogger(f"{__name__}.engine")
    logger.propagate = False
    logger.handlers = [WarningsTo(warnings)]
    pulumi.runtime.set_mocks(
        mocks,
        monitor=monitor,
        project=PROJECT,
        stack=stack,
        preview=preview,
        organization=organization,
        logger=logger,
    )
    pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    # The target functions are confirmed with boto3, not a provider invoke: answer from the mocks.
    target_functions.confirm_target = functools.partial(_confirm_target_by_mocks, mocks)
    exported: dict[str, Any] = {}
    resolved: dict[str, Any] = {}
    real_export = pulumi.export

    def capture(name: str, value: Any) -> None:
        exported[name] = value

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        pulumi.export = capture
        try:
            runpy.run_path(str(ROOT / "__main__.py"), run_name="__pulumi_program__")
        finally:
            pulumi.export = real_export
        # Each export as the engine gets it: whole (Output.all would rebuild every nested value of
        # a 1,000-entry route table as an Output of its own, work the engine never asks for).
        names = list(exported)
        values = [
            v if isinstance(v, pulumi.Output) else pulumi.Output.from_input(v) for v in exported.values()
        ]
        return outputs.combine(*values).apply(lambda v: resolved.update(zip(names, v, strict=True)))

    program()
    return resolved


def _confirm_target_by_mocks(mocks: pulumi.runtime.Mocks, function_arn: str, alias: str | None) -> None:
    """The mocks' answer to ``GetAlias`` or ``GetFunctionConcurrency``, called as an invoke with
    the action as its token; a failure the mocks return is raised, as botocore raises AWS's."""
    token, args = (
        ("lambda:GetAlias", {"functionName": function_arn, "name": alias})
        if alias
        else ("lambda:GetFunctionConcurrency", {"functionName": function_arn})
    )
    answer = mocks.call(pulumi_mocks.MockCallArgs(token, args, ""))
    failures = answer[1] if isinstance(answer, tuple) else []
    if failures:
        raise RuntimeError("; ".join(reason for _, reason in failures))


def close_event_loops() -> None:
    """Close the event loops the mock runtime left open (one per thread that answered a call),
    before the interpreter exits: collected at exit, after their sockets, they print an ignored
    ``ValueError: Invalid file descriptor: -1``. For a process that is done with the runtime."""
    for obj in gc.get_objects():
        if isinstance(obj, asyncio.AbstractEventLoop) and not obj.is_running() and not obj.is_closed():
            obj.close()
