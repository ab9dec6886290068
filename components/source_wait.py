"""Managed mode's first deploy in one ``pulumi up``: wait for the partner event source.

Genesys creates the partner event source in the AWS account some time after the integration
is saved; the partner bus can be created only once it exists. In managed mode the stack saves
the integration itself, so on its first ``up`` the source cannot exist yet when the program
starts. This waits for it, after the integration's create (the source name resolves only then),
bounded, with a line of progress per poll, and fails with what to check when it does not come.

A preview does not wait and does not fail: it says that the source is created by the
integration the same ``up`` saves, and shows the bus and rules that follow.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pulumi

from components.partner_source import PartnerSourceMissing, no_foreign_bus, source_state

PRESENT = ("PENDING", "ACTIVE")
"""A partner source is PENDING until a bus takes it, then ACTIVE; DELETED is gone."""


@dataclass(frozen=True)
class SourceWait:
    """How long an ``up`` waits for Genesys to create the source."""

    polls: int = 30
    interval_seconds: float = 10.0
    """30 polls 10 s apart: five minutes, for a source Genesys usually creates within one."""

    @property
    def longest_seconds(self) -> float:
        return self.polls * self.interval_seconds


DEFAULT_WAIT = SourceWait()


async def wait_for_source(
    name: str,
    integration: str,
    wait: SourceWait,
    state_of: Callable[[str], Awaitable[str | None]] = source_state,
    log: Callable[[str], None] = pulumi.log.info,
) -> str:
    """Poll AWS (the stack's AWS provider, as the preview's lookup does) until the source exists;
    its name, or PartnerSourceMissing after ``wait.polls`` polls."""
    started = time.monotonic()
    state: str | None = None
    for poll in range(1, wait.polls + 1):
        state = await state_of(name)
        if state in PRESENT:
            if poll > 1:
                waited = time.monotonic() - started
                log(f"the partner event source {name} exists ({state}) after {waited:.0f} s")
            return name
        log(
            f"waiting for Genesys to create the partner event source {name} (poll {poll} of {wait.polls}, "
            f"{time.monotonic() - started:.0f} s of at most {wait.longest_seconds:.0f} s)"
        )
        if poll < wait.polls:
            await asyncio.sleep(wait.interval_seconds)
    raise PartnerSourceMissing(
        f"Genesys has not created the partner event source {name} in this AWS account and region "
        f"within {wait.longest_seconds:.0f} s ({wait.polls} polls; last state: {state or 'none'}). The "
        f"integration {integration!r} is saved and enabled in Genesys; see its status under Admin > "
        "Integrations (ERROR usually means the AWS account or region it was given is wrong), then "
        "run `pulumi up` again: it keeps the integration and goes on with the bus and the rules."
    )


def awaited_partner_source(
    source: pulumi.Output[str],
    integration: str,
    bus_description: str,
    wait: SourceWait | None = None,
) -> pulumi.Output[str]:
    """The source name, once AWS has the source (an ``up`` waits for it, ``wait`` or
    DEFAULT_WAIT; a preview does not) and no bus this stack does not own has taken it."""

    async def confirmed(name: str) -> str:
        bounds = wait or DEFAULT_WAIT
        if pulumi.runtime.is_dry_run():
            state = await source_state(name)
            if state not in PRESENT:
                pulumi.log.info(
                    f"the partner event source {name} does not exist yet: Genesys creates it once "
                    f"`pulumi up` has saved the integration {integration!r}; the up waits for it (at "
                    f"most {bounds.longest_seconds:.0f} s) before it creates the bus."
                )
                return name
        else:
            await wait_for_source(name, integration, bounds)
        await no_foreign_bus(name, bus_description)
        return name

    return source.apply(confirmed)
