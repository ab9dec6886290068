"""Genesys Cloud regions: an AWS region code or a Genesys domain → login and API base URLs.

The table is Genesys' own (see shared/reference/genesys-eventbridge.md, section 4). The Genesys
region says where the *organisation* lives; it is independent of the AWS region the integration
publishes to (`awsAccountRegion`).
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAINS_BY_AWS_REGION: dict[str, str] = {
    "us-east-1": "mypurecloud.com",
    "us-east-2": "use2.us-gov-pure.cloud",
    "us-west-2": "usw2.pure.cloud",
    "ca-central-1": "cac1.pure.cloud",
    "sa-east-1": "sae1.pure.cloud",
    "eu-west-1": "mypurecloud.ie",
    "eu-west-2": "euw2.pure.cloud",
    "eu-central-1": "mypurecloud.de",
    "eu-central-2": "euc2.pure.cloud",
    "me-central-1": "mec1.pure.cloud",
    "ap-south-1": "aps1.pure.cloud",
    "ap-southeast-2": "mypurecloud.com.au",
    "ap-northeast-1": "mypurecloud.jp",
    "ap-northeast-2": "apne2.pure.cloud",
    "ap-northeast-3": "apne3.pure.cloud",
}

DEFAULT_REGION = "us-east-1"


class UnknownRegionError(ValueError):
    """The configured Genesys region is neither a known AWS code nor a known domain."""


@dataclass(frozen=True)
class GenesysEndpoints:
    """Where to get a token and where to call the Platform API."""

    login_url: str
    """Base URL of the OAuth login host, e.g. ``https://login.mypurecloud.ie``."""
    api_url: str
    """Base URL of the Platform API, e.g. ``https://api.mypurecloud.ie``."""


def valid_regions() -> list[str]:
    """Every accepted spelling, AWS codes first, for error messages."""
    return [*DOMAINS_BY_AWS_REGION, *DOMAINS_BY_AWS_REGION.values()]


def unknown_region_message() -> str:
    return (
        f"is not a Genesys Cloud region; use one of {', '.join(valid_regions())}, "
        "or set genesys:apiUrl and genesys:loginUrl for a private endpoint"
    )


def domain_for(region: str) -> str:
    """The Genesys domain for an AWS region code or a domain; raises UnknownRegionError."""
    key = region.strip().lower()
    if key in DOMAINS_BY_AWS_REGION:
        return DOMAINS_BY_AWS_REGION[key]
    if key in DOMAINS_BY_AWS_REGION.values():
        return key
    raise UnknownRegionError(f"genesys:region {region!r} {unknown_region_message()}")


def endpoints_for(
    region: str | None = None, api_url: str | None = None, login_url: str | None = None
) -> GenesysEndpoints:
    """Resolve the base URLs; explicit ``api_url`` / ``login_url`` win over the region's."""
    if api_url and login_url:
        return GenesysEndpoints(login_url=login_url.rstrip("/"), api_url=api_url.rstrip("/"))
    domain = domain_for(region or DEFAULT_REGION)
    return GenesysEndpoints(
        login_url=(login_url or f"https://login.{domain}").rstrip("/"),
        api_url=(api_url or f"https://api.{domain}").rstrip("/"),
    )
