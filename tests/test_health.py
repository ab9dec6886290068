"""`python -m operations health` against AWS on loopback (moto's server, through boto3 and
AWS_ENDPOINT_URL): metric data put as EventBridge publishes it (namespace ``AWS/Events``, rule
metrics per ``EventBusName`` and ``RuleName``, ``Events`` per ``EventSourceName``; see
tests/test_delivery_alarms.py for the sources), for a few rules, and a source that went silent."""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from commands import run
from conftest import send_dead_letters
from deployed_stack import deploy
from mockrun import QUEUES_BY_NAME, REGION, ROOT, SOURCE, base_config, run_program
from operations.cli import main

CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
BILLING = QUEUES_BY_NAME["billing"]["id"]


@pytest.fixture
def stack(aws_endpoint, aws_environment, tmp_path):
    aws_endpoint.reset()
    outputs = deploy(run_program(base_config()))
    path = tmp_path / "stack-outputs.json"
    path.write_text(json.dumps(outputs))
    return outputs, str(path)


def publish(outputs, metric, value, *, queue=None, ago=timedelta(minutes=5)):
    """A data point as EventBridge sends it: per rule on a custom bus, or per partner source."""
    if queue is None:
        dimensions = [{"Name": "EventSourceName", "Value": SOURCE}]
    else:
        rule = outputs["routes"][queue]["ruleName"]
        dimensions = [
            {"Name": "EventBusName", "Value": outputs["eventBusName"]},
            {"Name": "RuleName", "Value": rule},
        ]
    boto3.client("cloudwatch", region_name=REGION).put_metric_data(
        Namespace="AWS/Events",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": dimensions,
                "Timestamp": datetime.now(UTC) - ago,
                "Value": value,
                "Unit": "Count",
            }
        ],
    )


def health(path, capsys, *extra):
    status = main(["health", "--outputs", path, *extra])
    return status, capsys.readouterr()


def test_a_stack_delivering_everything_is_healthy(stack, capsys):
    outputs, path = stack
    publish(outputs, "Events", 7)
    for metric, value in (("TriggeredRules", 4), ("Invocations", 4)):
        publish(outputs, metric, value, queue=CARE)
    publish(outputs, "TriggeredRules", 3, queue=BILLING)
    publish(outputs, "Invocations", 3, queue=BILLING)
    status, out = health(path, capsys)
    assert status == 0, out
    lines = out.out.splitlines()
    assert lines[0] == f"source {SOURCE}: 7 event(s), ingesting"
    assert any(line.split()[:5] == ["4", "4", "0", "0", "0"] and CARE in line for line in lines)
    assert any(line.split()[:5] == ["3", "3", "0", "0", "0"] and "Billing" in line for line in lines)
    assert lines[-1] == "3 queue(s) over the last 1h: healthy"


def test_a_silent_source_needs_attention(stack, capsys):
    outputs, path = stack
    publish(outputs, "Events", 12, ago=timedelta(hours=3))  # before the window: silence since
    status, out = health(path, capsys, "--json")
    assert status == 2
    report = json.loads(out.out)
    assert report["source"] == {"name": SOURCE, "partner": True, "events": 0, "ingesting": False}
    assert report["healthy"] is False
    assert report["problems"] == [
        f"no partner event ingested from {SOURCE} in the window: is Genesys sending?"
    ]
    # A longer window sees the last events.
    status, out = health(path, capsys, "--json", "--since", "4h")
    assert json.loads(out.out)["source"]["events"] == 12 and status == 0


def test_failed_dead_lettered_and_lost_events_are_counted_per_queue(stack, capsys):
    outputs, path = stack
    publish(outputs, "Events", 9)
    for metric, value in (
        ("TriggeredRules", 5),
        ("Invocations", 2),
        ("FailedInvocations", 3),
        ("InvocationsSentToDlq", 2),
        ("InvocationsFailedToBeSentToDlq", 1),
    ):
        publish(outputs, metric, value, queue=BILLING)
    send_dead_letters(outputs, BILLING, ["c1", "c2"], code="NO_RESOURCE", message="Function not found")
    status, out = health(path, capsys, "--json", "--since", "30m")
    assert status == 2
    report = json.loads(out.out)
    billing = next(q for q in report["queues"] if q["queue_id"] == BILLING)
    assert billing == {
        "queue_id": BILLING,
        "queue_name": "Billing",
        "rule_name": outputs["routes"][BILLING]["ruleName"],
        "enabled": True,
        "matched": 5,
        "delivered": 2,
        "failed": 3,
        "dead_lettered": 2,
        "lost": 1,
    }
    care = next(q for q in report["queues"] if q["queue_id"] == CARE)
    assert (care["matched"], care["failed"], care["lost"]) == (0, 0, 0)
    assert report["deadLetterQueue"] == {"messages": 2}
    assert report["window"]["seconds"] == 1800
    assert report["problems"] == [
        "Billing: 3 event(s) failed",
        "Billing: 2 event(s) sent to the dead-letter queue",
        "Billing: 1 event(s) lost",
        "2 message(s) wait in the dead-letter queue: python -m operations dead-letters",
    ]


@pytest.mark.parametrize(("since", "fragment"), [("1 hour", "is not a window"), ("15d", "longer than 14d")])
def test_a_bad_window_is_one_clear_error(stack, capsys, since, fragment):
    _, path = stack
    status, out = health(path, capsys, "--since", since)
    assert status == 1 and fragment in out.err and "Traceback" not in out.err


def test_past_500_queries_the_metrics_are_read_in_several_calls(
    aws_endpoint, aws_environment, tmp_path, capsys
):
    aws_endpoint.reset()
    queues = [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(101)]  # 505 rule queries + the source
    outputs = deploy(run_program(base_config(queues=queues)))
    path = tmp_path / "stack-outputs.json"
    path.write_text(json.dumps(outputs))
    publish(outputs, "Events", 1)
    last = sorted(outputs["routes"])[-1]
    publish(outputs, "TriggeredRules", 6, queue=last)
    publish(outputs, "Invocations", 6, queue=last)
    status, out = health(str(path), capsys, "--json")
    report = json.loads(out.out)
    assert status == 0 and len(report["queues"]) == 101
    assert next(q for q in report["queues"] if q["queue_id"] == last)["delivered"] == 6


RUNBOOK = "## Runbook: events stopped arriving"


def runbook_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    start = readme.index(RUNBOOK)
    section = readme[start : readme.index("\n## ", start + len(RUNBOOK))]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_events_stopped_runbook_runs_as_written_on_a_silent_source(stack, tmp_path):
    outputs, _ = stack
    (tmp_path / "stack-outputs.json").write_text(json.dumps(outputs))
    publish(outputs, "Events", 40, ago=timedelta(hours=3))  # Genesys went quiet 3 hours ago
    publish(outputs, "TriggeredRules", 40, queue=CARE, ago=timedelta(hours=3))
    commands = runbook_commands()
    assert [shlex.split(c)[3] for c in commands] == ["health"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for command in commands:
        argv = shlex.split(command)
        done = run([sys.executable, *argv[1:]], cwd=tmp_path, env=env, timeout=120)
        # exit status 2: something needs attention, said on stdout, no traceback
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stdout.splitlines()[0] == f"source {SOURCE}: 0 event(s), NOT INGESTING"
        assert done.stdout.splitlines()[-1] == "3 queue(s) over the last 2h: 1 problem(s)"


def test_custom_events_have_no_partner_source_to_watch(stack, tmp_path, capsys):
    outputs, _ = stack
    custom = dict(outputs, integration=None, eventSourceName="com.genesyscloud.platform")
    path = tmp_path / "custom-outputs.json"
    path.write_text(json.dumps(custom))
    publish(outputs, "TriggeredRules", 2, queue=CARE)
    publish(outputs, "Invocations", 2, queue=CARE)
    status, out = health(str(path), capsys)
    assert status == 0, out
    assert out.out.splitlines()[0] == (
        "source com.genesyscloud.platform: not a partner source; EventBridge counts no events for it"
    )
