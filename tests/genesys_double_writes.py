"""The writes of the Genesys API double (tests/genesys_double.py), as Genesys takes them.

``POST /api/v2/integrations`` (created DISABLED, with an empty configuration at version 1),
``PUT .../config/current`` (409 when the body's ``version`` is not the current one), ``PATCH`` of
``intendedState``, and ``DELETE``. Each needs its permission when the client has a permission
list (``data["permissions"][client_id]``), else 403 worded as Genesys words it.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

# The permission each write needs (Genesys' Platform API reference, Integrations).
WRITE_PERMISSIONS = {
    "POST": "integrations:integration:add",
    "PUT": "integrations:integration:edit",
    "PATCH": "integrations:integration:edit",
    "DELETE": "integrations:integration:delete",
}


class WritableIntegrations:
    """Mixed into GenesysDouble: its data, lock and tokens' clients are the double's."""

    data: dict[str, Any]
    token_clients: dict[str, str]
    deleted: list[str]
    config_versions: list[int]
    _lock: threading.Lock

    def _client_of(self, auth: str | None) -> str | None:
        with self._lock:
            return self.token_clients.get((auth or "")[7:])

    def _write(self, method: str, path: str, body: str, client_id: str | None) -> tuple[int, Any]:
        permission = WRITE_PERMISSIONS.get(method)
        granted = self.data.get("permissions", {}).get(client_id)
        if permission and granted is not None and permission not in granted:
            return 403, {
                "message": "Unable to perform the requested action. You are missing the following "
                f"permission(s): [{permission}]",
                "code": "missing.any.permissions",
                "status": 403,
                "messageParams": {"permissions": permission},
            }
        payload = json.loads(body) if body else {}
        parts = path.split("/")  # ['', 'api', 'v2', 'integrations', id?, 'config', 'current']
        if method == "POST" and len(parts) == 4:
            return self._create_integration(payload)
        integration = next(
            (i for i in self.data["integrations"] if len(parts) > 4 and i["id"] == parts[4]), None
        )
        if integration is None:
            return 404, {"message": f"integration {path} not found", "code": "not.found", "status": 404}
        if method == "PUT" and parts[5:] == ["config", "current"]:
            return self._put_config(integration, payload)
        if method == "PATCH" and len(parts) == 5:
            state = payload.get("intendedState")
            if state not in ("ENABLED", "DISABLED"):
                return 400, {
                    "message": f"intendedState {state!r} is not valid",
                    "code": "bad.request",
                    "status": 400,
                }
            integration["intendedState"] = state
            integration["reportedState"] = {"code": "ACTIVE" if state == "ENABLED" else "INACTIVE"}
            return 200, self._entity(integration)
        if method == "DELETE" and len(parts) == 5:
            self.data["integrations"].remove(integration)
            self.deleted.append(integration["id"])
            return 200, self._entity(integration)
        return 405, {"message": "method not allowed"}

    def _create_integration(self, payload: dict[str, Any]) -> tuple[int, Any]:
        type_id = (payload.get("integrationType") or {}).get("id")
        if not payload.get("name") or not type_id:
            return 400, {
                "message": "name and integrationType.id are required",
                "code": "bad.request",
                "status": 400,
            }
        integration = {
            "id": str(uuid.uuid4()),
            "name": payload["name"],
            "integrationType": {"id": type_id},
            "intendedState": "DISABLED",
            "reportedState": {"code": "INACTIVE"},
            "config": {"name": payload["name"], "version": 1, "properties": {}, "advanced": {}, "notes": ""},
        }
        self.data["integrations"].append(integration)
        return 200, self._entity(integration)

    def _put_config(self, integration: dict[str, Any], payload: dict[str, Any]) -> tuple[int, Any]:
        current = integration["config"]
        if payload.get("version") != current.get("version"):
            return 409, {
                "message": f"Version mismatch: the configuration is at version {current.get('version')}, "
                f"the request has {payload.get('version')}",
                "code": "conflict",
                "status": 409,
            }
        stored = {**payload, "version": int(current.get("version") or 0) + 1}
        integration["config"] = stored
        if payload.get("name"):
            # The configuration's name is the integration's (Genesys' Terraform provider keeps
            # an integration's name only as config.name): a PUT renames it.
            integration["name"] = payload["name"]
        self.config_versions.append(stored["version"])
        return 200, stored

    @staticmethod
    def _entity(integration: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in integration.items() if k != "config"}
