"""``plan``: what a first ``pulumi up`` of a stack file would create, offline.

Runs the program itself (``__main__.py``) under Pulumi's mock runtime (operations/offline_program.py):
the same settings, patterns, names, grants and policies as a real run, with no Pulumi CLI, no AWS
and no Genesys. What only a preview can establish (the AWS account, the integration, the partner
event source, queue ids given by name, that the target functions exist) is shown as a placeholder
and listed under "verified at preview", never invented.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pulumi

import settings
from components import patterns
from operations import offline_program as offline
from operations import plan_delivery, plan_summary
from operations.plan_managed import MANAGED_INTEGRATION, managed_integration
from operations.plan_text import render
from operations.stack import OperationError
from settings import cli as settings_cli
from settings import sources
from settings.problems import cut

CREDENTIALS = (("genesys:clientId", "GENESYS_CLIENT_ID"), ("genesys:clientSecret", "GENESYS_CLIENT_SECRET"))
PLACEHOLDER_CREDENTIAL = "<not used offline>"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """No ``common`` options: the plan reads a stack file, not a deployed stack's outputs."""
    p = subparsers.add_parser(
        "plan",
        help="what a first `pulumi up` of a stack file would create, offline (no Pulumi CLI, AWS or Genesys)",
        description="Run the program under Pulumi's mock runtime and print what a first `pulumi up` of "
        "the stack would create. Facts only a real preview can verify are marked as such.",
    )
    p.add_argument("stack_file", metavar="Pulumi.<stack>.yaml")
    p.add_argument(
        "--json", action="store_true", help="print the plan as JSON (every queue, and the summary)"
    )
    view = p.add_mutually_exclusive_group()
    view.add_argument(
        "--summary",
        action="store_true",
        help=f"per target function instead of per queue (the default above {plan_summary.FULL_UP_TO} queues)",
    )
    view.add_argument(
        "--full",
        action="store_true",
        help="every queue's rule, target, grant and pattern "
        f"(the default up to {plan_summary.FULL_UP_TO} queues)",
    )
    p.add_argument(
        "--organization",
        default=offline.SELF_MANAGED_ORGANIZATION,
        help="the stack's Pulumi organisation, part of every rule name (default: %(default)s, as on the "
        "local file and S3 backends; on Pulumi Cloud, your organisation)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    plan = build_plan(Path(args.stack_file), organization=args.organization)
    # A person reading a 300-queue stack wants the summary (the full view is 2,000 lines); a machine,
    # and a person with a few queues, every queue.
    summary = args.summary or (
        not args.full and not args.json and len(plan["routes"]) > plan_summary.FULL_UP_TO
    )
    if args.json:
        print(json.dumps({k: v for k, v in plan.items() if k != "routes"} if summary else plan, indent=2))
    else:
        print(plan_summary.render(plan) if summary else render(plan))
    return 0


def load(path: Path) -> tuple[str, dict[str, Any], list[str], settings.Settings]:
    """(stack name, config values, secret keys, settings) of a stack file, or one clear error.

    The file is checked exactly as ``python -m settings`` checks it (settings/cli.py), so the
    plan refuses what that check refuses, with the same message."""
    match = sources.STACK_FILE_RE.match(path.name)
    if match is None:
        raise OperationError(
            f"{path}: a stack file is named Pulumi.<stack>.yaml (for example Pulumi.dev.yaml)"
        )
    problem = settings_cli.check_file(str(path))
    if problem is not None:
        raise OperationError(problem)
    values, secrets = settings.load_stack_file(path)
    try:
        stack = settings_cli.parse_offline(values, secrets)
    except settings.SettingsError as e:  # the check above passed, so this is not expected
        raise OperationError(f"{path}: {e}") from None
    return match.group("stack"), values, secrets, stack


def build_plan(path: Path, *, organization: str = offline.SELF_MANAGED_ORGANIZATION) -> dict[str, Any]:
    stack_name, stack_settings, program, missing_credentials = run_stack_file(path, organization=organization)
    return _plan(path, stack_name, organization, stack_settings, program, missing_credentials)


def run_stack_file(
    path: Path, *, organization: str = offline.SELF_MANAGED_ORGANIZATION
) -> tuple[str, settings.Settings, offline.OfflineRun, list[str]]:
    """(stack name, settings, what the program registered, credentials it ran without) for a stack
    file, run offline; one clear error for a file the program refuses."""
    stack_name, values, secrets, stack_settings = load(path)
    if not stack_settings.routes:
        raise OperationError(f"{path}: no queues configured")

    # A preview deploys to the account of its credentials; offline, to the targets' account (the
    # check above refused targets in two accounts, as the preview would).
    account = stack_settings.routes[0].target.account
    partition = stack_settings.routes[0].target.arn.split(":")[1]

    run_values = dict(values)
    missing_credentials = []
    for key, variable in CREDENTIALS:
        if key not in values and not os.environ.get(variable):
            missing_credentials.append(f"{key} (or {variable})")
            run_values[key] = PLACEHOLDER_CREDENTIAL
    secret_keys = sorted({*secrets, "genesys:clientSecret"})
    try:
        program = offline.run_offline(
            run_values,
            secret_keys,
            stack=stack_name,
            account=account,
            partition=partition,
            organization=organization,
        )
    except pulumi.RunError as e:
        raise OperationError(f"{path}: {e}") from None
    return stack_name, stack_settings, program, missing_credentials


def _plan(
    path: Path,
    stack_name: str,
    organization: str,
    stack_settings: settings.Settings,
    program: offline.OfflineRun,
    missing_credentials: list[str],
) -> dict[str, Any]:
    exports = program.exports
    integration = program.of_type("pulumi-python:dynamic/genesys:EventBridgeIntegration")
    by_name = [r.queue.name for r in stack_settings.routes if r.queue.name]
    by_id = [r.queue.id for r in stack_settings.routes if r.queue.id]
    targets = sorted({r.target.arn for r in stack_settings.routes})
    verified = [
        f"AWS account {program.account}: assumed from the targets' ARNs; the preview deploys to the "
        "account of its credentials"
    ]
    managed = program.of_type(MANAGED_INTEGRATION)
    if managed:
        name = managed[0].inputs["name"]
        verified.append(
            f"that no EventBridge integration named {name!r} exists that this stack did not create "
            "(else the preview refuses it, unless `adopt: true`), and the organisation's id"
        )
        verified.append(
            "that the OAuth client's role may view integrations; the up needs integrations:integration:add "
            "and :edit too"
        )
    if integration:
        wanted = stack_settings.integration or "the only enabled Amazon EventBridge Source integration"
        verified.append(
            f"the Genesys integration ({wanted}): exists, is ENABLED and ACTIVE, sends to account "
            f"{program.account} and region {program.region}, and its Event Filter holds the required topics"
        )
        verified.append(f"the partner event source's org id and suffix ({offline.SOURCE})")
        if stack_settings.event_bus is None:
            verified.append(
                "that Genesys has created the partner event source in the account, and no other bus took it"
            )
    if stack_settings.event_bus:
        verified.append(f"that the event bus {stack_settings.event_bus} exists")
    # Lists cut, so that a stack of any size gives readable lines (every queue is under "routes").
    if by_name:
        verified.append("the ids of the queues given by name: " + cut(by_name, SHOWN))
    if by_id:
        verified.append("that the queues given by id exist, and their names: " + cut(by_id, SHOWN))
    verified.append("that each target function (and alias) exists: " + cut(targets, 3))
    verified.append(f"the random suffix Pulumi gives auto-named resources ({offline.RANDOM})")
    return {
        "stack": stack_name,
        "file": str(path),
        "organization": organization,
        "account": {"id": program.account, "assumed": True},
        "region": program.region,
        "integration": managed_integration(managed[0])
        if managed
        else _integration(stack_settings, integration),
        "eventBus": {"name": exports.get("eventBusName"), "created": bool(program.of_type(BUS))},
        "routes": (routes := _routes(stack_settings, program)),
        "summary": plan_summary.by_target(routes),
        "shared": {**_shared(program), **plan_delivery.delivery(program)},
        "tags": plan_delivery.tags(stack_settings.tags, program),
        "resources": dict(sorted(program.resource_counts().items())),
        "resourceTotal": len(program.resources),
        "lookups": dict(Counter(program.lookups)),
        "verifiedAtPreview": verified,
        "missingCredentials": missing_credentials,
        "warnings": program.warnings,
    }


SHOWN = 5
"""Items a line of the plan lists before it says how many more there are."""
BUS = "aws:cloudwatch/eventBus:EventBus"
PERMISSION = "aws:lambda/permission:Permission"


def _integration(
    stack_settings: settings.Settings, registered: list[offline.Registered]
) -> dict[str, Any] | None:
    if not registered:
        return None
    return {
        "configured": stack_settings.integration,
        "eventSourceName": offline.SOURCE,
        "requiredTopics": list(registered[0].inputs.get("required_topics", [])),
        "verifiedAtPreview": True,
    }


def _routes(stack_settings: settings.Settings, program: offline.OfflineRun) -> list[dict[str, Any]]:
    table = program.exports["routes"]
    shared = {
        (p.inputs["function"] + (f":{p.inputs['qualifier']}" if p.inputs.get("qualifier") else "")): p.inputs
        for p in program.of_type(PERMISSION)
        if p.name.startswith("routing-invoke-")
    }
    per_rule = {p.inputs["sourceArn"]: p.inputs for p in program.of_type(PERMISSION)}
    out = []
    for route in stack_settings.routes:
        queue_id = route.queue.id or offline.queue_id_placeholder(str(route.queue.name))
        entry = table[queue_id]
        grant: dict[str, Any] = {"mode": entry["invokeGrant"]}
        if entry["invokeGrant"] == "per-rule":
            grant["statementId"] = per_rule[entry["ruleArn"]]["statementId"]
            grant["sourceArn"] = entry["ruleArn"]
        else:
            grant["statementId"] = shared[entry["targetArn"]]["statementId"]
            grant["sourceArn"] = shared[entry["targetArn"]]["sourceArn"]
        out.append(
            {
                "queue": route.queue.reference,
                "configuredBy": "id" if route.queue.id else "name",
                "queueId": queue_id,
                "queueName": entry["queueName"],
                "ruleName": entry["ruleName"],
                "ruleArn": entry["ruleArn"],
                "state": "ENABLED" if entry["enabled"] else "DISABLED",
                "target": entry["targetArn"],
                "invokeGrant": grant,
                "topics": list(patterns.topics_of(route.topics)),
                "eventPattern": json.loads(entry["eventPattern"]),
            }
        )
    return out


def _shared(program: offline.OfflineRun) -> dict[str, Any]:
    def first(type_: str) -> offline.Registered | None:
        found = program.of_type(type_)
        return found[0] if found else None

    shared: dict[str, Any] = {}
    if bus := first(BUS):
        shared["partnerEventBus"] = {
            "name": bus.inputs["name"],
            "eventSourceName": bus.inputs["eventSourceName"],
        }
    if queue := first("aws:sqs/queue:Queue"):
        shared["deadLetterQueue"] = {
            "name": queue.outputs["name"],
            "retentionDays": int(queue.inputs["messageRetentionSeconds"]) // 86400,
            "encrypted": bool(queue.inputs.get("sqsManagedSseEnabled")),
        }
    if policy := first("aws:sqs/queuePolicy:QueuePolicy"):
        (statement,) = json.loads(policy.inputs["policy"])["Statement"]
        operator = next(op for op in statement["Condition"] if op.startswith("Arn"))
        sources = statement["Condition"][operator]["aws:SourceArn"]
        sources = [sources] if isinstance(sources, str) else sources
        shared["deadLetterQueuePolicy"] = {
            "principal": statement["Principal"]["Service"],
            "action": statement["Action"],
            "condition": operator,
            "sourceArns": sources,
        }
    if archive := first("aws:cloudwatch/eventArchive:EventArchive"):
        shared["archive"] = {
            "name": archive.outputs["name"],
            "retentionDays": int(archive.inputs["retentionDays"]),
            "eventPattern": json.loads(archive.inputs["eventPattern"]),
        }
    alarms = program.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    if alarms:
        topic = first("aws:sns/topic:Topic")
        shared["alarms"] = {
            "alarms": [
                {
                    "name": a.inputs["name"],
                    "metric": a.inputs["metricName"],
                    "threshold": a.inputs["threshold"],
                }
                for a in alarms
            ],
            "topic": topic.outputs["name"] if topic else program.exports.get("alarmTopicArn"),
            "topicCreated": topic is not None,
            "email": [
                s.inputs["endpoint"] for s in program.of_type("aws:sns/topicSubscription:TopicSubscription")
            ],
        }
    return shared
