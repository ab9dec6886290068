"""The verified Genesys EventBridge integration, as a dynamic resource.

Genesys holds no "target ARN" (the seed tutorial's endpoint for one does not exist). It holds
the AWS account, the AWS region and a suffix; with the organisation id these name the partner
event source: ``aws.partner/genesys.com/cloud/<orgId>/<suffix>``. This resource finds the
``amazon-eventbridge-source`` integration, reads its current configuration and the org id, and
refuses a stack that could never receive its events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from genesys.client import GenesysClient
from genesys.errors import GenesysError, GenesysNotFound
from genesys.provider import GenesysProvider
from genesys.topics import GENESYS_SOURCE_PREFIX

INTEGRATION_TYPE = "amazon-eventbridge-source"
INTEGRATIONS_PATH = "/api/v2/integrations"

INPUT_KEYS = (
    "integration",
    "aws_account_id",
    "aws_region",
    "aws_partition",
    "required_topics",
    "event_bus_name",
)
OUTPUT_KEYS = (
    "integration_id",
    "integration_name",
    "intended_state",
    "reported_state",
    "org_id",
    "event_source_suffix",
    "genesys_aws_account_id",
    "genesys_aws_region",
    "topics",
    "event_source_name",
    "event_source_arn",
)


def _describe(entity: dict[str, Any]) -> str:
    state = entity.get("intendedState", "?")
    return f"'{entity.get('name')}' (id {entity.get('id')}, {state})"


def eventbridge_integrations(client: GenesysClient) -> list[dict[str, Any]]:
    """Every Amazon EventBridge Source integration of the organisation."""
    # Genesys filters by type on the server (IntegrationsApi.get_integrations' integration_type,
    # the query parameter ``integrationType``); the check on each entity stays, so an API that
    # ignored the filter could not hand this stack a Data Actions integration.
    return [
        e
        for page in client.pages(INTEGRATIONS_PATH, [("integrationType", INTEGRATION_TYPE)])
        for e in page.entities
        if (e.get("integrationType") or {}).get("id") == INTEGRATION_TYPE
    ]


def find_integration(client: GenesysClient, reference: str | None) -> dict[str, Any]:
    """The one ``amazon-eventbridge-source`` integration meant: by id, by name, or the only
    enabled one."""
    candidates = eventbridge_integrations(client)
    listing = "; ".join(_describe(e) for e in candidates) or "none"
    if reference:
        matches = [e for e in candidates if e.get("id") == reference]
        matches = matches or [
            e for e in candidates if str(e.get("name", "")).casefold() == reference.casefold()
        ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise GenesysNotFound(
                f"integration {reference!r}: no Amazon EventBridge integration has that id or name. "
                f"The organisation's EventBridge integrations: {listing}. Set `integration` to one "
                "of them."
            )
        raise GenesysError(
            f"integration {reference!r}: several EventBridge integrations have that name: "
            f"{'; '.join(_describe(e) for e in matches)}. Set `integration` to one of their ids."
        )
    enabled = [e for e in candidates if e.get("intendedState") == "ENABLED"]
    if len(enabled) == 1:
        return enabled[0]
    if not enabled:
        raise GenesysError(
            "no enabled Amazon EventBridge integration in this Genesys organisation "
            f"(EventBridge integrations: {listing}). Install and enable one under Admin > "
            "Integrations, or set `integration` to the one to use."
        )
    raise GenesysError(
        f"several enabled Amazon EventBridge integrations: {'; '.join(_describe(e) for e in enabled)}. "
        "Set `integration` to the id or name of the one this stack receives."
    )


def event_source_name(org_id: str, suffix: str) -> str:
    return f"{GENESYS_SOURCE_PREFIX}{org_id}/{suffix}"


def event_source_arn(partition: str, region: str, source_name: str) -> str:
    return f"arn:{partition}:events:{region}::event-source/{source_name}"


def verified_facts(
    entity: dict[str, Any], properties: dict[str, Any], org_id: str, *, partition: str, region: str
) -> dict[str, Any]:
    """What the provider verified of one integration: its state, the partner event source it
    publishes to, and the topics its Event Filter forwards. ``region`` is the stack's, used when
    the integration names none."""
    suffix = str(properties.get("eventSourceSuffix") or "")
    source = event_source_name(org_id, suffix)
    reported = entity.get("reportedState") or {}
    return {
        "integration_id": entity["id"],
        "integration_name": entity.get("name"),
        "intended_state": entity.get("intendedState"),
        "reported_state": reported.get("code"),
        "org_id": org_id,
        "event_source_suffix": suffix,
        "genesys_aws_account_id": str(properties.get("awsAccountId") or ""),
        "genesys_aws_region": str(properties.get("awsAccountRegion") or ""),
        "topics": sorted(str(t) for t in properties.get("eventFilter") or []),
        "event_source_name": source,
        "event_source_arn": event_source_arn(
            partition, str(properties.get("awsAccountRegion") or region), source
        ),
    }


class IntegrationProvider(GenesysProvider):
    input_keys = INPUT_KEYS
    replace_on = ("integration", "aws_account_id", "aws_region")

    def inspect(self, inputs: dict[str, Any]) -> dict[str, Any]:
        client = self.client()
        entity = find_integration(client, inputs.get("integration"))
        config = client.get(f"/api/v2/integrations/{entity['id']}/config/current")
        properties = config.get("properties") or {}
        org_id = client.get("/api/v2/organizations/me")["id"]
        return verified_facts(
            entity,
            properties,
            org_id,
            partition=inputs.get("aws_partition") or "aws",
            region=inputs["aws_region"],
        )

    def inspect_existing(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        # The integration this resource verified, even if it is no longer the only enabled one.
        return self.inspect({**inputs, "integration": id_})

    def failures(self, inputs: dict[str, Any], facts: dict[str, Any]) -> list[tuple[str, str]]:
        name = f"'{facts['integration_name']}' ({facts['integration_id']})"
        where = f"in Genesys Cloud under Admin > Integrations > {facts['integration_name']}"
        found: list[tuple[str, str]] = []
        if facts["intended_state"] != "ENABLED":
            found.append(
                (
                    "integration",
                    f"the Genesys EventBridge integration {name} is {facts['intended_state']}, so "
                    f"Genesys sends no events; enable it {where}, or set `integration` to another.",
                )
            )
        elif facts["reported_state"] != "ACTIVE":
            found.append(
                (
                    "integration",
                    f"the Genesys EventBridge integration {name} reports {facts['reported_state']}, "
                    f"not ACTIVE; see its status {where} (an ERROR usually means the AWS account "
                    "or region in its configuration is wrong).",
                )
            )
        if not facts["event_source_suffix"]:
            found.append(
                (
                    "integration",
                    f"the integration {name} has no Event Source Suffix, so it names no partner "
                    f"event source; set one {where}.",
                )
            )
        checks = (
            ("aws_account_id", "genesys_aws_account_id", "AWS Account ID", "account"),
            ("aws_region", "genesys_aws_region", "AWS Account Region", "region"),
        )
        for key, fact, label, noun in checks:
            if facts[fact] != inputs[key]:
                found.append(
                    (
                        key,
                        f"the integration {name} sends events to AWS {noun} "
                        f"{facts[fact] or '(none)'}, but this stack deploys to {inputs[key]}. Set "
                        f"its '{label}' to {inputs[key]} {where}, or deploy this stack with "
                        f"credentials and aws:region for {noun} {facts[fact]}.",
                    )
                )
        missing = sorted(set(inputs.get("required_topics") or []) - set(facts["topics"]))
        if missing:
            found.append(
                (
                    "required_topics",
                    f"the integration {name} does not forward {', '.join(missing)}: its Event "
                    "Filter lacks them, so rules on them would never fire. Add them to the "
                    f"integration's Event Filter {where}.",
                )
            )
        bus = inputs.get("event_bus_name")
        if bus and bus != facts["event_source_name"]:
            found.append(
                (
                    "event_bus_name",
                    f"eventBus {bus!r} is not the partner event bus of this integration; Genesys "
                    f"events arrive only on the bus named after their source, "
                    f"{facts['event_source_name']!r}. Set eventBus to that name, or to 'create'.",
                )
            )
        return found

    def resource_id(self, facts: dict[str, Any]) -> str:
        return str(facts["integration_id"])


@dataclass
class EventBridgeIntegrationArgs:
    aws_account_id: pulumi.Input[str]
    """The AWS account this stack deploys to; the integration must send events there."""
    aws_region: pulumi.Input[str]
    """The AWS region this stack deploys to; the integration must send events there."""
    required_topics: pulumi.Input[list[str]]
    """Topic templates the stack's rules match; the integration's eventFilter must have them."""
    integration: pulumi.Input[str] | None = None
    """Id or name of the integration; None means the only enabled one."""
    aws_partition: pulumi.Input[str] = "aws"
    """The AWS partition, for the event source ARN."""
    event_bus_name: pulumi.Input[str] | None = None
    """An existing bus the stack puts its rules on; it must be the partner bus."""


class IntegrationFacts:
    """What the verified (EventBridgeIntegration) and the kept (ManagedIntegration) integration
    both tell the stack: the OUTPUT_KEYS."""

    integration_id: pulumi.Output[str]
    integration_name: pulumi.Output[str]
    intended_state: pulumi.Output[str]
    reported_state: pulumi.Output[str]
    org_id: pulumi.Output[str]
    event_source_suffix: pulumi.Output[str]
    topics: pulumi.Output[list[str]]
    event_source_name: pulumi.Output[str]
    """``aws.partner/genesys.com/cloud/<orgId>/<suffix>``: also the partner bus's name."""
    event_source_arn: pulumi.Output[str]


class EventBridgeIntegration(Resource, IntegrationFacts, module="genesys", name="EventBridgeIntegration"):
    """The Genesys ``amazon-eventbridge-source`` integration, verified against this stack."""

    def __init__(
        self,
        name: str,
        args: EventBridgeIntegrationArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "integration": args.integration,
            "aws_account_id": args.aws_account_id,
            "aws_region": args.aws_region,
            "aws_partition": args.aws_partition,
            "required_topics": args.required_topics,
            "event_bus_name": args.event_bus_name,
        }
        props.update(dict.fromkeys(OUTPUT_KEYS))
        super().__init__(IntegrationProvider(), name, props, opts)
