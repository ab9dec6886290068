"""The plan (operations/plan.py) as a person reads it."""

from __future__ import annotations

import json
from typing import Any

from operations import plan_delivery
from settings.problems import cut

MARK = "(verified at preview)"


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _threshold(alarm: dict[str, Any]) -> str:
    value = float(alarm["threshold"])
    return f"{value:g} s ({value / 86400:g} days)" if "Age" in alarm["metric"] else f"{value:g}"


def render(plan: dict[str, Any]) -> str:
    """The full view: every queue's rule, target, grant and pattern."""
    out = header(plan, "what a first `pulumi up` would create.")
    out.extend(integration_block(plan))
    out.extend(queue_lines(plan))
    out.extend(shared_block(plan, full=True))
    out.extend(resource_lines(plan))
    out.extend(closing(plan))
    return "\n".join(out)


def header(plan: dict[str, Any], what: str, *, brief: bool = False) -> list[str]:
    out: list[str] = []
    add = out.append
    add(f"Plan of stack {plan['stack']} ({plan['file']}): {what}")
    if brief:
        add(f"Computed offline (no Pulumi CLI, AWS or Genesys); <values> and lines marked {MARK} are not")
        add("invented: only a real preview can establish them.")
    else:
        add(
            "Computed offline by the program itself under Pulumi's mock runtime: no Pulumi CLI, AWS or "
            "Genesys"
        )
        add(f"was asked. Values in <angle brackets> and lines marked {MARK} are facts only a real")
        add("preview can establish; they are not invented here.")
    add("")
    add(f"AWS account  {plan['account']['id']}, assumed from the targets' ARNs {MARK}")
    add(f"AWS region   {plan['region']}")
    add(f"Rule names   for Pulumi organisation {plan['organization']!r} (--organization to change)")
    add("")
    return out


def integration_block(plan: dict[str, Any]) -> list[str]:
    out: list[str] = []
    add = out.append
    integration = plan["integration"]
    if integration is not None and integration.get("managed"):
        out.extend(_managed(integration))
    elif integration is not None:
        add("Genesys integration")
        configured = integration["configured"]
        which = repr(configured) if configured else "the only enabled Amazon EventBridge Source integration"
        add(f"  integration         {which}: ENABLED, ACTIVE, sending to this account and region {MARK}")
        add(f"  partner source      {integration['eventSourceName']} {MARK}")
        add("  Event Filter must contain (Genesys forwards nothing else):")
        out.extend(f"    {topic}" for topic in integration["requiredTopics"])
        add("")
    return out


def queue_lines(plan: dict[str, Any]) -> list[str]:
    out: list[str] = []
    add = out.append
    routes = plan["routes"]
    enabled = sum(1 for r in routes if r["state"] == "ENABLED")
    add(f"Queues: {len(routes)} route(s), {enabled} enabled")
    for r in routes:
        add(f"  {r['queue']}  (by {r['configuredBy']})")
        if r["configuredBy"] == "name":
            add(f"    id        {r['queueId']} {MARK}")
        else:
            add(f"    name      {r['queueName']} {MARK}")
        add(f"    rule      {r['ruleName']}  {r['state']}")
        add(f"    target    {r['target']} {MARK}")
        grant = r["invokeGrant"]
        if grant["mode"] == "per-rule":
            add(f"    invoke    per-rule: a Lambda permission of its own (statement {grant['statementId']})")
        else:
            add(
                f"    invoke    shared-prefix: the function's one statement {grant['statementId']}, "
                f"SourceArn {grant['sourceArn']}"
            )
        add(f"    topics    {', '.join(r['topics'])}")
        out.extend(pattern_lines("    pattern   ", r["eventPattern"]))
    add("")
    return out


def shared_block(plan: dict[str, Any], *, full: bool) -> list[str]:
    """The pieces every queue shares, and the settings every target carries."""
    out: list[str] = []
    add = out.append
    add("Shared")
    shared = plan["shared"]
    bus = plan["eventBus"]
    if "partnerEventBus" in shared:
        add(
            f"  partner event bus   {shared['partnerEventBus']['name']} (created, associated with the source "
            "of the same name)"
        )
    else:
        add(f"  event bus           {bus['name']} (existing; not managed by this stack)")
    if dlq := shared.get("deadLetterQueue"):
        add(
            f"  dead-letter queue   {dlq['name']} (SQS standard, {dlq['retentionDays']} days"
            f"{', SSE' if dlq['encrypted'] else ''}); every target sends undeliverable events there"
        )
    else:
        add("  dead-letter queue   none (deadLetterQueue: false): undeliverable events are dropped")
    if policy := shared.get("deadLetterQueuePolicy"):
        what = (
            f"each of the {len(policy['sourceArns'])} rule ARN(s)"
            if policy["condition"] == "ArnEquals"
            else f"this stack's rules on the bus ({policy['sourceArns'][0]})"
        )
        add(
            f"  queue policy        {policy['principal']} may {policy['action']}, "
            f"{policy['condition']} on {what}"
        )
    if archive := shared.get("archive"):
        add(
            f"  archive             {archive['name']}, {archive['retentionDays']} days' retention, pattern "
            + (_compact(archive["eventPattern"]) if full else clip(_compact(archive["eventPattern"]), 120))
        )
    else:
        add("  archive             none (archive: false): no replay")
    if alarms := shared.get("alarms"):
        conditions = [f"{a['metric']} {a['comparison']} {_threshold(a)}" for a in alarms["alarms"]]
        names = [a["name"] for a in alarms["alarms"]]
        if full:
            for name, condition in zip(names, conditions, strict=True):
                add(f"  alarm               {name} ({condition})")
        else:  # one line: every alarm's name starts with its dead-letter queue's
            common = f"{dlq['name']}-" if dlq else ""
            kinds = ", ".join(
                f"{n.removeprefix(common)} ({c})" for n, c in zip(names, conditions, strict=True)
            )
            add(f"  alarms              {common}…: {kinds}")
        topic = alarms["topic"] if alarms["topicCreated"] else f"{alarms['topic']} (existing)"
        add(
            f"  alarm topic         {topic}"
            + (f"; e-mail to {cut(alarms['email'], 5)} (each confirms by mail)" if alarms["email"] else "")
        )
    else:
        add("  alarms              none")
    if dashboard := shared.get("dashboard"):
        add(f"  dashboard           {dashboard['name']} (CloudWatch; its URL is the dashboardUrl output)")
    out.extend(delivery_lines(plan))
    out.extend(tag_lines(plan["tags"], full=full))
    add("")
    return out


def delivery_lines(plan: dict[str, Any]) -> list[str]:
    delivery = plan["shared"].get("delivery")
    if not delivery:
        return []
    policy = delivery["retryPolicy"]
    policies = policy if isinstance(policy, list) else [policy]
    then = (
        "then to the dead-letter queue"
        if delivery["deadLetterQueueArn"]
        else "then dropped (no dead-letter queue)"
    )
    return [f"  retry policy        {plan_delivery.retry_line(p)}; {then}" for p in policies]


def tag_lines(tags: dict[str, Any], *, full: bool) -> list[str]:
    if not tags["values"]:
        return ["  tags                none (tags: not set)"]
    pairs = [f"{k}={v}" for k, v in tags["values"].items()]
    untagged = ", ".join(plan_delivery.short_type(t) for t in tags["untaggedTypes"]) or "none"
    where = (
        f"on {tags['taggedResources']} of {tags['awsResources']} AWS resources "
        f"(these take no tags: {untagged})"
    )
    one_line = ", ".join(pairs)
    if len(one_line) <= 80:
        return [f"  tags                {one_line}, {where}"]
    if len(one_line) <= 150:
        return [f"  tags                {one_line}", f"                      {where}"]
    if not full:
        return [
            f"  tags                {clip(one_line, 150)} ({len(pairs)} tags; --full)",
            f"                      {where}",
        ]
    return [f"  tags                {len(pairs)} tags, {where}:", *(f"    {pair}" for pair in pairs)]


def resource_lines(plan: dict[str, Any]) -> list[str]:
    out: list[str] = []
    add = out.append

    add(f"Resources a first `pulumi up` registers: {plan['resourceTotal']}")
    for type_, count in plan["resources"].items():
        add(f"  {count:4}  {type_}")
    add("Lookups the program makes on each preview and up (AWS provider invokes, and Lambda API calls):")
    for token, count in plan["lookups"].items():
        add(f"  {count:4}  {token}")
    add("")
    return out


def closing(plan: dict[str, Any]) -> list[str]:
    out: list[str] = []
    add = out.append
    add(f"{MARK}: what the first real preview checks, and this plan cannot:")
    out.extend(f"  - {fact}" for fact in plan["verifiedAtPreview"])
    if plan["missingCredentials"]:
        add(
            "Before that preview, give the stack its Genesys OAuth client: "
            + "; ".join(plan["missingCredentials"])
        )
    for warning in plan["warnings"]:
        add(f"warning: {warning}")
    add("")
    add('Next: connect it (README, "Set up Genesys Cloud"), then `make preview STACK=' + plan["stack"] + "`.")
    return out


def pattern_lines(lead: str, pattern: Any) -> list[str]:
    """An event pattern on one line while it is short enough to read, else indented JSON: no line
    of the plan grows with the pattern (2,048 characters at most)."""
    compact = _compact(pattern)
    if len(compact) <= PATTERN_ON_ONE_LINE:
        return [f"{lead}{compact}"]
    pad = " " * len(lead)
    return [
        lead.rstrip(),
        *(pad + line for line in json.dumps(pattern, indent=2, sort_keys=True).splitlines()),
    ]


PATTERN_ON_ONE_LINE = 900


def clip(text: str, limit: int) -> str:
    """``text``, or its first ``limit - 1`` characters and ``…``."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _managed(integration: dict[str, Any]) -> list[str]:
    """Managed mode: the requests the first `pulumi up` makes to Genesys, with their bodies."""
    post, put, patch = integration["genesysRequests"]
    config = put["body"]
    lines = [
        "Genesys integration: managed, the first `pulumi up` creates and enables it",
        f"  {post['method']:<6}{post['path']}  name {post['body']['name']!r}, type "
        f"{post['body']['integrationType']['id']}",
        f"  {put['method']:<6}{put['path']}  (on the current version)",
    ]
    for key, value in config["properties"].items():
        if isinstance(value, str):
            lines.append(f"          {key:<18} {value}")
        else:  # the Event Filter, one topic a line
            lines.append(f"          {key:<18} {value[0]}")
            lines.extend(f"          {'':<18} {topic}" for topic in value[1:])
    lines.append(f"          notes              {config['notes'].splitlines()[0]}")
    lines.append(f"  {patch['method']:<6}{patch['path']}  intendedState {patch['body']['intendedState']}")
    lines.append(f"  partner source      {integration['eventSourceName']} {MARK}")
    lines.append(
        "                      Genesys creates it after the PUT; the up waits for it (at most "
        f"{integration['sourceWaitSeconds']:.0f} s) before it creates the bus"
    )
    if integration["adopt"]:
        lines.append(
            f"  adopt: an existing integration named {integration['name']!r} is taken over, not created"
        )
    lines.append("")
    return lines
