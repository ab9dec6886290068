"""The boto3 client for the exact partner-source lookup looks where the stack's AWS provider does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import pulumi
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from components import aws_session

ROOT = Path(__file__).resolve().parent.parent
ROLE = "arn:aws:iam::210987654321:role/genesys-queue-events-preview"


@pytest.fixture
def stack_config():
    def set_config(values):
        pulumi.runtime.set_all_config(
            {f"aws:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
        )

    yield set_config
    pulumi.runtime.set_all_config({})


def test_region_profile_and_keys_are_the_stacks(stack_config):
    stack_config({"region": "eu-west-1", "profile": "contact-centre", "skipMetadataApiCheck": "true"})
    values = aws_session.stack_aws_config()
    assert values == {"region": "eu-west-1", "profile": "contact-centre"}
    assert aws_session.session_arguments(values) == {
        "region_name": "eu-west-1",
        "profile_name": "contact-centre",
    }


def test_the_role_chain_is_assumed_in_order(stack_config):
    stack_config(
        {
            "region": "eu-west-1",
            "assumeRoles": [
                {"roleArn": "arn:aws:iam::111111111111:role/hub"},
                {"roleArn": ROLE, "sessionName": "ci", "externalId": "x-1"},
            ],
        }
    )
    assert aws_session.role_chain(aws_session.stack_aws_config()) == [
        {"RoleArn": "arn:aws:iam::111111111111:role/hub", "RoleSessionName": aws_session.SESSION_NAME},
        {"RoleArn": ROLE, "RoleSessionName": "ci", "ExternalId": "x-1"},
    ]
    stack_config({"assumeRole": {"roleArn": ROLE}})
    assert [r["RoleArn"] for r in aws_session.role_chain(aws_session.stack_aws_config())] == [ROLE]


def test_the_lookup_runs_as_the_assumed_role_in_the_stacks_region(stack_config, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    stack_config({"region": "eu-west-1", "assumeRoles": [{"roleArn": ROLE}]})
    source = "aws.partner/genesys.com/cloud/0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/cx-dev"
    with mock_aws():
        boto3.client("events", region_name="eu-west-1").create_partner_event_source(
            Name=source, Account="210987654321"
        )
        client = aws_session.events_client(aws_session.stack_aws_config())
        assert client.meta.region_name == "eu-west-1"
        credentials = client._request_signer._credentials
        assert credentials.access_key != "AKIAENVIRONMENT00000" and credentials.token
        assert aws_session.describe_event_source_state(source) == "ACTIVE"


def test_an_events_endpoint_is_honoured(stack_config):
    stack_config({"region": "eu-west-1", "endpoints": [{"events": "http://127.0.0.1:5000"}]})
    assert aws_session.endpoint(aws_session.stack_aws_config(), "events") == "http://127.0.0.1:5000"


# -- the stack's aws: config narrows the lookup's credentials as it narrows the provider's ----
# Driven over loopback HTTP: moto's server behind the recording front (tests/aws_endpoint.py).

SOURCE = "aws.partner/genesys.com/cloud/0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/cx-dev"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "events:Describe*", "Resource": "*"}],
}
POLICY_ARN = "arn:aws:iam::aws:policy/AmazonEventBridgeReadOnlyAccess"


@pytest.fixture
def aws(aws_endpoint, aws_environment, monkeypatch):
    aws_endpoint.reset()
    monkeypatch.delenv("AWS_ENDPOINT_URL")  # only the stack's aws:endpoints lead there
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000")
    boto3.client(
        "events",
        region_name="eu-west-1",
        endpoint_url=aws_endpoint.url,
        aws_access_key_id="AKIAENVIRONMENT00000",
        aws_secret_access_key="testing",
    ).create_partner_event_source(Name=SOURCE, Account="210987654321")
    aws_endpoint.requests.clear()
    return aws_endpoint


def over(aws, **values):
    """The stack config with every AWS call going to the loopback endpoint."""
    return {"region": "eu-west-1", "endpoints": [{"sts": aws.url, "events": aws.url}], **values}


def calls(aws, action):
    return [r for r in aws.requests if r.form.get("Action") == [action]]


def events_calls(aws):
    return [r for r in aws.requests if r.path == "/" and not r.form.get("Action")]


def test_an_assumed_roles_session_policy_and_limits_reach_sts(aws, stack_config):
    role = {
        "roleArn": ROLE,
        "policy": json.dumps(POLICY),
        "policyArns": [POLICY_ARN],
        "duration": "15m",
        "tags": {"team": "contact-centre"},
        "transitiveTagKeys": ["team"],
        "sourceIdentity": "ci",
    }
    stack_config(over(aws, assumeRoles=[role]))
    assert aws_session.describe_event_source_state(SOURCE) == "ACTIVE"
    (assume,) = calls(aws, "AssumeRole")
    assert json.loads(assume.form["Policy"][0]) == POLICY
    assert assume.form["PolicyArns.member.1.arn"] == [POLICY_ARN]
    assert assume.form["DurationSeconds"] == ["900"]
    assert assume.form["Tags.member.1.Key"] == ["team"] and assume.form["SourceIdentity"] == ["ci"]
    (lookup,) = events_calls(aws)
    assert "AKIAENVIRONMENT00000" not in lookup.authorization


def test_a_web_identity_is_assumed_with_the_token_from_its_file(aws, stack_config, tmp_path):
    token = tmp_path / "token"
    token.write_text("eyJ.web-identity.token\n")
    web = {
        "roleArn": ROLE,
        "webIdentityTokenFile": str(token),
        "policyArns": [POLICY_ARN],
        "sessionName": "ci",
    }
    stack_config(over(aws, assumeRoleWithWebIdentity=web))
    assert aws_session.describe_event_source_state(SOURCE) == "ACTIVE"
    (assume,) = calls(aws, "AssumeRoleWithWebIdentity")
    assert assume.form["WebIdentityToken"] == ["eyJ.web-identity.token"]
    assert assume.form["PolicyArns.member.1.arn"] == [POLICY_ARN]
    (lookup,) = events_calls(aws)
    assert "AKIAENVIRONMENT00000" not in lookup.authorization  # the web identity's, not ours


def test_the_sts_region_signs_the_sts_calls(aws, stack_config):
    stack_config(over(aws, stsRegion="us-west-2", assumeRoles=[{"roleArn": ROLE}]))
    aws_session.describe_event_source_state(SOURCE)
    (assume,) = calls(aws, "AssumeRole")
    assert "/us-west-2/sts/aws4_request" in assume.authorization
    (lookup,) = events_calls(aws)
    assert "/eu-west-1/events/aws4_request" in lookup.authorization


def test_a_shared_credentials_file_is_the_one_read(aws, stack_config, tmp_path):
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[contact-centre]\naws_access_key_id = AKIASHAREDFILE000001\naws_secret_access_key = testing\n"
    )
    boto3.client(
        "events",
        region_name="eu-west-1",
        endpoint_url=aws.url,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    ).create_partner_event_source(Name=SOURCE, Account="123456789012")  # moto's account of any key
    aws.requests.clear()
    stack_config(over(aws, profile="contact-centre", sharedCredentialsFiles=[str(credentials)]))
    assert aws_session.describe_event_source_state(SOURCE) == "ACTIVE"
    (lookup,) = events_calls(aws)
    assert "Credential=AKIASHAREDFILE000001/" in lookup.authorization


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"sharedCredentialsFiles": ["/a", "/b"]}, "aws:sharedCredentialsFiles names 2 files"),
        (
            {"assumeRoles": [{"roleArn": ROLE, "policyArnz": [POLICY_ARN]}]},
            "aws:assumeRoles[0] sets policyArnz",
        ),
        ({"assumeRoleWithWebIdentity": {"roleArn": ROLE}}, "neither webIdentityToken"),
        ({"assumeRoles": [{"roleArn": ROLE, "duration": "forever"}]}, "'forever' is not a duration"),
        ({"allowedAccountIds": ["111111111111"], "assumeRoles": [{"roleArn": ROLE}]}, "account 210987654321"),
        (
            {"forbiddenAccountIds": ["210987654321"], "assumeRoles": [{"roleArn": ROLE}]},
            "account 210987654321",
        ),
    ],
)
def test_config_it_cannot_honour_is_refused_and_nothing_is_looked_up(aws, stack_config, values, fragment):
    stack_config(over(aws, **values))
    with pytest.raises(aws_session.UnsupportedAwsConfig, match=re.escape(fragment)):
        aws_session.describe_event_source_state(SOURCE)
    assert events_calls(aws) == []


def test_allowed_accounts_admit_the_right_one(aws, stack_config):
    stack_config(over(aws, allowedAccountIds=["210987654321"], assumeRoles=[{"roleArn": ROLE}]))
    assert aws_session.describe_event_source_state(SOURCE) == "ACTIVE"


def test_a_custom_ca_bundle_verifies_the_lookups_tls(aws, stack_config, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    stack_config(over(aws, customCaBundle=str(bundle)))
    client = aws_session.events_client(aws_session.stack_aws_config())
    assert client._endpoint.http_session._verify == str(bundle)


# -- the target functions: confirmed without reading their environment or code ---------------


def _function(client: Any, name: str) -> str:
    role = boto3.client("iam", region_name="eu-west-1").create_role(
        RoleName=f"{name}-role", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    return str(
        client.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
            Environment={"Variables": {"API_KEY": "never-shown"}},
        )["FunctionArn"]
    )


def test_a_target_is_confirmed_with_calls_that_return_no_environment_or_code(stack_config, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    stack_config({"region": "eu-west-1"})
    with mock_aws():
        lambda_ = boto3.client("lambda", region_name="eu-west-1")
        arn = _function(lambda_, "conversation-ended")
        version = lambda_.publish_version(FunctionName="conversation-ended")["Version"]
        lambda_.create_alias(FunctionName="conversation-ended", Name="live", FunctionVersion=version)
        answers: list[Any] = []
        real_client = aws_session.client

        def recording_client(values: Any, service: str) -> Any:
            made = real_client(values, service)
            made.meta.events.register("after-call.lambda.*", lambda parsed, **_: answers.append(parsed))
            return made

        monkeypatch.setattr(aws_session, "client", recording_client)
        aws_session.confirm_lambda_target(arn, None)
        aws_session.confirm_lambda_target(arn, "live")
        assert len(answers) == 2
        for answer in answers:
            text = json.dumps(answer, default=str)
            assert "never-shown" not in text and "Environment" not in text and "Location" not in text
        for missing, alias in ((f"{arn}-gone", None), (arn, "gone")):
            with pytest.raises(ClientError, match="ResourceNotFoundException"):
                aws_session.confirm_lambda_target(missing, alias)


def test_the_lookup_calls_are_the_ones_the_roles_grant():
    # Both roles hold the two actions confirm_lambda_target needs, and none that reads a
    # function's environment or code.
    from components.target_functions import LOOKUP_ACTIONS

    for name in ("preview-permissions.json", "deploy-permissions.json"):
        granted = {
            a
            for s in json.loads((ROOT / "iam" / name).read_text())["Statement"]
            for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        }
        assert set(LOOKUP_ACTIONS) <= granted, name
        assert (
            not {"lambda:GetFunction", "lambda:ListVersionsByFunction", "lambda:GetFunctionConfiguration"}
            & granted
        )
