"""What `pulumi up` does between two versions of a stack file: the engine's verdict per resource
(operations/verdict.py, from the ForceNew table), computed from two runs of the program under the
mock runtime, for every kind of edit a user makes. Genesys keeps sending while it runs, so:

- reordering the queues changes nothing;
- an edit of one queue touches no other queue's rule, target or permission;
- no step leaves a routed queue without a permission that admits its rule on the function its
  target points at (a target waits for its permission; nothing it needs is replaced delete-first).
"""

from __future__ import annotations

import dataclasses

import pytest

from mockrun import FUNCTION, base_config, run_program
from operations import verdict

CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
OTHER = f"{FUNCTION}-other"
ROUTE_TYPES = (verdict.RULE, verdict.TARGET, verdict.PERMISSION)
# A queue's permission: routing-<queue>-<function's slug and hash> (components/routing.py).
CARE_PERMISSION = f"routing-{CARE}-conversation-ended-bec273"


def program(config):
    run = run_program(config)
    return verdict.resources(run.resources, run.dependencies, run.aliases, run.delete_before_replace)


def queues(*extra, drop=()):
    listed = [q for q in base_config()["queues"] if q not in drop]
    return base_config(queues=listed + list(extra), alarms={"email": ["oncall@example.com"]})


def edit(base, head):
    before, after = program(base), program(head)
    return verdict.steps(before, after), verdict.windows(before, after)


def routes(steps):
    """(op, type, name) of the steps on rules, targets and permissions."""
    return {(s.op, s.type, s.name) for s in steps if s.type in ROUTE_TYPES}


def only_queue(steps, slug):
    """Every rule, target and permission step belongs to this queue."""
    return all(name == f"routing-{slug}" or name.startswith(f"routing-{slug}-") for *_, name in routes(steps))


BASE = queues()


def test_reversing_the_list_changes_nothing():
    reversed_ = dict(BASE, queues=list(reversed(BASE["queues"])))
    assert edit(BASE, reversed_) == ([], [])


def test_adding_a_queue_at_the_end_creates_its_route_and_touches_no_other():
    steps, windows = edit(BASE, queues({"name": "Claims"}))
    assert routes(steps) == {
        ("create", verdict.RULE, "routing-claims"),
        ("create", verdict.TARGET, "routing-claims"),
        ("create", verdict.PERMISSION, "routing-claims-conversation-ended-bec273"),
    }
    assert windows == []


def test_adding_a_queue_in_the_middle_is_the_same_as_at_the_end():
    middle = dict(BASE, queues=[BASE["queues"][0], {"name": "Claims"}, *BASE["queues"][1:]])
    (in_middle, middle_windows), (at_end, end_windows) = (
        edit(BASE, middle),
        edit(BASE, queues({"name": "Claims"})),
    )
    assert sorted(in_middle, key=repr) == sorted(at_end, key=repr)
    assert middle_windows == end_windows == []


def test_removing_a_queue_deletes_exactly_its_route():
    steps, windows = edit(BASE, queues(drop=(CARE,)))
    assert routes(steps) == {
        ("delete", verdict.RULE, f"routing-{CARE}"),
        ("delete", verdict.TARGET, f"routing-{CARE}"),
        ("delete", verdict.PERMISSION, CARE_PERMISSION),
    }
    assert windows == []


def test_disabling_a_queue_updates_its_rule_only():
    disabled = dict(BASE, queues=[{"id": CARE, "enabled": False}, *BASE["queues"][1:]])
    steps, windows = edit(BASE, disabled)
    assert [(s.op, s.name, s.changed) for s in steps] == [("update", f"routing-{CARE}", ("state",))]
    assert windows == []


@pytest.mark.parametrize(
    ("target", "permission"),
    [
        (OTHER, f"routing-{CARE}-conversation-ended-other-26ba29"),
        (f"{FUNCTION}:live", f"routing-{CARE}-conversation-ended-live-7af59c"),
    ],
    ids=["another function", "an alias"],
)
def test_retargeting_a_queue_creates_its_new_permission_before_the_target_moves(target, permission):
    retargeted = dict(BASE, queues=[{"id": CARE, "target": target}, *BASE["queues"][1:]])
    steps, windows = edit(BASE, retargeted)
    # A create and a delete, never a replacement: the old permission stays until the end.
    assert routes(steps) == {
        ("create", verdict.PERMISSION, permission),
        ("update", verdict.TARGET, f"routing-{CARE}"),
        ("delete", verdict.PERMISSION, CARE_PERMISSION),
    }
    target = next(r for r in program(retargeted) if (r.type, r.name) == (verdict.TARGET, f"routing-{CARE}"))
    assert (verdict.PERMISSION, permission) in target.depends_on
    assert only_queue(steps, CARE)
    assert windows == []


def test_changing_one_queues_topics_updates_its_rule_pattern_only():
    topics = dict(BASE, queues=[{"id": CARE, "topics": ["acw"]}, *BASE["queues"][1:]])
    steps, windows = edit(BASE, topics)
    # The integration check learns the topic it must now find in the integration's Event Filter.
    assert [(s.op, s.name, s.changed) for s in steps] == [
        ("update", f"routing-{CARE}", ("eventPattern",)),
        ("update", "integration", ("required_topics",)),
    ]
    assert windows == []


def test_changing_tags_updates_in_place():
    steps, windows = edit(BASE, dict(BASE, tags={"team": "billing"}))
    assert {s.op for s in steps} == {"update"}
    assert {s.changed for s in steps} == {("tags",)}
    assert windows == []


def test_changing_the_alarm_email_creates_a_subscription_and_deletes_the_old():
    steps, windows = edit(BASE, dict(BASE, alarms={"email": ["night@example.com"]}))
    assert sorted((s.op, s.type) for s in steps) == [
        ("create", "aws:sns/topicSubscription:TopicSubscription"),
        ("delete", "aws:sns/topicSubscription:TopicSubscription"),
    ]
    assert windows == []


def many(count, **overrides):
    ids = [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(count)]
    return base_config(queues=ids, target=FUNCTION, **overrides)


def test_crossing_the_permission_budget_adds_the_shared_grant_before_a_new_target():
    # 19 queues on one function fit the default budget; the 20th moves it to one shared statement.
    steps, windows = edit(many(19), many(20))
    created = {(s.type, s.name) for s in steps if s.op == "create"}
    shared = next(name for typ, name in created if typ == verdict.PERMISSION)
    assert shared.startswith("routing-invoke-conversation-ended-")
    deleted = [s for s in steps if s.op == "delete"]
    assert len(deleted) == 19 and {s.type for s in deleted} == {verdict.PERMISSION}
    new_target = next(
        r for r in program(many(20)) if r.type == verdict.TARGET and r.name.endswith("000000000013")
    )
    assert (verdict.PERMISSION, shared) in new_target.depends_on
    assert not any(s.op == "replace" for s in steps)
    assert windows == []


def test_crossing_back_creates_the_per_queue_grants_before_the_shared_one_goes():
    steps, windows = edit(many(20), many(19))
    assert sum(s.op == "create" and s.type == verdict.PERMISSION for s in steps) == 19
    assert {(s.type, s.name.split("-")[1]) for s in steps if s.op == "delete"} >= {
        (verdict.PERMISSION, "invoke")
    }
    assert windows == []


MOVES = {
    "from the partner bus to an existing bus": (BASE, dict(BASE, eventBus="contact-centre-bus")),
    "between two existing buses": (
        dict(BASE, eventBus="contact-centre-bus"),
        dict(BASE, eventBus="contact-centre-bus-2"),
    ),
    "back to the partner bus": (dict(BASE, eventBus="contact-centre-bus"), BASE),
}


@pytest.mark.parametrize(("base", "head"), MOVES.values(), ids=MOVES.keys())
def test_moving_the_stack_to_another_bus_routes_each_queue_there_before_the_old_route_goes(base, head):
    # A rule's bus is part of its identity in AWS, so each route is replaced; the program asks
    # for create-first (the bridge alone would delete first: the rule's name is set), which AWS
    # allows: rule names are unique per bus, and statement ids carry a hash of the rule's ARN.
    steps, windows = edit(base, head)
    replaced = {(s.type, s.delete_first) for s in steps if s.op == "replace" and s.type in ROUTE_TYPES}
    assert replaced == {(verdict.RULE, False), (verdict.TARGET, False), (verdict.PERMISSION, False)}
    assert windows == []
    after = {(r.type, r.name): r for r in program(head)}
    before = {(r.type, r.name): r for r in program(base)}
    rule, permission = after[verdict.RULE, f"routing-{CARE}"], after[verdict.PERMISSION, CARE_PERMISSION]
    # The new permission names the new rule, under a statement id of its own, so old and new
    # statements coexist in the function's policy until the end of the update.
    assert (
        permission.inputs["sourceArn"]
        == rule.outputs["arn"]
        != before[verdict.RULE, f"routing-{CARE}"].outputs["arn"]
    )
    assert (
        permission.inputs["statementId"] != before[verdict.PERMISSION, CARE_PERMISSION].inputs["statementId"]
    )
    # The new target waits for the new permission; the dead-letter queue's policy is updated in
    # place once the new rules exist, before the old ones are deleted at the end.
    assert (verdict.PERMISSION, CARE_PERMISSION) in after[verdict.TARGET, f"routing-{CARE}"].depends_on
    policy = next(s for s in steps if s.type == "aws:sqs/queuePolicy:QueuePolicy")
    assert (policy.op, policy.changed) == ("update", ("policy",))
    assert (
        rule.outputs["arn"]
        in after["aws:sqs/queuePolicy:QueuePolicy", "routing-dead-letters"].inputs["policy"]
    )
    assert (verdict.RULE, f"routing-{CARE}") in after[
        "aws:sqs/queuePolicy:QueuePolicy", "routing-dead-letters"
    ].depends_on
    # The archive is replaced create-first, and AWS keeps the old one (keepUndelivered).
    archive = next(s for s in steps if s.type == "aws:cloudwatch/eventArchive:EventArchive")
    assert (archive.op, archive.delete_first) == ("replace", False)


def test_moving_a_stack_past_its_budget_to_another_bus_creates_the_new_shared_grant_first():
    # The shared statement's source pattern names the bus: a new statement id, created first.
    # 30 queues on one function are past the budget on either bus (bus names of equal length).
    steps, windows = edit(
        many(30, eventBus="contact-centre-bus-1"), many(30, eventBus="contact-centre-bus-2")
    )
    shared = [s for s in steps if s.type == verdict.PERMISSION]
    assert [(s.op, s.delete_first, "sourceArn" in s.changed) for s in shared] == [("replace", False, True)]
    assert not any(s.delete_first for s in steps)
    assert windows == []


def test_without_the_programs_option_a_bus_move_would_be_delete_first():
    # What the option buys: the bridge's own verdict for the same move opens a window per queue.
    base, head = MOVES["from the partner bus to an existing bus"]
    strip = lambda run: [dataclasses.replace(r, delete_before_replace=None) for r in run]  # noqa: E731
    before, after = strip(program(base)), strip(program(head))
    assert any(w.startswith(f"routing-{CARE}: replaced delete-first") for w in verdict.windows(before, after))


def test_what_holds_undelivered_events_is_kept_when_pulumi_deletes_it():
    # The partner bus too: EventBridge deletes no bus that still has rules, and a kept archive
    # keeps its managed rule on it, so `pulumi destroy` would stop at the bus.
    kept = {"routing-dead-letters", "routing-archive", "routing-partner-bus"}
    assert run_program(BASE).retained == kept
    assert not kept & run_program(dict(BASE, keepUndelivered=False)).retained
    assert run_program(dict(BASE, archive=False)).retained == {"routing-dead-letters"}


def test_upgrading_from_permissions_named_by_the_queue_alone_changes_nothing():
    # Before this version a queue's permission was named routing-<queue>; the alias keeps it.
    after = program(BASE)
    before = [
        dataclasses.replace(r, name=r.name[: -len("-conversation-ended-bec273")], aliases=frozenset())
        if r.type == verdict.PERMISSION and r.name.endswith("-conversation-ended-bec273")
        else r
        for r in after
    ]
    assert {r.name for r in before if r.type == verdict.PERMISSION} >= {f"routing-{CARE}"}
    assert verdict.steps(before, after) == []


@pytest.mark.parametrize("direction", ["upwards", "downwards"])
def test_a_queue_named_invoke_crosses_the_budget_without_a_replacement(direction):
    # routing-<queue>-<function> for a queue named "Invoke" is routing-invoke-<function>: the
    # name of the function's shared permission. Crossing the budget must not turn one into the
    # other (a delete-first replacement), whichever way it goes.
    def with_invoke(count):
        config = many(count)
        return dict(config, queues=[{"name": "Invoke"}, *config["queues"][1:]])

    small, large = with_invoke(19), with_invoke(20)
    steps, windows = edit(small, large) if direction == "upwards" else edit(large, small)
    assert not [s for s in steps if s.op == "replace"]
    assert windows == []


def test_upgrading_and_retargeting_in_one_update_replaces_the_permission_create_first():
    # The alias takes the old permission as this one, whose function changes: a replacement, on
    # another function's policy, so the new statement can exist before the old one goes.
    retargeted = dict(BASE, queues=[{"id": CARE, "target": OTHER}, *BASE["queues"][1:]])
    before = [
        dataclasses.replace(r, name=f"routing-{CARE}", aliases=frozenset())
        if (r.type, r.name) == (verdict.PERMISSION, CARE_PERMISSION)
        else r
        for r in program(BASE)
    ]
    after = program(retargeted)
    permission = f"routing-{CARE}-conversation-ended-other-26ba29"
    assert [
        (s.op, s.name, s.changed, s.delete_first)
        for s in verdict.steps(before, after)
        if s.type == verdict.PERMISSION
    ] == [("replace", permission, ("function",), False)]
    assert verdict.windows(before, after) == []
