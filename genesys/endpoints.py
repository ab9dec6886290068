"""Where the Genesys credentials may be sent: the endpoint allow-list.

The client secret goes to ``genesys:loginUrl`` (HTTP Basic) and the token to ``genesys:apiUrl``
(Bearer). Both URLs come from the stack file, which any pull request can change, and the
preview runs before anyone reviews the change. So without an opt-in only the configured
region's own hosts are accepted: ``https://login.<domain>`` for the login URL and
``https://api.<domain>`` for the API URL (the region table in :mod:`genesys.regions`).

Anything else (a private link, the test double on loopback) needs the opt-in
``GENESYS_ALLOW_CUSTOM_ENDPOINTS=1`` in the environment of the process that would send the
request: never from the stack file. Even then, plain ``http://`` is accepted on loopback only.

The host is the one the HTTP library connects to, read with urllib3's own parser
(:func:`urllib3.util.parse_url`, which requests uses), not the standard library's: the two
disagree on ``https://evil.example\\.mypurecloud.ie`` (urllib3 stops the host at the
backslash). A URL whose authority holds anything on which parsers may disagree (``\\``,
``%``, ``@``, whitespace, control or non-ASCII characters) is refused outright, whoever parses
it. :func:`origin_of` is that one reading; the settings check, the client (also for every
``nextUri``) and the providers all go through it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

ALLOW_CUSTOM_ENDPOINTS = "GENESYS_ALLOW_CUSTOM_ENDPOINTS"
"""The environment variable that opts in to endpoints outside the region's own hosts."""

EXAMPLE = "https://api.mypurecloud.ie"
DEFAULT_PORTS = {"https": 443, "http": 80}
# Anywhere in a URL: whitespace and controls (the standard library silently drops some of
# them, urllib3 refuses them) and non-ASCII (IDNA and NFKC turn look-alikes into hosts).
UNSAFE_ANYWHERE = re.compile(r"[\x00-\x20\x7f-\U0010ffff]")
# In the authority (up to the first /, ? or #, the longest any parser reads): a backslash ends
# the host for urllib3 and WHATWG but not for urlsplit; % is decoded by urllib3 (%2e is a dot);
# @ moves the host behind a user name.
UNSAFE_IN_AUTHORITY = re.compile(r"[\\%@]")


class EndpointRefused(ValueError):
    """A URL is not one the credentials may be sent to."""


class Origin(NamedTuple):
    """Where a request goes: scheme, host (lower case) and port, the default made explicit."""

    scheme: str
    host: str
    port: int


def custom_endpoints_allowed(environ: Mapping[str, str]) -> bool:
    return environ.get(ALLOW_CUSTOM_ENDPOINTS) == "1"


def own_host(kind: str, domain: str) -> str:
    """The region's own host for ``kind`` (``login`` or ``api``): ``login.mypurecloud.ie``."""
    return f"{kind}.{domain}"


def origin_of(url: str) -> Origin:
    """The origin the HTTP library connects to for ``url``; raises EndpointRefused, saying why,
    for a URL that is not absolute http(s), carries a user name, or holds a character on which
    parsers may disagree."""
    if UNSAFE_ANYWHERE.search(url):
        raise EndpointRefused("must not contain whitespace, control or non-ASCII characters")
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in DEFAULT_PORTS:
        raise EndpointRefused(f"must be an absolute http:// or https:// URL, such as {EXAMPLE}")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if UNSAFE_IN_AUTHORITY.search(authority):
        raise EndpointRefused(
            "must not carry a user name, a backslash or a %-escape in its host part; "
            f"use a plain host such as {EXAMPLE}"
        )
    # Imported here: the settings package (and so `python -m settings` on a bare Python, which
    # must say how to set up rather than fail) imports this module.
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    try:
        parts = parse_url(url)
        port = parts.port
    except (LocationParseError, ValueError):
        raise EndpointRefused(f"is not a valid URL; use a base URL such as {EXAMPLE}") from None
    if not parts.host or parts.scheme not in DEFAULT_PORTS:
        raise EndpointRefused(f"must be a base URL such as {EXAMPLE}")
    return Origin(parts.scheme, parts.host.lower(), port or DEFAULT_PORTS[parts.scheme])


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refusal(url: str, expected_host: str | None, allow_custom: bool) -> str | None:
    """Why the credentials may not go to ``url``, or None when they may. ``expected_host`` is
    the region's own host for this URL (:func:`own_host`; None when the region is unknown).
    The reason names the fix; it never repeats the URL's user name or password."""
    try:
        origin = origin_of(url)
    except EndpointRefused as e:
        return str(e)
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        return f"must be a base URL without a query or fragment, such as {EXAMPLE}"
    if origin == Origin("https", expected_host or "", 443):
        return None
    if not allow_custom:
        own = f"https://{expected_host}, " if expected_host else ""
        return (
            f"is not {own}the Genesys region's own host, so the OAuth client secret and token will "
            "not be sent there. Remove the key to use genesys:region, or, for a private endpoint you "
            f"trust, set {ALLOW_CUSTOM_ENDPOINTS}=1 in the environment of the deployment (never in "
            "the stack file)"
        )
    if origin.scheme == "http" and not is_loopback(origin.host):
        return "sends the OAuth client secret in cleartext; plain http:// is accepted on loopback only. Use https://"
    return None


def check(url: str, expected_host: str | None, environ: Mapping[str, str]) -> None:
    """Raise EndpointRefused unless the credentials may be sent to ``url``."""
    reason = refusal(url, expected_host, custom_endpoints_allowed(environ))
    if reason is not None:
        raise EndpointRefused(f"{shown(url)} {reason}")


def shown(url: str) -> str:
    """The URL as it may appear in a message: a user name or password, a query and a fragment
    in it (where tokens travel) are hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an invalid URL)"
    if "@" in parts.netloc:
        parts = parts._replace(netloc="(hidden)@" + parts.netloc.rpartition("@")[2])
    if parts.query:
        parts = parts._replace(query="(hidden)")
    if parts.fragment:
        parts = parts._replace(fragment="(hidden)")
    return parts.geturl()
