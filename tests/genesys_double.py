"""A Genesys Cloud Platform API double over loopback HTTP.

It serves the real endpoints and payload shapes this project uses (reference section 3 and 4):
the token endpoint of the login host (HTTP Basic, client credentials, expiry), integrations
(paged, filtered by ``integrationType``), an integration's config/current, organizations/me, and
routing/queues (paged, ``id=`` repeated, ``name=`` with leading/trailing ``*``). It also takes the
writes managed mode makes, as Genesys does: ``POST /api/v2/integrations`` (created DISABLED, with
an empty configuration at version 1), ``PUT .../config/current`` (409 when the body's ``version``
is not the current one), ``PATCH`` of ``intendedState``, and ``DELETE``; each needs its
permission when the client has a permission list (``data["permissions"]``), else 403 as Genesys
words it. Its data is a fixture; tests change it and
inject per-path faults: 429 with Retry-After, 5xx, slow answers, 401, 403, bodies that are not
JSON, an empty page, a paging loop. Every request is logged for counting (with its JSON body).
The writes live in tests/genesys_double_writes.py.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from genesys_double_writes import WritableIntegrations

FIXTURE = Path(__file__).parent / "fixtures" / "genesys.json"


@dataclass
class Fault:
    """One injected misbehaviour, used once (or ``times`` times) by the next matching request."""

    status: int | None = None
    retry_after: float | None = None
    delay: float = 0.0
    body: str | None = None
    """A raw body to send instead of JSON."""
    payload: dict[str, Any] | None = None
    """The JSON body to answer with ``status`` (default: an ``injected <status>`` message)."""
    empty_page: bool = False
    """Answer with no entities although pageCount says there are more pages."""
    loop: bool = False
    """Answer with a nextUri that points back at this same page."""
    next_uri: str | None = None
    """Answer with this nextUri (for example an absolute URL on another host)."""
    location: str | None = None
    """With a 3xx ``status``: the redirect's Location."""
    times: int = 1
    method: str | None = None
    """Only for requests with this method (None: any)."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None
    body: Any = None
    """The request's JSON body (None when it had none)."""


class GenesysDouble(WritableIntegrations):
    def __init__(self, data: dict[str, Any] | None = None, token_lifetime: int = 86399) -> None:
        self.data = copy.deepcopy(data if data is not None else json.loads(FIXTURE.read_text()))
        self.token_lifetime = token_lifetime
        self.latency = 0.0
        self.tokens: dict[str, float] = {}
        self.requests: list[Request] = []
        self.issued_tokens: list[str] = []
        self.token_clients: dict[str, str] = {}
        self.deleted: list[str] = []
        self.config_versions: list[int] = []
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    # -- life cycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> GenesysDouble:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- what tests change ----------------------------------------------------------------

    def inject(self, path: str, *faults: Fault) -> None:
        """Queue faults for requests whose path starts with ``path``."""
        with self._lock:
            self._faults.setdefault(path, []).extend(faults)

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def integration(self, name: str) -> dict[str, Any]:
        return next(i for i in self.data["integrations"] if i["name"] == name)

    def add_queues(self, count: int, prefix: str = "Generated Queue") -> list[dict[str, Any]]:
        added = [
            {
                "id": f"{n:08x}-0000-4000-8000-{n:012x}",
                "name": f"{prefix} {n:04d}",
                "division": {"id": "d0000000-0000-4000-8000-000000000001", "name": "Home"},
            }
            for n in range(1, count + 1)
        ]
        self.data["queues"].extend(added)
        return added

    def count(self, path_prefix: str = "") -> int:
        return sum(1 for r in self.requests if r.path.startswith(path_prefix))

    # -- serving ---------------------------------------------------------------------------

    def writes(self) -> list[Request]:
        """Every request that would change something in Genesys."""
        return [r for r in self.requests if r.method not in ("GET", "HEAD") and r.path != "/oauth/token"]

    def _next_fault(self, path: str, method: str) -> Fault | None:
        with self._lock:
            for prefix, faults in self._faults.items():
                if path.startswith(prefix) and faults and faults[0].method in (None, method):
                    fault = faults[0]
                    fault.times -= 1
                    if fault.times <= 0:
                        faults.pop(0)
                    return fault
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, Nagle's algorithm and
            # the client's delayed ACK add ~40 ms to every keep-alive response.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PUT(self) -> None:
                self._serve("PUT")

            def do_PATCH(self) -> None:
                self._serve("PATCH")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                auth = self.headers.get("Authorization")
                try:
                    parsed = json.loads(body) if body and parts.path != "/oauth/token" else None
                except ValueError:
                    parsed = body
                double.requests.append(Request(method, parts.path, query, auth, parsed))
                if double.latency:
                    time.sleep(double.latency)
                fault = double._next_fault(parts.path, method)
                if fault is not None:
                    if fault.delay:
                        time.sleep(fault.delay)
                    if fault.status is not None:
                        headers = {}
                        if fault.retry_after is not None:
                            headers["Retry-After"] = str(fault.retry_after)
                        if fault.location is not None:
                            headers["Location"] = fault.location
                        message = fault.payload or {
                            "message": f"injected {fault.status}",
                            "status": fault.status,
                        }
                        return self._send(fault.status, message, headers)
                    if fault.body is not None:
                        return self._send(200, fault.body, {"Content-Type": "text/html"})
                try:
                    status, payload = double._route(method, parts.path, query, body, auth, fault)
                except Exception as e:  # a bug in the double must show, not hang the client
                    status, payload = 500, {"message": f"double error: {e!r}"}
                self._send(status, payload, {})

            def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
                data = payload if isinstance(payload, str) else json.dumps(payload)
                raw = data.encode()
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(raw)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

        return Handler

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: str,
        auth: str | None,
        fault: Fault | None,
    ) -> tuple[int, Any]:
        if method == "POST" and path == "/oauth/token":
            return self._token(body, auth)
        if not path.startswith("/api/v2/"):
            return 404, {"message": f"no route {path}"}
        if not self._authorised(auth):
            return 401, {"message": "Invalid login credentials.", "code": "bad.credentials", "status": 401}
        if path.startswith("/api/v2/integrations") and method != "GET":
            return self._write(method, path, body, self._client_of(auth))
        if method != "GET":
            return 405, {"message": "method not allowed"}
        if path == "/api/v2/organizations/me":
            return 200, self.data["organization"]
        if path == "/api/v2/integrations":
            entities = [self._entity(i) for i in self.data["integrations"]]
            for type_id in query.get("integrationType", []):  # the server-side filter
                entities = [e for e in entities if (e.get("integrationType") or {}).get("id") == type_id]
            return 200, self._page(path, query, entities, fault)
        if path.startswith("/api/v2/integrations/") and path.count("/") == 4:
            for i in self.data["integrations"]:
                if i["id"] == path.split("/")[4]:
                    return 200, self._entity(i)
            return 404, {"message": f"integration {path} not found", "code": "not.found", "status": 404}
        if path.startswith("/api/v2/integrations/") and path.endswith("/config/current"):
            integration_id = path.split("/")[4]
            for i in self.data["integrations"]:
                if i["id"] == integration_id:
                    return 200, i["config"]
            return 404, {"message": f"integration {integration_id} not found", "status": 404}
        if path == "/api/v2/routing/queues":
            queues = self.data["queues"]
            ids = set(query.get("id", []))
            if ids:
                queues = [q for q in queues if q["id"] in ids]
            for name in query.get("name", []):
                queues = [q for q in queues if _name_matches(q["name"], name)]
            return 200, self._page(path, query, queues, fault)
        if path.startswith("/api/v2/routing/queues/"):
            queue_id = path.rsplit("/", 1)[1]
            for q in self.data["queues"]:
                if q["id"] == queue_id:
                    return 200, q
            return 404, {"message": f"queue {queue_id} not found", "status": 404}
        return 404, {"message": f"no route {path}"}

    def _token(self, body: str, auth: str | None) -> tuple[int, Any]:
        form = parse_qs(body)
        if form.get("grant_type") != ["client_credentials"]:
            return 400, {"error": "unsupported_grant_type"}
        if not auth or not auth.startswith("Basic "):
            return 401, {"error": "invalid_client", "error_description": "client authentication required"}
        client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if self.data["clients"].get(client_id) != secret:
            return 401, {"error": "invalid_client", "error_description": "authentication failed"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = time.monotonic() + self.token_lifetime
            self.token_clients[token] = client_id
            self.issued_tokens.append(token)
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime}

    def _authorised(self, auth: str | None) -> bool:
        if not auth or not auth.startswith("Bearer "):
            return False
        with self._lock:
            return self.tokens.get(auth[7:], 0.0) > time.monotonic()

    def _page(
        self, path: str, query: dict[str, list[str]], entities: list[Any], fault: Fault | None
    ) -> dict[str, Any]:
        size = int(query.get("pageSize", ["25"])[0])
        number = int(query.get("pageNumber", ["1"])[0])
        total = len(entities)
        page_count = max(1, -(-total // size))
        page = entities[(number - 1) * size : number * size]
        rest = [(k, v) for k, values in query.items() if k not in ("pageSize", "pageNumber") for v in values]
        body: dict[str, Any] = {
            "entities": [] if fault and fault.empty_page else page,
            "pageSize": size,
            "pageNumber": number,
            "total": total,
            "pageCount": page_count + (2 if fault and fault.empty_page else 0),
            "firstUri": f"{path}?{urlencode([*rest, ('pageSize', size), ('pageNumber', 1)])}",
            "selfUri": f"{path}?{urlencode([*rest, ('pageSize', size), ('pageNumber', number)])}",
        }
        if fault and fault.loop:
            body["nextUri"] = body["selfUri"]
            body["pageCount"] = page_count + 5
        elif fault and fault.next_uri:
            body["nextUri"] = fault.next_uri
            body["pageCount"] = page_count + 1
        elif number < page_count:
            body["nextUri"] = f"{path}?{urlencode([*rest, ('pageSize', size), ('pageNumber', number + 1)])}"
        return body


def _name_matches(name: str, pattern: str) -> bool:
    name, pattern = name.casefold(), pattern.casefold()
    if pattern.startswith("*") and pattern.endswith("*") and len(pattern) > 1:
        return pattern.strip("*") in name
    if pattern.endswith("*"):
        return name.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return name.endswith(pattern[1:])
    return name == pattern


@contextmanager
def running(data: dict[str, Any] | None = None) -> Iterator[GenesysDouble]:
    double = GenesysDouble(data).start()
    try:
        yield double
    finally:
        double.stop()
