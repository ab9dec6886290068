"""The AWS side of the handshake: the Genesys partner event source, and the bus that takes it.

Saving the integration in Genesys creates a partner event source in the AWS account; until it
exists, creating the partner bus fails with an AWS error that does not say why. Once a bus is
associated with the source (the console's "Associate with event bus", or another stack), a
second ``CreateEventBus`` fails too. Both are looked up here, at preview, with the stack's own
AWS provider (its credentials, role and region), and each failure says what to do.
"""

from __future__ import annotations

import asyncio
import re

import pulumi
import pulumi_aws as aws

from components import aws_invoke, aws_session


class PartnerSourceMissing(pulumi.RunError):
    """The Genesys partner event source is not in this AWS account and region."""


class PartnerBusExists(pulumi.RunError):
    """A bus for the source exists, and this stack did not create it."""


def confirm_partner_source(source: pulumi.Output[str], bus_description: str) -> pulumi.Output[str]:
    """The source name, once AWS confirms the partner event source exists (by its exact name)
    and that no bus this stack does not own (by ``bus_description``) is associated with it."""

    async def confirmed(name: str) -> str:
        state = await source_state(name)
        if state is None or state == "DELETED":
            raise PartnerSourceMissing(
                f"The partner event source {name} is {state or 'not'} in this AWS account and region. The "
                "integration is saved in Genesys, but Genesys has not created its event source here: check "
                "the integration's AWS Account ID and Region in Genesys, wait a minute after saving it (or "
                "re-save it), and look under Amazon EventBridge > Partner event sources."
            )
        await no_foreign_bus(name, bus_description)
        return name

    return source.apply(confirmed)


async def source_state(name: str) -> str | None:
    """The state of the source with exactly this name, or None when there is none.

    The provider looks sources up by name *prefix* and fails for none and for several
    (``…/cx-dev`` also matches ``…/cx-dev-2``); only then is the exact name asked of
    EventBridge itself, through a client built from the same ``aws:`` configuration.
    """
    try:
        found = await aws_invoke.look_up(
            "aws:cloudwatch/getEventSource:getEventSource",
            {"namePrefix": name},
            aws.cloudwatch.GetEventSourceResult,
        )
    except aws_invoke.LookupFailed as e:
        reason = str(e).lower()
        # The provider's words: "no matching partner event source" (older) or "no EventBridge
        # Source matched" (newer); "multiple event sources matched" / "multiple EventBridge Sources".
        if re.search(r"\bno (matching|eventbridge source)", reason):
            return None
        if "multiple" not in reason:
            # Denied, throttled, expired credentials: not a missing source; say what happened.
            raise PartnerSourceMissing(
                f"Looking up the partner event source {name} failed: {e}. The preview's AWS role needs "
                "events:ListEventSources (iam/preview-permissions.json)."
            ) from None
        try:
            return await asyncio.to_thread(aws_session.describe_event_source_state, name)
        except Exception as lookup_error:  # credentials, permissions, throttling: say which
            raise PartnerSourceMissing(
                f"Several partner event sources start with {name}, and looking it up by its exact "
                f"name failed: {lookup_error}. The preview's AWS role needs events:DescribeEventSource."
            ) from None
    if found is None or found.name != name:
        return None
    return str(found.state)


async def no_foreign_bus(name: str, bus_description: str) -> None:
    buses = await aws_invoke.look_up(
        "aws:cloudwatch/getEventBuses:getEventBuses", {"namePrefix": name}, aws.cloudwatch.GetEventBusesResult
    )
    existing = next((b for b in (buses.event_buses if buses else []) if b.name == name), None)
    if existing is None or existing.description == bus_description:
        return
    raise PartnerBusExists(
        f"The partner event bus {name} already exists in this AWS account, and this stack did not "
        "create it (someone associated it with the source in the console, or another stack did). "
        f"Either route on it without managing it: set `eventBus: {name}` in the stack configuration. "
        "Or let this stack manage it: mark it as this stack's with "
        f"`aws events update-event-bus --name '{name}' --description '{bus_description}'` (enough for a "
        "bus this stack created before it marked its buses), and, if the stack's state does not hold it "
        "yet, adopt it with `pulumi import aws:cloudwatch/eventBus:EventBus routing-partner-bus "
        f"'{name}' --parent 'routing=<URN of the routing component>'`."
    )
