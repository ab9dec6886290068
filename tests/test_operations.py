"""`python -m operations` against AWS on loopback (moto's server behind a recording front,
tests/aws_endpoint.py), with the program's emitted rules on an emulated bus, an archive, the
dead-letter queue and the target functions (tests/deployed_stack.py)."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from commands import run
from conftest import send_dead_letters
from deployed_stack import create_function, deploy, genesys_event, queue_depth
from mockrun import FUNCTION, QUEUES_BY_NAME, REGION, ROOT, base_config, run_program
from operations import dead_letters
from operations.cli import main
from operations.replay import progress

CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
BILLING = QUEUES_BY_NAME["billing"]["id"]
WINDOW = ["--from", "2026-03-02T14:00:00Z", "--to", "2026-03-02T16:00:00Z"]
# A dead letter's error when the target function was gone.
FUNCTION_NOT_FOUND = {"code": "NO_RESOURCE", "message": "Function not found"}


@pytest.fixture
def aws(aws_endpoint, aws_environment):
    """The module's AWS on loopback, in the environment the tools read, emptied for each test."""
    aws_endpoint.reset()
    return aws_endpoint


@pytest.fixture
def stack(aws, tmp_path):
    """The base config's stack, deployed; its outputs saved as `pulumi stack output --json` would."""
    outputs = deploy(run_program(base_config()))
    path = tmp_path / "stack-outputs.json"
    path.write_text(json.dumps(outputs))
    return outputs, str(path)


def tool(*argv):
    return main(list(argv))


def test_replay_asks_for_exactly_the_queues_rule_and_window(stack, capsys):
    outputs, path = stack
    assert (
        tool("replay", "--outputs", path, "--queue", "Billing", *WINDOW, "--wait", "--poll-seconds", "0.1")
        == 0
    )
    out = capsys.readouterr().out
    assert "COMPLETED" in out and "Billing" in out
    events = boto3.client("events", region_name=REGION)
    (replay,) = events.list_replays()["Replays"]
    described = events.describe_replay(ReplayName=replay["ReplayName"])
    bus_arn = events.describe_event_bus(Name=outputs["eventBusName"])["Arn"]
    archive = events.describe_archive(ArchiveName=outputs["archiveName"])
    assert described["EventSourceArn"] == archive["ArchiveArn"]
    assert described["Destination"] == {"Arn": bus_arn, "FilterArns": [outputs["routes"][BILLING]["ruleArn"]]}
    assert described["EventStartTime"] == datetime(2026, 3, 2, 14, tzinfo=UTC)
    assert described["EventEndTime"] == datetime(2026, 3, 2, 16, tzinfo=UTC)
    assert len(replay["ReplayName"]) <= 64


def test_replay_by_queue_id_without_wait_reports_how_to_follow(stack, capsys):
    outputs, path = stack
    assert tool("replay", "--outputs", path, "--queue", CARE.upper(), *WINDOW) == 0
    out = capsys.readouterr().out
    assert "started" in out and "aws events describe-replay" in out
    events = boto3.client("events", region_name=REGION)
    (replay,) = events.list_replays()["Replays"]
    filters = events.describe_replay(ReplayName=replay["ReplayName"])["Destination"]["FilterArns"]
    assert filters == [outputs["routes"][CARE]["ruleArn"]]


def test_an_unknown_queue_fails_naming_it_and_the_known_ones(stack, capsys):
    _, path = stack
    assert tool("replay", "--outputs", path, "--queue", "Bilings", *WINDOW) == 1
    err = capsys.readouterr().err
    assert "unknown queue 'Bilings'" in err and f"Billing ({BILLING})" in err and CARE in err
    assert boto3.client("events", region_name=REGION).list_replays()["Replays"] == []


def test_a_recent_window_is_warned_about(stack, capsys):
    _, path = stack
    now = datetime.now(UTC).replace(microsecond=0)
    window = [
        "--from",
        (now - timedelta(hours=1)).isoformat(),
        "--to",
        (now - timedelta(minutes=2)).isoformat(),
    ]
    assert tool("replay", "--outputs", path, "--queue", "Billing", *window) == 0
    assert "less than 10 minutes ago" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("window", "fragment"),
    [
        (["--from", "2026-03-02T16:00:00Z", "--to", "2026-03-02T14:00:00Z"], "is not before --to"),
        (["--from", "2026-03-02T14:00:00Z", "--to", "2999-01-01T00:00:00Z"], "is in the future"),
        (["--from", "two o'clock", "--to", "2026-03-02T14:00:00Z"], "not an ISO-8601 time"),
    ],
)
def test_a_bad_window_is_refused(stack, capsys, window, fragment):
    _, path = stack
    assert tool("replay", "--outputs", path, "--queue", "Billing", *window) == 1
    assert fragment in capsys.readouterr().err


def test_a_disabled_queue_is_not_replayed(stack, capsys):
    _, path = stack
    assert tool("replay", "--outputs", path, "--queue", "Sales Overflow", *WINDOW) == 1
    assert "rule disabled" in capsys.readouterr().err


def test_a_stack_without_archive_cannot_replay(aws, tmp_path, capsys):
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(deploy(run_program(base_config(archive=False)), archive=False)))
    assert tool("replay", "--outputs", str(path), "--queue", "Billing", *WINDOW) == 1
    assert "archive: false" in capsys.readouterr().err


def write_dead_letters(outputs):
    """A Billing outage (its function was gone) and a permission problem on the CARE queue."""
    send_dead_letters(outputs, BILLING, (f"billing-{i}" for i in range(3)), **FUNCTION_NOT_FOUND)
    send_dead_letters(
        outputs,
        CARE,
        (f"care-{i}" for i in range(2)),
        code="NO_PERMISSIONS",
        message="not authorized to perform: lambda:InvokeFunction",
    )


def test_dead_letters_are_listed_by_queue_and_error_and_left_in_place(stack, capsys):
    outputs, path = stack
    write_dead_letters(outputs)
    assert tool("dead-letters", "--outputs", path) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    billing_line = next(line for line in lines if f"Billing ({BILLING})" in line)
    assert billing_line.split()[0] == "3" and "NO_RESOURCE" in billing_line
    care_line = next(line for line in lines if CARE in line)
    assert care_line.split()[0] == "2" and "NO_PERMISSIONS" in care_line
    assert "not authorized to perform" in out
    assert "5 dead letter(s) in 2 group(s); nothing changed" in out
    # Listing changes nothing: every message is visible again at once.
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (5, 0)


def test_dead_letters_of_one_queue(stack, capsys):
    outputs, path = stack
    write_dead_letters(outputs)
    assert tool("dead-letters", "--outputs", path, "--queue", CARE) == 0
    out = capsys.readouterr().out
    assert "Billing" not in out
    assert f"2 dead letter(s) for queue Customer Care ({CARE}) in 1 group(s)" in out
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (5, 0)


def received(aws):
    """(function, invocation type, conversation) of every invoke the functions received."""
    return sorted(
        (i.function, i.invocation_type, i.payload["detail"]["eventBody"]["conversationId"])
        for i in aws.invocations
    )


def test_redrive_invokes_each_target_with_the_original_event_and_empties_the_queue(aws, stack, capsys):
    outputs, path = stack
    write_dead_letters(outputs)
    assert tool("dead-letters", "--outputs", path, "--redrive") == 0
    assert "5 of 5 dead letter(s) redriven and deleted; 0 left in the queue" in capsys.readouterr().out
    assert received(aws) == sorted(
        [(f"{FUNCTION}-billing:live", "Event", f"billing-{i}") for i in range(3)]
        + [(FUNCTION, "Event", f"care-{i}") for i in range(2)]
    )
    # The payload is the original event, unchanged.
    first = next(i for i in aws.invocations if i.function == FUNCTION)
    assert first.payload == genesys_event(CARE, first.payload["detail"]["eventBody"]["conversationId"])
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (0, 0)


def test_redrive_of_one_queue_leaves_the_others(aws, stack, capsys):
    outputs, path = stack
    write_dead_letters(outputs)
    assert tool("dead-letters", "--outputs", path, "--queue", "billing", "--redrive") == 0
    assert {i.function for i in aws.invocations} == {f"{FUNCTION}-billing:live"}
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (2, 0)


def test_a_failed_invoke_leaves_its_message_in_the_queue(aws, stack, capsys):
    outputs, path = stack
    write_dead_letters(outputs)
    # The Customer Care route's own function is gone (again): its invokes fail.
    boto3.client("lambda", region_name=REGION).delete_function(FunctionName=FUNCTION)
    assert tool("dead-letters", "--outputs", path, "--redrive") == 1
    out = capsys.readouterr().out
    assert "3 of 5 dead letter(s) redriven and deleted; 2 left in the queue" in out
    assert f"not redriven (2): Customer Care ({CARE}): ResourceNotFoundException" in out
    assert {i.function for i in aws.invocations} == {f"{FUNCTION}-billing:live"}
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (2, 0)
    messages = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=outputs["deadLetterQueueUrl"], MessageAttributeNames=["All"]
    )["Messages"]
    assert {m["MessageAttributes"]["TARGET_ARN"]["StringValue"] for m in messages} == {FUNCTION}


def run_tool(*argv, env):
    """The tool as a user runs it: its own process, exit status and stderr."""
    return run([sys.executable, "-m", "operations", *argv], cwd=ROOT, env=env, timeout=60)


def test_no_credentials_is_a_clear_error_without_traceback(stack, tmp_path):
    _, path = stack
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=os.environ["AWS_ENDPOINT_URL"],
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    done = run_tool("dead-letters", "--outputs", path, env=env)
    assert done.returncode == 1
    assert "no AWS credentials found" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_stack_without_the_pulumi_cli_is_a_clear_error(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))
    done = run_tool("dead-letters", "--stack", "prod", env=env)
    assert done.returncode == 1
    assert "the pulumi CLI is not installed" in done.stderr and "--outputs" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("not json", "is not JSON"),
        ("[1, 2]", "is not the JSON object"),
        ('{"eventBusName": "b"}', "no 'routes'"),
    ],
)
def test_an_outputs_file_that_is_not_a_stacks_is_refused(tmp_path, capsys, content, fragment):
    path = tmp_path / "outputs.json"
    path.write_text(content)
    assert tool("dead-letters", "--outputs", str(path)) == 1
    assert fragment in capsys.readouterr().err


def test_dead_letters_of_a_stack_deployed_before_the_url_output(stack, tmp_path, capsys):
    outputs, _ = stack
    write_dead_letters(outputs)
    older = dict(outputs)
    del older["deadLetterQueueUrl"]
    path = tmp_path / "older.json"
    path.write_text(json.dumps(older))
    assert tool("dead-letters", "--outputs", str(path)) == 0
    assert "5 dead letter(s) in 2 group(s)" in capsys.readouterr().out


def test_progress_is_how_far_into_the_window_the_replay_has_got():
    start, end = datetime(2026, 3, 2, 14, tzinfo=UTC), datetime(2026, 3, 2, 16, tzinfo=UTC)
    assert progress({"EventLastReplayedTime": datetime(2026, 3, 2, 14, 30, tzinfo=UTC)}, start, end) == (
        "25% of the window (events up to 14:30:00Z)"
    )
    assert progress({}, start, end) == "(no event replayed yet)"


def test_many_dead_letters_are_read_page_by_page_and_each_handled_once(aws, stack, capsys):
    outputs, path = stack
    url = outputs["deadLetterQueueUrl"]
    send_dead_letters(outputs, BILLING, (f"billing-{i}" for i in range(25)), **FUNCTION_NOT_FOUND)
    send_dead_letters(
        outputs,
        BILLING,
        (f"gone-{i}" for i in range(12)),
        target_arn=f"{FUNCTION}-deleted",
        **FUNCTION_NOT_FOUND,
    )
    assert tool("dead-letters", "--outputs", path) == 0
    assert "37 dead letter(s) in 1 group(s)" in capsys.readouterr().out
    assert tool("dead-letters", "--outputs", path, "--redrive") == 1
    out = capsys.readouterr().out
    assert "25 of 37 dead letter(s) redriven and deleted; 12 left in the queue" in out
    assert f"not redriven (12): Billing ({BILLING}): TARGET_ARN {FUNCTION}-deleted is not the target" in out
    conversations = [i.payload["detail"]["eventBody"]["conversationId"] for i in aws.invocations]
    assert sorted(conversations) == sorted(f"billing-{i}" for i in range(25))  # each exactly once
    assert queue_depth(url) == (12, 0)


# -- a malformed or forged outputs file: one clean error, nothing called ---------------------

ARN = "arn:aws:events:eu-west-1:123456789012:rule/genesys-partner-bus/gqe-care"
WELL_FORMED = {
    "routes": {
        CARE: {"queueName": "Customer Care", "ruleArn": ARN, "targetArn": FUNCTION, "enabled": True},
    },
    "eventBusName": "genesys-partner-bus",
    "archiveName": "routing-archive-0a1b2c3",
    "deadLetterQueueArn": "arn:aws:sqs:eu-west-1:123456789012:routing-dead-letters-5e6f7a8",
    "deadLetterQueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/routing-dead-letters-5e6f7a8",
}


def malformed(**changes):
    outputs = json.loads(json.dumps(WELL_FORMED))
    for path, value in changes.items():
        where = outputs
        *parents, last = path.split("__")
        for key in parents:
            where = where[CARE if key == "care" else key]
        where[last] = value
    return json.dumps(outputs)


@pytest.mark.parametrize(
    ("command", "content", "fragment"),
    [
        ("dead-letters", malformed(routes__care__ruleArns=5), "ruleArns 5 is not a list of rule ARNs"),
        ("dead-letters", malformed(routes__care__ruleArns=["*"]), '"*" is not an EventBridge rule ARN'),
        ("dead-letters", malformed(routes__care__ruleArn=None), "null is not an EventBridge rule ARN"),
        ("dead-letters", malformed(deadLetterQueueArn="arn:aws:sqs:eu-west-1"), "is not an SQS queue ARN"),
        ("dead-letters", malformed(deadLetterQueueUrl=["x"]), "deadLetterQueueUrl list is not text"),
        ("dead-letters", malformed(routes__care__targetArn="*"), 'targetArn "*" is not a Lambda'),
        ("dead-letters", malformed(routes__care__queueName={"a": 1}), "queueName dict is not text"),
        ("dead-letters", '{"routes": ' + "[" * 100_000 + "]" * 100_000 + "}", "nests more than"),
        ("replay", malformed(routes__care__enabled="false"), 'enabled "false" is not true or false'),
    ],
)
def test_a_malformed_outputs_file_is_one_clean_error(tmp_path, capsys, command, content, fragment):
    path = tmp_path / "outputs.json"
    path.write_text(content)
    extra = ["--queue", CARE, *WINDOW] if command == "replay" else []
    assert tool(command, "--outputs", str(path), *extra) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and fragment in err, err
    assert "Traceback" not in err


def test_a_malformed_outputs_file_is_refused_without_a_traceback_from_the_command_line(tmp_path):
    path = tmp_path / "outputs.json"
    path.write_text(malformed(routes__care__ruleArns=5, deadLetterQueueArn="arn:aws:sqs:x"))
    done = run_tool("dead-letters", "--outputs", str(path), env=dict(os.environ))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "ruleArns 5" in done.stderr and "deadLetterQueueArn" in done.stderr


# -- redrive under attack: a dead letter names a rule and a target of its own choosing --------


def forge(outputs, conversation, *, rule_arn, target_arn, queue=CARE):
    """A message anyone with sqs:SendMessage on the queue can write, shaped like a dead letter."""
    attributes = {"ERROR_CODE": "NO_RESOURCE", "ERROR_MESSAGE": "Function not found"}
    if rule_arn is not None:
        attributes["RULE_ARN"] = rule_arn
    attributes["TARGET_ARN"] = target_arn
    boto3.client("sqs", region_name=REGION).send_message(
        QueueUrl=outputs["deadLetterQueueUrl"],
        MessageBody=json.dumps(genesys_event(queue, conversation)),
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )


def test_redrive_invokes_only_a_routes_own_target_and_leaves_forged_messages(aws, stack, capsys):
    outputs, path = stack
    care, billing = outputs["routes"][CARE], outputs["routes"][BILLING]
    victim = f"{FUNCTION}-payroll"
    create_function(victim)
    foreign_rule = care["ruleArn"].rsplit("/", 1)[0] + "/someone-elses-rule"
    forge(outputs, "no-rule", rule_arn=None, target_arn=victim)
    forge(outputs, "foreign-rule", rule_arn=foreign_rule, target_arn=victim)
    forge(outputs, "wrong-target", rule_arn=care["ruleArn"], target_arn=victim)
    forge(outputs, "other-route", rule_arn=care["ruleArn"], target_arn=billing["targetArn"])
    send_dead_letters(outputs, CARE, ["care-real"], **FUNCTION_NOT_FOUND)
    assert tool("dead-letters", "--outputs", path, "--redrive") == 1
    out = capsys.readouterr().out
    # Only the real dead letter reached a function: its route's own target.
    assert received(aws) == [(FUNCTION, "Event", "care-real")]
    assert "1 of 5 dead letter(s) redriven and deleted; 4 left in the queue" in out
    assert "no RULE_ARN" in out
    assert f"RULE_ARN {foreign_rule} is not a rule of this stack" in out
    assert f"TARGET_ARN {victim} is not the target of its rule" in out
    assert f"TARGET_ARN {billing['targetArn']} is not the target of its rule" in out
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (4, 0)


def test_a_forged_event_of_another_queue_is_not_handed_to_a_routes_target(aws, stack, capsys):
    """Rule and target of Care's route, but Billing's event: Care's rule could never have matched
    it, so Care's function never gets it (it would act on a queue it does not serve)."""
    outputs, path = stack
    care = outputs["routes"][CARE]
    forge(outputs, "billing-as-care", rule_arn=care["ruleArn"], target_arn=care["targetArn"], queue=BILLING)
    forge(outputs, "care-as-care", rule_arn=care["ruleArn"], target_arn=care["targetArn"])
    assert tool("dead-letters", "--outputs", path, "--redrive") == 1
    out = capsys.readouterr().out
    assert received(aws) == [(care["targetArn"], "Event", "care-as-care")]
    assert "the event does not name its route's queue" in out
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (1, 0)


def test_a_forged_message_in_a_queues_scope_is_not_invoked_either(aws, stack, capsys):
    outputs, path = stack
    care = outputs["routes"][CARE]
    victim = f"{FUNCTION}-payroll"
    create_function(victim)
    forge(outputs, "wrong-target", rule_arn=care["ruleArn"], target_arn=victim)
    assert tool("dead-letters", "--outputs", path, "--queue", CARE, "--redrive") == 1
    assert aws.invocations == []
    assert "0 of 1 dead letter(s) for queue" in capsys.readouterr().out
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (1, 0)


def test_redrive_of_one_queue_sees_all_of_its_messages_among_many_others(aws, stack, capsys):
    # 30 + 30: the other queue's messages are held while the run lasts, and the run ends only
    # when a receive comes back empty.
    outputs, path = stack
    send_dead_letters(outputs, CARE, (f"care-{i}" for i in range(30)), **FUNCTION_NOT_FOUND)
    send_dead_letters(outputs, BILLING, (f"billing-{i}" for i in range(30)), **FUNCTION_NOT_FOUND)
    assert tool("dead-letters", "--outputs", path, "--queue", "Billing", "--redrive") == 0
    out = capsys.readouterr().out
    assert f"30 of 30 dead letter(s) for queue Billing ({BILLING}) redriven and deleted; 30 left" in out
    conversations = sorted(i.payload["detail"]["eventBody"]["conversationId"] for i in aws.invocations)
    assert conversations == sorted(f"billing-{i}" for i in range(30))
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (30, 0)


def test_held_messages_stay_hidden_while_a_slow_redrive_lasts(aws, stack, capsys, monkeypatch):
    # A run longer than the visibility timeout: Lambda takes 0.2 s an invoke, a received message
    # stays hidden 2 s. Without extending it, the other queue's messages come back mid-run and
    # end it before the last Billing messages are seen.
    monkeypatch.setattr(dead_letters, "VISIBILITY_SECONDS", 2)
    aws.invoke_latency = 0.2
    outputs, path = stack
    send_dead_letters(outputs, CARE, (f"care-{i}" for i in range(30)), **FUNCTION_NOT_FOUND)
    send_dead_letters(outputs, BILLING, (f"billing-{i}" for i in range(30)), **FUNCTION_NOT_FOUND)
    assert tool("dead-letters", "--outputs", path, "--queue", "Billing", "--redrive") == 0
    out = capsys.readouterr().out
    assert f"30 of 30 dead letter(s) for queue Billing ({BILLING}) redriven and deleted; 30 left" in out
    assert len(aws.invocations) == 30
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (30, 0)
