"""Each distinct target function or alias, looked up at preview.

``PutTargets`` does not check that a function exists: a missing one shows up only when
``AddPermission`` fails (once per queue, each after the provider's retry timeout) or as
``NO_RESOURCE`` deliveries to the dead-letter queue. One lookup per function or alias turns that
into one message at preview that names the function and the config key that chose it.

The lookup reads nothing a branch pusher should see. The provider's ``getFunction`` calls
``GetFunction``, whose answer holds the function's environment variables and a download link to
its code, and a pull request's preview runs with whatever its role may read. So an alias is
confirmed with ``GetAlias`` (its name, version and routing) and a function with
``GetFunctionConcurrency`` (its reserved concurrency), both of which fail with
``ResourceNotFoundException`` when the function or alias is missing
(:func:`components.aws_session.confirm_lambda_target`, with the stack's own ``aws:`` settings).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

import pulumi

from components import aws_session
from components.invoke_grants import PolicyHolder

LOOKUP_ACTIONS = ("lambda:GetAlias", "lambda:GetFunctionConcurrency")
"""What the preview and deploy roles need for the lookup (iam/*-permissions.json)."""

confirm_target: Callable[[str, str | None], None] = aws_session.confirm_lambda_target
"""(function ARN, alias or None) → None, or an exception. AWS itself in a preview or an update;
the offline plan and the tests put their mocks' answer here (operations/offline_program.py)."""


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
            await asyncio.to_thread(confirm_target, holder.function_arn, holder.qualifier)
        except Exception as e:  # botocore's ClientError, credentials, endpoint: each said below
            what = f"alias {holder.qualifier!r} of the function" if holder.qualifier else "function"
            if "resourcenotfound" not in str(e).replace(" ", "").lower():
                # Denied, throttled, expired credentials: say so, not that the function is missing.
                action = LOOKUP_ACTIONS[0] if holder.qualifier else LOOKUP_ACTIONS[1]
                raise TargetFunctionMissing(
                    f"{key} = {holder.resource_arn}: looking up the {what} failed ({e}). The preview's AWS "
                    f"role needs {action} on it (iam/preview-permissions.json)."
                ) from None
            raise TargetFunctionMissing(
                f"{key} = {holder.resource_arn}: the {what} was not found in this AWS account and region "
                f"({e}). Deploy the function (and alias) first, or correct {key}."
            ) from None
        return holder.function_arn

    return pulumi.Output.from_input(None).apply(lambda _: look_up())
