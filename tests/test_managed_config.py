"""The pure part of managed mode: the mark, the PUT body, and drift in words."""

from __future__ import annotations

from genesys import managed_config as mc

OWNER = "org/genesys-queue-events/cx-dev"
INPUTS = {
    "name": "EventBridge (cx-dev)",
    "event_source_suffix": "cx-dev",
    "aws_account_id": "123456789012",
    "aws_region": "eu-west-1",
    "topics": ["b.user.end", "a.acd.end", "b.user.end"],
    "owner": OWNER,
}
LIVE = {
    "id": "c1",
    "name": "EventBridge (cx-dev)",
    "version": 7,
    "properties": {
        "awsAccountId": "123456789012",
        "awsAccountRegion": "eu-west-1",
        "eventSourceSuffix": "cx-dev",
        "eventFilter": ["a.acd.end", "b.user.end"],
        "somethingElse": "kept",
    },
    "advanced": {"x": 1},
    "credentials": {"basicAuth": {"id": "cred-1"}},
    "notes": f"managed-by: {OWNER}\n{mc.NOTES_TEXT}",
    "selfUri": "/api/v2/integrations/c1/config/current",
}
ENABLED = {"id": "c1", "name": "EventBridge (cx-dev)", "intendedState": "ENABLED"}


def test_the_mark_is_a_line_of_the_notes_and_names_the_owner():
    assert mc.notes(OWNER).splitlines()[0] == f"managed-by: {OWNER}"
    assert mc.marked_by({"notes": mc.notes(OWNER)}) == OWNER
    assert mc.marked_by({"notes": f"ours\nmanaged-by:  {OWNER} \nmore"}) == OWNER
    assert mc.marked_by({"notes": "managed-by: "}) is None
    assert mc.marked_by({"notes": f"not managed-by: {OWNER}"}) is None
    assert mc.marked_by({}) is None and mc.marked_by({"notes": None}) is None


def test_the_put_body_keeps_what_the_stack_does_not_set_and_carries_the_version():
    body = mc.desired_config({**LIVE, "notes": "", "name": "old"}, {**INPUTS, "topics": ["z.wrapup"]})
    assert body == {
        "id": "c1",
        "name": "EventBridge (cx-dev)",
        "version": 7,
        "properties": {
            "awsAccountId": "123456789012",
            "awsAccountRegion": "eu-west-1",
            "eventSourceSuffix": "cx-dev",
            "eventFilter": ["z.wrapup"],
            "somethingElse": "kept",
        },
        "advanced": {"x": 1},
        "credentials": {"basicAuth": {"id": "cred-1"}},
        "notes": mc.notes(OWNER),
    }
    assert mc.desired_config({"version": 1}, INPUTS)["advanced"] == {}


def test_the_event_filter_is_the_sorted_set_of_topics():
    assert mc.desired_properties(INPUTS)["eventFilter"] == ["a.acd.end", "b.user.end"]


def test_no_drift_when_genesys_holds_what_the_stack_wants():
    assert mc.drift(ENABLED, LIVE, INPUTS) == []


def test_each_difference_is_named_with_both_values():
    live = {
        **LIVE,
        "notes": "hand-made",
        "properties": {
            "awsAccountRegion": "us-east-1",
            "eventSourceSuffix": "cx-dev",
            "eventFilter": ["c.customer.end", "d.flow.end"],
        },
    }
    entity = {**ENABLED, "intendedState": "DISABLED", "name": "Renamed"}
    assert mc.drift(entity, live, INPUTS) == [
        "awsAccountId: (none) in Genesys, the stack wants 123456789012",
        "awsAccountRegion: us-east-1 in Genesys, the stack wants eu-west-1",
        "eventFilter: also forwards c.customer.end, d.flow.end",
        "eventFilter: lacks a.acd.end, b.user.end",
        "intendedState: DISABLED in Genesys, the stack wants ENABLED",
        "name: 'Renamed' in Genesys, the stack wants 'EventBridge (cx-dev)'",
        f"notes: without this stack's mark (managed-by: {OWNER})",
    ]
    assert mc.drift({**ENABLED, "intendedState": None}, {**LIVE, "properties": {}}, INPUTS)[-1].startswith(
        "intendedState: None"
    )
