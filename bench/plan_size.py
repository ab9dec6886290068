"""How long ``python -m operations plan`` takes, and how much it prints, at 3, 300 and 1,000 queues.

Each run is the command a user types (``.venv/bin/python -m operations plan FILE --full`` or
``--summary``) in a fresh process, timed from start to exit (interpreter start, imports, the
program under Pulumi's mock runtime, printing); the full and summary views are run alternately,
so drift under load hits both alike. Printed: medians of the wall times, and the lines and the
longest line of each view.

The stack is a contact centre's: queues by id (every 25th by name), two thirds on one function
and a third on another, every 10th disabled, every 50th with its own topics, two tags, alarms to
one address (``Pulumi.dev.yaml``'s shape, grown).

    .venv/bin/python bench/plan_size.py [--sizes 3 300 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:conversation-ended:live"
BILLING = "arn:aws:lambda:eu-west-1:123456789012:function:billing-wrapup"
VIEWS = ("--full", "--summary")


def stack_file(folder: Path, size: int) -> Path:
    queues: list[object] = []
    for i in range(size):
        queue: dict[str, object] = (
            {"name": f"Queue {i:04}"} if i % 25 == 3 else {"id": str(uuid.UUID(int=i + 1))}
        )
        if i % 3 == 1:
            queue["target"] = BILLING
        if i % 10 == 7:
            queue["enabled"] = False
        if i % 50 == 5:
            queue["topics"] = ["acw", "user.end"]
        queues.append(queue)
    config = {
        "aws:region": "eu-west-1",
        "genesys:region": "eu-west-1",
        "genesys-queue-events:target": FUNCTION,
        "genesys-queue-events:queues": queues,
        "genesys-queue-events:rulesPerBusQuota": max(300, size),
        "genesys-queue-events:tags": {"team": "contact-centre", "environment": "prod"},
        "genesys-queue-events:alarms": {"email": ["contact-centre-oncall@example.com"]},
    }
    path = folder / f"Pulumi.q{size}.yaml"
    path.write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    return path


def plan_once(path: Path, view: str) -> tuple[float, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENESYS_CLIENT")}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "operations", "plan", path.name, view],
        cwd=path.parent,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stdout.splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3, 300, 1000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from importlib.metadata import version

    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pulumi {version('pulumi')}, pulumi-aws {version('pulumi-aws')}; load average at start "
        f"{os.getloadavg()[0]:.1f}; medians of {args.runs} runs"
    )
    print()
    print("| queues | view | seconds (median) | lines | longest line (characters) |")
    print("|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = stack_file(Path(folder), size)
            times: dict[str, list[float]] = {view: [] for view in VIEWS}
            printed: dict[str, list[str]] = {}
            for _ in range(args.runs):
                for view in VIEWS:  # alternately
                    seconds, lines = plan_once(path, view)
                    times[view].append(seconds)
                    printed[view] = lines
            for view in VIEWS:
                lines, median = printed[view], statistics.median(times[view])
                longest = max(map(len, lines))
                print(f"| {size:,} | {view.lstrip('-')} | {median:.2f} | {len(lines):,} | {longest:,} |")
    print()
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
