"""GenesysClient: the few Platform API calls this project makes, on one requests Session.

Retries are urllib3's (`Retry` on the session's `HTTPAdapter`): 429 honouring ``Retry-After``,
502/503/504 and connection errors, bounded in attempts and in how long one wait may be. A
``Retry-After`` longer than that bound fails at once with a message that says so, rather than
holding a deployment hostage. Every request has a timeout.

Errors are :class:`GenesysError` with a message a user can act on. Neither the client secret
nor the token ever appears in a message or a log line.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3

from genesys import endpoints as allowed
from genesys.errors import (
    GenesysAuthError,
    GenesysError,
    GenesysNotFound,
    GenesysPermissionError,
)
from genesys.regions import GenesysEndpoints
from genesys.transport import RetryBounds, session_with_retries, token_throttled

log = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_PAGES = 1000

# Which role permission each endpoint family needs (reference section 3).
PERMISSIONS = {
    "/api/v2/integrations": "integrations:integration:view",
    "/api/v2/routing/queues": "routing:queue:view",
}


@dataclass(frozen=True)
class Page:
    entities: list[dict[str, Any]]
    page_count: int


@dataclass(frozen=True)
class _Credentials:
    client_id: str
    client_secret: str = field(repr=False)  # never in a repr or a traceback's locals


@dataclass
class _Token:
    value: str = field(repr=False)  # never in a repr, a log line or a traceback's locals
    expires_at: float = 0.0


class GenesysClient:
    """A client-credentials client for the Genesys Cloud Platform API."""

    def __init__(
        self,
        endpoints: GenesysEndpoints,
        client_id: str,
        client_secret: str,
        bounds: RetryBounds | None = None,
    ) -> None:
        check_endpoints(endpoints)
        self._api_origin = allowed.origin_of(endpoints.api_url)
        self._origins = {allowed.origin_of(endpoints.login_url), self._api_origin}
        self.endpoints = endpoints
        self.bounds = bounds or RetryBounds()
        self._credentials = _Credentials(client_id, client_secret)
        self._session = session_with_retries(self.bounds)
        self._token: _Token | None = None
        self._token_lock = threading.Lock()

    def __repr__(self) -> str:  # never show the credentials
        return f"GenesysClient(api_url={self.endpoints.api_url!r})"

    # -- token ----------------------------------------------------------------------------

    def _fetch_token(self) -> _Token:
        url = f"{self.endpoints.login_url}/oauth/token"
        response = self._send(
            "POST",
            url,
            auth=requests.auth.HTTPBasicAuth(self._credentials.client_id, self._credentials.client_secret),
            data={"grant_type": "client_credentials"},
        )
        if response.status_code == 400 and token_throttled(_body(response)):
            raise GenesysError(
                f"Genesys login ({urlsplit(url).netloc}) is still rate-limiting this OAuth client's "
                f"token requests (HTTP 400: {error_text(response)}) after {self.bounds.attempts + 1} "
                "attempts. Another job may be using the same client: try again later, or give this "
                "stack its own OAuth client."
            )
        if response.status_code in (400, 401, 403):
            raise GenesysAuthError(
                f"Genesys login ({urlsplit(url).netloc}) refused the OAuth client "
                f"(HTTP {response.status_code}: {error_text(response)}). Check genesys:clientId "
                "and genesys:clientSecret (or GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET), that "
                "the client uses the Client Credentials grant, and that genesys:region is the "
                "organisation's region."
            )
        body = self.checked_json(response, "POST", "/oauth/token")
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise GenesysError("Genesys login answered without an access_token")
        expires_in = float(body.get("expires_in") or 0)
        return _Token(token, time.monotonic() + max(expires_in - 60, 0))

    def _bearer(self, refresh: bool = False) -> str:
        with self._token_lock:
            if refresh or self._token is None or time.monotonic() >= self._token.expires_at:
                self._token = self._fetch_token()
            return self._token.value

    # -- requests -------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        path = urlsplit(url).path
        try:
            origin = allowed.origin_of(url)
        except allowed.EndpointRefused:
            origin = None
        if origin not in self._origins:
            # Last line of defence: whatever the URL, no credential leaves for another origin.
            raise self._not_followed(method, path, url)
        timeout = (self.bounds.connect_timeout, self.bounds.read_timeout)
        try:
            # No redirects: one could lead the token (or, from the login host, the secret's
            # request) to a host this client was never given.
            response = self._session.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
        except requests.RequestException as e:
            raise GenesysError(
                f"{method} {path}: could not reach Genesys at {urlsplit(url).netloc} after "
                f"{self.bounds.attempts + 1} attempts ({failure_reason(e)}). Check genesys:region / "
                "genesys:apiUrl and the network path to Genesys Cloud."
            ) from None
        log.debug("%s %s -> %s", method, path, response.status_code)
        if response.is_redirect:
            location = response.headers.get("Location", "")
            raise GenesysError(
                f"{method} {path}: Genesys answered with a redirect (HTTP {response.status_code}) to "
                f"{allowed.shown(location)}; not followed. Check genesys:apiUrl / genesys:loginUrl."
            )
        return response

    def get(self, path: str, params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None) -> Any:
        """GET an API path (``/api/v2/...``) and return its JSON body."""
        url = self.api_url_of(path)
        response = self._send("GET", url, params=params, headers=self.auth_header())
        if response.status_code == 401:
            # The token may have been revoked or expired early: one fresh token, one more try.
            response = self._send("GET", url, params=params, headers=self.auth_header(refresh=True))
        return self.checked_json(response, "GET", urlsplit(url).path)

    def api_url_of(self, path: str) -> str:
        """The URL to GET for an API path or a ``nextUri``: a relative ``/api/v2/...`` path is
        joined to the configured API URL; an absolute URL is followed only when the HTTP library
        would connect to the API's own origin (:func:`genesys.endpoints.origin_of`). Anything
        else would carry the bearer token elsewhere and is refused before a request is made.
        Also for the writes (genesys.integration_writes), which send on a session of their own."""
        if path.startswith("/api/v2/") and not allowed.UNSAFE_ANYWHERE.search(path):
            return f"{self.endpoints.api_url}{path}"
        try:
            same_origin = allowed.origin_of(path) == self._api_origin
        except allowed.EndpointRefused:
            same_origin = False
        if not same_origin:
            raise self._not_followed("GET", urlsplit(path).path, path)
        return path

    def _not_followed(self, method: str, path: str, url: str) -> GenesysError:
        return GenesysError(
            f"{method} {path}: Genesys pointed this client at {allowed.shown(url)}, which is not "
            f"its own origin ({self.endpoints.api_url}); not followed, and no credential was sent"
        )

    def auth_header(self, refresh: bool = False) -> dict[str, str]:
        """The headers of an API call on this client's token (a fresh one with ``refresh``);
        also for the writes (genesys.integration_writes), which have a session of their own."""
        return {"Authorization": f"Bearer {self._bearer(refresh)}", "Accept": "application/json"}

    def checked_json(self, response: requests.Response, method: str, path: str) -> Any:
        """The JSON body of a successful answer; for any other, the GenesysError that says
        what to do (401, 403 with the permission, 404, 429, other errors, a body not JSON)."""
        status = response.status_code
        if status == 401:
            raise GenesysAuthError(
                f"{method} {path}: Genesys refused the OAuth token (401) even after a fresh login. "
                "The OAuth client may have been deleted or its credentials rotated: check "
                "genesys:clientId and genesys:clientSecret."
            )
        if status == 403:
            permission = next((p for prefix, p in PERMISSIONS.items() if path.startswith(prefix)), None)
            need = f"the permission {permission}" if permission else "the permission this call needs"
            raise GenesysPermissionError(
                f"{method} {path}: forbidden (403). The OAuth client's role lacks {need}; grant it "
                "in Genesys Cloud under Admin > Roles / Permissions, then run again."
            )
        if status == 404:
            raise GenesysNotFound(f"{method} {path}: not found (404): {error_text(response)}")
        if status == 429:
            raise GenesysError(
                f"{method} {path}: still rate-limited (429) after {self.bounds.attempts + 1} "
                "attempts; try again later or give this stack its own OAuth client."
            )
        if status >= 400:
            raise GenesysError(f"{method} {path}: HTTP {status}: {error_text(response)}")
        try:
            return response.json()
        except ValueError:
            raise GenesysError(
                f"{method} {path}: HTTP {status} but the body is not JSON "
                f"({response.headers.get('Content-Type', 'no content type')}); is genesys:apiUrl "
                "pointing at the Platform API?"
            ) from None

    def pages(
        self, path: str, params: Sequence[tuple[str, Any]] = (), page_size: int = PAGE_SIZE
    ) -> Iterator[Page]:
        """Yield each page (its ``entities`` and ``pageCount``), following ``nextUri`` (or
        ``pageNumber`` up to ``pageCount``). A page that repeats, or more than MAX_PAGES pages,
        is an error."""
        query: list[tuple[str, Any]] = [*params, ("pageSize", page_size), ("pageNumber", 1)]
        target: str = path
        seen: set[str] = set()
        for number in range(1, MAX_PAGES + 1):
            body = self.get(target, query if number == 1 or target == path else None)
            entities = body.get("entities") or []
            page_count = int(body.get("pageCount") or 0)
            yield Page(entities, page_count)
            next_uri = body.get("nextUri")
            if not entities or (number >= page_count and not next_uri):
                return
            if next_uri:
                if next_uri in seen:
                    raise GenesysError(f"GET {path}: Genesys paging loops back to {next_uri}")
                seen.add(next_uri)
                target = next_uri
            elif number < page_count:
                query = [*params, ("pageSize", page_size), ("pageNumber", number + 1)]
            else:
                return
        raise GenesysError(f"GET {path}: more than {MAX_PAGES} pages; narrow the request")


def _body(response: requests.Response) -> bytes:
    """The body, also when urllib3's retry already read it (see transport.BoundedRetry.increment)."""
    return response.content or getattr(response.raw, "data", None) or b""


def error_text(response: requests.Response) -> str:
    raw = _body(response)
    try:
        body = json.loads(raw)
    except ValueError:
        return (raw.decode(errors="replace") or response.reason or "").strip()[:200]
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error_description") or body.get("error") or body)[:300]
    return str(body)[:300]


def failure_reason(e: requests.RequestException) -> str:
    # Exhausted retries arrive as a ConnectionError wrapping urllib3's MaxRetryError; its
    # reason says what actually happened on the last try.
    cause = e.args[0] if e.args else None
    last = getattr(cause, "reason", cause)
    if isinstance(e, requests.Timeout) or isinstance(last, urllib3.exceptions.TimeoutError):
        return "timed out"
    if isinstance(last, urllib3.exceptions.NewConnectionError):
        return "connection refused"
    if isinstance(e, requests.ConnectionError):
        return "connection failed"
    return type(e).__name__


def check_endpoints(endpoints: GenesysEndpoints) -> None:
    """Before anything is sent: the secret goes to the login host and the token to the API
    host, so both must be Genesys' own, or allowed by the owner of this process
    (``GENESYS_ALLOW_CUSTOM_ENDPOINTS=1``); raises GenesysError otherwise."""
    for kind, url in (("login", endpoints.login_url), ("api", endpoints.api_url)):
        key = f"genesys:{kind}Url"
        try:
            allowed.check(url, allowed.own_host(kind, endpoints.domain), os.environ)
        except allowed.EndpointRefused as e:
            raise GenesysError(f"{key}: {e}") from None


@functools.lru_cache(maxsize=8)
def shared_client(endpoints: GenesysEndpoints, client_id: str, client_secret: str) -> GenesysClient:
    """One client, and so one token, per process and OAuth client: the provider host runs
    every dynamic resource of a deployment in one process. Callers check the endpoints
    (:func:`check_endpoints`) before asking: a cached client was allowed when it was made."""
    return GenesysClient(endpoints, client_id, client_secret)
