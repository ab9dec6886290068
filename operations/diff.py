"""``diff``: what a change of a stack file does, per queue and per resource, offline.

Runs the program for both stack files under Pulumi's mock runtime (like ``plan``), then compares:
the queues as the files configure them (added, removed, retargeted, enabled, disabled, topics
changed), and the resources as the program registers them, with the engine's verdict for each
(operations/verdict.py): created, updated, replaced (delete-first or not), deleted. What the
pull request's reviewer reads above the Pulumi preview (.github/workflows/preview.yml).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from genesys.topics import CONVERSATION_END_PRESET, short_topic
from operations import offline_program as offline
from operations import verdict
from operations.plan import run_stack_file
from settings import QueueRoute

# Per kind of step, at most this many resources are listed by name; the counts are always whole.
LISTED_PER_STEP = 12


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """No ``common`` options: the diff reads two stack files, not a deployed stack's outputs."""
    p = subparsers.add_parser(
        "diff",
        help="what changing a stack file does, per queue and per resource, offline",
        description="Run the program under Pulumi's mock runtime for both stack files and print what the "
        "change does per queue, then the resources `pulumi up` would create, update, replace and delete.",
    )
    p.add_argument("base", metavar="BASE.yaml", help="the stack file before the change (Pulumi.<stack>.yaml)")
    p.add_argument("head", metavar="HEAD.yaml", help="the stack file after the change (Pulumi.<stack>.yaml)")
    p.add_argument("--json", action="store_true", help="print the diff as JSON")
    p.add_argument(
        "--base-name",
        metavar="NAME",
        help="how to name BASE.yaml in the text (`make diff`: <ref>:Pulumi.<stack>.yaml)",
    )
    p.add_argument(
        "--organization",
        default=offline.SELF_MANAGED_ORGANIZATION,
        help="the stack's Pulumi organisation, part of every rule name (default: %(default)s)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    change = build_diff(Path(args.base), Path(args.head), organization=args.organization)
    if args.base_name:
        change["base"] = args.base_name
    print(json.dumps(shape(change), indent=2) if args.json else render(change))
    return 0


def build_diff(
    base: Path, head: Path, *, organization: str = offline.SELF_MANAGED_ORGANIZATION
) -> dict[str, Any]:
    """Both runs compared: ``queues`` (per queue), ``steps`` (the verdict) and ``windows``."""
    _, base_settings, base_run, _ = run_stack_file(base, organization=organization)
    _, head_settings, head_run, _ = run_stack_file(head, organization=organization)
    before = verdict.resources(
        base_run.resources, base_run.dependencies, base_run.aliases, base_run.delete_before_replace
    )
    after = verdict.resources(
        head_run.resources, head_run.dependencies, head_run.aliases, head_run.delete_before_replace
    )
    return {
        "base": str(base),
        "head": str(head),
        "queues": queue_changes(base_settings.routes, head_settings.routes),
        "queueCounts": [len(base_settings.routes), len(head_settings.routes)],
        "steps": verdict.steps(before, after),
        "windows": verdict.windows(before, after),
    }


def queue_changes(base: Iterable[QueueRoute], head: Iterable[QueueRoute]) -> dict[str, Any]:
    """Per queue, by its label (its id or name as written in the stack file)."""
    olds = {r.queue.reference: _fields(r) for r in base}
    news = {r.queue.reference: _fields(r) for r in head}
    changed = []
    for label, new in news.items():
        old = olds.get(label)
        if old is None or old == new:
            continue
        changed.append({"queue": label, "fields": {k: [old[k], new[k]] for k in new if old[k] != new[k]}})
    return {
        "added": [label for label in news if label not in olds],
        "removed": [label for label in olds if label not in news],
        "changed": changed,
    }


def _fields(route: QueueRoute) -> dict[str, Any]:
    return {
        "target": route.target.arn,
        "enabled": route.enabled,
        "topics": _topics(route.topics),
    }


def _topics(selection: str | tuple[str, ...]) -> list[str]:
    """As a stack file writes them: the preset's name, or topics without the common prefix."""
    if selection == CONVERSATION_END_PRESET:
        return [CONVERSATION_END_PRESET]
    return [short_topic(topic) for topic in selection]


def shape(change: dict[str, Any]) -> dict[str, Any]:
    """The JSON for machines: queues per queue, resources as counts per kind of step."""
    return {"queues": change["queues"], "resources": verdict.counts(change["steps"])}


def render(change: dict[str, Any]) -> str:
    queues, steps = change["queues"], change["steps"]
    before, after = change["queueCounts"]
    lines = [
        f"{change['base']} → {change['head']}",
        f"queues: {len(queues['added'])} added, {len(queues['removed'])} removed, "
        f"{len(queues['changed'])} changed ({before} before, {after} after)",
    ]
    lines += [f"  + {label}" for label in queues["added"]]
    lines += [f"  - {label}" for label in queues["removed"]]
    lines += [f"  ~ {c['queue']}: {_describe(c['fields'])}" for c in queues["changed"]]
    counts = verdict.counts(steps)
    lines.append("resources: " + ", ".join(f"{n} to {op}" for op, n in counts.items()))
    for op in counts:
        picked = [s for s in steps if s.op == op]
        for step in picked[:LISTED_PER_STEP]:
            first = " (delete-first)" if step.delete_first else ""
            why = f" [{', '.join(step.changed)}]" if step.changed else ""
            lines.append(f"  {op:<7} {step.type.rsplit(':', 1)[-1]:<17} {step.name}{why}{first}")
        if len(picked) > LISTED_PER_STEP:
            lines.append(f"  {op:<7} … and {len(picked) - LISTED_PER_STEP} more")
    if windows := change["windows"]:
        lines.append(
            f"delivery gaps while `pulumi up` runs: {len(windows)} "
            '(README, "What `pulumi up` does, in order"):'
        )
        lines += [f"  ! {w}" for w in windows[:LISTED_PER_STEP]]
        if len(windows) > LISTED_PER_STEP:
            lines.append(f"  ! … and {len(windows) - LISTED_PER_STEP} more")
    return "\n".join(lines)


def _describe(fields: dict[str, list[Any]]) -> str:
    parts = []
    for key, (old, new) in fields.items():
        if key == "enabled":
            parts.append("enabled" if new else "disabled")
        elif key == "target":
            parts.append(f"now goes to {new} (was {old})")
        else:
            parts.append(f"{key} {', '.join(old)} → {', '.join(new)}")
    return "; ".join(parts)
