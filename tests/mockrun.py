"""Run the whole Pulumi program under Pulumi's own mock runtime and record what it registers.

The mocks answer the AWS invokes and give resources plausible outputs (ARNs built the way AWS
builds them). Under mocks the Genesys dynamic providers are not run (the engine would run
them); their outputs here come from the same fixture the Genesys API double serves, computed
the way the providers compute them. The providers themselves are tested against the double.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc

from components import naming
from genesys.integration import verified_facts
from genesys.managed_integration import planned_facts
from operations.offline_program import (
    DependencyMonitor,
    Registered,
    aws_resource_outputs,
    pulumi_config,
    run_main,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = json.loads((ROOT / "tests" / "fixtures" / "genesys.json").read_text())
PROJECT = "genesys-queue-events"
ACCOUNT = "123456789012"
REGION = "eu-west-1"
ORG_ID = FIXTURE["organization"]["id"]
INTEGRATION = FIXTURE["integrations"][0]
SOURCE = f"aws.partner/genesys.com/cloud/{ORG_ID}/{INTEGRATION['config']['properties']['eventSourceSuffix']}"
QUEUES_BY_ID = {q["id"]: q for q in FIXTURE["queues"]}
QUEUES_BY_NAME = {q["name"].casefold(): q for q in FIXTURE["queues"]}
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:conversation-ended"
# The rule-name prefix of stack "dev" on the local backend (organisation "organization").
PREFIX = naming.rule_name_prefix("organization", PROJECT, "dev")


@dataclass
class ProgramRun:
    resources: list[Registered] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    registered_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """URN → what a component registered as its outputs (what the engine keeps in state)."""
    dependencies: dict[tuple[str, str], frozenset[tuple[str, str]]] = field(default_factory=dict)
    """(type, logical name) → the resources it waits for."""
    aliases: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """(type, logical name) → the logical names it was registered under before."""
    delete_before_replace: dict[tuple[str, str], bool] = field(default_factory=dict)
    """(type, logical name) → the program's ``deleteBeforeReplace`` option, where it set one."""
    retained: set[str] = field(default_factory=set)
    """Logical names registered with ``retainOnDelete``: AWS keeps them when Pulumi deletes them."""
    protected: set[str] = field(default_factory=set)
    """Names of the resources registered with ``protect``."""

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> Registered:
        found = self.of_type(type_)
        assert len(found) == 1, f"expected one {type_}, found {len(found)}"
        return found[0]


def _made_up_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def _queue(entity: dict[str, Any]) -> dict[str, Any]:
    return {"id": entity["id"], "name": entity["name"], "division": dict(entity["division"])}


@dataclass
class AwsAccount:
    """What the mocked AWS provider finds in the account: partner event sources (with their
    state), event buses (name → description) and Lambda functions (``arn`` or ``arn:alias``)."""

    event_sources: dict[str, str] = field(default_factory=lambda: {SOURCE: "PENDING"})
    event_buses: dict[str, str] = field(default_factory=dict)
    functions: set[str] | None = None
    """None: every function and alias exists."""
    denied: set[str] = field(default_factory=set)
    """Invoke tokens the caller's role may not make: they fail with AccessDenied."""


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self, run: ProgramRun, account: AwsAccount | None = None) -> None:
        self.run = run
        self.account = account or AwsAccount()

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        outs = aws_resource_outputs(
            args, partition="aws", region=REGION, account=ACCOUNT, random_suffix="0a1b2c3"
        )
        if args.typ == "pulumi-python:dynamic/genesys:Queues":
            # Ids the fixture does not know (generated in bulk by a test) resolve to a made-up name.
            queues = {
                i: _queue(QUEUES_BY_ID.get(i) or {"id": i, "name": f"Queue {i[:8]}", "division": {}})
                for i in inputs.get("queue_ids", [])
            }
            queues.update(
                {
                    n: _queue(
                        QUEUES_BY_NAME.get(n.casefold()) or {"id": _made_up_id(n), "name": n, "division": {}}
                    )
                    for n in inputs.get("queue_names", [])
                }
            )
            outs["queues"] = queues
        elif args.typ == "pulumi-python:dynamic/genesys:ManagedIntegration":
            # A first deploy, as the provider plans it: created by this stack.
            outs.update(planned_facts(inputs, ORG_ID))
        elif args.typ == "pulumi-python:dynamic/genesys:EventBridgeIntegration":
            # As the provider computes them from what the Genesys double serves.
            properties = INTEGRATION["config"]["properties"]
            outs.update(verified_facts(INTEGRATION, properties, ORG_ID, partition="aws", region=REGION))
        self.run.resources.append(Registered(args.typ, args.name, inputs, outs))
        return f"{args.name}-id", outs

    def call(  # type: ignore[override]  # the SDK accepts a plain dict, as its own docs show
        self, args: pulumi_mocks.MockCallArgs
    ) -> dict[str, Any] | tuple[dict[str, Any], list[tuple[str, str]]]:
        self.run.calls.append((args.token, dict(args.args)))
        if args.token in self.account.denied:
            return {}, [("", "operation error: AccessDeniedException: not authorized to perform this action")]
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "userId": "AIDA"}
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": REGION, "name": REGION, "id": REGION}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if args.token == "aws:cloudwatch/getEventSource:getEventSource":
            # As the provider's data source: a name prefix, and an error (a failure, not a crash)
            # for no match and for several.
            prefix = args.args["namePrefix"]
            found = sorted(n for n in self.account.event_sources if n.startswith(prefix))
            if len(found) != 1:
                problem = (
                    "no EventBridge Source matched; change the search criteria and try again"
                    if not found
                    else "multiple EventBridge Sources matched; use additional constraints to reduce matches to a single EventBridge Source"
                )
                return {}, [("namePrefix", problem)]
            name = found[0]
            return {
                "name": name,
                "state": self.account.event_sources[name],
                "arn": f"arn:aws:events:{REGION}::event-source/{name}",
            }
        if args.token == "aws:cloudwatch/getEventBuses:getEventBuses":
            prefix = args.args.get("namePrefix", "")
            return {
                "eventBuses": [
                    {
                        "name": name,
                        "arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{name}",
                        "description": description,
                        "creationTime": "2026-01-01T00:00:00Z",
                        "lastModifiedTime": "2026-01-01T00:00:00Z",
                    }
                    for name, description in sorted(self.account.event_buses.items())
                    if name.startswith(prefix)
                ],
                "id": REGION,
            }
        if args.token in ("lambda:GetFunctionConcurrency", "lambda:GetAlias"):
            # As AWS answers (components/aws_session.confirm_lambda_target): nothing of the function.
            function, alias = args.args["functionName"], args.args.get("name")
            wanted = f"{function}:{alias}" if alias else function
            if self.account.functions is not None and wanted not in self.account.functions:
                return {}, [
                    ("", f"An error occurred (ResourceNotFoundException): Function not found: {wanted}")
                ]
            return {}
        if args.token == "aws:cloudwatch/getEventBus:getEventBus":
            name = args.args["name"]
            return {"name": name, "arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{name}"}
        raise NotImplementedError(args.token)


class RecordingMonitor(DependencyMonitor):
    """The mock engine, also keeping what each component registers as its outputs and what each
    resource waits for."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks, mocks.run.dependencies, mocks.run.aliases, mocks.run.delete_before_replace)
        self.run = mocks.run

    def RegisterResource(self, request: Any) -> Any:  # the engine's RPC name
        if request.retainOnDelete:
            self.run.retained.add(request.name)
        if request.protect:
            self.run.protected.add(request.name)
        return super().RegisterResource(request)

    def RegisterResourceOutputs(self, request: Any) -> Any:  # the engine's RPC name
        self.run.registered_outputs[request.urn] = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)


# Config as the Pulumi CLI hands it to a program, as the plan builds it.
stack_config = pulumi_config


def base_config(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "aws:region": REGION,
        "genesys:region": "eu-west-1",
        "genesys:clientId": "test-client-id",
        "genesys:clientSecret": "test-client-secret",
        "target": FUNCTION,
        "queues": [
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            {"name": "Billing", "target": f"{FUNCTION}-billing:live"},
            {"name": "Sales Overflow", "enabled": False},
        ],
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def run_program(
    values: Mapping[str, Any],
    *,
    secret_keys: tuple[str, ...] = ("genesys:clientSecret",),
    stack: str = "dev",
    organization: str = "organization",
    account: AwsAccount | None = None,
    record: ProgramRun | None = None,
    preview: bool = False,
) -> ProgramRun:
    """Run __main__.py under mocks with this config; raise what the program raises.
    Pass ``record`` to see what was registered even when the program fails."""
    run = ProgramRun() if record is None else record
    mocks = RecordingMocks(run, account)
    run.exports.update(
        run_main(
            mocks,
            stack_config(values),
            secret_keys,
            stack=stack,
            organization=organization,
            warnings=run.warnings,
            monitor=RecordingMonitor(mocks),
            preview=preview,
        )
    )
    return run
