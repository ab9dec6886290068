"""operations/verdict.py on hand-made resources: the engine's verdict per kind of change, and the
delivery windows it finds (the program-level cases are in test_update_verdict.py)."""

from __future__ import annotations

from operations import verdict
from operations.verdict import PERMISSION, RULE, TARGET, Resource, Step

FN = "arn:aws:lambda:eu-west-1:123456789012:function:f"
RULE_ARN = "arn:aws:events:eu-west-1:123456789012:rule/bus/gqe-abc-dev-q"


def rule(state="ENABLED", bus="bus", **inputs):
    arn = RULE_ARN.replace("/bus/", f"/{bus}/")
    return Resource(
        RULE, "r", {"name": "gqe-abc-dev-q", "eventBusName": bus, "state": state, **inputs}, {"arn": arn}
    )


def target(arn=FN, depends_on=(), bus="bus"):
    deps = frozenset((PERMISSION, name) for name in depends_on)
    return Resource(TARGET, "t", {"rule": "gqe-abc-dev-q", "eventBusName": bus, "arn": arn}, {}, deps)


def permission(name="p", function=FN, qualifier=None, source=RULE_ARN, **extra):
    inputs = {"function": function, "sourceArn": source, "statementId": f"{name}-sid", **extra}
    inputs = {k: v for k, v in inputs.items() if v is not None}
    if qualifier:
        inputs["qualifier"] = qualifier
    return Resource(PERMISSION, name, inputs, {})


def test_no_change_is_no_step():
    assert verdict.steps([rule(), target()], [rule(), target()]) == []


def test_a_new_resource_is_created_and_a_missing_one_deleted():
    assert verdict.steps([permission("old")], [permission("new")]) == [
        Step("create", PERMISSION, "new"),
        Step("delete", PERMISSION, "old"),
    ]


def test_a_change_of_a_property_that_is_not_force_new_is_an_update():
    assert verdict.steps([rule()], [rule(state="DISABLED")]) == [Step("update", RULE, "r", ("state",))]


def test_a_force_new_change_with_the_name_set_by_the_program_replaces_delete_first():
    (step,) = verdict.steps([rule()], [rule(bus="other")])
    assert (step.op, step.changed, step.delete_first) == ("replace", ("eventBusName",), True)


def test_a_force_new_change_with_the_name_left_to_pulumi_replaces_create_first():
    old = Resource("aws:cloudwatch/eventArchive:EventArchive", "a", {"eventSourceArn": "x"}, {})
    new = Resource("aws:cloudwatch/eventArchive:EventArchive", "a", {"eventSourceArn": "y"}, {})
    (step,) = verdict.steps([old], [new])
    assert (step.op, step.delete_first) == ("replace", False)


def test_a_target_replaced_on_its_own_is_replaced_create_first():
    (step,) = verdict.steps([target()], [target(bus="other")])
    assert (step.op, step.delete_first) == ("replace", False)


def test_a_replaced_dependent_of_a_delete_first_replacement_is_deleted_first_too():
    # The engine deletes the dependents it must replace before the resource they depend on
    # (calculateDependentReplacements): a rule cannot go while its target is still on it.
    moved = Resource(TARGET, "t", {**target(bus="other").inputs}, {}, frozenset({(RULE, "r")}))
    unmoved = Resource(TARGET, "t", {**target().inputs, "arn": FN + "2"}, {}, frozenset({(RULE, "r")}))
    steps = verdict.steps([rule(), target()], [rule(bus="other"), moved])
    assert {(s.type, s.op, s.delete_first) for s in steps} == {
        (RULE, "replace", True),
        (TARGET, "replace", True),
    }
    # A dependent that is only updated stays an update.
    steps = verdict.steps([rule(), target()], [rule(bus="other"), unmoved])
    assert {(s.type, s.op, s.delete_first) for s in steps} == {
        (RULE, "replace", True),
        (TARGET, "update", False),
    }


def test_types_outside_the_table_have_no_step():
    component = Resource("genesys-queue-events:routing:QueueEventRouting", "routing", {"x": 1}, {})
    assert verdict.steps([], [component]) == []


def test_the_provider_reference_of_a_dynamic_resource_is_no_change():
    typ = "pulumi-python:dynamic/genesys:Queues"
    old = Resource(typ, "queues", {"__provider": "a", "queue_ids": ["1"]}, {})
    assert verdict.steps([old], [Resource(typ, "queues", {"__provider": "b", "queue_ids": ["1"]}, {})]) == []


def test_an_alias_makes_a_renamed_resource_the_same_one():
    renamed = Resource(PERMISSION, "p-new", permission().inputs, {}, aliases=frozenset({"p"}))
    assert verdict.steps([permission("p")], [renamed]) == []
    # Not when the old name is still registered too: that one stays itself.
    assert verdict.steps([permission("p")], [permission("p"), renamed]) == [
        Step("create", PERMISSION, "p-new")
    ]


def test_counts_cover_every_kind_of_step():
    steps = [Step("create", RULE, "a"), Step("create", RULE, "b"), Step("delete", RULE, "c")]
    assert verdict.counts(steps) == {"create": 2, "update": 0, "replace": 0, "delete": 1}


def test_a_target_moved_before_its_permission_exists_is_a_window():
    base = [rule(), target(), permission("p")]
    other = "arn:aws:lambda:eu-west-1:123456789012:function:g"
    moved = [rule(), target(other), permission("p"), permission("q", function=other)]
    (window,) = verdict.windows(base, moved)
    assert window.startswith("t: points at " + other)
    # Waiting for the new permission closes it.
    waiting = [rule(), target(other, depends_on=["q"]), permission("p"), permission("q", function=other)]
    assert verdict.windows(base, waiting) == []


def test_a_permission_that_already_existed_admits_a_new_target():
    assert verdict.windows([rule(), permission("p")], [rule(), target(), permission("p")]) == []


def test_a_permission_replaced_delete_first_is_a_window():
    windows = verdict.windows(
        [rule(), target(), permission("p")], [rule(), target(), permission("p", principal="x")]
    )
    assert windows == [
        "p: replaced delete-first (principal changed): it is gone before its replacement exists"
    ]


def test_a_shared_permission_admits_by_its_arn_pattern_on_the_same_holder_only():
    shared = permission("s", source="arn:aws:events:eu-west-1:123456789012:rule/bus/gqe-abc-dev-*")
    assert verdict.windows([rule(), shared], [rule(), target(depends_on=["s"]), shared]) == []
    other_bus = permission("s", source="arn:aws:events:eu-west-1:123456789012:rule/other/gqe-abc-dev-*")
    assert len(verdict.windows([], [rule(), target(depends_on=["s"]), other_bus])) == 2
    alias = permission("s", qualifier="live", source=shared.inputs["sourceArn"])
    assert len(verdict.windows([], [rule(), target(depends_on=["s"]), alias])) == 2
    assert verdict.windows([], [rule(), target(FN + ":live", depends_on=["s"]), alias]) == []


def test_a_disabled_queue_needs_no_permission():
    assert verdict.windows([], [rule(state="DISABLED"), target()]) == []


def test_a_routed_queue_without_any_permission_at_the_end_is_named():
    windows = verdict.windows([rule(), target(), permission("p")], [rule(), target()])
    assert windows == ["t: no permission admits rule gqe-abc-dev-q at the end"]


def test_a_target_update_that_keeps_its_function_needs_nothing_new():
    base = [rule(), target(), permission("p")]
    retried = Resource(TARGET, "t", {**target().inputs, "retryPolicy": {"maximumRetryAttempts": 3}}, {})
    assert verdict.windows(base, [rule(), retried, permission("p")]) == []


def test_every_row_of_the_table_names_its_source():
    assert all(row.source for row in verdict.REPLACEMENTS.values())
    assert verdict.REPLACEMENTS[PERMISSION].auto_named == "statementId"
    assert "function" in verdict.REPLACEMENTS[PERMISSION].force_new
    assert "arn" not in verdict.REPLACEMENTS[TARGET].force_new


def test_only_a_delete_first_replacement_of_a_rule_or_permission_is_a_window():
    archive = "aws:cloudwatch/eventArchive:EventArchive"
    old = [rule(), target(), permission("p"), Resource(archive, "a", {"eventSourceArn": "x"}, {})]
    new = [rule(), target(), permission("p"), Resource(archive, "a", {"eventSourceArn": "y"}, {})]
    assert verdict.windows(old, new) == []
    unnamed = permission("p", statementId=None)
    assert (
        verdict.windows(
            [rule(), target(), unnamed], [rule(), target(), permission("p", principal="x", statementId=None)]
        )
        == []
    )


def test_a_window_names_every_changed_property():
    new = permission("p", principal="x", action="y")
    (window,) = verdict.windows([rule(), target(), permission("p")], [rule(), target(), new])
    assert (
        window
        == "p: replaced delete-first (action, principal changed): it is gone before its replacement exists"
    )


def test_a_target_update_that_keeps_its_function_waits_for_nothing_even_as_its_permission_changes():
    base = [rule(), target(), permission("p", tags={"a": "1"})]
    retried = Resource(TARGET, "t", {**target().inputs, "retryPolicy": {"maximumRetryAttempts": 3}}, {})
    assert verdict.windows(base, [rule(), retried, permission("p", tags={"a": "2"})]) == []


def second(name, arn=FN, depends_on=()):
    """Another queue's rule and target on the same bus."""
    deps = frozenset((PERMISSION, n) for n in depends_on)
    r = Resource(
        RULE,
        f"r-{name}",
        {"name": name, "eventBusName": "bus", "state": "ENABLED"},
        {"arn": RULE_ARN.replace("gqe-abc-dev-q", name)},
    )
    t = Resource(TARGET, f"t-{name}", {"rule": name, "eventBusName": "bus", "arn": arn}, {}, deps)
    return r, t


def test_every_target_is_checked_not_only_those_before_one_that_needs_nothing():
    quiet = [rule(state="DISABLED"), target()]
    assert len(verdict.windows([], [*quiet, *second("q2")])) == 2
    unchanged = [rule(), target(), permission("p")]
    assert len(verdict.windows(unchanged, [*unchanged, *second("q2")])) == 2


def test_a_target_is_matched_to_its_own_rule_by_name_and_bus():
    other = Resource(
        RULE, "r0", {"name": "gqe-abc-dev-other", "eventBusName": "bus", "state": "DISABLED"}, {"arn": "x"}
    )
    same_name = Resource(
        RULE, "r1", {"name": "gqe-abc-dev-q", "eventBusName": "elsewhere", "state": "DISABLED"}, {"arn": "y"}
    )
    assert len(verdict.windows([], [other, same_name, rule(), target()])) == 2
    assert verdict.windows([], [target()]) == []  # no rule: nothing is routed


def test_a_permission_without_a_source_admits_every_rule():
    assert verdict.windows([], [rule(), target(depends_on=["any"]), permission("any", source=None)]) == []
