"""From the configured routes and what Genesys resolved, to each rule's pattern, the routing
component's per-queue arguments, and the ``routes`` table the stack exports.

Every route's verified queue and pattern are computed in one pass over the resolved queues, and
each rule then takes its own entry: combining the whole map once per queue would make the
program quadratic (reference, section 6).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from components import outputs, patterns
from components.invoke_grants import PolicyHolder
from components.routing import QueueRouteArgs
from settings import QueueRoute, Settings


def _verified(
    stack_settings: Settings, source: str, queue: Mapping[str, Any], route: QueueRoute
) -> dict[str, Any]:
    custom = stack_settings.custom_events
    if custom is not None:
        pattern = patterns.custom_pattern(
            custom.source, custom.detail_types, custom.queue_id_path, queue["id"]
        )
    else:
        pattern = patterns.genesys_pattern(source, queue["id"], route.topics)
    return {"id": queue["id"], "name": queue["name"], "eventPattern": patterns.serialise(pattern)}


def verified_routes(
    stack_settings: Settings, source: pulumi.Output[str], resolved_queues: pulumi.Output[dict[str, Any]]
) -> pulumi.Output[dict[str, dict[str, Any]]]:
    """Configured reference → ``{id, name, eventPattern}`` with the verified id and source."""
    return outputs.combine(source, resolved_queues).apply(
        lambda v: {
            r.queue.reference: _verified(stack_settings, v[0], v[1][r.queue.reference], r)
            for r in stack_settings.routes
        }
    )


def route_args(
    route: QueueRoute,
    verified: pulumi.Output[dict[str, dict[str, Any]]],
    confirmed_functions: Mapping[PolicyHolder, pulumi.Output[str]],
) -> QueueRouteArgs:
    reference = route.queue.reference
    return QueueRouteArgs(
        slug=route.queue.resource_name,
        queue=reference,
        event_pattern=verified.apply(lambda v: v[reference]["eventPattern"]),
        target=route.target.policy_holder,
        function_arn=confirmed_functions[route.target.policy_holder],
        enabled=route.enabled,
    )


def exported_routes(
    stack_settings: Settings,
    verified: pulumi.Output[dict[str, dict[str, Any]]],
    rules: pulumi.Output[dict[str, dict[str, Any]]],
) -> pulumi.Output[dict[str, Any]]:
    """Queue id → its route: the verified queue and pattern, with the component's rule."""

    def table(v: tuple[Any, ...]) -> dict[str, Any]:
        by_reference, by_route_name = v
        out = {}
        for r in stack_settings.routes:
            queue = by_reference[r.queue.reference]
            out[queue["id"]] = {
                "queueName": queue["name"],
                **by_route_name[r.queue.resource_name],
                "eventPattern": queue["eventPattern"],
            }
        return out

    return outputs.combine(verified, rules).apply(table)
