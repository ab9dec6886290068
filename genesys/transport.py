"""The HTTP session the Genesys client talks through: urllib3's ``Retry`` on a requests
``HTTPAdapter``, bounded in attempts and in how long one wait may be, with no hand-written loop.

429 honours ``Retry-After``; 502/503/504 and connection errors back off; a throttled token
request (``400`` with ``rate limit exceeded``) is retried like a 429; a ``Retry-After`` longer
than the bound fails at once, saying so, rather than holding a deployment hostage.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, cast

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from genesys.errors import RetryAfterTooLong


@dataclass(frozen=True)
class RetryBounds:
    """How hard the client tries before it gives up. The worst case for one call is about
    ``attempts × (max(longest_wait, backoff_max) + read timeout)``."""

    attempts: int = 5
    """Retries after the first try, for 429, 502/503/504 and connection errors."""
    backoff_factor: float = 0.5
    backoff_max: float = 8.0
    longest_wait: float = 30.0
    """The longest ``Retry-After`` honoured; a longer one fails the call at once."""
    connect_timeout: float = 5.0
    read_timeout: float = 30.0


TOKEN_THROTTLED = b"rate limit exceeded"
"""What the login host's ``400`` says when it throttles token requests (the Genesys Go SDK
reports it as ``400 - invalid_request (rate limit exceeded; ...)``, and the Genesys Terraform
provider, genesyscloud/provider/provider.go, retries exactly on that text)."""


def token_throttled(body: bytes | None) -> bool:
    return TOKEN_THROTTLED in (body or b"").lower()


class BoundedRetry(Retry):
    """urllib3's Retry, but a ``Retry-After`` beyond the bound ends the call with a message
    instead of being silently shortened (urllib3 clamps it) and retried too early; and a
    throttled token request (``400`` with ``rate limit exceeded``) is retried like a 429.

    urllib3 decides whether to retry from the method and status alone (``is_retry``); only
    ``increment`` sees the response. So a POST's 400 is a retry candidate, and ``increment``
    reads its body: throttling is retried within the same bounds (attempts, backoff,
    Retry-After), anything else (``invalid_client``, ``unsupported_grant_type``) ends the
    retries at once and the response goes back to the client as it came. Reading the body here
    consumes it; urllib3 keeps it as ``response.raw.data``, where the client reads it again."""

    longest_wait: float = RetryBounds.longest_wait

    def new(self, **kw: Any) -> BoundedRetry:
        retry = super().new(**kw)
        retry.longest_wait = self.longest_wait
        return retry

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 400:  # only the token request is a POST; increment() reads the body
            return method == "POST"
        return super().is_retry(method, status_code, has_retry_after)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        if response is not None and response.status == 400:
            body = response.read(decode_content=True, cache_content=True)
            if not token_throttled(body):
                # Not throttling: no retry. With raise_on_status off, urllib3 hands back this
                # response instead of raising.
                raise urllib3.exceptions.MaxRetryError(cast(ConnectionPool, _pool), url, None)
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def sleep_for_retry(self, response: Any) -> bool:
        wanted = self.get_retry_after(response)
        if wanted is not None and wanted > self.longest_wait:
            raise RetryAfterTooLong(
                f"Genesys is rate-limiting this OAuth client and asked to wait {wanted:.0f} s "
                f"(Retry-After), longer than the {self.longest_wait:.0f} s this tool waits. "
                "Another job may be using the same client: try again later, or give this stack "
                "its own OAuth client."
            )
        return super().sleep_for_retry(response)


READ_METHODS = frozenset({"GET", "POST"})
"""What the reads' session retries: GET, and the token request's POST (a second token is harmless)."""


def session_with_retries(
    bounds: RetryBounds,
    retry_class: type[BoundedRetry] = BoundedRetry,
    methods: frozenset[str] = READ_METHODS,
) -> requests.Session:
    retry = retry_class(
        total=bounds.attempts,
        connect=bounds.attempts,
        read=bounds.attempts,
        status=bounds.attempts,
        other=0,
        status_forcelist=(429, 502, 503, 504),
        allowed_methods=methods,
        backoff_factor=bounds.backoff_factor,
        backoff_max=bounds.backoff_max,
        respect_retry_after_header=True,
        retry_after_max=int(1e9),  # our own bound applies, see BoundedRetry
        raise_on_status=False,  # the last response comes back and becomes a clear message
    )
    retry.longest_wait = bounds.longest_wait
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
