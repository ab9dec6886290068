"""A boto3 client for the few lookups the AWS provider cannot make exactly, built from the
stack's own ``aws:`` configuration so that it looks in the same account and region.

The provider's data sources answer almost everything; this exists for the partner event
source, which the provider finds only by name prefix (and so not at all once another source's
name starts with ours), and for the target functions, which the provider reads only with
``GetFunction`` (their environment variables and a code download link). It honours
``aws:region``, ``aws:profile``, static keys (``aws:accessKey``/``aws:secretKey``/``aws:token``),
the role chain of ``aws:assumeRoles`` (or the older single ``aws:assumeRole``) and the
``events``/``lambda``/``sts`` entries of ``aws:endpoints``; anything else comes from the
environment, as boto3 reads it (which is also where the provider looks).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

AWS_KEYS = ("region", "profile", "accessKey", "secretKey", "token", "assumeRoles", "assumeRole", "endpoints")
SESSION_NAME = "genesys-queue-events-preview"


def stack_aws_config() -> dict[str, Any]:
    """The ``aws:`` keys the program was given, decoded (structured values arrive as JSON)."""
    import pulumi

    config = pulumi.Config("aws")
    values: dict[str, Any] = {}
    for key in AWS_KEYS:
        text = config.get(key)
        if text is None:
            continue
        try:
            values[key] = json.loads(text) if key in ("assumeRoles", "assumeRole", "endpoints") else text
        except ValueError:
            values[key] = text
    return values


def session_arguments(values: Mapping[str, Any]) -> dict[str, Any]:
    """``boto3.Session(**…)`` arguments for the region, profile and static keys."""
    names = {"region": "region_name", "profile": "profile_name", "accessKey": "aws_access_key_id"}
    names |= {"secretKey": "aws_secret_access_key", "token": "aws_session_token"}
    return {arg: values[key] for key, arg in names.items() if values.get(key)}


def role_chain(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``sts:AssumeRole`` arguments, in the order the provider assumes them."""
    roles = values.get("assumeRoles") or ([values["assumeRole"]] if values.get("assumeRole") else [])
    chain = []
    for role in roles:
        args: dict[str, Any] = {
            "RoleArn": role["roleArn"],
            "RoleSessionName": role.get("sessionName") or SESSION_NAME,
        }
        if role.get("externalId"):
            args["ExternalId"] = role["externalId"]
        chain.append(args)
    return chain


def endpoint(values: Mapping[str, Any], service: str) -> str | None:
    for entry in values.get("endpoints") or []:
        if isinstance(entry, Mapping) and entry.get(service):
            return str(entry[service])
    return None


def events_client(values: Mapping[str, Any]) -> Any:
    return client(values, "events")


def client(values: Mapping[str, Any], service: str) -> Any:
    """A boto3 client of ``service`` with the stack's credentials, role chain, region and endpoint."""
    import boto3
    from botocore.config import Config

    retries = Config(retries={"max_attempts": 5, "mode": "standard"})
    session = boto3.Session(**session_arguments(values))
    for role in role_chain(values):
        credentials = session.client("sts", endpoint_url=endpoint(values, "sts"), config=retries).assume_role(
            **role
        )["Credentials"]
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=session.region_name,
        )
    return session.client(service, endpoint_url=endpoint(values, service), config=retries)


def confirm_lambda_target(function_arn: str, alias: str | None) -> None:
    """Raise unless the function (and alias) exists, with calls that return neither the
    function's environment variables nor a link to its code: ``GetAlias`` (the alias's name,
    version and routing) or ``GetFunctionConcurrency`` (its reserved concurrency). Both fail with
    ``ResourceNotFoundException`` for a missing function or alias. ``GetFunction``, which the
    provider's ``getFunction`` makes, returns both, so the preview role does not hold it."""
    lambda_ = client(stack_aws_config(), "lambda")
    if alias:
        lambda_.get_alias(FunctionName=function_arn, Name=alias)
    else:
        lambda_.get_function_concurrency(FunctionName=function_arn)


def describe_event_source_state(name: str) -> str | None:
    """The state of the partner event source with exactly this name, or None when there is none."""
    client = events_client(stack_aws_config())
    try:
        return str(client.describe_event_source(Name=name)["State"])
    except client.exceptions.ResourceNotFoundException:
        return None
