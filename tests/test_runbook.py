"""The README's runbook ("a Lambda was down from 14:00 to 16:00"), run as written.

Every command of the ``sh`` blocks in that section runs in its own process, in order, against
AWS on loopback (moto's server behind tests/aws_endpoint.py, through AWS_ENDPOINT_URL), on a
stack whose Billing function failed between 14:00 and 16:00: dead letters shaped as EventBridge
writes them, and an archive. Only the interpreter is swapped for this test's own.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import boto3
import pytest

from aws_endpoint import AwsEndpoint
from deployed_stack import dead_letter, deploy, genesys_event, queue_depth
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
    assert all(c.startswith("python -m operations ") for c in commands)


@pytest.fixture
def endpoint():
    aws = AwsEndpoint().start()
    try:
        yield aws
    finally:
        aws.stop()


def test_the_runbook_commands_run_as_written(endpoint, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)
    outputs = deploy(run_program(base_config()))
    (tmp_path / "stack-outputs.json").write_text(json.dumps(outputs))
    billing, care = outputs["routes"][BILLING], outputs["routes"][CARE]
    for i in range(4):  # Billing's function was gone: NO_RESOURCE, straight to the queue
        dead_letter(
            outputs["deadLetterQueueUrl"],
            genesys_event(BILLING, f"billing-{i}"),
            rule_arn=billing["ruleArn"],
            target_arn=billing["targetArn"],
            code="NO_RESOURCE",
            message=f"Function not found: {billing['targetArn']}",
        )
    dead_letter(  # another queue's trouble, which the Billing redrive must leave alone
        outputs["deadLetterQueueUrl"],
        genesys_event(CARE, "care-0"),
        rule_arn=care["ruleArn"],
        target_arn=care["targetArn"],
        code="NO_PERMISSIONS",
        message="not authorized",
    )

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    printed = []
    for command in runbook_commands():
        argv = shlex.split(command)
        assert argv[:3] == ["python", "-m", "operations"], command
        done = subprocess.run(
            [sys.executable, *argv[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        printed.append(done.stdout)
        print(f"$ {command}\n{done.stdout}{done.stderr}")

    listing, redrive, replay = printed
    assert re.search(rf"^\s+4 .*NO_RESOURCE\s+Billing \({BILLING}\)$", listing, flags=re.MULTILINE), listing
    assert "5 dead letter(s) in 2 group(s); nothing changed" in listing
    assert "4 of 4 dead letter(s) for queue Billing" in redrive and "0 left in the queue" in redrive
    assert sorted(i.payload["detail"]["eventBody"]["conversationId"] for i in endpoint.invocations) == [
        f"billing-{i}" for i in range(4)
    ]
    assert {i.function for i in endpoint.invocations} == {f"{FUNCTION}-billing:live"}
    assert queue_depth(outputs["deadLetterQueueUrl"]) == (1, 0)  # the other queue's dead letter
    assert "COMPLETED" in replay
    events = boto3.client("events", region_name=REGION)
    (made,) = events.list_replays()["Replays"]
    described = events.describe_replay(ReplayName=made["ReplayName"])
    assert described["Destination"]["FilterArns"] == [billing["ruleArn"]]
    assert (described["EventStartTime"].hour, described["EventEndTime"].hour) == (14, 16)
