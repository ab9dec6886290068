"""The habits of the repository: the CI workflows are valid and keep their settings, and the
stack-file check reports exactly what `pulumi preview` would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pulumi
import pytest
import yaml

from mockrun import run_program

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def validate(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_workflows_match_the_github_workflow_schema():
    result = validate(WORKFLOWS / "preview.yml", WORKFLOWS / "deploy.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_config_matches_its_schema_and_updates_actions_and_pip():
    path = ROOT / ".github" / "dependabot.yml"
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.dependabot", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(path.read_text())["updates"]}
    assert ecosystems == {"github-actions", "pip"}


def test_the_schema_check_catches_a_careless_edit(tmp_path):
    broken = tmp_path / "preview.yml"
    broken.write_text(
        (WORKFLOWS / "preview.yml").read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest")
    )
    result = validate(broken)
    assert result.returncode == 1
    assert "runs_on" in result.stdout + result.stderr


def check_stack_file(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "settings", str(path)], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_the_stack_file_check_accepts_the_example_stack():
    result = check_stack_file(ROOT / "Pulumi.dev.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("Pulumi.dev.yaml: ok")


def test_the_stack_file_check_reports_what_the_program_reports(tmp_path, monkeypatch):
    monkeypatch.setenv("GENESYS_CLIENT_ID", "x")
    monkeypatch.setenv("GENESYS_CLIENT_SECRET", "x")
    broken = tmp_path / "Pulumi.broken.yaml"
    text = (ROOT / "Pulumi.dev.yaml").read_text()
    text = text.replace("- a1b2c3d4-e5f6-7890-abcd-ef1234567890", "- a1b2c3d4")
    text = text.replace("genesys-queue-events:archive:", "genesys-queue-events:archives:")
    text = text.replace("maximumRetryAttempts: 24", "maximumRetryAttempts: 240")
    broken.write_text(text)

    result = check_stack_file(broken)
    assert result.returncode == 1
    cli_problems = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("- ")]
    assert len(cli_problems) == 3

    import settings

    values, _ = settings.load_stack_file(broken)
    with pytest.raises(pulumi.RunError) as raised:
        run_program(values)
    program_problems = [
        line.strip() for line in str(raised.value).splitlines() if line.strip().startswith("- ")
    ]
    assert cli_problems == program_problems
    assert any(p.startswith('- queues[0].id = "a1b2c3d4"') for p in cli_problems)
    assert any("archives" in p and "did you mean 'archive'" in p for p in cli_problems)
    assert any(p.startswith("- retry.maximumRetryAttempts = 240") for p in cli_problems)


def test_the_stack_file_check_needs_only_pyyaml():
    # The workflows run it before installing anything else: it must not import Pulumi.
    code = "import sys, settings; sys.exit(int(any(m.startswith('pulumi') for m in sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    assert result.returncode == 0
