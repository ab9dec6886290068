"""The boto3 client for the exact partner-source lookup looks where the stack's AWS provider does."""

from __future__ import annotations

import json
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
