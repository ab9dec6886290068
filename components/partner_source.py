"""The AWS side of the handshake: Genesys must have created the partner event source.

Saving the integration in Genesys creates a partner event source in the AWS account; until it
exists, creating the partner bus fails with an AWS error that does not say why. This looks it
up first and says what to do.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


class PartnerSourceMissing(pulumi.RunError):
    """The Genesys partner event source is not in this AWS account and region."""


async def _confirmed(name: str) -> str:
    try:
        found = await aws.cloudwatch.get_event_source_output(name_prefix=name).future()
    except Exception as e:  # the provider reports "no matching event source" as a failed invoke
        raise PartnerSourceMissing(
            f"The partner event source {name} does not exist in this AWS account and region "
            f"({e}). The integration is saved in Genesys, but Genesys has not "
            "created its event source here: check the integration's AWS Account ID and Region in "
            "Genesys, wait a minute after saving it, and look under Amazon EventBridge > Partner "
            "event sources."
        ) from None
    if found is None or found.name != name or found.state == "DELETED":
        raise PartnerSourceMissing(
            f"The partner event source {name} is {(found and found.state) or 'missing'} in this AWS account "
            f"(found {found and found.name!r}). Re-save the integration in Genesys to create it again."
        )
    return name


def confirm_partner_source(source: pulumi.Output[str]) -> pulumi.Output[str]:
    """The source name, once AWS confirms the partner event source exists."""
    return source.apply(_confirmed)
