"""The README's runbook ("a Lambda was down from 14:00 to 16:00"), run as written.

Every command of the ``sh`` blocks in that section runs as written (``.venv/bin/python -m operations
…``, from a fresh clone's root, in a plain shell), in its own process, in order, against
AWS on loopback (moto's server behind tests/aws_endpoint.py, through AWS_ENDPOINT_URL), on a
stack whose Billing function failed between 14:00 and 16:00: dead letters shaped as EventBridge
writes them, and an archive.
"""

from __future__ import annotations

import json
import re
import shlex

import boto3
import pytest

from commands import fresh_clone, plain_shell, project_venv, run_as_written
from conftest import send_dead_letters
from deployed_stack import deploy, queue_depth
from mockrun import FUNCTION, QUEUES_BY_NAME, REGION, ROOT, base_config, run_program

BILLING = QUEUES_BY_NAME["billing"]["id"]
CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
HEADING = "## Runbook: a Lambda was down from 14:00 to 16:00"


def runbook_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    start = readme.index(HEADING)
    end = readme.find("\n## ", start + len(HEADING))
    section = readme[start : end if end != -1 else None]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_runbook_has_the_three_commands_an_operator_needs():
    commands = runbook_commands()
    assert [shlex.split(c)[3] for c in commands] == ["dead-letters", "dead-letters", "replay"]
    assert all(c.startswith(".venv/bin/python -m operations ") for c in commands)


def test_the_runbook_commands_run_as_written(aws_endpoint, aws_environment, tmp_path):
    venv = project_venv()
    if venv is None:
        pytest.skip("the tests run outside a virtualenv (run them with `make test`)")
    clone = fresh_clone(tmp_path, ROOT, venv=venv)  # "run from this directory"
    outputs = deploy(run_program(base_config()))
    (clone / "stack-outputs.json").write_text(json.dumps(outputs))
    billing = outputs["routes"][BILLING]
    send_dead_letters(  # Billing's function was gone: NO_RESOURCE, straight to the queue
        outputs,
        BILLING,
        (f"billing-{i}" for i in range(4)),
        code="NO_RESOURCE",
        message=f"Function not found: {billing['targetArn']}",
    )
    # another queue's trouble, which the Billing redrive must leave alone
    send_dead_letters(outputs, CARE, ["care-0"], code="NO_PERMISSIONS", message="not authorized")

    printed = []
    for command in runbook_commands():
        done = run_as_written(command, shlex.split(command), cwd=clone, env=plain_shell(), timeout=120)
        printed.append(done.stdout)
        print(f"$ {command}\n{done.stdout}{done.stderr}")

    listing, redrive, replay = printed
    assert re.search(rf"^\s+4 .*NO_RESOURCE\s+Billing \({BILLING}\)$", listing, flags=re.MULTILINE), listing
    assert "5 dead letter(s) in 2 group(s); nothing changed" in listing
    # What is left is the queue's own count: the other queue's dead letter is still there.
    assert "4 of 4 dead letter(s) for queue Billing" in redrive and "; 1 left in the queue" in redrive
    assert sorted(i.payload["detail"]["eventBody"]["conversationId"] for i in aws_endpoint.invocations) == [
        f"billing-{i}" for i in range(4)
    ]
    assert {i.function for i in aws_endpoint.invocations} == {f"{FUNCTION}-billing:live"}
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (1, 0)  # the other queue's dead letter
    assert "COMPLETED" in replay
    events = boto3.client("events", region_name=REGION)
    (made,) = events.list_replays()["Replays"]
    described = events.describe_replay(ReplayName=made["ReplayName"])
    assert described["Destination"]["FilterArns"] == [billing["ruleArn"]]
    assert (described["EventStartTime"].hour, described["EventEndTime"].hour) == (14, 16)
