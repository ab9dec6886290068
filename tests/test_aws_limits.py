"""Every AWS limit the program's resources must meet, checked on what the program registers.

Neither Pulumi's mocks nor moto enforce any of these. Each check rebuilds what AWS would hold
(a rule's name, the function's resource-based policy as Lambda stores it, the queue policy, the
tags) from the registered resources and holds it against the limit, for stacks of 1, 45 and 300
queues on one function, and 1,000 with a raised rules quota.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from components import aws_limits, patterns
from mockrun import FUNCTION, SOURCE, ProgramRun, base_config, run_program

# The limits, as AWS documents them (the program's own constants are checked against these).
#  limit                                     value   source
LIMITS = {
    "EventBridge rule name, characters": 64,  # EventBridge API reference, PutRule: Name, [\.\-_A-Za-z0-9]+
    "event pattern, characters": 2048,  # EventBridge quotas: event pattern size (default)
    "rules per event bus": 300,  # EventBridge quotas: rules per bus (adjustable)
    "Lambda resource-based policy, bytes": 20480,  # Lambda quotas: function resource-based policy, fixed
    "Lambda statement id, characters": 100,  # Lambda API reference, AddPermission: StatementId ([a-zA-Z0-9-_]+)
    "SQS queue policy, bytes": 8192,  # SQS developer guide: policy quotas
    "tags per resource": 50,  # EventBridge, SQS, SNS tagging rules
    "tag key, characters": 128,  # ditto; may not start with aws:
    "tag value, characters": 256,  # ditto
}
ARCHIVE_NAME_MAX = 48  # EventBridge API reference, CreateArchive: ArchiveName
RULE_NAME = re.compile(r"^[.\-_A-Za-z0-9]+$")
STATEMENT_ID = re.compile(r"^[A-Za-z0-9\-_]+$")
TAG_TEXT = re.compile(r"^[\w .:+=@/-]*$")
BUDGET = LIMITS["Lambda resource-based policy, bytes"] // 2

RULE = "aws:cloudwatch/eventRule:EventRule"
PERMISSION = "aws:lambda/permission:Permission"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ARCHIVE = "aws:cloudwatch/eventArchive:EventArchive"
LONGEST_BUS = patterns.LONGEST_GENESYS_SOURCE


def queue_ids(count):
    return [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(count)]


def stack_of(count, **overrides):
    config = {"queues": queue_ids(count), "target": FUNCTION, "tags": {"team": "contact-centre"}}
    config.update(overrides)
    return base_config(**config)


def lambda_policies(run: ProgramRun) -> dict[str, list[dict]]:
    """Each function's (or alias's) policy statements as Lambda stores them, from the registered
    permissions: ``SourceArn`` always becomes an ``ArnLike`` condition on ``AWS:SourceArn``."""
    policies: dict[str, list[dict]] = defaultdict(list)
    for p in run.of_type(PERMISSION):
        resource = p.inputs["function"] + (f":{p.inputs['qualifier']}" if p.inputs.get("qualifier") else "")
        policies[resource].append(
            {
                "Sid": p.inputs["statementId"],
                "Effect": "Allow",
                "Principal": {"Service": p.inputs["principal"]},
                "Action": p.inputs["action"],
                "Resource": resource,
                "Condition": {"ArnLike": {"AWS:SourceArn": p.inputs["sourceArn"]}},
            }
        )
    return policies


def stored_bytes(document) -> int:
    return len(json.dumps(document, separators=(",", ":")).encode())


def assert_within_every_limit(run: ProgramRun, quota: int = LIMITS["rules per event bus"]) -> None:
    rules = run.of_type(RULE)
    names = [r.inputs["name"] for r in rules]
    assert len(set(names)) == len(names)
    for name in names:
        assert RULE_NAME.match(name) and len(name) <= LIMITS["EventBridge rule name, characters"], name
    for bus in {r.inputs["eventBusName"] for r in rules}:
        assert sum(r.inputs["eventBusName"] == bus for r in rules) <= quota
    for rule in rules:
        assert len(rule.inputs["eventPattern"]) <= LIMITS["event pattern, characters"]

    for resource, statements in lambda_policies(run).items():
        sids = [s["Sid"] for s in statements]
        assert len(set(sids)) == len(sids), resource
        for sid in sids:
            assert STATEMENT_ID.match(sid) and len(sid) <= LIMITS["Lambda statement id, characters"], sid
        # What this stack adds stays within its budget, and the whole policy within Lambda's limit.
        added = stored_bytes({"Statement": statements}) - stored_bytes({"Statement": []})
        assert added <= BUDGET, (resource, added)
        whole = {"Version": "2012-10-17", "Id": "default", "Statement": statements}
        assert stored_bytes(whole) <= LIMITS["Lambda resource-based policy, bytes"]

    for policy in run.of_type(QUEUE_POLICY):
        assert len(policy.inputs["policy"].encode()) <= LIMITS["SQS queue policy, bytes"]
    for archive in run.of_type(ARCHIVE):
        assert len(archive.outputs["name"]) <= ARCHIVE_NAME_MAX

    for registered in run.resources:
        tags = registered.inputs.get("tags") or {}
        assert len(tags) <= LIMITS["tags per resource"]
        for key, value in tags.items():
            assert 1 <= len(key) <= LIMITS["tag key, characters"] and TAG_TEXT.match(key)
            assert not key.lower().startswith("aws:")
            assert len(value) <= LIMITS["tag value, characters"] and TAG_TEXT.match(value)


def test_the_programs_limits_are_the_documented_ones():
    assert aws_limits.BY_NAME == LIMITS


@pytest.mark.parametrize("count", [1, 45, 300])
def test_a_stack_of_n_queues_on_one_function_meets_every_limit(count):
    run = run_program(stack_of(count))
    assert len(run.of_type(RULE)) == count
    assert_within_every_limit(run)


def test_a_thousand_queues_with_a_raised_rules_quota_meet_every_limit():
    run = run_program(stack_of(1000, rulesPerBusQuota=1000))
    assert len(run.of_type(RULE)) == 1000
    assert_within_every_limit(run, quota=1000)


@pytest.mark.parametrize(
    ("config", "last_per_rule"),
    [
        # The stack creates its bus: sized with the longest partner-bus name Genesys can give
        # (131 characters), whatever this integration's suffix, so the shape never flips on it.
        ({}, 19),
        ({"eventBus": LONGEST_BUS}, 19),
        # An existing bus is sized with its own name (here the fixture's, 77 characters).
        ({"eventBus": SOURCE}, 22),
    ],
    ids=["created-bus", "longest-existing-bus", "short-existing-bus"],
)
def test_one_statement_per_rule_while_it_fits_then_one_for_this_stacks_rules(config, last_per_rule):
    for count in (1, last_per_rule, last_per_rule + 1, 45):
        run = run_program(stack_of(count, **config))
        assert_within_every_limit(run)
        permissions = run.of_type(PERMISSION)
        if count <= last_per_rule:
            assert len(permissions) == count
            assert {p.inputs["sourceArn"] for p in permissions} == {
                r.outputs["arn"] for r in run.of_type(RULE)
            }
        else:
            (shared,) = permissions
            assert shared.inputs["sourceArn"].endswith("*")
        grants = {route["invokeGrant"] for route in run.exports["routes"].values()}
        assert grants == {"per-rule" if count <= last_per_rule else "shared-prefix"}


def test_a_function_shared_with_other_stacks_gets_the_configured_budget():
    assert len(run_program(stack_of(3, lambdaPolicyBudgetBytes=0)).of_type(PERMISSION)) == 1
    # The whole policy for this stack alone: 39 statements fit with the longest partner-bus name.
    assert len(run_program(stack_of(39, lambdaPolicyBudgetBytes=20480)).of_type(PERMISSION)) == 39
