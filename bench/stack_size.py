"""How many AWS resources, and how many AWS API calls, a stack of N queues makes: from the plan.

For each size, the program itself runs offline under Pulumi's mock runtime (the code path of
``python -m operations plan``, operations/offline_program.py) with N queues by id on one target
function and the defaults (partner bus, dead-letter queue, archive, alarms with one e-mail
address). What it registers is counted by type, and each provider invoke it makes (the lookups
every preview and every up repeats) by token.

API calls are derived from those counts and the calls the AWS provider makes per resource, as
read in terraform-provider-aws (which pulumi-aws wraps); see CALLS_PER_CREATE. Nothing here
talks to AWS: the per-resource calls are read from the provider's source, not measured.

    python bench/stack_size.py [--sizes 1 10 100 300]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from operations import offline_program as offline  # noqa: E402

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:conversation-ended"
ACCOUNT = "123456789012"

# The calls the provider makes to create one resource and read it back, as its source shows
# (hashicorp/terraform-provider-aws): rule.go create = PutRule (tags on create) then read =
# DescribeRule + ListTagsForResource; find.go target read = ListTargetsByRule after PutTargets;
# lambda/permission.go = AddPermission, serialised per function by a mutex, then GetPolicy.
CALLS_PER_CREATE = {
    "aws:cloudwatch/eventRule:EventRule": ("PutRule", "DescribeRule", "ListTagsForResource"),
    "aws:cloudwatch/eventTarget:EventTarget": ("PutTargets", "ListTargetsByRule"),
    "aws:lambda/permission:Permission": ("AddPermission", "GetPolicy"),
}
# The shared resources: their create call only (their read-back was not looked up).
CREATE_CALL = {
    "aws:cloudwatch/eventBus:EventBus": "CreateEventBus",
    "aws:sqs/queue:Queue": "CreateQueue",
    "aws:sqs/queuePolicy:QueuePolicy": "SetQueueAttributes",
    "aws:cloudwatch/eventArchive:EventArchive": "CreateArchive",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "PutMetricAlarm",
    "aws:sns/topic:Topic": "CreateTopic",
    "aws:sns/topicSubscription:TopicSubscription": "Subscribe",
}
SHORT = {
    "aws:cloudwatch/eventRule:EventRule": "rules",
    "aws:cloudwatch/eventTarget:EventTarget": "targets",
    "aws:lambda/permission:Permission": "permissions",
}


def stack_values(size: int, function_per_queue: bool) -> dict[str, object]:
    ids = [str(uuid.UUID(int=i + 1)) for i in range(size)]
    return {
        "aws:region": "eu-west-1",
        "genesys:region": "eu-west-1",
        "target": FUNCTION,
        "queues": [{"id": i, "target": f"{FUNCTION}-{n}"} for n, i in enumerate(ids)]
        if function_per_queue
        else ids,
        "alarms": {"email": ["oncall@example.com"]},
        "rulesPerBusQuota": max(300, size),
    }


def measure(size: int, function_per_queue: bool) -> dict[str, object]:
    started = time.perf_counter()
    run = offline.run_offline(
        {**stack_values(size, function_per_queue), "genesys:clientId": "-", "genesys:clientSecret": "-"},
        ["genesys:clientSecret"],
        stack="dev",
        account=ACCOUNT,
    )
    seconds = time.perf_counter() - started
    counts = Counter(r.type for r in run.resources if r.type.startswith("aws:"))
    per_queue = sum(len(CALLS_PER_CREATE[t]) * n for t, n in counts.items() if t in CALLS_PER_CREATE)
    shared = sum(n for t, n in counts.items() if t in CREATE_CALL)
    unknown = sorted(t for t in counts if t not in CALLS_PER_CREATE and t not in CREATE_CALL)
    assert not unknown, f"no API calls known for {unknown}"
    return {
        "size": size,
        "aws": sum(counts.values()),
        "counts": counts,
        "shared": shared,
        "create_calls": sum(counts.values()),
        "calls": per_queue + shared,
        "lookups": Counter(run.lookups),
        "grant": next(iter(run.exports["routes"].values()))["invokeGrant"],
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 300])
    args = parser.parse_args()
    from importlib.metadata import version

    print(
        f"{platform.machine()}, Python {platform.python_version()}, pulumi {version('pulumi')}, "
        f"pulumi-aws {version('pulumi-aws')}"
    )
    for function_per_queue in (False, True):
        print()
        print("### A function for each queue" if function_per_queue else "### One function for every queue")
        report([measure(n, function_per_queue) for n in args.sizes])


def report(rows: list[dict[str, object]]) -> None:
    print()
    print(
        "| queues | AWS resources | rules | targets | permissions | shared | invoke grant "
        "| create calls | calls with read-back | seconds |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for r in rows:
        counts = r["counts"]
        assert isinstance(counts, Counter)
        print(
            f"| {r['size']} | {r['aws']} | {counts[_t('rules')]} | {counts[_t('targets')]} | "
            f"{counts[_t('permissions')]} | {r['shared']} | {r['grant']} | {r['create_calls']} | "
            f"{r['calls']} | {r['seconds']:.2f} |"
        )
    print()
    print("Lookups (provider invokes) the program makes on every preview and up:")
    for r in rows:
        lookups = r["lookups"]
        assert isinstance(lookups, Counter)
        listed = ", ".join(f"{token.rsplit(':', 1)[1]} {n}" for token, n in sorted(lookups.items()))
        print(f"  {r['size']:>4} queues: {sum(lookups.values())} ({listed})")
    print()
    print("Shared resources at every size:")
    counts = rows[-1]["counts"]
    assert isinstance(counts, Counter)
    for type_, call in CREATE_CALL.items():
        print(f"  {counts[type_]}  {type_}  ({call})")


def _t(short: str) -> str:
    return next(t for t, s in SHORT.items() if s == short)


if __name__ == "__main__":
    main()
