"""``python -m settings`` as a command-line tool: every file checked, clear one-line errors, an
exit status that says whether all passed, and never a traceback for a user's mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:conversation-ended"
GOOD = f"""config:
  aws:region: eu-west-1
  genesys:region: eu-west-1
  genesys-queue-events:target: {FUNCTION}
  genesys-queue-events:queues:
    - {QUEUE}
"""


def settings_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "settings", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def stack_file(tmp_path: Path, text: str, name: str = "Pulumi.t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_good_file_is_ok(tmp_path):
    result = settings_cli(stack_file(tmp_path, GOOD))
    assert result.returncode == 0 and result.stdout.strip().endswith(": ok")


def test_a_yaml_error_names_the_file_line_and_column_in_one_line(tmp_path):
    path = stack_file(tmp_path, GOOD + "  genesys-queue-events:tags: {team: [unclosed\n")
    result = settings_cli(path)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    # Where the bracket that is never closed opens, not the end of the file where PyYAML noticed.
    assert line.startswith(f"{path}:7:37:") and "not valid YAML" in line


def test_a_missing_file_is_said_and_the_others_are_still_checked(tmp_path):
    good = stack_file(tmp_path, GOOD)
    result = settings_cli(tmp_path / "Pulumi.nope.yaml", good)
    assert result.returncode == 1
    assert f"{tmp_path / 'Pulumi.nope.yaml'}: no such file" in result.stderr
    assert f"{good}: ok" in result.stdout
    assert "1 ok, 1 with problems" in result.stderr


def test_several_files_one_broken(tmp_path):
    good = stack_file(tmp_path, GOOD, "Pulumi.a.yaml")
    bad = stack_file(
        tmp_path,
        GOOD.replace("eu-west-1\n  genesys-queue", "eu-west-1\n  genesys:regoin: x\n  genesys-queue", 1),
        "Pulumi.b.yaml",
    )
    result = settings_cli(good, bad)
    assert result.returncode == 1
    assert f"{good}: ok" in result.stdout and f"{bad}: The stack configuration has" in result.stderr


def test_help_and_no_arguments():
    assert settings_cli("--help").returncode == 0
    result = settings_cli()
    assert result.returncode == 2 and "name at least one stack file" in result.stderr


def test_a_project_key_written_outside_config_is_reported(tmp_path):
    path = stack_file(tmp_path, GOOD + "genesys-queue-events:tags:\n  team: contact-centre\n")
    result = settings_cli(path)
    assert result.returncode == 1
    assert "genesys-queue-events:tags" in result.stderr and "is outside `config:`" in result.stderr


@pytest.mark.parametrize("written", [f'"{{{QUEUE}}}"', f"{{{QUEUE}}}"], ids=["quoted", "unquoted"])
def test_a_queue_id_pasted_with_braces(tmp_path, written):
    result = settings_cli(stack_file(tmp_path, GOOD.replace(f"- {QUEUE}", f"- {written}")))
    assert result.returncode == 1
    assert (
        "queues[0]" in result.stderr and f"remove the braces: write the queue id as {QUEUE}" in result.stderr
    )


def test_a_scalar_where_a_list_is_expected(tmp_path):
    text = GOOD.replace(f"queues:\n    - {QUEUE}", f"queues: {QUEUE}")
    result = settings_cli(stack_file(tmp_path, text))
    assert "is a single value where a list is expected" in result.stderr


def test_the_topics_offered_are_the_topics_accepted(tmp_path):
    text = GOOD + "  genesys-queue-events:topics: [customer.ends]\n"
    result = settings_cli(stack_file(tmp_path, text))
    offered = result.stderr.split("use one of ", 1)[1].split(" (", 1)[0].split(", ")
    assert "user.end" in offered
    assert not {"customer.end", "flow.end", "attributes"} & set(offered)


def test_a_misspelt_genesys_key_suggests_the_full_key(tmp_path):
    result = settings_cli(stack_file(tmp_path, GOOD + "  genesys:clientid: abc\n"))
    assert "did you mean 'genesys:clientId'?" in result.stderr


def test_two_targets_in_different_accounts_are_flagged_offline(tmp_path):
    other = FUNCTION.replace("123456789012", "210987654321") + "-billing"
    text = GOOD + f"    - name: Billing\n      target: {other}\n"
    result = settings_cli(stack_file(tmp_path, text))
    assert result.returncode == 1
    assert "queues[1].target" in result.stderr and "one stack deploys to one account" in result.stderr


def test_a_file_that_is_not_utf8_is_named_not_a_traceback(tmp_path):
    path = tmp_path / "Pulumi.utf16.yaml"
    path.write_text(GOOD, encoding="utf-16")
    result = settings_cli(path)
    assert result.returncode == 1
    assert f"{path}: not UTF-8 text" in result.stderr


def test_a_managed_stack_whose_name_cannot_be_its_suffix_is_refused_as_the_plan_refuses_it(tmp_path):
    # Without eventSourceSuffix the suffix is the stack's name, which is in the file's name: the
    # check CI runs on every stack file says what the plan and the preview would say.
    managed = GOOD + "  genesys-queue-events:integration: {name: EventBridge (x), manage: true}\n"
    long_name = "s" * 65
    refused = settings_cli(stack_file(tmp_path, managed, f"Pulumi.{long_name}.yaml"))
    assert refused.returncode == 1
    assert f"integration.eventSourceSuffix = (not set): defaults to the stack's name '{long_name}'" in (
        refused.stdout + refused.stderr
    )
    assert settings_cli(stack_file(tmp_path, managed, f"Pulumi.{'s' * 64}.yaml")).returncode == 0
    with_suffix = managed.replace("manage: true}", "manage: true, eventSourceSuffix: cx-dev}")
    assert settings_cli(stack_file(tmp_path, with_suffix, f"Pulumi.{long_name}.yaml")).returncode == 0
