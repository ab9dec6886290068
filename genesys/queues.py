"""The configured queues, resolved to verified ``{id, name, division}``, as a dynamic resource.

Requests grow with pages, not with queues: ids are asked for in batches of repeated ``id=``
parameters, and names are matched against one listing of the organisation's queues, unless
there are so few names that asking for each by ``name=`` takes fewer requests than the
listing's remaining pages.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from genesys.client import PAGE_SIZE, GenesysClient
from genesys.provider import GenesysProvider, Unverified

QUEUES_PATH = "/api/v2/routing/queues"
IDS_PER_REQUEST = PAGE_SIZE

Queue = dict[str, Any]


def _queue(entity: dict[str, Any]) -> Queue:
    division = entity.get("division") or {}
    return {
        "id": entity["id"],
        "name": entity.get("name"),
        "division": {"id": division.get("id"), "name": division.get("name")},
    }


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class QueueDirectory:
    """The organisation's queues, fetched as sparingly as paging allows."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client
        self.listing: list[Queue] | None = None

    def all_queues(self) -> list[Queue]:
        if self.listing is None:
            self.listing = [_queue(e) for page in self.client.pages(QUEUES_PATH) for e in page.entities]
        return self.listing

    def by_ids(self, ids: list[str]) -> dict[str, Queue]:
        if self.listing is not None:
            wanted = set(ids)
            return {q["id"]: q for q in self.listing if q["id"] in wanted}
        found: dict[str, Queue] = {}
        for batch in _chunks(sorted(ids), IDS_PER_REQUEST):
            for page in self.client.pages(QUEUES_PATH, [("id", i) for i in batch]):
                found.update((e["id"], _queue(e)) for e in page.entities)
        return found

    def by_names(self, names: list[str]) -> dict[str, Queue]:
        wanted = {n.casefold() for n in names}
        if not wanted:
            return {}
        listing = self.client.pages(QUEUES_PATH)
        first = next(listing)
        if len(wanted) < first.page_count - 1:
            # A handful of names in a large organisation: one request per name is cheaper
            # than the rest of the listing.
            found: dict[str, Queue] = {}
            for name in names:
                for page in self.client.pages(QUEUES_PATH, [("name", name)]):
                    found.update(
                        (str(q["name"]).casefold(), q)
                        for q in map(_queue, page.entities)
                        if str(q["name"]).casefold() == name.casefold()
                    )
            return found
        self.listing = [_queue(e) for page in itertools.chain([first], listing) for e in page.entities]
        return {str(q["name"]).casefold(): q for q in self.listing if str(q["name"]).casefold() in wanted}


SHOWN = 20
"""Queues a not-found message names; the rest are counted, so that the line stays readable."""


def resolve(
    client: GenesysClient, ids: list[str], names: list[str]
) -> tuple[dict[str, Queue], list[tuple[str, str]]]:
    """Resolve configured references → (the queues found, by reference; failures)."""
    directory = QueueDirectory(client)
    named = directory.by_names(names)
    by_id = directory.by_ids([i.lower() for i in ids])
    queues: dict[str, Queue] = {}
    missing_ids = [i for i in ids if i.lower() not in by_id]
    missing_names = [n for n in names if n.casefold() not in named]
    failures: list[tuple[str, str]] = []
    if missing_ids or missing_names:
        known = [str(q["name"]) for q in directory.all_queues()] if missing_names else []
        lines = [f"queue id {i} does not exist in this Genesys organisation" for i in missing_ids]
        for n in missing_names:
            close = difflib.get_close_matches(n, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            lines.append(f"no queue is named {n!r}{hint}")
        failures.append(
            (
                "queue_names" if missing_names else "queue_ids",
                f"{len(lines)} configured queue(s) not found: "
                + "; ".join(lines[:SHOWN])
                + (f"; … and {len(lines) - SHOWN} more" if len(lines) > SHOWN else "")
                + ". Fix the queues list (names are as shown in Admin > Queues).",
            )
        )
    queues.update((i, by_id[i.lower()]) for i in ids if i.lower() in by_id)
    queues.update((n, named[n.casefold()]) for n in names if n.casefold() in named)
    seen: dict[str, str] = {}
    for ref, q in queues.items():
        if q["id"] in seen:
            failures.append(
                (
                    "queue_names",
                    f"queue '{q['name']}' ({q['id']}) is configured twice, as {seen[q['id']]!r} "
                    f"and as {ref!r}; list it once.",
                )
            )
        seen[q["id"]] = ref
    return queues, failures


class QueuesProvider(GenesysProvider):
    input_keys = ("queue_ids", "queue_names")

    def _resolve(self, inputs: dict[str, Any]) -> tuple[dict[str, Queue], list[tuple[str, str]]]:
        ids, names = inputs.get("queue_ids") or [], inputs.get("queue_names") or []
        return resolve(self.client(), list(ids), list(names))

    def inspect(self, inputs: dict[str, Any]) -> dict[str, Any]:
        queues, failures = self._resolve(inputs)
        if failures:
            raise Unverified(failures)
        return {"queues": queues}

    def inspect_existing(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        # A refresh shows a deleted or renamed queue as missing from the map; the next
        # preview's check() names it.
        queues, _ = self._resolve(inputs)
        return {"queues": queues}

    def failures(self, inputs: dict[str, Any], facts: dict[str, Any]) -> list[tuple[str, str]]:
        return []  # resolve() already refused what cannot be used

    def resource_id(self, facts: dict[str, Any]) -> str:
        return "queues"


@dataclass
class GenesysQueuesArgs:
    queue_ids: pulumi.Input[list[str]]
    """Queue ids as configured (UUIDs)."""
    queue_names: pulumi.Input[list[str]]
    """Queue names as configured; matched case-insensitively."""


class GenesysQueues(Resource, module="genesys", name="Queues"):
    """The stack's queues, resolved and verified in Genesys Cloud."""

    queues: pulumi.Output[dict[str, Any]]
    """Configured reference (id or name) → ``{id, name, division: {id, name}}``."""

    def __init__(
        self, name: str, args: GenesysQueuesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props = {"queue_ids": args.queue_ids, "queue_names": args.queue_names, "queues": None}
        super().__init__(QueuesProvider(), name, props, opts)
