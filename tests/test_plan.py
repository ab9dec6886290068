"""``python -m operations plan``: the real program under Pulumi's mock runtime, offline, says what a
first ``pulumi up`` would create, and marks what only a real preview can verify."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from commands import fresh_clone, plain_shell, project_venv, run, run_as_written
from components import naming, patterns
from mockrun import ROOT, base_config, run_program
from operations import cli
from operations import offline_program as offline

MARK = "(verified at preview)"
PREFIX = naming.rule_name_prefix("organization", "genesys-queue-events", "dev")
CARE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:conversation-ended"


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


def plan(capsys, *argv: str) -> str:
    assert cli.main(["plan", *argv]) == 0
    return capsys.readouterr().out


def stack_file(tmp_path: Path, stack: str, config: dict) -> Path:
    path = tmp_path / f"Pulumi.{stack}.yaml"
    path.write_text(yaml.safe_dump({"config": config}))
    return path


def one_queue_stack(tmp_path: Path, **keys: object) -> Path:
    """Stack dev with queue CARE on FUNCTION in eu-west-1, and ``keys`` of the project."""
    config: dict[str, object] = {"aws:region": "eu-west-1", "genesys-queue-events:target": FUNCTION}
    config.update({f"genesys-queue-events:{k}": v for k, v in {"queues": [CARE], **keys}.items()})
    return stack_file(tmp_path, "dev", config)


def test_the_dev_stack_plan_shows_each_queue_the_shared_pieces_and_the_event_filter(capsys):
    text = plan(capsys, str(ROOT / "Pulumi.dev.yaml"))

    assert f"AWS account  123456789012, assumed from the targets' ARNs {MARK}" in text
    # The topics the integration's Event Filter must forward: the preset's two and Billing's acw.
    filter_block = text.split("Event Filter must contain")[1].split("\n\n")[0]
    assert re.findall(r"^    (v2\.\S+)$", filter_block, flags=re.MULTILINE) == [
        "v2.detail.events.conversation.{id}.acd.end",
        "v2.detail.events.conversation.{id}.acw",
        "v2.detail.events.conversation.{id}.user.end",
    ]
    assert f"partner source      {offline.SOURCE} {MARK}" in text

    # Per queue: its rule, state, target, grant and pattern; by name, its id is a placeholder.
    care = text.split(f"  {CARE}  (by id)")[1].split("\n  Billing")[0]
    assert f"name      <name of queue {CARE}> {MARK}" in care
    assert f"rule      {PREFIX}{CARE}  ENABLED" in care
    assert f"target    {FUNCTION}:live {MARK}" in care
    care_rule_arn = f"arn:aws:events:eu-west-1:123456789012:rule/{offline.SOURCE}/{PREFIX}{CARE}"
    care_statement = naming.statement_id(f"{PREFIX}{CARE}", care_rule_arn)
    assert f"invoke    per-rule: a Lambda permission of its own (statement {care_statement})" in care
    assert f'"queueId":["{CARE}"]' in care and '"acdOutcome":["ABANDON"]' in care

    billing = text.split("  Billing  (by name)")[1].split("\n  Sales Overflow")[0]
    assert f"id        <queue id of 'Billing'> {MARK}" in billing
    assert f"rule      {PREFIX}billing  ENABLED" in billing
    assert "target    arn:aws:lambda:eu-west-1:123456789012:function:billing-wrapup" in billing
    assert '"queueId":["<queue id of \'Billing\'>"]' in billing
    assert (
        '"detail-type":["v2.detail.events.conversation.{id}.acw","v2.detail.events.conversation.{id}.user.end"]'
        in (billing)
    )
    assert f"rule      {PREFIX}sales-overflow  DISABLED" in text

    assert f"partner event bus   {offline.SOURCE} (created" in text
    assert "dead-letter queue   routing-dead-letters-<random> (SQS standard, 14 days, SSE)" in text
    assert "ArnEquals on each of the 3 rule ARN(s)" in text
    assert "archive             routing-archive-<random>, 7 days" in text
    assert "routing-dead-letters-<random>-messages-waiting (ApproximateNumberOfMessagesVisible > 0)" in text
    assert "e-mail to contact-centre-oncall@example.com" in text
    assert "routing-dead-letters-<random>-events-stopped (Events < 1)" in text
    assert "routing-dead-letters-<random>-events-lost (InvocationsFailedToBeSentToDlq > 0)" in text
    assert "routing-dead-letters-<random>-deliveries-failing (FailedInvocations > 0)" in text

    counts = {
        kind: n for n, kind in re.findall(r"^\s+(\d+)  ((?:aws|lambda):\S+)$", text, flags=re.MULTILINE)
    }
    assert counts["aws:cloudwatch/eventRule:EventRule"] == "3"
    assert counts["aws:cloudwatch/eventTarget:EventTarget"] == "3"
    assert counts["aws:lambda/permission:Permission"] == "3"
    assert counts["aws:cloudwatch/metricAlarm:MetricAlarm"] == "5"
    assert counts["aws:cloudwatch/dashboard:Dashboard"] == "1"
    # one lookup per distinct function and alias, with calls that return no environment or code
    assert (counts["lambda:GetFunctionConcurrency"], counts["lambda:GetAlias"]) == ("1", "1")
    assert "aws:lambda/getFunction:getFunction" not in counts

    # What only the real preview can establish, listed, and what to do before it.
    facts = text.split(f"{MARK}: what the first real preview checks")[1]
    assert "the Genesys integration (EventBridge (dev)): exists, is ENABLED and ACTIVE" in facts
    assert "the ids of the queues given by name: Billing, Sales Overflow" in facts
    assert f"that the queues given by id exist, and their names: {CARE}" in facts
    assert "that each target function (and alias) exists" in facts
    assert "genesys:clientId (or GENESYS_CLIENT_ID); genesys:clientSecret (or GENESYS_CLIENT_SECRET)" in facts


def test_the_plan_is_the_program_not_a_second_implementation(capsys):
    """The by-id queue's pattern and rule are exactly what the program gives under the tests' mocks."""
    stack = json.loads(plan(capsys, str(ROOT / "Pulumi.dev.yaml"), "--json"))
    from mockrun import SOURCE

    run = run_program(base_config(queues=[CARE]))
    expected = run.exports["routes"][CARE]
    (care,) = (r for r in stack["routes"] if r["queue"] == CARE)
    assert (
        json.dumps(care["eventPattern"], sort_keys=True, separators=(",", ":")).replace(
            offline.SOURCE, SOURCE
        )
        == expected["eventPattern"]
    )
    assert care["ruleName"] == expected["ruleName"]


def test_a_stack_of_queues_by_name_past_the_invoke_budget(tmp_path, capsys):
    names = [f"Queue {i:02}" for i in range(25)]
    path = stack_file(
        tmp_path,
        "contact-centre",
        {
            "aws:region": "eu-west-1",
            "genesys-queue-events:target": FUNCTION,
            "genesys-queue-events:queues": [{"name": n} for n in names],
            "genesys-queue-events:alarms": False,
            "genesys-queue-events:archive": False,
        },
    )
    stack = json.loads(plan(capsys, str(path), "--json"))

    prefix = naming.rule_name_prefix("organization", "genesys-queue-events", "contact-centre")
    assert [r["queue"] for r in stack["routes"]] == names
    for route, name in zip(stack["routes"], names, strict=True):
        assert route["configuredBy"] == "name"
        assert route["queueId"] == f"<queue id of {name!r}>"
        assert route["ruleName"] == prefix + naming.slug(name)
        assert route["eventPattern"]["$or"][0]["detail"]["eventBody"]["queueId"] == [route["queueId"]]
        # 25 queues on one function exceed its policy budget: one statement for all of them.
        source_arn = f"arn:aws:events:eu-west-1:123456789012:rule/{offline.SOURCE}/{prefix}*"
        assert route["invokeGrant"] == {
            "mode": "shared-prefix",
            "statementId": naming.statement_id(naming.shared_statement_id(prefix), source_arn),
            "sourceArn": source_arn,
        }
    assert stack["resources"]["aws:lambda/permission:Permission"] == 1
    assert stack["resources"]["aws:cloudwatch/eventRule:EventRule"] == 25
    assert "aws:cloudwatch/eventArchive:EventArchive" not in stack["resources"]
    assert "alarms" not in stack["shared"] and "archive" not in stack["shared"]
    assert stack["integration"]["requiredTopics"] == list(
        patterns.topics_of(patterns.CONVERSATION_END_PRESET)
    )
    assert stack["account"] == {"id": "123456789012", "assumed": True}
    # The list is cut (every queue is under "routes"): no line grows with the stack.
    assert (
        "the ids of the queues given by name: " + ", ".join(names[:5]) + " … and 20 more"
        in stack["verifiedAtPreview"]
    )

    # Above 20 queues the text plan is the summary unless --full asks for each queue.
    assert "summary of 25 queue(s) by target function (--full for each)" in plan(capsys, str(path))
    text = plan(capsys, str(path), "--full")
    assert text.count("(by name)\n    id        <queue id of ") == 25
    assert "archive             none (archive: false): no replay" in text
    assert "alarms              none" in text


def test_an_existing_bus_is_named_and_not_created(tmp_path, capsys):
    path = one_queue_stack(tmp_path, eventBus="aws.partner/genesys.com/cloud/org/existing")
    stack = json.loads(plan(capsys, str(path), "--json"))
    assert stack["eventBus"] == {"name": "aws.partner/genesys.com/cloud/org/existing", "created": False}
    assert "aws:cloudwatch/eventBus:EventBus" not in stack["resources"]
    assert (
        "that the event bus aws.partner/genesys.com/cloud/org/existing exists" in stack["verifiedAtPreview"]
    )


def run_cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENESYS_CLIENT")}
    env["PYTHONPATH"] = str(ROOT)
    return run([sys.executable, "-m", "operations", *argv], cwd=cwd, env=env, timeout=120)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            "config:\n  aws:region: eu-west-1\n  genesys-queue-events:queues: [1234]\n"
            "  genesys-queue-events:deadletterQueue: true\n",
            re.escape("deadletterQueue = true: unknown key; did you mean 'deadLetterQueue'?"),
        ),
        (
            "config:\n  aws:region: eu-west-1\n"
            f"  genesys-queue-events:target: {FUNCTION}\n"
            "  genesys-queue-events:queues:\n    - name: A\n    - name: B\n"
            "      target: arn:aws:lambda:eu-west-1:210987654321:function:b\n",
            re.escape("is in account 210987654321, but target is in account 123456789012"),
        ),
        (
            "config:\n  aws:region: [eu-west-1\n",
            r":2:15: not valid YAML: .*Hint: a value starting with \{ or \[",
        ),
    ],
    ids=["settings", "target-accounts", "yaml"],
)
def test_a_mistake_is_the_settings_message_and_exit_1_never_a_traceback(tmp_path, config, expected):
    (tmp_path / "Pulumi.bad.yaml").write_text(config)
    settings_check = run(
        [sys.executable, "-m", "settings", "Pulumi.bad.yaml"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    done = run_cli("plan", "Pulumi.bad.yaml", cwd=tmp_path)
    # The same verdict as `python -m settings`, word for word.
    assert done.stderr == f"error: {settings_check.stderr}"
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: Pulumi.bad.yaml")
    assert re.search(expected, done.stderr), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_missing_or_misnamed_file_is_one_line(tmp_path):
    for name, expected in (
        (
            "Pulumi.nope.yaml",
            "error: Pulumi.nope.yaml: no such file; there is no stack file here; start one with "
            "`pulumi stack init nope`, or copy Pulumi.dev.yaml from the repository\n",
        ),
        (
            "stack.yaml",
            "error: stack.yaml: a stack file is named Pulumi.<stack>.yaml (for example Pulumi.dev.yaml)\n",
        ),
    ):
        done = run_cli("plan", name, cwd=tmp_path)
        assert (done.returncode, done.stderr) == (1, expected)


NEWCOMER = "<!-- newcomer: tests/test_plan.py runs every command of this block as written -->"


def newcomer_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = readme[readme.index(NEWCOMER) :]
    body = re.match(r".*?```sh\n(.*?)```", block, flags=re.DOTALL)
    assert body is not None
    return [line.split("#")[0].strip() for line in body.group(1).splitlines() if line.split("#")[0].strip()]


def make_env(**extra: str) -> dict[str, str]:
    """The environment of a newcomer's shell, with the interpreter running these tests as the
    Makefile's virtualenv (VENV), so that nothing is installed again."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GENESYS_CLIENT", "MAKE"))}
    return {**env, "VENV": sys.prefix, **extra}


def test_the_readme_newcomer_commands_run_as_written(tmp_path):
    venv = project_venv()
    if venv is None or not (venv / "bin" / ".installed").exists():
        pytest.skip("the tests run outside the Makefile's virtualenv (run them with `make test`)")
    clone = fresh_clone(tmp_path, ROOT, venv=venv)
    commands = newcomer_commands()
    assert commands[0] == "make plan STACK=dev"
    for command in commands:
        done = run_as_written(command, shlex.split(command), cwd=clone, env=plain_shell(), timeout=300)
        print(f"$ {command}\n{done.stdout[:2000]}")
        if command == "make plan STACK=dev":
            assert f"rule      {PREFIX}billing  ENABLED" in done.stdout
            assert MARK in done.stdout
        elif "--json" in command:  # nothing but the JSON on stdout
            routes = json.loads(done.stdout)["routes"]
            assert [r["ruleName"] for r in routes] == [
                PREFIX + CARE,
                PREFIX + "billing",
                PREFIX + "sales-overflow",
            ]


def test_make_preview_without_the_pulumi_cli_says_what_it_is_before_installing_anything(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("make", "sh", "mkdir"):  # a PATH with no pulumi on it
        found = subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True, check=True)
        (bare / tool).symlink_to(found.stdout.strip())
    venv = tmp_path / "fresh-venv"
    for target in ("preview", "up"):
        done = run(
            ["make", target, "STACK=dev"], cwd=ROOT, env=make_env(PATH=str(bare), VENV=str(venv)), timeout=60
        )
        assert done.returncode != 0
        message = done.stderr.splitlines()[0]
        assert "needs the Pulumi CLI" in message and "not on PATH" in message
        assert "https://www.pulumi.com/docs/iac/download-install/" in message
        assert "make plan STACK=dev" in message
        assert not venv.exists()  # nothing was installed first


def test_the_plan_shows_tags_retry_policy_archive_retention_and_dead_letter_delivery(capsys):
    """What a reviewer must confirm offline, from what the program registers (Pulumi.dev.yaml:
    retry 7200 s / 24 attempts, archive 7 days, tags team and environment)."""
    stack = json.loads(plan(capsys, str(ROOT / "Pulumi.dev.yaml"), "--json"))
    dead_letters = "arn:aws:sqs:eu-west-1:123456789012:routing-dead-letters-<random>"
    assert stack["shared"]["delivery"] == {
        "targets": 3,
        "retryPolicy": {"maximumEventAgeSeconds": 7200, "maximumRetryAttempts": 24},
        "deadLetterQueueArn": dead_letters,
    }
    assert stack["shared"]["archive"]["retentionDays"] == 7
    assert stack["shared"]["deadLetterQueue"]["retentionDays"] == 14
    assert stack["tags"]["values"] == {"team": "contact-centre", "environment": "dev"}
    # Rules, the bus, the queue, the topic and the alarms carry them; targets, permissions, the queue
    # policy, the archive, the subscription and the dashboard take none (no `tags` argument in pulumi-aws).
    # (and the delivery alarms; the dashboard takes none)
    assert (stack["tags"]["taggedResources"], stack["tags"]["awsResources"]) == (11, 21)
    assert stack["tags"]["untaggedTypes"] == [
        "aws:cloudwatch/dashboard:Dashboard",  # aws_cloudwatch_dashboard has no tags argument
        "aws:cloudwatch/eventArchive:EventArchive",
        "aws:cloudwatch/eventTarget:EventTarget",
        "aws:lambda/permission:Permission",
        "aws:sns/topicSubscription:TopicSubscription",
        "aws:sqs/queuePolicy:QueuePolicy",
    ]

    text = plan(capsys, str(ROOT / "Pulumi.dev.yaml"))
    assert (
        "  retry policy        each target retries an event for up to 7200 s (2 h) and 24 attempts; "
        "then to the dead-letter queue"
    ) in text
    assert "  archive             routing-archive-<random>, 7 days' retention" in text
    assert "  tags                team=contact-centre, environment=dev, on 11 of 21 AWS resources" in text


def test_without_a_dead_letter_queue_the_plan_says_failed_events_are_dropped(tmp_path, capsys):
    path = one_queue_stack(
        tmp_path, deadLetterQueue=False, retry={"maximumEventAgeSeconds": 90, "maximumRetryAttempts": 0}
    )
    text = plan(capsys, str(path))
    assert (
        "retries an event for up to 90 s (90 s) and 0 attempts; then dropped (no dead-letter queue)" in text
    )
    assert "tags                none (tags: not set)" in text
    assert json.loads(plan(capsys, str(path), "--json"))["shared"]["delivery"]["deadLetterQueueArn"] is None


def large_stack(tmp_path: Path, queues: int) -> Path:
    """A contact centre's stack at its worst for line lengths: every queue by a long name on a
    function of its own, the most tags EventBridge allows at their longest, many alarm addresses."""
    return stack_file(
        tmp_path,
        "contact-centre",
        {
            "aws:region": "eu-west-1",
            "genesys-queue-events:queues": [
                {"name": f"Customer Care Escalations {i:04} EMEA", "target": f"{FUNCTION}-{i:04}"}
                for i in range(queues)
            ],
            "genesys-queue-events:rulesPerBusQuota": 2000,
            "genesys-queue-events:tags": {f"tag-{i:02}-" + "k" * 120: "v" * 256 for i in range(50)},
            "genesys-queue-events:alarms": {"email": [f"oncall-{i:02}@example.com" for i in range(30)]},
        },
    )


def test_a_300_queue_stack_reads_as_a_summary_of_at_most_60_short_lines(tmp_path, capsys):
    path = large_stack(tmp_path, 300)
    summary = plan(capsys, str(path)).splitlines()  # the default above 20 queues
    assert summary == plan(capsys, str(path), "--summary").splitlines()
    print("\n".join(summary))
    assert len(summary) <= 60 and max(map(len, summary)) <= 300
    text = "\n".join(summary)
    assert "Queues: 300 route(s), 300 enabled, 0 disabled, to 300 target function(s)" in text
    assert (
        "  … and 297 more target function(s) with 297 queue(s), 297 enabled; invoke per-rule for 297" in text
    )
    assert "Resources a first `pulumi up` registers: " in text and "300 EventRule" in text
    assert "… and 295 more" in text  # the queues given by name, in the preview's facts

    # The full view stays available, and no line of any view passes 1,000 characters.
    full = plan(capsys, str(path), "--full").splitlines()
    assert sum(1 for line in full if line.startswith("    rule      ")) == 300
    as_json = plan(capsys, str(path), "--json")
    assert len(json.loads(as_json)["routes"]) == 300
    for view in (full, as_json.splitlines()):
        assert max(map(len, view)) <= 1000


def test_the_summary_groups_queues_by_function_with_their_grant_and_topics(capsys):
    stack = json.loads(plan(capsys, str(ROOT / "Pulumi.dev.yaml"), "--json", "--summary"))
    assert "routes" not in stack
    live, billing = stack["summary"]
    assert live["target"] == f"{FUNCTION}:live" and billing["target"].endswith("function:billing-wrapup")
    assert (live["queues"], live["enabled"], live["disabled"]) == (
        [CARE, "Sales Overflow"],
        1,
        ["Sales Overflow"],
    )
    assert live["invokeGrant"] == {"mode": "per-rule", "statements": 2}
    assert billing["topics"] == [
        {
            "topics": [
                "v2.detail.events.conversation.{id}.acw",
                "v2.detail.events.conversation.{id}.user.end",
            ],
            "queues": 1,
        }
    ]
    text = plan(capsys, str(ROOT / "Pulumi.dev.yaml"), "--summary")
    assert f"  {FUNCTION}:live {MARK}: 2 queue(s), 1 enabled" in text
    assert "    topics    acw, user.end (1)" in text
    assert f"    queues    {CARE}, Sales Overflow; disabled: Sales Overflow" in text


def test_a_stack_name_with_a_period_is_a_stack_as_pulumi_allows_it(tmp_path, capsys):
    # Pulumi takes 1 to 100 of letters, digits, '-', '_' and '.': `pulumi stack init prod.eu`
    # writes Pulumi.prod.eu.yaml, which the plan must read rather than call misnamed.
    path = one_queue_stack(tmp_path).rename(tmp_path / "Pulumi.prod.eu.yaml")
    stack = json.loads(plan(capsys, str(path), "--json"))
    assert stack["stack"] == "prod.eu"
    assert stack["routes"][0]["ruleName"].startswith("gqe-") and "-prod-eu-" in stack["routes"][0]["ruleName"]
