"""The Genesys EventBridge integration, created and kept by the stack (managed mode).

``check()`` reads (GET only, so a preview writes nothing to Genesys) the integration this stack
keeps, or the one of that name, and returns the desired inputs with the live facts: its id, the
partner event source it publishes to and ``drift``, each difference from what the stack wants.
``diff()`` reports drift as an update, so ``pulumi preview`` shows a topic removed in Genesys
Admin, a disabled integration, another account or a rename as a change, and ``pulumi up``
restores it. It never reports a replace: the program protects the resource, and the engine
refuses to replace a protected one; an integration deleted in Genesys fails ``check()`` with the
way back (refresh, then up).

``create()`` POSTs the integration (or takes over the one a failed run created, found by name and
mark), PUTs its configuration on the current ``version`` (a 409 re-reads it, bounded) and PATCHes
it ENABLED. An integration of that name without this stack's mark is never written to unless
``adopt`` says so. ``delete()`` deletes only what this stack created; Genesys then deletes the
partner event source with it, and the bus stops receiving. The program registers the resource
protected, so a ``pulumi destroy`` stops before it (README: "Managed mode").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from genesys import managed_config, managed_lookup
from genesys.client import GenesysClient
from genesys.errors import GenesysError, GenesysNotFound
from genesys.integration import (
    INTEGRATION_TYPE,
    INTEGRATIONS_PATH,
    OUTPUT_KEYS,
    IntegrationFacts,
    verified_facts,
)
from genesys.integration_writes import IntegrationWrites
from genesys.provider import GenesysProvider, has_unknowns, inputs_of

log = logging.getLogger(__name__)

INPUT_KEYS = (
    "name",
    "event_source_suffix",
    "aws_account_id",
    "aws_region",
    "aws_partition",
    "topics",
    "owner",
    "adopt",
)
MANAGED_OUTPUT_KEYS = (*OUTPUT_KEYS, "drift", "created")


def facts_of(
    entity: dict[str, Any], config: dict[str, Any], inputs: dict[str, Any], created: bool, org_id: str
) -> dict[str, Any]:
    """The outputs: the integration's id and state as Genesys has them; its event source as the
    stack makes it (the org id with the stack's suffix and region); ``drift`` from the live
    configuration. The inputs win over any fact of the same name."""
    live = config.get("properties") or {}
    facts = verified_facts(
        entity,
        {**live, **managed_config.desired_properties(inputs)},
        org_id,
        partition=inputs.get("aws_partition") or "aws",
        region=inputs["aws_region"],
    )
    return {**facts, "drift": managed_config.drift(entity, config, inputs), "created": created, **inputs}


def planned_facts(inputs: dict[str, Any], org_id: str) -> dict[str, Any]:
    """What a create will make, for a preview (and the offline plan): no integration yet."""
    entity = {"id": "", "name": inputs["name"], "intendedState": "ENABLED", "reportedState": {}}
    config = {
        "properties": managed_config.desired_properties(inputs),
        "notes": managed_config.notes(inputs["owner"]),
    }
    return facts_of(entity, config, inputs, True, org_id)


def _facts(
    client: GenesysClient,
    entity: dict[str, Any],
    config: dict[str, Any],
    inputs: dict[str, Any],
    created: bool,
) -> dict[str, Any]:
    return facts_of(entity, config, inputs, created, managed_lookup.org_id(client))


class ManagedIntegrationProvider(GenesysProvider):
    input_keys = INPUT_KEYS

    def _live(
        self,
        client: GenesysClient,
        inputs: dict[str, Any],
        known_id: str | None,
        in_state: bool = False,
    ) -> dict[str, Any] | None:
        """Live facts of this stack's integration (see :func:`managed_lookup.find`), or None."""
        found = managed_lookup.find(client, inputs, known_id, in_state)
        if found is None:
            return None
        entity, config = found
        owned = managed_config.marked_by(config) == inputs["owner"]
        # Where the state does not say (a first preview, a create resuming a failed one), an
        # existing integration under `adopt` is adopted: its mark may be from an adopting run
        # that failed half-way, and only what the stack created is deleted on destroy.
        return _facts(client, entity, config, inputs, created=owned and not inputs.get("adopt"))

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = inputs_of(news, self.input_keys)
        if has_unknowns(inputs):
            return CheckResult(inputs, [])
        in_state = bool(olds)  # the engine passes no olds for a resource its state lacks
        try:
            client = self.client()
            live = self._live(client, inputs, olds.get("integration_id") or None, in_state)
            if live is None and in_state:
                raise GenesysNotFound(managed_lookup.gone(inputs))
            if live is not None and "created" in olds:
                live["created"] = bool(olds["created"])  # the state remembers, not the mark
            facts = live if live is not None else planned_facts(inputs, managed_lookup.org_id(client))
        except GenesysError as e:
            return CheckResult(inputs, [CheckFailure("name", str(e))])
        return CheckResult(facts, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # Never a replace: the resource is protected, and the engine refuses to replace a
        # protected resource; an integration deleted in Genesys fails check() with the fix.
        changed = [k for k in self.input_keys if olds.get(k) != news.get(k)]
        if news.get("drift"):
            changed.append("drift")
        return DiffResult(changes=bool(changed), replaces=[], stables=[], delete_before_replace=False)

    def _apply(
        self, client: GenesysClient, integration_id: str, inputs: dict[str, Any], created: bool
    ) -> dict[str, Any]:
        writes = IntegrationWrites(client)
        writes.put_config(integration_id, lambda current: managed_config.desired_config(current, inputs))
        entity = client.get(f"{INTEGRATIONS_PATH}/{integration_id}")
        if entity.get("intendedState") != "ENABLED":
            entity = writes.set_state(integration_id, "ENABLED")
        return _facts(client, entity, managed_lookup.config_of(client, integration_id), inputs, created)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = inputs_of(props, self.input_keys)
        client = self.client()
        existing = self._live(client, inputs, None)  # a run that failed half-way may have made it
        if existing is not None:
            integration_id, created = str(existing["integration_id"]), bool(existing["created"])
        else:
            entity = IntegrationWrites(client).create(inputs["name"], INTEGRATION_TYPE)
            integration_id, created = str(entity["id"]), True
            pulumi.log.info(f"created the Genesys integration {inputs['name']!r} ({integration_id})")
        outs = self._apply(client, integration_id, inputs, created)
        return CreateResult(integration_id, outs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = inputs_of(news, self.input_keys)
        client = self.client()
        if self._live(client, inputs, id_) is None:
            raise GenesysNotFound(managed_lookup.gone(inputs))
        # Created or adopted is what the state remembers: an adopted integration carries the
        # stack's mark after its first PUT, and must not become "created" (deleted on destroy).
        outs = self._apply(client, id_, inputs, bool(olds.get("created")))
        return UpdateResult(outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = inputs_of(props, self.input_keys)
        client = self.client()
        try:
            entity = client.get(f"{INTEGRATIONS_PATH}/{id_}")
        except GenesysNotFound:
            return ReadResult("", {})
        config = managed_lookup.config_of(client, id_)
        facts = _facts(client, entity, config, inputs, bool(props.get("created")))
        return ReadResult(id_, facts)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        inputs = inputs_of(props, self.input_keys)
        client = self.client()
        try:
            config = managed_lookup.config_of(client, id_)
        except GenesysNotFound:
            return
        if not props.get("created") or managed_config.marked_by(config) != inputs["owner"]:
            pulumi.log.warn(
                f"the Genesys integration {id_} was adopted, not created, by this stack (or no longer "
                "carries its mark): left in Genesys, only removed from the stack's state."
            )
            return
        IntegrationWrites(client).delete(id_)


@dataclass
class ManagedIntegrationArgs:
    name: pulumi.Input[str]
    """The integration's name in Genesys Admin; unique among its EventBridge integrations."""
    event_source_suffix: pulumi.Input[str]
    """The partner event source's last part: ``aws.partner/genesys.com/cloud/<orgId>/<suffix>``."""
    aws_account_id: pulumi.Input[str]
    """The AWS account Genesys publishes to: the one this stack deploys to."""
    aws_region: pulumi.Input[str]
    """The AWS region Genesys publishes to: the stack's ``aws:region``."""
    topics: pulumi.Input[list[str]]
    """The Event Filter: the sorted topic templates the stack's rules match."""
    owner: pulumi.Input[str]
    """The stack, ``<organization>/<project>/<stack>``: the mark in the integration's notes."""
    adopt: pulumi.Input[bool] = False
    """Take over an integration of that name that this stack did not create."""
    aws_partition: pulumi.Input[str] = "aws"
    """The AWS partition, for the event source ARN."""


class ManagedIntegration(Resource, IntegrationFacts, module="genesys", name="ManagedIntegration"):
    """The Genesys ``amazon-eventbridge-source`` integration, created and kept by this stack."""

    drift: pulumi.Output[list[str]]
    """What differed from the stack's configuration when Genesys was last read."""
    created: pulumi.Output[bool]
    """True when this stack created it (and so deletes it on destroy)."""

    def __init__(
        self, name: str, args: ManagedIntegrationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props: dict[str, Any] = {key: getattr(args, key) for key in INPUT_KEYS}
        props.update(dict.fromkeys(k for k in MANAGED_OUTPUT_KEYS if k not in props))
        super().__init__(ManagedIntegrationProvider(), name, props, opts)
