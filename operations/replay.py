"""``replay``: one queue's archived events for a time window, back to that queue's rule(s) only.

``StartReplay`` from the stack's archive to its bus with ``Destination.FilterArns`` = the
queue's rule ARNs. Replayed events carry a ``replay-name`` field, arrive in no particular
order, and include events that were delivered the first time: consumers must tolerate both.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from operations import aws
from operations.stack import OperationError, Route, load_outputs

# AWS advises waiting about 10 minutes before replaying a recent window: archiving lags.
ARCHIVE_LAG = timedelta(minutes=10)
REPLAY_NAME_MAX = 64  # StartReplay: 1-64 of [.-_A-Za-z0-9]
DESCRIPTION_MAX = 512
DONE = ("COMPLETED", "CANCELLED", "FAILED")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "replay",
        parents=[common],
        help="replay one queue's archived events for a time window",
        description="Replay one queue's archived events (StartReplay limited to its rules).",
    )
    p.add_argument("--queue", required=True, help="queue id or name, as in the routes output")
    p.add_argument("--from", dest="start", required=True, metavar="ISO-8601", help="window start")
    p.add_argument("--to", dest="end", required=True, metavar="ISO-8601", help="window end")
    p.add_argument("--wait", action="store_true", help="follow the replay to its end")
    p.add_argument("--poll-seconds", type=float, default=15.0, help=argparse.SUPPRESS)
    p.set_defaults(run=run)


def parse_time(value: str, option: str) -> datetime:
    """ISO-8601; a time without an offset is UTC (and said so)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise OperationError(
            f"{option} {value!r} is not an ISO-8601 time; write e.g. 2026-03-02T14:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        print(f"note: {option} {value} has no offset; taken as UTC", file=sys.stderr)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def replay_name(route: Route, start: datetime, now: datetime) -> str:
    queue = re.sub(r"[^A-Za-z0-9-]+", "-", route.queue_id)[:20]
    name = f"gqe-{queue}-{start:%Y%m%dT%H%M}-{now:%Y%m%dT%H%M%S}"
    return name[:REPLAY_NAME_MAX]


def run(args: argparse.Namespace) -> int:
    stack = load_outputs(args)
    route = stack.route(args.queue)
    start, end = parse_time(args.start, "--from"), parse_time(args.end, "--to")
    now = datetime.now(UTC)
    if start >= end:
        raise OperationError(f"--from {start:%Y-%m-%dT%H:%M:%SZ} is not before --to {end:%Y-%m-%dT%H:%M:%SZ}")
    if end > now:
        raise OperationError(
            f"--to {end:%Y-%m-%dT%H:%M:%SZ} is in the future; replay a window that has ended"
        )
    archive_name = stack.require("archiveName")
    if not route.enabled:
        raise OperationError(
            f"queue {route.label} has its rule disabled (enabled: false); replayed events would go "
            "nowhere. Enable it in the stack config and deploy first"
        )
    if end > now - ARCHIVE_LAG:
        print(
            "warning: the window ends less than 10 minutes ago; events reach the archive a few "
            "minutes late, so the latest ones may be missing. Replay that part again later",
            file=sys.stderr,
        )

    events = aws.client("events", stack.region)
    try:
        archive = events.describe_archive(ArchiveName=archive_name)
    except events.exceptions.ResourceNotFoundException:
        raise OperationError(
            f"the archive {archive_name!r} of {stack.source} does not exist in {stack.region}"
        ) from None
    _warn_outside_archive(archive, start, now)

    name = replay_name(route, start, now)
    events.start_replay(
        ReplayName=name,
        Description=f"queue {route.label}: {start:%Y-%m-%dT%H:%M:%SZ} to {end:%Y-%m-%dT%H:%M:%SZ}"[
            :DESCRIPTION_MAX
        ],
        EventSourceArn=archive["ArchiveArn"],
        EventStartTime=start,
        EventEndTime=end,
        Destination={"Arn": archive["EventSourceArn"], "FilterArns": list(route.rule_arns)},
    )
    window = f"{start:%Y-%m-%dT%H:%M:%SZ} to {end:%Y-%m-%dT%H:%M:%SZ}"
    if not args.wait:
        print(
            f"replay {name} started: queue {route.label}, {window}, {len(route.rule_arns)} rule(s); "
            f"follow it with `aws events describe-replay --replay-name {name}`"
        )
        return 0
    state = follow(events, name, start, end, args.poll_seconds)
    print(f"replay {name} {state['State']}: queue {route.label}, {window}")
    if state["State"] != "COMPLETED":
        reason = state.get("StateReason") or "no reason given"
        raise OperationError(f"replay {name} ended {state['State']}: {reason}")
    return 0


def _warn_outside_archive(archive: dict[str, Any], start: datetime, now: datetime) -> None:
    created = archive.get("CreationTime")
    if isinstance(created, datetime) and start < created.astimezone(UTC):
        print(
            f"warning: the archive was created at {created.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}; "
            "nothing before that can be replayed",
            file=sys.stderr,
        )
    days = archive.get("RetentionDays") or 0
    if days and start < now - timedelta(days=days):
        print(f"warning: the archive keeps {days} days; older events are gone", file=sys.stderr)


def follow(events: Any, name: str, start: datetime, end: datetime, poll_seconds: float) -> dict[str, Any]:
    """Poll DescribeReplay to the end, showing how far into the window it has got."""
    tty = sys.stdout.isatty()
    try:
        while True:
            state = events.describe_replay(ReplayName=name)
            if state["State"] in DONE:
                if tty:
                    print()
                return dict(state)
            line = f"replay {name}: {state['State']} {progress(state, start, end)}"
            print(f"\r{line}" if tty else line, end="" if tty else "\n", flush=True)
            time.sleep(poll_seconds)
    except KeyboardInterrupt:
        raise OperationError(
            f"stopped following; replay {name} goes on. Stop it with "
            f"`aws events cancel-replay --replay-name {name}`"
        ) from None


def progress(state: dict[str, Any], start: datetime, end: datetime) -> str:
    last = state.get("EventLastReplayedTime")
    if not isinstance(last, datetime):
        return "(no event replayed yet)"
    done = (last.astimezone(UTC) - start) / (end - start)
    return f"{max(0.0, min(done, 1.0)):.0%} of the window (events up to {last.astimezone(UTC):%H:%M:%SZ})"
