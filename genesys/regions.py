"""Genesys Cloud regions: an AWS region code or a Genesys domain → login and API base URLs.

The table is Genesys' own: the Genesys Terraform provider's region map
(MyPureCloud/terraform-provider-genesyscloud, genesyscloud/provider/provider.go, getRegionMap) and
the SDKs' PureCloudRegionHosts, which also list ap-southeast-1, mx-central-1 and
eusc-de-east-1 (purecloudplatformclientv2 269.0.0). The Genesys
region says where the *organisation* lives; it is independent of the AWS region the integration
publishes to (`awsAccountRegion`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

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
    "mx-central-1": "mxc1.pure.cloud",
    "ap-south-1": "aps1.pure.cloud",
    "ap-southeast-1": "apse1.pure.cloud",
    "ap-southeast-2": "mypurecloud.com.au",
    "ap-northeast-1": "mypurecloud.jp",
    "ap-northeast-2": "apne2.pure.cloud",
    "ap-northeast-3": "apne3.pure.cloud",
    # Genesys Cloud on the AWS European Sovereign Cloud (the SDKs' PureCloudRegionHosts
    # eusc_de_east_1). Its AWS side is the partition aws-eusc (ARNs arn:aws-eusc:..., DNS
    # suffix amazonaws.eu, per botocore's endpoint data), which the program takes from
    # aws.get_partition() like any other.
    "eusc-de-east-1": "edee1.eusc-pure.cloud",
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
    domain: str = DOMAINS_BY_AWS_REGION[DEFAULT_REGION]
    """The region's Genesys domain: without the custom-endpoint opt-in, the credentials go only
    to ``login.<domain>`` and ``api.<domain>`` (:mod:`genesys.endpoints`). The default is the
    default region's."""


def valid_regions() -> list[str]:
    """Every accepted spelling, AWS codes first, for error messages."""
    return [*DOMAINS_BY_AWS_REGION, *DOMAINS_BY_AWS_REGION.values()]


def _region_in_host(value: object) -> str | None:
    """The domain a login or API address names (``https://login.mypurecloud.ie/`` names
    ``mypurecloud.ie``): the region a user meant when they pasted an address."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    for label in ("login.", "api.", "apps."):
        host = host.removeprefix(label)
    return host if host in DOMAINS_BY_AWS_REGION.values() else None


def unknown_region_message(value: object = None) -> str:
    meant = _region_in_host(value)
    if meant is not None:
        codes = [code for code, domain in DOMAINS_BY_AWS_REGION.items() if domain == meant]
        return (
            f"is an address, not a region; write its domain, genesys:region: {meant}"
            + (f" (or its AWS code, {codes[0]})" if codes else "")
            + "; genesys:apiUrl and genesys:loginUrl are for hosts other than the region's"
        )
    # genesys:apiUrl / genesys:loginUrl change where requests go, not which region is meant: a
    # typo in the region stays an error even when both hosts are overridden.
    return (
        f"is not a Genesys Cloud region; use one of {', '.join(valid_regions())} "
        "(genesys:apiUrl and genesys:loginUrl override the hosts, not the region)"
    )


def domain_for(region: str) -> str:
    """The Genesys domain for an AWS region code or a domain; raises UnknownRegionError."""
    key = region.strip().lower()
    if key in DOMAINS_BY_AWS_REGION:
        return DOMAINS_BY_AWS_REGION[key]
    if key in DOMAINS_BY_AWS_REGION.values():
        return key
    raise UnknownRegionError(f"genesys:region {region!r} {unknown_region_message(region)}")


def endpoints_for(
    region: str | None = None, api_url: str | None = None, login_url: str | None = None
) -> GenesysEndpoints:
    """Resolve the base URLs; explicit ``api_url`` / ``login_url`` win over the region's. The
    region must be a known one either way (raises UnknownRegionError)."""
    domain = domain_for(region or DEFAULT_REGION)
    return GenesysEndpoints(
        login_url=(login_url or f"https://login.{domain}").rstrip("/"),
        api_url=(api_url or f"https://api.{domain}").rstrip("/"),
        domain=domain,
    )
