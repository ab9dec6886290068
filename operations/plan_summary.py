"""The plan's summary: the queues grouped by target function, for stacks too large to read queue by
queue (300 queues are about 2,100 lines in full, and fit in 60 lines here, none over 300
characters). ``by_target`` is in the JSON plan too; ``render`` is the text view."""

from __future__ import annotations

from collections import Counter
from typing import Any

from genesys.topics import short_topic
from operations import plan_delivery, plan_text
from settings.problems import cut

FULL_UP_TO = 20
"""Queues up to which the text plan shows every queue by default; above, the summary."""
GROUPS_SHOWN = 3
"""Target functions the text summary shows one by one; the rest in one line."""
LINE = 300


def by_target(routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per target function (or alias): its queues, which are disabled, how its invoke is
    granted and which topics its queues match; the largest first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for route in routes:
        groups.setdefault(route["target"], []).append(route)
    out = []
    for target, members in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        grant = members[0]["invokeGrant"]
        invoke: dict[str, Any] = {"mode": grant["mode"]}
        if grant["mode"] == "per-rule":
            invoke["statements"] = len(members)
        else:
            invoke.update(statementId=grant["statementId"], sourceArn=grant["sourceArn"])
        topics = Counter(tuple(r["topics"]) for r in members)
        out.append(
            {
                "target": target,
                "queues": [r["queue"] for r in members],
                "enabled": sum(1 for r in members if r["state"] == "ENABLED"),
                "disabled": [r["queue"] for r in members if r["state"] != "ENABLED"],
                "invokeGrant": invoke,
                "topics": [{"topics": list(t), "queues": n} for t, n in topics.most_common()],
            }
        )
    return out


def render(plan: dict[str, Any]) -> str:
    routes = plan["routes"]
    out = plan_text.header(
        plan, f"summary of {len(routes)} queue(s) by target function (--full for each).", brief=True
    )
    out.extend(plan_text.integration_block(plan))
    out.extend(_queues(plan))
    out.extend(plan_text.shared_block(plan, full=False))
    out.extend(_resources(plan))
    out.extend(plan_text.closing(plan))
    return "\n".join(plan_text.clip(line, LINE) for line in out)


def _queues(plan: dict[str, Any]) -> list[str]:
    routes = plan["routes"]
    groups = plan["summary"]
    enabled = sum(1 for r in routes if r["state"] == "ENABLED")
    out = [
        f"Queues: {len(routes)} route(s), {enabled} enabled, {len(routes) - enabled} disabled, "
        f"to {len(groups)} target function(s)"
    ]
    for group in groups[:GROUPS_SHOWN]:
        count = f"{len(group['queues'])} queue(s), {group['enabled']} enabled"
        out.append(f"  {group['target']} {plan_text.MARK}: {count}")
        invoke = group["invokeGrant"]
        out.append(
            f"    invoke    per-rule: {invoke['statements']} Lambda permission(s), one per rule"
            if invoke["mode"] == "per-rule"
            else f"    invoke    shared-prefix: one statement {invoke['statementId']}, "
            f"SourceArn {invoke['sourceArn']}"
        )
        sets = [f"{', '.join(short_topic(t) for t in s['topics'])} ({s['queues']})" for s in group["topics"]]
        out.append(
            f"    topics    {'; '.join(sets[:3])}"
            + (f"; … and {len(sets) - 3} more" if len(sets) > 3 else "")
        )
        disabled = f"; disabled: {cut(group['disabled'], 2)}" if group["disabled"] else ""
        out.append(f"    queues    {cut(group['queues'], 2)}{disabled}")
    rest = groups[GROUPS_SHOWN:]
    if rest:
        queues = sum(len(g["queues"]) for g in rest)
        modes = Counter(g["invokeGrant"]["mode"] for g in rest)
        out.append(
            f"  … and {len(rest)} more target function(s) with {queues} queue(s), "
            f"{sum(g['enabled'] for g in rest)} enabled; invoke "
            + ", ".join(f"{mode} for {n}" for mode, n in modes.most_common())
        )
    out.append("")
    return out


def _resources(plan: dict[str, Any]) -> list[str]:
    counts = [f"{n} {plan_delivery.short_type(t)}" for t, n in plan["resources"].items()]
    lookups = [f"{n} {plan_delivery.short_type(t)}" for t, n in plan["lookups"].items()]
    return [
        f"Resources a first `pulumi up` registers: {plan['resourceTotal']}",
        *_wrapped(counts, "  "),
        "Lookups on each preview and up (AWS provider invokes):",
        *_wrapped(lookups, "  "),
        "",
    ]


def _wrapped(items: list[str], indent: str, width: int = 200) -> list[str]:
    lines: list[str] = []
    line = ""
    for item in items:
        if line and len(line) + len(item) + 2 > width:
            lines.append(indent + line)
            line = ""
        line = f"{line}, {item}" if line else item
    if line:
        lines.append(indent + line)
    return lines
