"""Each distinct target function or alias, looked up at preview.

``PutTargets`` does not check that a function exists: a missing one shows up only when
``AddPermission`` fails (once per queue, each after the provider's retry timeout) or as
``NO_RESOURCE`` deliveries to the dead-letter queue. One lookup per function or alias, through
the stack's own AWS provider, turns that into one message at preview that names the function
and the config key that chose it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pulumi
import pulumi_aws as aws

from components import aws_invoke
from components.invoke_grants import PolicyHolder


class TargetFunctionMissing(pulumi.RunError):
    """A configured Lambda function or alias does not exist."""


def confirmed_functions(
    targets: Iterable[tuple[PolicyHolder, str]],
) -> dict[PolicyHolder, pulumi.Output[str]]:
    """Per distinct function or alias (with the first config key that names it): its function
    ARN, once AWS confirms the function (and alias) exists."""
    keys: dict[PolicyHolder, str] = {}
    for holder, key in targets:
        keys.setdefault(holder, key)
    return {holder: _confirmed(holder, key) for holder, key in keys.items()}


def _confirmed(holder: PolicyHolder, key: str) -> pulumi.Output[str]:
    async def look_up() -> str:
        try:
            await aws_invoke.look_up(
                "aws:lambda/getFunction:getFunction",
                {"functionName": holder.function_arn, "qualifier": holder.qualifier},
                aws.lambda_.GetFunctionResult,
            )
        except aws_invoke.LookupFailed as e:
            what = f"alias {holder.qualifier!r} of the function" if holder.qualifier else "function"
            if "notfound" not in str(e).replace(" ", "").lower():
                # Denied, throttled, expired credentials: say so, not that the function is missing.
                raise TargetFunctionMissing(
                    f"{key} = {holder.resource_arn}: looking up the {what} failed ({e}). The preview's AWS "
                    "role needs lambda:GetFunction, lambda:GetFunctionCodeSigningConfig and "
                    "lambda:ListVersionsByFunction on it (iam/preview-permissions.json)."
                ) from None
            raise TargetFunctionMissing(
                f"{key} = {holder.resource_arn}: the {what} was not found in this AWS account and region "
                f"({e}). Deploy the function (and alias) first, or correct {key}."
            ) from None
        return holder.function_arn

    return pulumi.Output.from_input(None).apply(lambda _: look_up())
