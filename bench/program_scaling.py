"""What a stack costs to evaluate as its queue list grows, against the floor.

For each size, the whole program runs under Pulumi's mock runtime in a fresh process (so peak
memory is that process's own), and beside it a baseline process registers the same number of
bare EventRule / EventTarget / Permission resources under the same mocks, with no settings,
component or checks. Each is run `--runs` times; the medians are printed, with the ratio
program / baseline.

    python bench/program_scaling.py [--sizes 10 100 300 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

GOAL_RATIO = 1.0  # no more than the bare resources cost (issue 13)
GOAL_GROWTH = 11.0  # the 1,000-queue time at most 11 times the 100-queue time


def queue_config(size: int) -> list[Any]:
    """A realistic mix: most queues by id, every fifth by name, every tenth disabled."""
    queues: list[Any] = []
    for i in range(size):
        if i % 5 == 4:
            item: Any = {"name": f"Queue number {i:04d}"}
        else:
            item = f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}"
        if i % 10 == 9:
            item = {"name": item["name"]} if isinstance(item, dict) else {"id": item}
            item["enabled"] = False
        queues.append(item)
    return queues


def run_program_child(size: int) -> float:
    from mockrun import base_config, run_program

    config = base_config(queues=queue_config(size), rulesPerBusQuota=max(size, 300))
    started = time.perf_counter()
    run = run_program(config)
    elapsed = time.perf_counter() - started
    assert len(run.exports["routes"]) == size
    return elapsed


def run_baseline_child(size: int) -> float:
    import pulumi
    import pulumi_aws as aws

    from mockrun import PROJECT, ProgramRun, RecordingMocks

    run = ProgramRun()
    pulumi.runtime.set_mocks(RecordingMocks(run), project=PROJECT, stack="dev", preview=False)

    @pulumi.runtime.test
    def program() -> None:
        for i in range(size):
            rule = aws.cloudwatch.EventRule(
                f"rule-{i}", name=f"rule-{i}", event_bus_name="bus", event_pattern="{}"
            )
            aws.cloudwatch.EventTarget(
                f"target-{i}", rule=rule.name, event_bus_name="bus", arn="arn:aws:lambda:x"
            )
            aws.lambda_.Permission(
                f"permission-{i}",
                action="lambda:InvokeFunction",
                function="arn:aws:lambda:x",
                principal="events.amazonaws.com",
                source_arn=rule.arn,
            )

    started = time.perf_counter()
    program()
    elapsed = time.perf_counter() - started
    assert len(run.resources) == 3 * size
    return elapsed


def child(kind: str, size: int) -> None:
    elapsed = run_program_child(size) if kind == "program" else run_baseline_child(size)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "peak_mib": peak_kib / 1024}))


def measure(kind: str, size: int) -> dict[str, float]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(size)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    process_seconds = time.perf_counter() - started
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = process_seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.2f}")
    print(
        f"median of {args.runs} runs, each in a fresh process; evaluation time excludes interpreter start-up"
    )
    print(
        f"{'queues':>7} {'program s':>10} {'baseline s':>11} {'ratio':>6} "
        f"{'program MiB':>12} {'baseline MiB':>13} {'ratio':>6}"
    )
    medians: dict[int, dict[str, float]] = {}
    for size in args.sizes:
        runs: dict[str, list[dict[str, float]]] = {"program": [], "baseline": []}
        for _ in range(args.runs):
            for kind in ("baseline", "program"):  # interleaved, so drift hits both alike
                runs[kind].append(measure(kind, size))
        m = {
            f"{kind}_{key}": statistics.median(r[key] for r in rs)
            for kind, rs in runs.items()
            for key in ("seconds", "peak_mib", "process_seconds")
        }
        medians[size] = m
        print(
            f"{size:>7} {m['program_seconds']:>10.2f} {m['baseline_seconds']:>11.2f} "
            f"{m['program_seconds'] / m['baseline_seconds']:>6.2f} {m['program_peak_mib']:>12.0f} "
            f"{m['baseline_peak_mib']:>13.0f} {m['program_peak_mib'] / m['baseline_peak_mib']:>6.2f}"
        )
    if 1000 in medians:
        m = medians[1000]
        time_ratio = m["program_seconds"] / m["baseline_seconds"]
        memory_ratio = m["program_peak_mib"] / m["baseline_peak_mib"]
        print(f"goal: program/baseline <= {GOAL_RATIO} at 1,000 queues")
        print(f"  time   {time_ratio:.2f}: {'met' if time_ratio <= GOAL_RATIO else 'NOT met'}")
        print(f"  memory {memory_ratio:.2f}: {'met' if memory_ratio <= GOAL_RATIO else 'NOT met'}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    if 100 in medians and 1000 in medians:
        growth = medians[1000]["program_seconds"] / medians[100]["program_seconds"]
        print(
            f"goal: 1,000-queue time <= {GOAL_GROWTH:.0f} x the 100-queue time: {growth:.2f} x, "
            f"{'met' if growth <= GOAL_GROWTH else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
