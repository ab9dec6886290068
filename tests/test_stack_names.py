"""Two stacks on one bus: no rule name in common, and no grant of one admits the other's rules.

``PutRule`` creates *or overwrites*: a name two stacks share is one rule, taken over by whichever
deployed last and deleted by whichever is destroyed first. The second stack of each pair routes
on the first one's bus (``eventBus:`` naming it).
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

import pytest

from components import naming
from mockrun import FUNCTION, PROJECT, SOURCE, AwsAccount, base_config, run_program

PAIRS = [
    (("dev", "EU Billing"), ("dev-eu", "Billing")),
    (("dev.eu", "Billing"), ("dev_eu", "Billing")),
    (("contact-centre-prod", "Billing"), ("contact-centre-prod-b", "Billing")),
]
PAIR_IDS = ["dev+eu-billing/dev-eu+billing", "dev.eu/dev_eu", "prod/prod-b"]


def deploy(stack, queue_name, *, second, many=False):
    queues: list[Any] = [{"name": queue_name}]
    if many:  # enough rules that the queue policy and the function's policy use the prefix grant
        queues += [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(80)]
    overrides = {"queues": queues, "target": FUNCTION}
    if second:
        overrides["eventBus"] = SOURCE
    account = AwsAccount(
        event_sources={SOURCE: "ACTIVE"},
        event_buses={SOURCE: naming.bus_description("organization", PROJECT, "x")},
    )
    return run_program(base_config(**overrides), stack=stack, account=account if second else None)


def rule_arns(run):
    return {r.outputs["arn"] for r in run.of_type("aws:cloudwatch/eventRule:EventRule")}


def grants(run):
    """Every ``aws:SourceArn`` this stack grants, as (operator, value)."""
    found = []
    for policy in run.of_type("aws:sqs/queuePolicy:QueuePolicy"):
        for statement in json.loads(policy.inputs["policy"])["Statement"]:
            for operator, condition in statement["Condition"].items():
                values = condition.get("aws:SourceArn", [])  # beside it: aws:SourceAccount
                found += [(operator, v) for v in ([values] if isinstance(values, str) else values)]
    # Lambda stores every SourceArn as ArnLike.
    found += [("ArnLike", p.inputs["sourceArn"]) for p in run.of_type("aws:lambda/permission:Permission")]
    return found


def admits(grant, arn):
    operator, value = grant
    return value == arn if operator == "ArnEquals" else fnmatchcase(arn, value)


@pytest.mark.parametrize("many", [False, True], ids=["exact-grants", "prefix-grants"])
@pytest.mark.parametrize(("first", "second"), PAIRS, ids=PAIR_IDS)
def test_two_stacks_on_one_bus_share_no_rule_and_admit_none_of_each_others(first, second, many):
    a = deploy(*first, second=False, many=many)
    b = deploy(*second, second=True, many=many)
    assert {r.inputs["eventBusName"] for r in b.of_type("aws:cloudwatch/eventRule:EventRule")} == {SOURCE}
    assert rule_arns(a).isdisjoint(rule_arns(b))
    for mine, theirs in ((a, b), (b, a)):
        mine_grants = grants(mine)
        assert {g[0] for g in mine_grants} == ({"ArnLike"} if many else {"ArnEquals", "ArnLike"})
        for arn in rule_arns(mine):  # each stack's grants admit its own rules...
            assert any(admits(g, arn) for g in mine_grants)
        for arn in rule_arns(theirs):  # ...and none of the other's
            assert not any(admits(g, arn) for g in mine_grants), arn


def test_names_stay_within_64_characters_for_the_longest_stack_and_queue_names():
    prefix = naming.rule_name_prefix("a-very-long-organisation-name", PROJECT, "x" * 100)
    assert len(naming.rule_name(prefix, "q" * naming.ROUTE_NAME_MAX)) <= naming.RULE_NAME_MAX


def test_rule_arns_are_built_as_eventbridge_builds_them():
    # Documented shapes (EventBridge user guide, "Amazon EventBridge resources"): a rule on a custom
    # or partner bus is rule/<bus>/<name>; on the default bus, rule/<name>.
    partner = "aws.partner/genesys.com/cloud/0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/dev-events"
    assert (
        naming.rule_arn("aws", "eu-west-1", "123456789012", partner, "gqe-ee8b05-dev-billing")
        == "arn:aws:events:eu-west-1:123456789012:rule/aws.partner/genesys.com/cloud/"
        "0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/dev-events/gqe-ee8b05-dev-billing"
    )
    assert (
        naming.rule_arn("aws", "eu-west-1", "123456789012", "default", "gqe-ee8b05-dev-billing")
        == "arn:aws:events:eu-west-1:123456789012:rule/gqe-ee8b05-dev-billing"
    )
    assert naming.rule_name_prefix("organization", PROJECT, "dev") == "gqe-ee8b05-dev-"
