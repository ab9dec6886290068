import pytest

from genesys.regions import UnknownRegionError, endpoints_for


@pytest.mark.parametrize(
    ("region", "domain"),
    [
        ("eu-west-1", "mypurecloud.ie"),
        ("mypurecloud.ie", "mypurecloud.ie"),
        ("ap-southeast-2", "mypurecloud.com.au"),
        ("US-EAST-1", "mypurecloud.com"),
        ("ap-southeast-1", "apse1.pure.cloud"),
        ("apse1.pure.cloud", "apse1.pure.cloud"),
        ("mx-central-1", "mxc1.pure.cloud"),
        ("mxc1.pure.cloud", "mxc1.pure.cloud"),
        ("eusc-de-east-1", "edee1.eusc-pure.cloud"),
        ("edee1.eusc-pure.cloud", "edee1.eusc-pure.cloud"),
    ],
)
def test_a_region_by_aws_code_or_domain_gives_login_and_api_hosts(region, domain):
    endpoints = endpoints_for(region)
    assert endpoints.login_url == f"https://login.{domain}"
    assert endpoints.api_url == f"https://api.{domain}"


def test_the_default_region_is_us_east_1():
    assert endpoints_for(None).api_url == "https://api.mypurecloud.com"


def test_explicit_urls_override_the_region():
    endpoints = endpoints_for(
        "eu-west-1", api_url="http://127.0.0.1:8080/", login_url="http://127.0.0.1:8081"
    )
    assert endpoints.api_url == "http://127.0.0.1:8080"
    assert endpoints.login_url == "http://127.0.0.1:8081"
    assert (
        endpoints_for("eu-west-1", api_url="https://api.private.example").login_url
        == "https://login.mypurecloud.ie"
    )


def test_an_unknown_region_lists_the_valid_ones():
    with pytest.raises(UnknownRegionError) as raised:
        endpoints_for("eu-west-9")
    message = str(raised.value)
    assert "'eu-west-9'" in message
    assert "eu-west-1" in message and "mypurecloud.ie" in message and "apne3.pure.cloud" in message
    assert "apse1.pure.cloud" in message and "mx-central-1" in message
    assert "genesys:apiUrl" in message


def test_an_unknown_region_is_refused_even_with_both_hosts_overridden():
    with pytest.raises(UnknownRegionError, match="'eu-west-9' is not a Genesys Cloud region"):
        endpoints_for(
            "eu-west-9", api_url="https://api.private.example", login_url="https://login.private.example"
        )


def test_the_sovereign_cloud_region_is_genesys_own_and_its_aws_partition_is_accepted():
    """Genesys on the AWS European Sovereign Cloud: its hosts are on the allow-list, and the
    stack's Lambda ARNs may be in its AWS partition, aws-eusc."""
    from genesys.endpoints import own_host, refusal
    from settings.keys import LAMBDA_ARN_RE

    endpoints = endpoints_for("eusc-de-east-1")
    assert endpoints.domain == "edee1.eusc-pure.cloud"
    assert refusal(endpoints.api_url, own_host("api", endpoints.domain), allow_custom=False) is None
    assert refusal(endpoints.login_url, own_host("login", endpoints.domain), allow_custom=False) is None
    arn = "arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:on-end"
    match = LAMBDA_ARN_RE.match(arn)
    assert match is not None and match["partition"] == "aws-eusc"


@pytest.mark.parametrize(
    ("pasted", "domain", "code"),
    [
        ("https://login.mypurecloud.ie/", "mypurecloud.ie", "eu-west-1"),
        ("api.euw2.pure.cloud", "euw2.pure.cloud", "eu-west-2"),
        ("https://apps.mypurecloud.com.au/directory/", "mypurecloud.com.au", "ap-southeast-2"),
    ],
)
def test_a_pasted_login_or_api_address_names_the_region_it_meant(pasted, domain, code):
    # A user copies the address they sign in at; the message says what to write instead of
    # listing 36 spellings.
    with pytest.raises(UnknownRegionError) as raised:
        endpoints_for(pasted)
    message = str(raised.value)
    assert f"genesys:region: {domain} (or its AWS code, {code})" in message
    assert "use one of" not in message


def test_an_address_of_another_host_still_lists_the_valid_regions():
    with pytest.raises(UnknownRegionError, match="use one of"):
        endpoints_for("https://login.example.com/")
