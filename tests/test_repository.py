"""The habits of the repository: the CI workflows are valid and keep their settings, and the
stack-file check reports exactly what `pulumi preview` would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from mockrun import run_program

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    doc = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as True.
    doc["on"] = doc.pop(True, doc.get("on"))
    return doc


def steps(doc: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return doc["jobs"][job]["steps"]


def step_using(doc: dict[str, Any], job: str, action: str) -> dict[str, Any]:
    (found,) = [s for s in steps(doc, job) if s.get("uses", "").startswith(action)]
    return found


def position(doc: dict[str, Any], job: str, predicate: Any) -> int:
    return next(i for i, s in enumerate(steps(doc, job)) if predicate(s))


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


def test_the_schema_check_catches_a_careless_edit(tmp_path):
    broken = tmp_path / "preview.yml"
    broken.write_text(
        (WORKFLOWS / "preview.yml").read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest")
    )
    result = validate(broken)
    assert result.returncode == 1
    assert "runs_on" in result.stdout + result.stderr


def test_preview_runs_on_pull_requests_and_comments_the_diff():
    doc = load("preview.yml")
    assert "pull_request" in doc["on"]
    assert doc["permissions"] == {"contents": "read", "id-token": "write", "pull-requests": "write"}
    job = doc["jobs"]["preview"]
    assert job["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    assert "matrix.stack" in job["concurrency"]["group"]
    pulumi_step = step_using(doc, "preview", "pulumi/actions@v6")
    assert pulumi_step["with"]["command"] == "preview"
    for flag in ("comment-on-pr", "edit-pr-comment", "always-include-summary", "diff"):
        assert pulumi_step["with"][flag] is True, flag
    assert pulumi_step["with"]["stack-name"] == "${{ matrix.stack }}"
    aws = step_using(doc, "preview", "aws-actions/configure-aws-credentials")
    assert aws["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
    assert job["env"]["GENESYS_CLIENT_SECRET"] == "${{ secrets.GENESYS_CLIENT_SECRET }}"
    assert job["env"]["GENESYS_CLIENT_ID"] == "${{ secrets.GENESYS_CLIENT_ID }}"
    assert job["env"]["PULUMI_BACKEND_URL"] == "${{ vars.PULUMI_BACKEND_URL }}"


@pytest.mark.parametrize(("name", "job"), [("preview.yml", "preview"), ("deploy.yml", "up")])
def test_the_stack_file_check_runs_first_then_the_tests_then_pulumi(name, job):
    doc = load(name)
    check = position(doc, job, lambda s: "python -m settings" in s.get("run", ""))
    tests = position(doc, job, lambda s: s.get("run", "").strip() == "make test")
    credentials = position(doc, job, lambda s: "configure-aws-credentials" in s.get("uses", ""))
    deploy = position(doc, job, lambda s: s.get("uses", "").startswith("pulumi/actions"))
    assert check < tests < credentials < deploy


def test_deploy_runs_up_per_stack_in_its_environment_one_run_at_a_time():
    doc = load("deploy.yml")
    assert doc["on"]["push"]["branches"] == ["main"]
    assert doc["permissions"] == {"contents": "read", "id-token": "write"}
    job = doc["jobs"]["up"]
    assert job["environment"] == "${{ matrix.stack }}"
    assert job["concurrency"] == {"group": "deploy-${{ matrix.stack }}", "cancel-in-progress": False}
    assert step_using(doc, "up", "pulumi/actions@v6")["with"]["command"] == "up"


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
