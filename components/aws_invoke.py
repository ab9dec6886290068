"""Look something up through the stack's AWS provider, and get a failure back as a value.

The generated ``get_*_output`` functions track their Output with the runtime: once the data
source fails ("no matching event source", "function not found"), the program fails with the
provider's raw message, whatever the program did with the error. ``invoke_async`` is the SDK's
own awaitable form of the same invoke, with the same provider, credentials and region, whose
failure reaches only the code that awaits it, so the program can say what it means.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_aws import _utilities  # the provider version and package the generated SDK invokes with


class LookupFailed(Exception):
    """The provider's data source reported a failure (for example, nothing matched)."""


async def look_up(token: str, args: dict[str, Any], result_type: type) -> Any:
    """The data source's typed result, or :class:`LookupFailed` with the provider's reason."""
    try:
        return await pulumi.runtime.invoke_async(
            token,
            {k: v for k, v in args.items() if v is not None},
            opts=pulumi.InvokeOptions.merge(_utilities.get_invoke_opts_defaults(), None),
            typ=result_type,
        )
    except Exception as e:  # a failed invoke arrives as a plain Exception with the reason
        raise LookupFailed(str(e)) from None
