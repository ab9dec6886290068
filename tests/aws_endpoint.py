"""AWS on loopback for the operations tools: moto's server, behind a small recording front.

The tools reach it the way they reach AWS, over HTTP through boto3, with ``AWS_ENDPOINT_URL``
pointing at the front. The front forwards every request to moto and records each Lambda
``Invoke`` it forwarded (function, invocation type, payload): what the function received.

moto's Lambda without Docker accepts an invoke of any name, even of a function that does not
exist. Real Lambda answers ``ResourceNotFoundException`` (404); the front restores that by
asking moto's own ``GetFunction`` first and returning its 404 when the function is unknown.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

import requests
from moto.server import ThreadedMotoServer

INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<function>[^/?]+)/invocations")
HOP_HEADERS = {"connection", "transfer-encoding", "keep-alive", "content-length", "server", "date"}


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    body: bytes
    authorization: str

    @property
    def form(self) -> dict[str, list[str]]:
        """A query-protocol call's parameters (STS: ``Action``, ``PolicyArns.member.1.arn`` …)."""
        return parse_qs(self.body.decode(errors="replace"))


@dataclass(frozen=True)
class Invocation:
    function: str
    invocation_type: str
    payload: Any


class AwsEndpoint:
    def __init__(self) -> None:
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.invocations: list[Invocation] = []
        self.invoke_latency = 0.0
        """Seconds each Lambda ``Invoke`` takes: a slow function service, for long runs."""
        self.requests: list[Recorded] = []
        """Every request the front forwarded, as it arrived."""
        self._front: ThreadingHTTPServer | None = None

    def start(self) -> AwsEndpoint:
        self.moto.start()
        moto_host, moto_port = self.moto.get_host_and_port()
        self.moto_url = f"http://{moto_host}:{moto_port}"
        endpoint = self

        class Front(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
                endpoint.requests.append(
                    Recorded(self.command, self.path, body, self.headers.get("Authorization", ""))
                )
                invoke = INVOKE_PATH.match(self.path) if self.command == "POST" else None
                if invoke:
                    time.sleep(endpoint.invoke_latency)
                    function = unquote(invoke["function"])
                    status, out_headers, out_body = endpoint._send(
                        "GET", f"/2015-03-31/functions/{invoke['function']}", b"", headers
                    )
                    if status == 404:
                        self._answer(status, out_headers, out_body)
                        return
                status, out_headers, out_body = endpoint._send(self.command, self.path, body, headers)
                if invoke and status < 300:
                    endpoint.invocations.append(
                        Invocation(
                            function,
                            self.headers.get("X-Amz-Invocation-Type", "RequestResponse"),
                            json.loads(body or b"null"),
                        )
                    )
                self._answer(status, out_headers, out_body)

            def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in HOP_HEADERS:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self._front = ThreadingHTTPServer(("127.0.0.1", 0), Front)
        threading.Thread(target=self._front.serve_forever, daemon=True).start()
        host, port = self._front.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self.reset()
        return self

    def _send(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        host, port = self.moto.get_host_and_port()
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def reset(self) -> None:
        """Empty every moto backend; Lambda without Docker (moto's simple Lambda)."""
        requests.post(f"{self.moto_url}/moto-api/reset", timeout=10).raise_for_status()
        requests.post(
            f"{self.moto_url}/moto-api/config", json={"lambda": {"use_docker": False}}, timeout=10
        ).raise_for_status()
        self.invocations.clear()
        self.requests.clear()
        self.invoke_latency = 0.0

    def stop(self) -> None:
        # moto's config is process-wide: give other tests their default back.
        requests.post(f"{self.moto_url}/moto-api/config", json={"lambda": {"use_docker": True}}, timeout=10)
        if self._front is not None:
            self._front.shutdown()
        self.moto.stop()
