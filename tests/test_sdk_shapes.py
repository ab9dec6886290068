"""The Genesys double's answers and every Genesys event fixture, read with Genesys' own models
(purecloudplatformclientv2 269.0.0, a dev dependency; the program keeps ``requests``): field
names, enum values and pagination fields as the SDK knows them, nothing it does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import fast_client
from genesys.topics import GENESYS_SOURCE_PREFIX
from sdk_shapes import event_model, problems

EVENTS = Path(__file__).parent / "events"


def genesys_events() -> list[tuple[str, dict[str, Any]]]:
    """(file, event) for every fixture event that claims to come from Genesys."""
    found = []
    for path in sorted(EVENTS.glob("*.json")) + sorted((EVENTS / "scenarios").glob("*.json")):
        data = json.loads(path.read_text())
        for step in [data] if "event" in data else data["events"]:
            if step["event"]["source"].startswith(GENESYS_SOURCE_PREFIX):
                found.append((f"{path.parent.name}/{path.name}", step["event"]))
    return found


def test_the_fixtures_hold_events_of_every_kind_the_preset_judges():
    events = [e for _, e in genesys_events()]
    kinds = {
        (e["detail-type"].rsplit(".", 2)[-2:][-1], e["detail"]["eventBody"].get("disconnectType"))
        for e in events
    }
    assert len(events) >= 40
    assert ("end", "TAKEOVER") in kinds and ("end", None) in kinds and ("end", "CONSULT_TRANSFER") in kinds


@pytest.mark.parametrize(("where", "event"), genesys_events(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_genesys_event_fixture_parses_as_genesys_model(where, event):
    body = event["detail"]["eventBody"]
    assert problems(body, event_model(event["detail-type"])) == [], where
    # The topic name is the template with the conversation's id in it.
    template = event["detail-type"].replace("{id}", body["conversationId"])
    assert event["detail"]["topicName"] == template, where


def test_the_strict_reader_refuses_what_genesys_models_do_not_hold():
    body = {"disconnectType": "HUNG_UP", "queueID": "x", "eventTime": "yesterday"}
    assert problems(body, "UserEndDetailEventTopicUserEndEvent") == [
        "$.queueID: not a field of UserEndDetailEventTopicUserEndEvent",
        "$.disconnectType: 'HUNG_UP' is not one of UserEndDetailEventTopicUserEndEvent's values",
        "$.eventTime: expected int, got 'yesterday'",
    ]
    assert problems({"disconnectType": "TAKEOVER"}, "AcdEndDetailEventTopicAcdEndEvent") == []


def test_the_doubles_read_answers_parse_as_genesys_models(genesys):
    client = fast_client(genesys.url)
    listing = client.get("/api/v2/integrations", [("integrationType", "amazon-eventbridge-source")])
    assert problems(listing, "IntegrationEntityListing") == []
    assert {e["integrationType"]["id"] for e in listing["entities"]} == {"amazon-eventbridge-source"}
    assert listing["total"] == 2  # the server-side filter, as IntegrationsApi.get_integrations sends it
    every = client.get("/api/v2/integrations", [("pageSize", 1)])
    assert problems(every, "IntegrationEntityListing") == [] and every["pageCount"] == 3
    assert "nextUri" in every and every["pageSize"] == 1
    integration_id = listing["entities"][0]["id"]
    config = client.get(f"/api/v2/integrations/{integration_id}/config/current")
    assert problems(config, "IntegrationConfiguration") == []
    assert isinstance(config["version"], int)
    assert problems(client.get("/api/v2/organizations/me"), "Organization") == []
    queues = client.get("/api/v2/routing/queues", [("pageSize", 2)])
    assert problems(queues, "QueueEntityListing") == [] and queues["pageCount"] == 3


def test_integrations_are_listed_with_the_server_side_type_filter(genesys):
    """As IntegrationsApi.get_integrations(integration_type=...) sends it: one page for the two
    EventBridge integrations, not every integration of the organisation."""
    from genesys.integration import find_integration

    genesys.data["integrations"] += [
        {
            **genesys.data["integrations"][2],
            "id": f"{n:08d}-0000-4000-8000-000000000000",
            "name": f"Other {n}",
        }
        for n in range(150)
    ]
    assert find_integration(fast_client(genesys.url), None)["name"] == "EventBridge (dev)"
    listed = [r for r in genesys.requests if r.path == "/api/v2/integrations"]
    assert len(listed) == 1 and listed[0].query["integrationType"] == ["amazon-eventbridge-source"]
