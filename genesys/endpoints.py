"""Where the Genesys credentials may be sent: the endpoint allow-list.

The client secret goes to ``genesys:loginUrl`` (HTTP Basic) and the token to ``genesys:apiUrl``
(Bearer). Both URLs come from the stack file, which any pull request can change, and the
preview runs before anyone reviews the change. So only ``https://`` hosts under the known
Genesys Cloud domains (the region table in :mod:`genesys.regions`) are accepted.

Anything else (a private link, the test double on loopback) needs the opt-in
``GENESYS_ALLOW_CUSTOM_ENDPOINTS=1`` in the environment of the process that would send the
request: never from the stack file. Even then, plain ``http://`` is accepted on loopback only.

The same check runs in the settings (a clear problem before any resource exists) and in the
client before its first request (the provider host reads the URLs from config itself).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from genesys.regions import DOMAINS_BY_AWS_REGION

ALLOW_CUSTOM_ENDPOINTS = "GENESYS_ALLOW_CUSTOM_ENDPOINTS"
"""The environment variable that opts in to endpoints outside the Genesys domains."""


class EndpointRefused(ValueError):
    """A Genesys base URL is not one the credentials may be sent to."""


def custom_endpoints_allowed(environ: Mapping[str, str]) -> bool:
    return environ.get(ALLOW_CUSTOM_ENDPOINTS) == "1"


def known_domains() -> tuple[str, ...]:
    return tuple(sorted(set(DOMAINS_BY_AWS_REGION.values())))


def is_genesys_host(host: str) -> bool:
    """``api.mypurecloud.ie`` is under ``mypurecloud.ie``; ``mypurecloud.ie.evil.example`` is not."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith(f".{d}") for d in known_domains())


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refusal(url: str, allow_custom: bool) -> str | None:
    """Why the credentials may not go to ``url``, or None when they may. The reason names the
    fix; it never repeats the URL's user name or password."""
    malformed = _malformed(url)
    if malformed is not None:
        return malformed
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and is_genesys_host(host) and parts.port in (None, 443):
        return None
    if not allow_custom:
        return (
            f"is not an https:// host under a Genesys Cloud domain ({', '.join(known_domains())}), so "
            "the OAuth client secret and token will not be sent there. Remove the key to use "
            f"genesys:region, or, for a private endpoint you trust, set {ALLOW_CUSTOM_ENDPOINTS}=1 "
            "in the environment of the deployment (never in the stack file)"
        )
    if parts.scheme == "http" and not is_loopback(host):
        return "sends the OAuth client secret in cleartext; plain http:// is accepted on loopback only. Use https://"
    return None


def _malformed(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
    except ValueError:
        return "is not a valid URL; use a base URL such as https://api.mypurecloud.ie"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be a base URL such as https://api.mypurecloud.ie"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password; the OAuth client is configured separately"
    if parts.query or parts.fragment:
        return "must be a base URL without a query or fragment, such as https://api.mypurecloud.ie"
    return None


def check(url: str, environ: Mapping[str, str]) -> None:
    """Raise EndpointRefused unless the credentials may be sent to ``url``."""
    reason = refusal(url, custom_endpoints_allowed(environ))
    if reason is not None:
        raise EndpointRefused(f"{shown(url)} {reason}")


def shown(url: str) -> str:
    """The URL as it may appear in a message: a user name or password, a query and a fragment
    in it (where tokens travel) are hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an invalid URL)"
    if parts.username is not None or parts.password is not None:
        parts = parts._replace(netloc="(hidden)@" + parts.netloc.rpartition("@")[2])
    if parts.query:
        parts = parts._replace(query="(hidden)")
    if parts.fragment:
        parts = parts._replace(fragment="(hidden)")
    return parts.geturl()


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the default port made explicit: what "the same origin" means."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "", "", None  # matches no origin
    default = {"https": 443, "http": 80}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port or default
