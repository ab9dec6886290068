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

from components import patterns
from components.partner_source import confirm_partner_source
from components.source_wait import awaited_partner_source
from genesys.integration import EventBridgeIntegration, EventBridgeIntegrationArgs
from genesys.managed_integration import ManagedIntegration, ManagedIntegrationArgs
from settings import Settings


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


def event_source(
    stack_settings: Settings,
    *,
    account_id: str,
    region: str,
    partition: str,
    bus_description: str,
    owner: str = "",
    default_suffix: str = "",
) -> EventSource:
    """``owner`` (``<organization>/<project>/<stack>``) and ``default_suffix`` (the stack's name)
    are for managed mode: the integration's mark and its event source's default suffix."""
    custom = stack_settings.custom_events
    if custom is not None:
        return EventSource(
            name=pulumi.Output.from_input(custom.source),
            bus_name=pulumi.Output.from_input(custom.event_bus),
            creates_bus=False,
        )
    topics = list(patterns.required_topics(r.topics for r in stack_settings.enabled_routes))
    managed = stack_settings.managed_integration
    if managed is not None:
        kept = ManagedIntegration(
            "integration",
            ManagedIntegrationArgs(
                name=managed.name,
                event_source_suffix=managed.event_source_suffix or default_suffix,
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
        if stack_settings.event_bus is not None:
            return EventSource(
                name=kept.event_source_name,
                bus_name=pulumi.Output.from_input(stack_settings.event_bus),
                creates_bus=False,
                integration=kept,
            )
        source = awaited_partner_source(kept.event_source_name, managed.name, bus_description)
        return EventSource(name=source, bus_name=source, creates_bus=True, integration=kept)
    integration = EventBridgeIntegration(
        "integration",
        EventBridgeIntegrationArgs(
            integration=stack_settings.integration,
            aws_account_id=account_id,
            aws_region=region,
            aws_partition=partition,
            required_topics=topics,
            event_bus_name=stack_settings.event_bus,
        ),
    )
    if stack_settings.event_bus is not None:
        return EventSource(
            name=integration.event_source_name,
            bus_name=pulumi.Output.from_input(stack_settings.event_bus),
            creates_bus=False,
            integration=integration,
        )
    source = confirm_partner_source(integration.event_source_name, bus_description)
    return EventSource(name=source, bus_name=source, creates_bus=True, integration=integration)
