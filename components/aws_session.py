"""A boto3 client for the few lookups the AWS provider cannot make exactly, built from the
stack's own ``aws:`` configuration so that it looks in the same account and region, with the
same (never other or broader) credentials.

The provider's data sources answer almost everything; this exists for the partner event
source, which the provider finds only by name prefix (and so not at all once another source's
name starts with ours), and for the target functions, which the provider reads only with
``GetFunction`` (their environment variables and a code download link). It honours what
decides the provider's identity: ``aws:region``,
``aws:profile``, static keys (``aws:accessKey``/``aws:secretKey``/``aws:token``),
``aws:sharedCredentialsFiles``/``aws:sharedConfigFiles`` (one file each: botocore reads one),
``aws:assumeRoleWithWebIdentity``, the role chain of ``aws:assumeRoles`` (or the older single
``aws:assumeRole``) with each role's session policy, policy ARNs, duration, tags and source
identity, ``aws:stsRegion``, ``aws:allowedAccountIds``/``aws:forbiddenAccountIds``,
``aws:customCaBundle`` and the ``sts``/``events``/``lambda`` entries of ``aws:endpoints``. A setting it
cannot honour (a second shared file, an unknown key in a role) is refused with
:class:`UnsupportedAwsConfig` rather than looked past. Anything not set comes from the
environment, as boto3 reads it (which is also where the provider looks).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

STRUCTURED_KEYS = (
    "assumeRoles",
    "assumeRole",
    "assumeRoleWithWebIdentity",
    "endpoints",
    "sharedCredentialsFiles",
    "sharedConfigFiles",
    "allowedAccountIds",
    "forbiddenAccountIds",
)
AWS_KEYS = (
    "region",
    "profile",
    "accessKey",
    "secretKey",
    "token",
    "stsRegion",
    "customCaBundle",
    *STRUCTURED_KEYS,
)
SESSION_NAME = "genesys-queue-events-preview"
ROLE_KEYS = {
    "roleArn": "RoleArn",
    "sessionName": "RoleSessionName",
    "externalId": "ExternalId",
    "policy": "Policy",
    "policyArns": "PolicyArns",
    "duration": "DurationSeconds",
    "tags": "Tags",
    "transitiveTagKeys": "TransitiveTagKeys",
    "sourceIdentity": "SourceIdentity",
}
WEB_IDENTITY_KEYS = (
    "roleArn",
    "sessionName",
    "policy",
    "policyArns",
    "duration",
    "webIdentityToken",
    "webIdentityTokenFile",
)
# Go's time.ParseDuration units, as the provider reads `duration` ("1h", "15m", "900s").
DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")


class UnsupportedAwsConfig(ValueError):
    """An ``aws:`` setting this lookup cannot honour: it refuses rather than use other credentials."""


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
            values[key] = json.loads(text) if key in STRUCTURED_KEYS else text
        except ValueError:
            values[key] = text
    return values


def session_arguments(values: Mapping[str, Any]) -> dict[str, Any]:
    """``boto3.Session(**…)`` arguments for the region, profile and static keys."""
    names = {"region": "region_name", "profile": "profile_name", "accessKey": "aws_access_key_id"}
    names |= {"secretKey": "aws_secret_access_key", "token": "aws_session_token"}
    return {arg: values[key] for key, arg in names.items() if values.get(key)}


def duration_seconds(text: str, where: str) -> int:
    parts = DURATION_RE.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise UnsupportedAwsConfig(f"{where}.duration {text!r} is not a duration such as 1h or 15m")
    return int(sum(float(n) * DURATION_UNITS[u] for n, u in parts))


def _session_limits(role: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The parts of a role entry that narrow or mark the session: policy, policy ARNs, duration."""
    args: dict[str, Any] = {
        "RoleArn": role["roleArn"],
        "RoleSessionName": role.get("sessionName") or SESSION_NAME,
    }
    if role.get("policy"):
        args["Policy"] = role["policy"] if isinstance(role["policy"], str) else json.dumps(role["policy"])
    if role.get("policyArns"):
        args["PolicyArns"] = [{"arn": str(arn)} for arn in role["policyArns"]]
    if role.get("duration"):
        args["DurationSeconds"] = duration_seconds(str(role["duration"]), where)
    return args


def _role_entry(role: Any, where: str, known: Any) -> Mapping[str, Any]:
    if not isinstance(role, Mapping) or not role.get("roleArn"):
        raise UnsupportedAwsConfig(f"{where} has no roleArn; the lookup cannot assume the provider's role")
    unknown = sorted(set(role) - set(known))
    if unknown:
        raise UnsupportedAwsConfig(
            f"{where} sets {', '.join(unknown)}, which this lookup cannot honour; remove it, or "
            "the lookup would run with other credentials than the AWS provider"
        )
    return role


def role_chain(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``sts:AssumeRole`` arguments, in the order the provider assumes them."""
    key = "assumeRoles" if values.get("assumeRoles") else "assumeRole"
    roles = values.get("assumeRoles") or ([values["assumeRole"]] if values.get("assumeRole") else [])
    chain = []
    for n, raw in enumerate(roles):
        where = f"aws:{key}[{n}]" if key == "assumeRoles" else f"aws:{key}"
        role = _role_entry(raw, where, ROLE_KEYS)
        args = _session_limits(role, where)
        if role.get("externalId"):
            args["ExternalId"] = role["externalId"]
        if role.get("tags"):
            args["Tags"] = [{"Key": str(k), "Value": str(v)} for k, v in role["tags"].items()]
        if role.get("transitiveTagKeys"):
            args["TransitiveTagKeys"] = [str(k) for k in role["transitiveTagKeys"]]
        if role.get("sourceIdentity"):
            args["SourceIdentity"] = role["sourceIdentity"]
        chain.append(args)
    return chain


def web_identity(values: Mapping[str, Any]) -> dict[str, Any] | None:
    """``sts:AssumeRoleWithWebIdentity`` arguments, or None; the token read from its file."""
    raw = values.get("assumeRoleWithWebIdentity")
    if not raw:
        return None
    where = "aws:assumeRoleWithWebIdentity"
    role = _role_entry(raw, where, WEB_IDENTITY_KEYS)
    args = _session_limits(role, where)
    token = role.get("webIdentityToken")
    if not token and role.get("webIdentityTokenFile"):
        try:
            token = Path(os.path.expanduser(role["webIdentityTokenFile"])).read_text().strip()
        except OSError as e:
            raise UnsupportedAwsConfig(f"{where}.webIdentityTokenFile cannot be read: {e.strerror}") from None
    if not token:
        raise UnsupportedAwsConfig(
            f"{where} has neither webIdentityToken nor a readable webIdentityTokenFile"
        )
    args["WebIdentityToken"] = token
    return args


def endpoint(values: Mapping[str, Any], service: str) -> str | None:
    for entry in values.get("endpoints") or []:
        if isinstance(entry, Mapping) and entry.get(service):
            return str(entry[service])
    return None


def shared_file(values: Mapping[str, Any], key: str) -> str | None:
    files = values.get(key) or []
    if isinstance(files, str):
        files = [files]
    if len(files) > 1:
        raise UnsupportedAwsConfig(
            f"aws:{key} names {len(files)} files; this lookup (boto3) reads one. Merge them into one file"
        )
    return os.path.expanduser(str(files[0])) if files else None


def base_session(values: Mapping[str, Any]) -> Any:
    """The session before any role: profile, static keys and the shared files."""
    import boto3
    import botocore.session

    core = botocore.session.Session()
    for key, variable in (
        ("sharedCredentialsFiles", "credentials_file"),
        ("sharedConfigFiles", "config_file"),
    ):
        path = shared_file(values, key)
        if path:
            core.set_config_variable(variable, path)
    return boto3.Session(botocore_session=core, **session_arguments(values))


def _with(credentials: Mapping[str, Any], region: str | None) -> Any:
    import boto3

    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def events_client(values: Mapping[str, Any]) -> Any:
    return client(values, "events")


def client(values: Mapping[str, Any], service: str) -> Any:
    """A boto3 client of ``service`` with the stack's credentials, roles, region and endpoints."""
    from botocore.config import Config

    retries = Config(retries={"max_attempts": 5, "mode": "standard"})
    verify = values.get("customCaBundle") or None
    session = base_session(values)
    region = session.region_name

    def sts() -> Any:
        return session.client(
            "sts",
            region_name=values.get("stsRegion") or region,
            endpoint_url=endpoint(values, "sts"),
            config=retries,
            verify=verify,
        )

    assumed = web_identity(values)
    if assumed is not None:
        session = _with(sts().assume_role_with_web_identity(**assumed)["Credentials"], region)
    for role in role_chain(values):
        session = _with(sts().assume_role(**role)["Credentials"], region)
    check_account(values, sts)
    return session.client(service, endpoint_url=endpoint(values, service), config=retries, verify=verify)


def check_account(values: Mapping[str, Any], sts: Any) -> None:
    """``aws:allowedAccountIds`` / ``aws:forbiddenAccountIds``, as the provider enforces them."""
    allowed = [str(a) for a in values.get("allowedAccountIds") or []]
    forbidden = [str(a) for a in values.get("forbiddenAccountIds") or []]
    if not allowed and not forbidden:
        return
    account = str(sts().get_caller_identity()["Account"])
    if (allowed and account not in allowed) or account in forbidden:
        raise UnsupportedAwsConfig(
            f"the lookup's credentials are for account {account}, which aws:allowedAccountIds / "
            "aws:forbiddenAccountIds do not allow; nothing was looked up"
        )


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
