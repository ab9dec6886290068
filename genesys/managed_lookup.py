"""Which Genesys integration is this stack's, in managed mode: read only (GET), so a preview
can ask it.

By the id the state holds, else by the name, else, for one the state holds, by the stack's mark
(``managed_config.mark``) in its notes. The mark matters because the engine hands ``check()``
the inputs an earlier ``check()`` returned, and a first up's hold no id (the integration did not
exist yet): after a rename, in the stack file or in Genesys Admin, only the mark still finds it,
so the rename is an update of the integration the stack has, not a second one.
"""

from __future__ import annotations

from typing import Any

from genesys import managed_config
from genesys.client import GenesysClient
from genesys.errors import GenesysError, GenesysNotFound
from genesys.integration import INTEGRATIONS_PATH, eventbridge_integrations

Found = tuple[dict[str, Any], dict[str, Any]]
"""An integration as ``GET /api/v2/integrations/{id}`` answers it, and its current configuration."""


class NotOurs(GenesysError):
    """An integration of that name exists, and this stack neither created nor adopts it."""


def by_name(client: GenesysClient, name: str) -> list[dict[str, Any]]:
    return [e for e in eventbridge_integrations(client) if e.get("name") == name]


def by_mark(client: GenesysClient, owner: str) -> list[Found]:
    """The EventBridge integrations whose configuration carries ``owner``'s mark, with it."""
    configs = ((e, config_of(client, e["id"])) for e in eventbridge_integrations(client))
    return [(e, config) for e, config in configs if managed_config.marked_by(config) == owner]


def config_of(client: GenesysClient, integration_id: str) -> dict[str, Any]:
    config: dict[str, Any] = client.get(f"{INTEGRATIONS_PATH}/{integration_id}/config/current")
    return config


def org_id(client: GenesysClient) -> str:
    return str(client.get("/api/v2/organizations/me")["id"])


def not_ours(entity: dict[str, Any], config: dict[str, Any], inputs: dict[str, Any]) -> NotOurs:
    owner = managed_config.marked_by(config)
    who = f"the stack {owner}" if owner else "someone outside this stack (it carries no stack's mark)"
    return NotOurs(
        f"an Amazon EventBridge integration named {inputs['name']!r} already exists (id {entity['id']}, "
        f"{entity.get('intendedState')}), created by {who}; managed mode writes only to what this stack "
        "created, so it is left untouched. Either give this stack's integration another `name`, or "
        "have the stack take this one over and rewrite its configuration with `adopt: true` under "
        "genesys-queue-events:integration, or only verify it: `genesys-queue-events:integration: "
        f"{inputs['name']}`."
    )


def gone(inputs: dict[str, Any]) -> str:
    return (
        f"the Genesys integration {inputs['name']!r} that this stack keeps no longer exists (deleted "
        "in Genesys Admin? Genesys deleted its partner event source with it, so the bus receives "
        "nothing). The stack protects it, so it is not replaced on its own: run `pulumi refresh` "
        "(it drops the integration from the stack's state), then `pulumi up` creates it again."
    )


def find(client: GenesysClient, inputs: dict[str, Any], known_id: str | None, in_state: bool) -> Found | None:
    """This stack's integration (by ``known_id``, else by name, else, when ``in_state``, by
    the stack's mark) with its configuration, or None when there is none. Raises NotOurs for
    one this stack may not write to, GenesysError when the name or the mark is ambiguous."""
    entity: dict[str, Any] | None = None
    config: dict[str, Any] | None = None
    if known_id:
        try:
            entity = client.get(f"{INTEGRATIONS_PATH}/{known_id}")
        except GenesysNotFound:
            entity = None
    if entity is None:
        matches = by_name(client, inputs["name"])
        if len(matches) > 1:
            ids = ", ".join(str(m["id"]) for m in matches)
            raise GenesysError(
                f"several EventBridge integrations are named {inputs['name']!r} ({ids}); managed "
                "mode needs a name no other integration has: delete the extra ones in Genesys "
                "Admin, or give this stack's another `name`."
            )
        entity = matches[0] if matches else None
    if entity is None and in_state:
        marked = by_mark(client, inputs["owner"])
        if len(marked) > 1:
            ids = ", ".join(str(e["id"]) for e, _ in marked)
            raise GenesysError(
                f"several EventBridge integrations carry this stack's mark "
                f"({managed_config.mark(inputs['owner'])}): {ids}; keep the one this stack "
                "routes from and delete the others in Genesys Admin (or remove the mark from "
                "their notes)."
            )
        entity, config = marked[0] if marked else (None, None)
    if entity is None:
        return None
    config = config if config is not None else config_of(client, entity["id"])
    owned = managed_config.marked_by(config) == inputs["owner"]
    if not owned and not inputs.get("adopt") and entity["id"] != known_id:
        raise not_ours(entity, config, inputs)
    return entity, config
