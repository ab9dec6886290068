"""The workflows' trust boundaries and hygiene, checked in both files: who holds which secret
and identity, pinned actions, locked installs, least permissions, no credentials left in
the checkout, stack names that never reach a shell unchecked, and deploys in a declared order
through protected environments. The listing scripts themselves are run, on hostile names."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("preview.yml", "deploy.yml")
SHA_PIN = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")
DEPLOY_ORDER = ["dev", "staging", "prod"]


def load(name: str) -> dict[str, Any]:
    doc = yaml.safe_load((WORKFLOWS / name).read_text())
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as True
    return doc


def all_steps(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in doc["jobs"].items() for step in job.get("steps", [])]


def locked_pulumi_version() -> str:
    (line,) = [
        line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.startswith("pulumi==")
    ]
    return line.split("==")[1].split()[0]


@pytest.fixture(params=NAMES)
def workflow(request) -> tuple[str, dict[str, Any]]:
    return request.param, load(request.param)


# -- hygiene, in both files -----------------------------------------------------------------


def test_no_permissions_at_the_top_and_the_least_per_job(workflow):
    name, doc = workflow
    assert doc["permissions"] == {}
    for job_name, job in doc["jobs"].items():
        permissions = job["permissions"]
        assert isinstance(permissions, dict), (name, job_name)
        assert permissions.get("contents") == "read", (name, job_name)
        assumes_a_role = any("configure-aws-credentials" in s.get("uses", "") for s in job.get("steps", []))
        # An OIDC token only where a role is assumed; nothing else may mint one.
        assert ("id-token" in permissions) == assumes_a_role, (name, job_name)
        assert set(permissions.values()) <= {"read", "write"}
        writes = {k for k, v in permissions.items() if v == "write"}
        assert writes <= {"id-token", "pull-requests"}, (name, job_name, writes)


def test_every_action_is_pinned_to_a_commit_with_its_version_noted(workflow):
    name, _ = workflow
    pins: dict[str, set[str]] = {}
    for line in (WORKFLOWS / name).read_text().splitlines():
        if re.match(r"^\s*(-\s*)?uses:", line):
            match = SHA_PIN.match(line)
            assert match, f"{name}: not pinned to a full commit SHA with a # vX.Y.Z comment: {line.strip()}"
            pins.setdefault(match[1], set()).add(match[2])
    assert pins and all(len(shas) == 1 for shas in pins.values()), pins


def test_the_same_action_is_the_same_commit_in_both_files():
    pins: dict[str, set[str]] = {}
    for name in NAMES:
        for line in (WORKFLOWS / name).read_text().splitlines():
            match = SHA_PIN.match(line)
            if match:
                pins.setdefault(match[1], set()).add(match[2])
    assert all(len(shas) == 1 for shas in pins.values()), pins


def test_no_checkout_keeps_the_token(workflow):
    name, doc = workflow
    checkouts = [s for _, s in all_steps(doc) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False, name


def test_no_expression_is_pasted_into_a_shell_script(workflow):
    # Stack names and every other value reach scripts through env:, never as ${{ }} text.
    name, doc = workflow
    for job, step in all_steps(doc):
        assert "${{" not in step.get("run", ""), (name, job, step.get("name"))


def test_every_install_is_from_the_lock_file_with_hashes(workflow):
    name, doc = workflow
    for job, step in all_steps(doc):
        script = step.get("run", "")
        for line in script.splitlines():
            if "pip install" in line:
                assert "--require-hashes" in line and "-r requirements.txt" in line, (name, job, line)
            if re.search(r"\bmake\b", line):
                # make installs the lock file and nothing else (tests/test_dependencies.py).
                assert "REQUIREMENTS=" not in line, (name, job, line)


def test_the_pulumi_cli_is_pinned_to_the_sdk_version_of_the_lock_file(workflow):
    name, doc = workflow
    steps = [s for _, s in all_steps(doc) if s.get("uses", "").startswith("pulumi/actions@")]
    assert steps
    for step in steps:
        assert step["with"]["pulumi-version"] == locked_pulumi_version(), name


def test_secrets_go_only_to_the_step_that_runs_pulumi(workflow):
    name, doc = workflow
    assert "env" not in doc
    for job_name, job in doc["jobs"].items():
        assert "secrets." not in json.dumps(job.get("env", {})), (name, job_name)
        for step in job.get("steps", []):
            said = json.dumps(step)
            if step.get("uses", "").startswith("pulumi/actions@"):
                continue
            assert "secrets." not in said, (name, job_name, step.get("name") or step.get("uses"))


def test_the_tests_run_with_no_secret_and_no_identity(workflow):
    name, doc = workflow
    test = doc["jobs"]["test"]
    assert test["permissions"] == {"contents": "read"}
    assert "environment" not in test and "secrets." not in json.dumps(test)
    runs = [s.get("run", "") for s in test["steps"]]
    assert "make test" in runs
    assert "make check-stacks" in runs
    # Nothing that runs the repository's code before the tests holds more.
    for job_name, job in doc["jobs"].items():
        if any("configure-aws-credentials" in s.get("uses", "") for s in job.get("steps", [])):
            assert "test" in job["needs"], (name, job_name)


# -- the preview: a read-only role, trusted for pull requests, no environment ---------------


def test_the_preview_assumes_the_read_only_role_and_comments_the_diff():
    doc = load("preview.yml")
    assert "pull_request" in doc["on"] and "pull_request_target" not in doc["on"]
    job = doc["jobs"]["preview"]
    # No environment: its OIDC subject stays repo:<repo>:pull_request, which only the preview
    # role trusts (an environment would turn it into environment:<name>).
    assert "environment" not in job
    assert job["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    assert "matrix.stack" in job["concurrency"]["group"]
    (aws,) = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
    assert "PREVIEW_ROLE_ARN" in aws["with"]["role-to-assume"]
    assert "AWS_ROLE_ARN" not in json.dumps(doc)  # the deploy role's variable is never read here
    (pulumi_step,) = [s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@")]
    assert pulumi_step["with"]["command"] == "preview"
    assert "upsert" not in pulumi_step["with"]  # a read-only role cannot create a stack
    for flag in ("comment-on-pr", "edit-pr-comment", "always-include-summary", "diff"):
        assert pulumi_step["with"][flag] is True, flag
    assert pulumi_step["with"]["stack-name"] == "${{ matrix.stack }}"
    env = pulumi_step["env"]
    assert all("PREVIEW" in env[k] for k in env if "secrets." in env[k])


# -- the deploy: declared order, protected environments -------------------------------------


def test_deploys_go_in_the_declared_order_each_in_its_environment():
    doc = load("deploy.yml")
    assert doc["on"] == {"push": {"branches": ["main"]}}
    (lister,) = [s for s in doc["jobs"]["stacks"]["steps"] if s.get("id") == "list"]
    assert lister["env"]["DEPLOY_ORDER"].split() == DEPLOY_ORDER
    up_jobs = [name for name in doc["jobs"] if name.startswith("up-")]
    assert up_jobs == [f"up-{stack}" for stack in DEPLOY_ORDER]
    previous = None
    for stack in DEPLOY_ORDER:
        job = doc["jobs"][f"up-{stack}"]
        assert job["environment"] == stack
        assert job["env"] == {"STACK": stack}
        assert job["concurrency"] == {"group": f"deploy-{stack}", "cancel-in-progress": False}
        assert {"stacks", "test"} <= set(job["needs"])
        assert f"contains(fromJSON(needs.stacks.outputs.stacks), '{stack}')" in job["if"]
        if previous:
            assert f"up-{previous}" in job["needs"]
            assert f"needs.up-{previous}.result" in job["if"]
        (pulumi_step,) = [s for s in job["steps"] if s.get("uses", "").startswith("pulumi/actions@")]
        assert pulumi_step["with"]["command"] == "up" and pulumi_step["with"]["stack-name"] == stack
        (aws,) = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
        assert aws["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"  # the environment's
        previous = stack


# -- the listing scripts, run for real --------------------------------------------------------


def listing_script(name: str) -> tuple[str, dict[str, str]]:
    job = load(name)["jobs"]["stacks"]
    (step,) = [s for s in job["steps"] if s.get("id") == "list"]
    return step["run"], step.get("env", {})


FAKE_GH = """#!/usr/bin/env bash
# A stand-in for `gh api <endpoint> --jq <filter>`, answering from $FAKE_GH_DIR.
endpoint="$2"; filter="$4"
file="$FAKE_GH_DIR/$(echo "$endpoint" | tr '/' '_').json"
[ -f "$file" ] || { echo "gh: Not Found (HTTP 404)" >&2; exit 1; }
jq -r "$filter" "$file"
"""


def run_listing(name: str, tmp_path: Path, files: list[str], environments: dict[str, Any]) -> Any:
    script, step_env = listing_script(name)
    work = tmp_path / "checkout"
    work.mkdir()
    for f in files:
        (work / f).write_text("config: {}\n")
    bin_dir, api = tmp_path / "bin", tmp_path / "api"
    bin_dir.mkdir()
    api.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    for env_name, body in environments.items():
        (api / f"repos_owner_repo_environments_{env_name}.json").write_text(json.dumps(body))
    output = tmp_path / "output"
    output.write_text("")
    env = {
        **os.environ,
        **{k: v for k, v in step_env.items() if "${{" not in v},
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "FAKE_GH_DIR": str(api),
        "REPOSITORY": "owner/repo",
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    return result, output.read_text()


PROTECTED = {"deployment_branch_policy": {"protected_branches": True}, "protection_rules": []}
REVIEWED = {
    "deployment_branch_policy": {"protected_branches": True},
    "protection_rules": [{"type": "required_reviewers"}, {"type": "branch_policy"}],
}


@pytest.mark.parametrize("name", NAMES)
def test_a_stack_file_name_is_never_run_as_a_command(name, tmp_path):
    evil = "Pulumi.x$(touch pwned).yaml"
    result, output = run_listing(name, tmp_path, ["Pulumi.dev.yaml", evil], {"dev": PROTECTED})
    assert result.returncode != 0
    assert not (tmp_path / "checkout" / "pwned").exists()
    assert "$(touch" not in result.stdout + result.stderr  # the bad name is not echoed either
    assert output == ""


def test_the_preview_lists_each_stack_with_its_variable_suffix(tmp_path):
    result, output = run_listing("preview.yml", tmp_path, ["Pulumi.dev.yaml", "Pulumi.eu-prod.yaml"], {})
    assert result.returncode == 0, result.stderr
    (line,) = output.splitlines()
    key, _, value = line.partition("=")
    assert key == "stacks"
    assert json.loads(value) == [{"stack": "dev", "key": "DEV"}, {"stack": "eu-prod", "key": "EU_PROD"}]


def test_the_deploy_lists_declared_stacks_with_protected_environments(tmp_path):
    result, output = run_listing(
        "deploy.yml", tmp_path, ["Pulumi.dev.yaml", "Pulumi.prod.yaml"], {"dev": PROTECTED, "prod": REVIEWED}
    )
    assert result.returncode == 0, result.stderr
    assert output.strip() == 'stacks=["dev","prod"]'


@pytest.mark.parametrize(
    ("files", "environments", "reason"),
    [
        (
            ["Pulumi.dev.yaml", "Pulumi.qa.yaml"],
            {"dev": PROTECTED, "qa": PROTECTED},
            "no place in DEPLOY_ORDER",
        ),
        (["Pulumi.dev.yaml"], {}, "no GitHub environment named dev"),
        (
            ["Pulumi.dev.yaml"],
            {"dev": {"deployment_branch_policy": None, "protection_rules": []}},
            "lets any branch deploy",
        ),
        (["Pulumi.prod.yaml"], {"prod": PROTECTED}, "no required reviewers"),
    ],
)
def test_the_deploy_refuses_a_stack_without_a_protected_environment(tmp_path, files, environments, reason):
    result, output = run_listing("deploy.yml", tmp_path, files, environments)
    assert result.returncode != 0
    assert reason in result.stderr
    assert output == ""
