"""What managed mode wants the Genesys integration to hold, and how the live one differs.

Pure: no HTTP. The dynamic provider (genesys.managed_integration) reads the live integration and
its configuration, and asks here what to write and what a preview shows as drift.

Ownership is a line in the configuration's ``notes`` (the Notes box under the integration's
Configuration tab in Genesys Admin): ``managed-by: <owner>``, the stack's organization, project and
stack. The stack writes only to an integration that carries its own mark, or that it was told to
adopt; the mark tells an administrator who keeps the integration and that a change made by hand
is reverted by the next ``pulumi up``.
"""

from __future__ import annotations

from typing import Any

MARK_PREFIX = "managed-by: "
NOTES_TEXT = (
    "Created and kept by a Pulumi stack of genesys-queue-events: a change made here shows in the "
    "stack's next preview and is undone by its next `pulumi up`."
)


def mark(owner: str) -> str:
    return f"{MARK_PREFIX}{owner}"


def notes(owner: str) -> str:
    return f"{mark(owner)}\n{NOTES_TEXT}"


def marked_by(config: dict[str, Any]) -> str | None:
    """The owner named by the configuration's mark, or None when it has none."""
    for line in str(config.get("notes") or "").splitlines():
        if line.startswith(MARK_PREFIX):
            return line[len(MARK_PREFIX) :].strip() or None
    return None


def desired_properties(inputs: dict[str, Any]) -> dict[str, Any]:
    """The four properties the stack sets, exactly as the integration's configuration holds them."""
    return {
        "awsAccountId": inputs["aws_account_id"],
        "awsAccountRegion": inputs["aws_region"],
        "eventSourceSuffix": inputs["event_source_suffix"],
        "eventFilter": sorted(set(inputs["topics"])),
    }


def desired_config(current: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """The PUT body: the current configuration (its ``version``, any property the stack does not
    set, ``advanced``, credentials) with the name, the four properties and the mark replaced."""
    properties = {**(current.get("properties") or {}), **desired_properties(inputs)}
    body = {
        **{k: v for k, v in current.items() if k not in ("selfUri",)},
        "name": inputs["name"],
        "version": current.get("version"),
        "properties": properties,
        "advanced": current.get("advanced") or {},
        "notes": notes(inputs["owner"]),
    }
    return body


def drift(entity: dict[str, Any], config: dict[str, Any], inputs: dict[str, Any]) -> list[str]:
    """Each difference between the live integration and the stack's, in words, sorted; empty
    when Genesys holds what the stack wants."""
    found: list[str] = []
    if entity.get("intendedState") != "ENABLED":
        found.append(f"intendedState: {entity.get('intendedState')} in Genesys, the stack wants ENABLED")
    if entity.get("name") != inputs["name"]:
        found.append(f"name: {entity.get('name')!r} in Genesys, the stack wants {inputs['name']!r}")
    live = config.get("properties") or {}
    for key, wanted in desired_properties(inputs).items():
        if key == "eventFilter":
            have = {str(t) for t in live.get(key) or []}
            missing, extra = sorted(set(wanted) - have), sorted(have - set(wanted))
            if missing:
                found.append(f"eventFilter: lacks {', '.join(missing)}")
            if extra:
                found.append(f"eventFilter: also forwards {', '.join(extra)}")
        elif str(live.get(key) or "") != wanted:
            found.append(f"{key}: {live.get(key) or '(none)'!s} in Genesys, the stack wants {wanted}")
    if marked_by(config) != inputs["owner"]:
        found.append(f"notes: without this stack's mark ({mark(inputs['owner'])})")
    return sorted(found)
