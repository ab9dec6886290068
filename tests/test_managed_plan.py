"""`make plan` in managed mode shows what the first `pulumi up` writes to Genesys: the three
requests with their bodies, the Event Filter the stack's routes need, and the source it waits for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from components import source_wait
from conftest import fast_client
from genesys import managed_config
from genesys.integration_writes import CONFLICT_ATTEMPTS, WRITE_PERMISSIONS, IntegrationWrites
from genesys_double import running
from mockrun import ROOT
from operations import cli
from sdk_shapes import problems

TOPICS = [
    "v2.detail.events.conversation.{id}.acd.end",
    "v2.detail.events.conversation.{id}.acw",
    "v2.detail.events.conversation.{id}.user.end",
]


@pytest.fixture
def managed_stack(tmp_path: Path) -> Path:
    config = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    config["genesys-queue-events:integration"] = {"name": "EventBridge (cx-dev)", "manage": True}
    path = tmp_path / "Pulumi.cx-dev.yaml"
    path.write_text(yaml.safe_dump({"config": config}))
    return path


def test_the_plan_lists_the_requests_the_first_up_makes_to_genesys(capsys, managed_stack):
    assert cli.main(["plan", str(managed_stack)]) == 0
    text = capsys.readouterr().out
    block = text.split("Genesys integration: managed")[1].split("\n\n")[0]
    assert block.splitlines()[1:] == [
        "  POST  /api/v2/integrations  name 'EventBridge (cx-dev)', type amazon-eventbridge-source",
        "  PUT   /api/v2/integrations/<id>/config/current  (on the current version)",
        "          awsAccountId       123456789012",
        "          awsAccountRegion   eu-west-1",
        "          eventSourceSuffix  cx-dev",
        f"          eventFilter        {TOPICS[0]}",
        f"                             {TOPICS[1]}",
        f"                             {TOPICS[2]}",
        "          notes              managed-by: organization/genesys-queue-events/cx-dev",
        "  PATCH /api/v2/integrations/<id>  intendedState ENABLED",
        "  partner source      aws.partner/genesys.com/cloud/<orgId>/cx-dev (verified at preview)",
        "                      Genesys creates it after the PUT; the up waits for it (at most 300 s) before it creates the bus",
    ]
    assert "Event Filter must contain" not in text  # the verify mode's instruction to a person
    assert (
        "that no EventBridge integration named 'EventBridge (cx-dev)' exists that this stack did not create"
        in text
    )


def test_the_plans_bodies_are_what_the_double_takes_and_genesys_models_read(capsys, managed_stack):
    assert cli.main(["plan", str(managed_stack), "--json"]) == 0
    integration = json.loads(capsys.readouterr().out)["integration"]
    post, put, patch = integration["genesysRequests"]
    assert integration["requiredTopics"] == TOPICS and put["body"]["properties"]["eventFilter"] == TOPICS
    assert put["body"]["notes"] == managed_config.notes("organization/genesys-queue-events/cx-dev")
    assert problems(post["body"], "CreateIntegrationRequest") == []
    assert problems(put["body"], "IntegrationConfiguration") == []
    assert problems(patch["body"], "Integration") == []
    with running() as double:  # over HTTP, as the up sends them
        writes = IntegrationWrites(fast_client(double.url))
        entity = writes.create(post["body"]["name"], post["body"]["integrationType"]["id"])
        saved = writes.put_config(
            entity["id"], lambda current: {**put["body"], "version": current["version"]}
        )
        assert saved == {**put["body"], "version": 2}
        assert writes.set_state(entity["id"], patch["body"]["intendedState"])["intendedState"] == "ENABLED"


def test_the_readmes_managed_mode_figures_are_the_programs():
    readme = (ROOT / "README.md").read_text()
    section = " ".join(
        readme.split("### Managed mode: the stack creates the integration")[1].split("\n## ")[0].split()
    )
    wait = source_wait.DEFAULT_WAIT
    assert f"retried, {CONFLICT_ATTEMPTS} times at most" in section
    assert f"every {wait.interval_seconds:.0f} s, at most {wait.longest_seconds / 60:.0f} minutes" in section
    for permission in WRITE_PERMISSIONS.values():
        assert f"`{permission}`" in section or f"`:{permission.rsplit(':', 1)[1]}`" in section
