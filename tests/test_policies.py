import json

from components.policies import SQS_POLICY_MAX_BYTES, dead_letter_queue_policy
from mockrun import FUNCTION, PREFIX, base_config, run_program

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:dead-letters"
BUS = "aws.partner/genesys.com/cloud/0b5c1c3e-6a0e-4a5d-9a43-5f2b3c4d5e6f/dev-events"


def rule_arns(count):
    return [f"arn:aws:events:eu-west-1:123456789012:rule/{BUS}/gqe-dev-queue-{i:04d}" for i in range(count)]


def condition(policy):
    (statement,) = json.loads(policy)["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == QUEUE_ARN
    return statement["Condition"]


def test_a_few_rules_are_named_one_by_one():
    arns = rule_arns(3)
    assert condition(dead_letter_queue_policy(QUEUE_ARN, list(reversed(arns)), "gqe-dev-")) == {
        "ArnEquals": {"aws:SourceArn": arns}
    }


def test_past_the_sqs_policy_size_the_grant_is_this_stacks_rule_names_on_this_bus():
    policy = dead_letter_queue_policy(QUEUE_ARN, rule_arns(300), "gqe-dev-")
    assert len(policy.encode()) <= SQS_POLICY_MAX_BYTES
    assert condition(policy) == {
        "ArnLike": {"aws:SourceArn": [f"arn:aws:events:eu-west-1:123456789012:rule/{BUS}/gqe-dev-*"]}
    }


def test_the_exact_list_is_kept_as_long_as_it_fits():
    kinds = [
        next(iter(condition(dead_letter_queue_policy(QUEUE_ARN, rule_arns(n), "x")))) for n in range(1, 120)
    ]
    last_exact = kinds.index("ArnLike")  # counts 1..last_exact are named one by one
    assert set(kinds[:last_exact]) == {"ArnEquals"}
    assert set(kinds[last_exact:]) == {"ArnLike"}
    assert (
        len(dead_letter_queue_policy(QUEUE_ARN, rule_arns(last_exact), "x").encode()) <= SQS_POLICY_MAX_BYTES
    )
    assert last_exact >= 40


def test_a_large_stack_gets_a_policy_that_fits(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    queues = [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(120)]
    run = run_program(base_config(queues=queues, target=FUNCTION))
    policy = run.one("aws:sqs/queuePolicy:QueuePolicy").inputs["policy"]
    assert len(policy.encode()) <= SQS_POLICY_MAX_BYTES
    (statement,) = json.loads(policy)["Statement"]
    assert statement["Condition"] == {
        "ArnLike": {"aws:SourceArn": [f"arn:aws:events:eu-west-1:123456789012:rule/{BUS}/{PREFIX}*"]}
    }
    assert all(r.inputs["name"].startswith(PREFIX) for r in run.of_type("aws:cloudwatch/eventRule:EventRule"))
