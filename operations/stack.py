"""The stack's outputs, as ``pulumi stack output --json --show-secrets`` prints them.

The tools read only these outputs (README, "Outputs"): ``routes`` (queue id → its rule),
``eventBusName``, ``archiveName``, ``deadLetterQueueArn``, ``deadLetterQueueUrl``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from settings import documents
from settings.keys import LAMBDA_ARN_RE

PULUMI_TIMEOUT_SECONDS = 120


class OperationError(Exception):
    """A user's mistake or a refusal: printed as one message, no traceback, exit status 1."""


@dataclass(frozen=True)
class Route:
    queue_id: str
    queue_name: str
    rule_arns: tuple[str, ...]
    target_arn: str
    enabled: bool

    @property
    def label(self) -> str:
        return f"{self.queue_name} ({self.queue_id})"


@dataclass(frozen=True)
class StackOutputs:
    source: str
    """Where the outputs came from, for messages."""
    raw: dict[str, Any]
    routes: tuple[Route, ...]

    def require(self, key: str) -> str:
        """An output every command of a kind needs; refused clearly when absent or null."""
        value = self.raw.get(key)
        if not value:
            raise OperationError(
                f"the outputs of {self.source} have no {key!r}"
                + (
                    " (this stack was deployed with archive: false; replay needs the archive)"
                    if key == "archiveName"
                    else " (the stack has no dead-letter queue, or was deployed by an older version of "
                    "this program; run pulumi up)"
                )
            )
        return str(value)

    def route(self, queue: str) -> Route:
        """A route by queue id or queue name, as the ``routes`` output lists them."""
        wanted = queue.strip().casefold()
        for route in self.routes:
            if wanted in (route.queue_id.casefold(), route.queue_name.casefold()):
                return route
        known = ", ".join(r.label for r in self.routes) or "none"
        raise OperationError(f"unknown queue {queue!r}; the queues of {self.source} are: {known}")

    def route_of_rule(self, rule_arn: str) -> Route | None:
        return next((r for r in self.routes if rule_arn in r.rule_arns), None)

    @property
    def region(self) -> str:
        """The stack's region, from its ARNs: the resources live there, whatever the shell's
        default region is."""
        arns = [self.raw.get("deadLetterQueueArn") or ""] + [a for r in self.routes for a in r.rule_arns]
        for arn in arns:
            parts = str(arn).split(":")
            if len(parts) > 3 and parts[0] == "arn" and parts[3]:
                return parts[3]
        raise OperationError(f"no ARN in the outputs of {self.source} names the stack's region")


RULE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:rule/[/.\-_A-Za-z0-9]{1,320}$")
QUEUE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$")
OPTIONAL_TEXT = ("deadLetterQueueUrl", "archiveName", "eventBusName")


def parse_outputs(raw: Any, source: str) -> StackOutputs:
    """The outputs, checked: every value the tools act on has the shape the program exports,
    or the whole file is refused with one message that lists what is wrong (a user edits or
    forges this file; nothing in it may reach a call unchecked)."""
    if not isinstance(raw, dict):
        raise OperationError(f"{source} is not the JSON object `pulumi stack output --json` prints")
    routes_raw = raw.get("routes")
    if not isinstance(routes_raw, dict):
        raise OperationError(
            f"the outputs of {source} have no 'routes' table; is this a genesys-queue-events stack?"
        )
    problems: list[str] = []
    routes = [route for q, r in sorted(routes_raw.items()) if (route := _route(str(q), r, problems))]
    queue_arn = raw.get("deadLetterQueueArn")
    if queue_arn is not None and not (isinstance(queue_arn, str) and QUEUE_ARN_RE.match(queue_arn)):
        problems.append(f"deadLetterQueueArn {_shown(queue_arn)} is not an SQS queue ARN")
    problems += [
        f"{key} {_shown(raw[key])} is not text or null"
        for key in OPTIONAL_TEXT
        if raw.get(key) is not None and not isinstance(raw[key], str)
    ]
    if problems:
        raise OperationError(
            f"the outputs in {source} are not what this program exports; save them again with "
            "`pulumi stack output --json --show-secrets`:\n  - " + "\n  - ".join(problems)
        )
    return StackOutputs(source=source, raw=raw, routes=tuple(routes))


def _route(queue_id: str, r: Any, problems: list[str]) -> Route | None:
    where, before = f"routes[{queue_id!r}]", len(problems)
    if not isinstance(r, dict) or "ruleArn" not in r:
        problems.append(f"{where} has no ruleArn")
        return None
    arns = r.get("ruleArns", [r["ruleArn"]])
    if not isinstance(arns, list) or not arns:
        problems.append(f"{where}.ruleArns {_shown(arns)} is not a list of rule ARNs")
        return None
    bad = [a for a in [r["ruleArn"], *arns] if not (isinstance(a, str) and RULE_ARN_RE.match(a))]
    target, name, enabled = r.get("targetArn"), r.get("queueName", queue_id), r.get("enabled", True)
    if bad:
        problems.append(f"{where}: {_shown(bad[0])} is not an EventBridge rule ARN")
    if not (isinstance(target, str) and LAMBDA_ARN_RE.match(target)):
        problems.append(f"{where}.targetArn {_shown(target)} is not a Lambda function or alias ARN")
    if not isinstance(name, str):
        problems.append(f"{where}.queueName {_shown(name)} is not text")
    if not isinstance(enabled, bool):
        problems.append(f"{where}.enabled {_shown(enabled)} is not true or false")
    if len(problems) > before:
        return None
    return Route(queue_id, str(name), tuple(str(a) for a in arns), str(target), enabled)


def _shown(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, str | int | float | bool | None) else type(value).__name__
    return text if len(text) <= 80 else text[:79] + "…"


def from_file(path: str) -> StackOutputs:
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise OperationError(f"cannot read the outputs file {path}: {e.strerror}") from None
    try:  # within the bounds a stack file is read in: no traceback for a deep or huge file
        raw = documents.load_json(text, path, "save it with `pulumi stack output --json`")
    except documents.DocumentError as e:
        raise OperationError(str(e)) from None
    return parse_outputs(raw, path)


def from_pulumi(stack: str) -> StackOutputs:
    command = ["pulumi", "stack", "output", "--json", "--show-secrets", "--stack", stack]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PULUMI_TIMEOUT_SECONDS, check=False
        )
    except FileNotFoundError:
        raise OperationError(
            "the pulumi CLI is not installed (or not on PATH); install it, or save the outputs "
            f"where it is installed (`{' '.join(command)} > outputs.json`) and pass --outputs outputs.json"
        ) from None
    except subprocess.TimeoutExpired:
        raise OperationError(f"`{' '.join(command)}` did not answer in {PULUMI_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise OperationError(f"pulumi could not read the outputs of stack {stack!r}: {reason}")
    try:
        raw = documents.load_json(done.stdout, f"the outputs of stack {stack!r}", "run pulumi up")
    except documents.DocumentError:
        raise OperationError(f"pulumi printed no JSON (or too deep a one) for stack {stack!r}") from None
    return parse_outputs(raw, f"stack {stack}")


def load_outputs(args: argparse.Namespace) -> StackOutputs:
    """From ``--outputs FILE`` or ``--stack NAME`` (cli.common_options)."""
    return from_file(args.outputs) if args.outputs else from_pulumi(args.stack)
