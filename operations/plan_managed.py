"""The plan's Genesys part in managed mode: the requests the first `pulumi up` makes to Genesys."""

from __future__ import annotations

from typing import Any

from components import source_wait
from genesys import managed_config
from genesys.integration import INTEGRATION_TYPE
from operations import offline_program as offline

MANAGED_INTEGRATION = "pulumi-python:dynamic/genesys:ManagedIntegration"


def managed_integration(registered: offline.Registered) -> dict[str, Any]:
    """Managed mode: what the first `pulumi up` writes to Genesys, request by request."""
    inputs, outs = registered.inputs, registered.outputs
    config = managed_config.desired_config({"version": 1}, inputs)
    return {
        "managed": True,
        "name": inputs["name"],
        "adopt": inputs["adopt"],
        "eventSourceName": outs["event_source_name"],
        "requiredTopics": list(inputs["topics"]),
        "genesysRequests": [
            {
                "method": "POST",
                "path": "/api/v2/integrations",
                "body": {"name": inputs["name"], "integrationType": {"id": INTEGRATION_TYPE}},
            },
            {"method": "PUT", "path": "/api/v2/integrations/<id>/config/current", "body": config},
            {"method": "PATCH", "path": "/api/v2/integrations/<id>", "body": {"intendedState": "ENABLED"}},
        ],
        "sourceWaitSeconds": source_wait.DEFAULT_WAIT.longest_seconds,
    }
