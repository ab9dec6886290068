"""The writes managed mode makes to Genesys: create an integration, put its configuration, set
its intended state, delete it.

They go through a requests Session of their own, on the client's token, with urllib3's ``Retry``
as the reads have it but for one point: a POST creates, so it is retried only on 429 (Genesys did
not act on it). After a 502/503/504 or a timeout the integration may exist, and a blind second
POST would make two with one name; the error says so, and the next run finds it by name. PUT
(versioned: a repeat answers 409), PATCH (a state, idempotent) and DELETE are retried like reads.

A 409 on the configuration's PUT (or a 400 "does not match the current version", or a 408) means
someone else may have saved it since it was read: the only fix is to read the new version and
build the body again, which no transport retry can do. That is the one
loop here, bounded by CONFLICT_ATTEMPTS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import requests

from genesys.client import GenesysClient, error_text, failure_reason
from genesys.errors import GenesysConflict, GenesysError, GenesysNotFound, GenesysPermissionError
from genesys.integration import INTEGRATIONS_PATH
from genesys.transport import BoundedRetry, session_with_retries

log = logging.getLogger(__name__)

CONFLICT_ATTEMPTS = 4
"""PUTs of one configuration before a run gives up on an integration someone keeps saving."""

# The permission each write needs; the reads need integrations:integration:view.
WRITE_PERMISSIONS = {
    "POST": "integrations:integration:add",
    "PUT": "integrations:integration:edit",
    "PATCH": "integrations:integration:edit",
    "DELETE": "integrations:integration:delete",
}
WRITE_RETRY_METHODS = frozenset({"GET", "PUT", "PATCH", "DELETE"})


def _version_mismatch(method: str, status: int, text: str) -> bool:
    """Genesys refuses a stale ``version`` with 409, or with 400 and "does not match the current
    version"; a 408 on a PUT leaves it unknown whether the write landed. All three are read again
    and retried, as the Genesys Terraform provider does (util.IsVersionMismatch)."""
    if status == 409:
        return True
    if method != "PUT":
        return False
    return status == 408 or (status == 400 and "does not match the current version" in text)


class WriteRetry(BoundedRetry):
    """The reads' Retry, except that a POST is retried on 429 only (see the module's doc)."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST":
            return status_code == 429
        return super().is_retry(method, status_code, has_retry_after)


class IntegrationWrites:
    """Writes to one organisation's integrations, on ``client``'s token and bounds."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client
        self._session = session_with_retries(client.bounds, WriteRetry, WRITE_RETRY_METHODS)

    def __repr__(self) -> str:
        return f"IntegrationWrites({self.client!r})"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = self.client.api_url_of(path)  # on the API's origin, as the reads are
        timeout = (self.client.bounds.connect_timeout, self.client.bounds.read_timeout)
        response = None
        for refresh in (False, True):  # a 401: one fresh token, one more try (as the reads do)
            headers = {**self.client.auth_header(refresh), "Content-Type": "application/json"}
            try:
                response = self._session.request(
                    method, url, json=body, headers=headers, timeout=timeout, allow_redirects=False
                )
            except requests.RequestException as e:
                again = (
                    " It may have been created: run again, and the stack finds it by name."
                    if method == "POST"
                    else ""
                )
                raise GenesysError(
                    f"{method} {path}: no answer from Genesys at {self.client.endpoints.api_url} "
                    f"({failure_reason(e)}).{again}"
                ) from None
            log.debug("%s %s -> %s", method, path, response.status_code)
            if response.status_code != 401:
                break
        assert response is not None
        status = response.status_code
        if status == 403:
            permission = WRITE_PERMISSIONS.get(method, "integrations:integration:edit")
            raise GenesysPermissionError(
                f"{method} {path}: forbidden (403): {error_text(response)}. Managed mode needs the "
                f"permission {permission} for this; grant it to the OAuth client's role in Genesys "
                "Cloud under Admin > Roles / Permissions (managed mode needs "
                "integrations:integration:add, :edit and :view, and :delete to destroy), or use "
                "verify mode: `integration: <name>` without `manage`."
            )
        if _version_mismatch(method, status, error_text(response)):
            raise GenesysConflict(
                f"{method} {path}: version mismatch (HTTP {status}): {error_text(response)}"
            )
        if response.is_redirect:
            raise GenesysError(
                f"{method} {path}: Genesys answered with a redirect (HTTP {status}); not followed."
            )
        if status == 204:
            return {}
        return self.client.checked_json(response, method, path)

    def create(self, name: str, integration_type: str) -> dict[str, Any]:
        """POST a new integration; Genesys creates it DISABLED with an empty configuration."""
        body = {"name": name, "integrationType": {"id": integration_type}}
        entity: dict[str, Any] = self._call("POST", INTEGRATIONS_PATH, body)
        return entity

    def put_config(
        self, integration_id: str, build: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """PUT the configuration ``build`` makes from the current one (it carries the current
        ``version``); on 409, read the new version and build again, CONFLICT_ATTEMPTS times."""
        path = f"{INTEGRATIONS_PATH}/{integration_id}/config/current"
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            current = self.client.get(path)
            try:
                saved: dict[str, Any] = self._call("PUT", path, build(current))
                return saved
            except GenesysConflict:
                log.info("PUT %s: 409 at version %s (attempt %d)", path, current.get("version"), attempt)
        raise GenesysError(
            f"PUT {path}: the integration's configuration changed {CONFLICT_ATTEMPTS} times while "
            "this stack was saving it (409 each time): someone or something else is editing it. "
            "Let them finish, then run again."
        )

    def set_state(self, integration_id: str, state: str) -> dict[str, Any]:
        """PATCH the integration's ``intendedState`` (ENABLED or DISABLED)."""
        entity: dict[str, Any] = self._call(
            "PATCH", f"{INTEGRATIONS_PATH}/{integration_id}", {"intendedState": state}
        )
        return entity

    def delete(self, integration_id: str) -> bool:
        """DELETE the integration; False when it was already gone."""
        try:
            self._call("DELETE", f"{INTEGRATIONS_PATH}/{integration_id}")
        except GenesysNotFound:
            return False
        return True
