"""Managed mode's writes against the Genesys double over loopback HTTP: the exact request
bodies, a 409 retried after re-reading the version (bounded), a 403 that names the permission,
a POST never repeated after an ambiguous failure, and the bodies and answers read with
Genesys' own models."""

from __future__ import annotations

import pytest

from conftest import CLIENT_ID, fast_client
from genesys.errors import GenesysError, GenesysPermissionError
from genesys.integration_writes import CONFLICT_ATTEMPTS, IntegrationWrites
from genesys_double import Fault
from sdk_shapes import problems

TYPE = "amazon-eventbridge-source"
DEV = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f"
CONFIG = f"/api/v2/integrations/{DEV}/config/current"


def writes(double) -> IntegrationWrites:
    return IntegrationWrites(fast_client(double.url))


def with_topic(topic):
    def build(current):
        props = {**current["properties"], "eventFilter": [*current["properties"]["eventFilter"], topic]}
        return {**current, "properties": props}

    return build


def test_create_posts_the_name_and_type_and_genesys_holds_it_disabled(genesys):
    entity = writes(genesys).create("EventBridge (cx-dev)", TYPE)
    assert [(r.method, r.path, r.body) for r in genesys.writes()] == [
        ("POST", "/api/v2/integrations", {"name": "EventBridge (cx-dev)", "integrationType": {"id": TYPE}})
    ]
    assert problems(genesys.writes()[0].body, "CreateIntegrationRequest") == []
    assert problems(entity, "Integration") == []
    assert entity["intendedState"] == "DISABLED" and entity["name"] == "EventBridge (cx-dev)"


def test_a_put_answered_409_is_retried_on_the_version_read_again(genesys):
    genesys.inject(CONFIG, Fault(status=409, method="PUT", times=2))
    saved = writes(genesys).put_config(DEV, with_topic("v2.detail.events.conversation.{id}.wrapup"))
    puts = [r for r in genesys.writes() if r.method == "PUT"]
    gets = [r for r in genesys.requests if r.method == "GET" and r.path == CONFIG]
    assert len(puts) == 3 and len(gets) == 3  # each PUT after its own read
    assert [p.body["version"] for p in puts] == [1, 1, 1]
    assert (
        saved["version"] == 2
        and "v2.detail.events.conversation.{id}.wrapup" in saved["properties"]["eventFilter"]
    )
    assert problems(puts[-1].body, "IntegrationConfiguration") == []
    assert problems(saved, "IntegrationConfiguration") == []


@pytest.mark.parametrize(
    "fault",
    [
        Fault(
            status=400,
            method="PUT",
            payload={
                "message": "The version 1 does not match the current version 2",
                "code": "bad.request",
                "status": 400,
            },
        ),
        Fault(status=408, method="PUT"),
    ],
    ids=["400-version", "408"],
)
def test_the_other_answers_genesys_gives_a_stale_version_are_retried_too(genesys, fault):
    genesys.inject(CONFIG, fault)
    saved = writes(genesys).put_config(DEV, with_topic("v2.detail.events.conversation.{id}.wrapup"))
    assert [r.method for r in genesys.writes()] == ["PUT", "PUT"] and saved["version"] == 2


def test_any_other_400_on_the_put_is_not_retried(genesys):
    genesys.inject(CONFIG, Fault(status=400, method="PUT", payload={"message": "eventFilter: invalid topic"}))
    with pytest.raises(GenesysError, match="HTTP 400: eventFilter: invalid topic"):
        writes(genesys).put_config(DEV, with_topic("nonsense"))
    assert len(genesys.writes()) == 1


def test_a_stale_version_is_refused_by_the_double_as_genesys_does(genesys):
    """The double's 409 is real: a PUT built from a version another writer already replaced."""
    client = fast_client(genesys.url)
    stale = client.get(CONFIG)
    writes(genesys).put_config(DEV, with_topic("v2.detail.events.conversation.{id}.wrapup"))
    attempts = []

    def from_stale(current):
        attempts.append(current["version"])
        return stale if len(attempts) == 1 else current

    saved = writes(genesys).put_config(DEV, from_stale)
    assert attempts == [2, 2] and saved["version"] == 3


def test_a_put_that_keeps_losing_stops_after_a_bound_and_says_why(genesys):
    genesys.inject(CONFIG, Fault(status=409, method="PUT", times=CONFLICT_ATTEMPTS + 5))
    with pytest.raises(
        GenesysError, match=f"changed {CONFLICT_ATTEMPTS} times while this stack was saving it"
    ):
        writes(genesys).put_config(DEV, with_topic("v2.detail.events.conversation.{id}.wrapup"))
    assert len([r for r in genesys.writes() if r.method == "PUT"]) == CONFLICT_ATTEMPTS


@pytest.mark.parametrize(
    ("call", "permission"),
    [
        (lambda w: w.create("X", TYPE), "integrations:integration:add"),
        (lambda w: w.set_state(DEV, "ENABLED"), "integrations:integration:edit"),
        (lambda w: w.put_config(DEV, lambda c: c), "integrations:integration:edit"),
        (lambda w: w.delete(DEV), "integrations:integration:delete"),
    ],
)
def test_a_403_names_the_missing_permission(genesys, call, permission):
    genesys.data["permissions"] = {CLIENT_ID: ["integrations:integration:view"]}
    with pytest.raises(GenesysPermissionError) as raised:
        call(writes(genesys))
    message = str(raised.value)
    assert f"needs the permission {permission} for this" in message
    assert "Admin > Roles / Permissions" in message and "without `manage`" in message
    assert genesys.integration("EventBridge (dev)")["config"]["version"] == 1  # nothing changed


def test_a_post_is_not_repeated_after_an_answer_that_may_mean_it_was_created(genesys):
    genesys.inject("/api/v2/integrations", Fault(status=503, method="POST", times=3))
    with pytest.raises(GenesysError, match="HTTP 503"):
        writes(genesys).create("EventBridge (cx-dev)", TYPE)
    assert len(genesys.writes()) == 1


def test_a_post_throttled_with_429_is_retried(genesys):
    genesys.inject("/api/v2/integrations", Fault(status=429, retry_after=1, method="POST"))
    writes(genesys).create("EventBridge (cx-dev)", TYPE)
    assert [r.method for r in genesys.writes()] == ["POST", "POST"]
    assert len([i for i in genesys.data["integrations"] if i["name"] == "EventBridge (cx-dev)"]) == 1


def test_patch_sets_the_state_and_is_retried_through_a_503(genesys):
    genesys.inject(f"/api/v2/integrations/{DEV}", Fault(status=503, method="PATCH"))
    entity = writes(genesys).set_state(DEV, "DISABLED")
    assert [(r.method, r.body) for r in genesys.writes()] == [("PATCH", {"intendedState": "DISABLED"})] * 2
    assert entity["intendedState"] == "DISABLED" and problems(entity, "Integration") == []
    assert problems(genesys.writes()[0].body, "Integration") == []


def test_delete_removes_it_and_a_second_delete_finds_it_gone(genesys):
    w = writes(genesys)
    assert w.delete(DEV) is True
    assert w.delete(DEV) is False
    assert genesys.deleted == [DEV]
