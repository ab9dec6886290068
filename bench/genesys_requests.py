"""Genesys requests and wall time to verify the integration and resolve N queue names.

Against the Genesys API double on loopback with 50 ms of latency added to every request, in an
organisation of 1,000 queues: the providers' way (one listing, paged) beside the naive way
(one request per queue name), each timed `--runs` times from a cold client (a new token).

    python bench/genesys_requests.py [--sizes 10 100 1000] [--runs 5] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from pulumi.dynamic import Config, ConfigureRequest  # noqa: E402

from genesys.client import GenesysClient, shared_client  # noqa: E402
from genesys.endpoints import ALLOW_CUSTOM_ENDPOINTS  # noqa: E402
from genesys.integration import IntegrationProvider  # noqa: E402
from genesys.queues import QueuesProvider  # noqa: E402
from genesys.regions import GenesysEndpoints  # noqa: E402
from genesys_double import GenesysDouble  # noqa: E402

ORGANISATION_QUEUES = 1000
GOAL_REQUESTS = 15
GOAL_SECONDS = 1.5
INTEGRATION_INPUTS = {
    "integration": None,
    "aws_account_id": "123456789012",
    "aws_region": "eu-west-1",
    "aws_partition": "aws",
    "required_topics": ["v2.detail.events.conversation.{id}.user.end"],
    "event_bus_name": None,
}


def configured(provider: Any, double: GenesysDouble) -> Any:
    config = {
        "genesys:apiUrl": double.url,
        "genesys:loginUrl": double.url,
        "genesys:clientId": "test-client-id",
        "genesys:clientSecret": "test-client-secret",
    }
    provider.configure(ConfigureRequest(Config(config, "genesys-queue-events")))
    return provider


def providers_way(double: GenesysDouble, names: list[str]) -> None:
    shared_client.cache_clear()  # a cold process: the token is part of the cost
    configured(IntegrationProvider(), double).create(INTEGRATION_INPUTS)
    outs = configured(QueuesProvider(), double).create({"queue_ids": [], "queue_names": names}).outs
    assert len(outs["queues"]) == len(names)


def naive_way(double: GenesysDouble, names: list[str]) -> None:
    shared_client.cache_clear()
    configured(IntegrationProvider(), double).create(INTEGRATION_INPUTS)
    client = GenesysClient(GenesysEndpoints(double.url, double.url), "test-client-id", "test-client-secret")
    for name in names:
        found = client.get("/api/v2/routing/queues", [("name", name)])["entities"]
        assert [q["name"] for q in found] == [name]


def measure(double: GenesysDouble, way: Any, names: list[str], runs: int) -> tuple[int, float]:
    counts, seconds = [], []
    for _ in range(runs):
        before = len(double.requests)
        started = time.perf_counter()
        way(double, names)
        seconds.append(time.perf_counter() - started)
        counts.append(len(double.requests) - before)
    assert len(set(counts)) == 1, counts
    return counts[0], statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()

    # The double serves plain http on loopback: opt in, as the tests do (genesys/endpoints.py).
    os.environ[ALLOW_CUSTOM_ENDPOINTS] = "1"
    double = GenesysDouble().start()
    try:
        double.add_queues(ORGANISATION_QUEUES - len(double.data["queues"]))
        double.latency = args.latency
        every = [q["name"] for q in double.data["queues"]]
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(
            f"organisation of {len(every)} queues, {args.latency * 1000:.0f} ms added per request, "
            f"median of {args.runs} cold runs; requests include the token and the integration's 3"
        )
        print(f"{'names':>6} {'requests':>9} {'seconds':>8} {'naive requests':>15} {'naive seconds':>14}")
        results: dict[int, tuple[int, float]] = {}
        for size in args.sizes:
            step = max(1, len(every) // size)
            names = every[::step][:size]
            ours = measure(double, providers_way, names, args.runs)
            naive = measure(double, naive_way, names, args.runs)
            results[size] = ours
            print(f"{size:>6} {ours[0]:>9} {ours[1]:>8.2f} {naive[0]:>15} {naive[1]:>14.2f}")
        if 1000 in results:
            count, seconds = results[1000]
            print(
                f"goal: <= {GOAL_REQUESTS} requests for 1,000 names: {count}, "
                f"{'met' if count <= GOAL_REQUESTS else 'NOT met'}"
            )
            print(
                f"goal: <= {GOAL_SECONDS} s for 1,000 names: {seconds:.2f} s, "
                f"{'met' if seconds <= GOAL_SECONDS else 'NOT met'}"
            )
    finally:
        double.stop()


if __name__ == "__main__":
    main()
