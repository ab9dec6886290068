"""Where the events come from: the verified Genesys integration and its partner event source,
or, with ``customEvents``, a source a team publishes to itself.

The Genesys branch registers the ``EventBridgeIntegration`` dynamic resource, whose ``check()``
refuses an integration that could never deliver here (disabled, another account or region, a
topic missing from its Event Filter), and, when the stack creates the partner bus, confirms in
AWS that the source exists and that no bus this stack does not own took it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.partner_source import confirm_partner_source
from components.source_wait import awaited_partner_source
from genesys.integration import EventBridgeIntegration, EventBridgeIntegrationArgs
from genesys.managed_integration import ManagedIntegration, ManagedIntegrationArgs


@dataclass(frozen=True)
class EventSource:
    name: pulumi.Output[str]
    """The verified partner event source (or the ``customEvents`` source)."""
    bus_name: pulumi.Output[str]
    """The bus the rules go on."""
    creates_bus: bool
    """True: the stack creates the partner bus named after the source."""
    integration: EventBridgeIntegration | ManagedIntegration | None = None
    """The verified (or, in managed mode, kept) Genesys integration; None with ``customEvents``."""

    @property
    def arn(self) -> pulumi.Output[str] | None:
        return self.integration.event_source_arn if self.integration else None

    def integration_summary(self) -> pulumi.Output[dict[str, Any]] | None:
        """``{id, name, state, topics}`` of the verified integration, for the stack's outputs."""
        i = self.integration
        if i is None:
            return None
        return pulumi.Output.all(i.integration_id, i.integration_name, i.intended_state, i.topics).apply(
            lambda v: {"id": v[0], "name": v[1], "state": v[2], "topics": v[3]}
        )


@dataclass(frozen=True)
class ManagedChoice:
    """Managed mode: the stack creates and keeps its Genesys integration."""

    name: str
    """The integration's name in Genesys Admin."""
    event_source_suffix: str
    """The partner event source's last part (the stack's name unless the stack file sets one)."""
    adopt: bool = False
    """Take over an integration of that name that the stack did not create."""


@dataclass(frozen=True)
class CustomSource:
    """``customEvents``: a source a team publishes to itself, on an existing bus."""

    source: str
    event_bus: str


def event_source(
    *,
    topics: list[str],
    integration: str | None,
    managed: ManagedChoice | None,
    custom: CustomSource | None,
    event_bus: str | None,
    account_id: str,
    region: str,
    partition: str,
    bus_description: str,
    owner: str = "",
) -> EventSource:
    """Where the rules' events come from. ``topics``: the Event Filter the enabled routes need;
    ``integration``: verify mode's id or name (None: the only enabled one); ``event_bus``: an
    existing bus to route on (None: the stack creates the partner bus); ``owner``
    (``<organization>/<project>/<stack>``): managed mode's mark on the integration."""
    if custom is not None:
        return EventSource(
            name=pulumi.Output.from_input(custom.source),
            bus_name=pulumi.Output.from_input(custom.event_bus),
            creates_bus=False,
        )
    integration_resource: EventBridgeIntegration | ManagedIntegration
    if managed is not None:
        integration_resource = ManagedIntegration(
            "integration",
            ManagedIntegrationArgs(
                name=managed.name,
                event_source_suffix=managed.event_source_suffix,
                aws_account_id=account_id,
                aws_region=region,
                aws_partition=partition,
                topics=topics,
                owner=owner,
                adopt=managed.adopt,
            ),
            # Deleting it deletes Genesys' partner event source, and the bus stops receiving:
            # a `pulumi destroy` stops here until someone unprotects it (README, "Managed mode").
            opts=pulumi.ResourceOptions(protect=True),
        )
    else:
        integration_resource = EventBridgeIntegration(
            "integration",
            EventBridgeIntegrationArgs(
                integration=integration,
                aws_account_id=account_id,
                aws_region=region,
                aws_partition=partition,
                required_topics=topics,
                event_bus_name=event_bus,
            ),
        )
    if event_bus is not None:
        return EventSource(
            name=integration_resource.event_source_name,
            bus_name=pulumi.Output.from_input(event_bus),
            creates_bus=False,
            integration=integration_resource,
        )
    # The stack creates the partner bus: the source must exist first (managed mode's first `up`
    # waits for Genesys to create it) and no bus this stack does not own may have taken it.
    source = (
        awaited_partner_source(integration_resource.event_source_name, managed.name, bus_description)
        if managed is not None
        else confirm_partner_source(integration_resource.event_source_name, bus_description)
    )
    return EventSource(name=source, bus_name=source, creates_bus=True, integration=integration_resource)
