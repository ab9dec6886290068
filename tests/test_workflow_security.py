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
import sys
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


def runs_repository_code(job: dict[str, Any]) -> bool:
    """A job that checks out the repository runs its code (make, scripts, the program)."""
    return any(s.get("uses", "").startswith("actions/checkout@") for s in job.get("steps", []))


def test_no_permissions_at_the_top_and_the_least_per_job(workflow):
    name, doc = workflow
    assert doc["permissions"] == {}
    for job_name, job in doc["jobs"].items():
        permissions = job["permissions"]
        assert isinstance(permissions, dict), (name, job_name)
        # Reading the repository only where it is checked out.
        assert (permissions.get("contents") == "read") == runs_repository_code(job), (name, job_name)
        assumes_a_role = any("configure-aws-credentials" in s.get("uses", "") for s in job.get("steps", []))
        # An OIDC token only where a role is assumed; nothing else may mint one.
        assert ("id-token" in permissions) == assumes_a_role, (name, job_name)
        assert set(permissions.values()) <= {"read", "write"}
        writes = {k for k, v in permissions.items() if v == "write"}
        assert writes <= {"id-token", "pull-requests"}, (name, job_name, writes)
        # The token that may write to a pull request is never in a job that runs the
        # repository's code or holds a cloud identity.
        if "pull-requests" in writes:
            assert permissions == {"pull-requests": "write"}, (name, job_name)
            assert not runs_repository_code(job), (name, job_name)


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


def test_every_install_is_from_a_lock_file_with_hashes(workflow):
    name, doc = workflow
    for job, step in all_steps(doc):
        script = step.get("run", "")
        for line in script.splitlines():
            if "pip install" in line:
                assert "--require-hashes" in line and "--no-deps" in line, (name, job, line)
                assert re.search(r"-r requirements(-runtime)?\.txt$", line), (name, job, line)
            if re.search(r"\bmake\b", line):
                # make installs the lock file and nothing else (tests/test_dependencies.py).
                assert "REQUIREMENTS=" not in line, (name, job, line)


def test_a_job_with_a_cloud_identity_installs_the_runtime_lock_and_a_verified_pulumi_cli(workflow):
    # No test tools (moto, flask, docker, pre-commit) beside the credentials, and no Pulumi CLI
    # whose checksum was not checked: the deploy jobs and the preview jobs.
    name, doc = workflow
    assert "pulumi/actions@" not in (WORKFLOWS / name).read_text()
    for job_name, job in doc["jobs"].items():
        if "id-token" not in job["permissions"]:
            continue
        runs = [s.get("run", "") for s in job["steps"]]
        installs = [r for r in runs if "pip install" in r]
        assert installs and all("-r requirements-runtime.txt" in r for r in installs), (name, job_name)
        assert not any(re.search(r"\bmake\b", r) for r in runs), (name, job_name)
        pulumi_at = next(i for i, r in enumerate(runs) if re.search(r"\bpulumi (preview|up)\b", r))
        installed_at = runs.index('.github/scripts/install-pulumi-cli.sh "$RUNNER_TEMP/pulumi-cli"')
        assert installed_at < pulumi_at, (name, job_name)
        assert 'PATH="$RUNNER_TEMP/pulumi-cli:$PATH" pulumi ' in runs[pulumi_at], (name, job_name)


def test_secrets_go_only_to_the_step_that_runs_pulumi(workflow):
    name, doc = workflow
    assert "env" not in doc
    for job_name, job in doc["jobs"].items():
        assert "secrets." not in json.dumps(job.get("env", {})), (name, job_name)
        for step in job.get("steps", []):
            said = json.dumps(step)
            if re.search(r"\bpulumi (preview|up) --stack", step.get("run", "")):
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


def test_the_preview_assumes_the_read_only_role_and_cannot_write_to_the_pull_request():
    doc = load("preview.yml")
    assert "pull_request" in doc["on"] and "pull_request_target" not in doc["on"]
    job = doc["jobs"]["preview"]
    # No environment: its OIDC subject stays repo:<repo>:pull_request, which only the preview
    # role trusts (an environment would turn it into environment:<name>).
    assert "environment" not in job
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    assert job["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    assert "matrix.stack" in job["concurrency"]["group"]
    (aws,) = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
    assert "PREVIEW_ROLE_ARN" in aws["with"]["role-to-assume"]
    assert "AWS_ROLE_ARN" not in json.dumps(doc)  # the deploy role's variable is never read here
    (pulumi_step,) = [s for s in job["steps"] if "pulumi preview" in s.get("run", "")]
    assert 'pulumi preview --stack "$STACK" --diff --non-interactive' in pulumi_step["run"]
    env = pulumi_step["env"]
    assert all("PREVIEW" in env[k] for k in env if "secrets." in env[k])
    assert "github.token" not in json.dumps(job) and "GITHUB_TOKEN" not in json.dumps(job)


def test_the_comment_is_posted_by_a_job_that_runs_nothing_of_the_branch():
    doc = load("preview.yml")
    preview, comment = doc["jobs"]["preview"], doc["jobs"]["comment"]
    # The preview writes each body with the module, and leaves them as an artifact.
    (writer,) = [s for s in preview["steps"] if "operations.preview_body" in s.get("run", "")]
    assert "comment/preview-$STACK.md" in writer["run"]
    (upload,) = [s for s in preview["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == "comment/" and upload["with"]["name"] == "comment-${{ matrix.stack }}"
    # The comment job: the right to comment and nothing else; no checkout, no install, no
    # script of the repository; the pull request's number from the event, not the artifact.
    assert comment["needs"] == ["preview"]
    assert comment["permissions"] == {"pull-requests": "write"}
    uses = [s.get("uses", "") for s in comment["steps"]]
    assert [u.split("@")[0] for u in uses if u] == ["actions/download-artifact"]
    (post,) = [s for s in comment["steps"] if "run" in s]
    assert post["env"]["PULL_REQUEST"] == "${{ github.event.pull_request.number }}"
    assert not re.search(r"\b(python|make|pip|\.venv|\./|bash \S+\.sh|source)\b", post["run"])


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
        (pulumi_step,) = [s for s in job["steps"] if "pulumi up" in s.get("run", "")]
        assert 'pulumi up --stack "$STACK" --yes' in pulumi_step["run"]
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


def run_listing(
    name: str, tmp_path: Path, files: list[str], environments: dict[str, Any], work: Path | None = None
) -> Any:
    script, step_env = listing_script(name)
    if work is None:
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
    for env_name, environment in environments.items():
        body = dict(environment)
        branches = body.pop("branch_policies", None)
        (api / f"repos_owner_repo_environments_{env_name}.json").write_text(json.dumps(body))
        if branches is not None:
            (api / f"repos_owner_repo_environments_{env_name}_deployment-branch-policies.json").write_text(
                json.dumps({"total_count": len(branches), "branch_policies": branches})
            )
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


MAIN_ONLY = {"protected_branches": False, "custom_branch_policies": True}
PROTECTED = {
    "deployment_branch_policy": MAIN_ONLY,
    "protection_rules": [{"type": "branch_policy"}],
    "branch_policies": [{"id": 1, "name": "main", "type": "branch"}],
}
REVIEWER = {"type": "User", "reviewer": {"login": "release-manager", "id": 7}}
REVIEWED = {
    **PROTECTED,
    "protection_rules": [
        {"type": "required_reviewers", "prevent_self_review": True, "reviewers": [REVIEWER]},
        {"type": "branch_policy"},
    ],
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
            "does not admit main alone",
        ),
        # Any protected branch may deploy: not main alone.
        (
            ["Pulumi.dev.yaml"],
            {
                "dev": {
                    **PROTECTED,
                    "deployment_branch_policy": {"protected_branches": True, "custom_branch_policies": False},
                }
            },
            "does not admit main alone",
        ),
        # A rule for main and another for release/*, or a pattern that main happens to match.
        (
            ["Pulumi.dev.yaml"],
            {
                "dev": {
                    **PROTECTED,
                    "branch_policies": [
                        *PROTECTED["branch_policies"],
                        {"name": "release/*", "type": "branch"},
                    ],
                }
            },
            "does not admit main alone",
        ),
        (
            ["Pulumi.dev.yaml"],
            {"dev": {**PROTECTED, "branch_policies": [{"name": "ma*", "type": "branch"}]}},
            "does not admit main alone",
        ),
        (
            ["Pulumi.dev.yaml"],
            {"dev": {**PROTECTED, "branch_policies": [{"name": "main", "type": "tag"}]}},
            "does not admit main alone",
        ),
        (["Pulumi.prod.yaml"], {"prod": PROTECTED}, "needs required reviewers"),
        # A required-reviewers rule with nobody in it, or one that lets the merger approve alone.
        (
            ["Pulumi.prod.yaml"],
            {
                "prod": {
                    **PROTECTED,
                    "protection_rules": [
                        {"type": "required_reviewers", "prevent_self_review": True, "reviewers": []}
                    ],
                }
            },
            "needs required reviewers",
        ),
        (
            ["Pulumi.prod.yaml"],
            {
                "prod": {
                    **PROTECTED,
                    "protection_rules": [
                        {"type": "required_reviewers", "prevent_self_review": False, "reviewers": [REVIEWER]}
                    ],
                }
            },
            "needs required reviewers",
        ),
    ],
)
def test_the_deploy_refuses_a_stack_without_a_protected_environment(tmp_path, files, environments, reason):
    result, output = run_listing("deploy.yml", tmp_path, files, environments)
    assert result.returncode != 0
    assert reason in result.stderr
    assert output == ""


@pytest.mark.parametrize("name", NAMES)
def test_a_stack_file_holding_the_genesys_secret_is_refused(name, tmp_path):
    # A stack file's secrets can be decrypted by whoever runs its preview: the deploy client
    # lives in the environment's secrets, never in a stack file.
    work = tmp_path / "checkout"
    work.mkdir()
    (work / "Pulumi.dev.yaml").write_text(
        "config:\n  'genesys:clientSecret':\n    secure: v1:AAAABBBBCCCC\n  genesys:region: eu-west-1\n"
    )
    result, output = run_listing(name, tmp_path, [], {"dev": PROTECTED}, work=work)
    assert result.returncode != 0
    assert "keeps genesys:clientSecret in its stack file" in result.stderr
    assert output == ""


# -- the Pulumi CLI: the lock's version, refused unless its checksum is Pulumi's ------------------

FAKE_CURL = """#!/usr/bin/env bash
# A stand-in for curl: serves https://<host>/<path> from $FAKE_WEB/<host>/<path>.
while [[ $# -gt 0 ]]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    https://*) url="$1"; shift ;;
    *) shift ;;
  esac
done
echo "$url" >> "$FAKE_WEB/requests"
file="$FAKE_WEB/${url#https://}"
[ -f "$file" ] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
cp "$file" "$out"
"""


def pulumi_archive(path: Path) -> bytes:
    import io
    import tarfile

    cli = b"#!/bin/sh\necho v$PULUMI_FAKE_VERSION\n"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("pulumi/pulumi")
        info.size, info.mode = len(cli), 0o755
        tar.addfile(info, io.BytesIO(cli))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def run_installer(tmp_path: Path, checksums: str | None, archive: bytes | None = None) -> Any:
    import hashlib

    version = locked_pulumi_version()
    web = tmp_path / "web"
    name = f"pulumi-v{version}-linux-x64.tar.gz"
    published = pulumi_archive(web / "get.pulumi.com/releases/sdk" / name)
    if archive is not None:
        (web / "get.pulumi.com/releases/sdk" / name).write_bytes(archive)
    if checksums is not None:
        path = web / f"github.com/pulumi/pulumi/releases/download/v{version}/pulumi-{version}-checksums.txt"
        path.parent.mkdir(parents=True)
        digest = hashlib.sha256(published).hexdigest()
        path.write_text(checksums.format(digest=digest, name=name))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "curl").write_text(FAKE_CURL)
    (bin_dir / "curl").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_WEB": str(web)}
    env["PULUMI_FAKE_VERSION"] = version
    return subprocess.run(
        [str(ROOT / ".github/scripts/install-pulumi-cli.sh"), str(tmp_path / "cli")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_pulumi_cli_of_the_locked_version_is_installed_when_its_checksum_is_pulumis(tmp_path):
    result = run_installer(tmp_path, "0" * 64 + "  pulumi-v9.9.9-linux-x64.tar.gz\n{digest}  {name}\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"v{locked_pulumi_version()}"
    requests = (tmp_path / "web" / "requests").read_text().split()
    # the archive from get.pulumi.com, its checksum from GitHub: two origins
    assert [r.split("/")[2] for r in requests] == ["get.pulumi.com", "github.com"]


@pytest.mark.parametrize(
    ("checksums", "archive", "says"),
    [
        ("{digest}  {name}\n", b"a replaced archive", "has SHA-256"),
        ("{digest}  pulumi-v0.0.1-linux-x64.tar.gz\n", None, "do not list"),
        (None, None, "404"),
    ],
    ids=["tampered", "not-listed", "no-checksums"],
)
def test_the_pulumi_cli_is_refused_unless_its_checksum_is_pulumis(tmp_path, checksums, archive, says):
    result = run_installer(tmp_path, checksums, archive)
    assert result.returncode != 0
    assert says in result.stderr
    assert not (tmp_path / "cli").exists()


# -- the preview step and the comment job, run for real --------------------------------------------

FAKE_PULUMI = """#!/usr/bin/env bash
echo "pulumi $* as ${GENESYS_CLIENT_ID:-nobody} (clients list visible: ${GENESYS_PREVIEW_CLIENTS:+yes})"
printf 'Resources:\\n    + 3 to create\\n'
exit "${FAKE_PULUMI_STATUS:-0}"
"""


def run_preview_step(tmp_path: Path, stack: str, clients: str, status: int = 0) -> tuple[Any, str, str]:
    job = load("preview.yml")["jobs"]["preview"]
    (step,) = [s for s in job["steps"] if s.get("id") == "preview"]
    temp = tmp_path / "runner-temp"
    (temp / "pulumi-cli").mkdir(parents=True)
    (temp / "pulumi-cli" / "pulumi").write_text(FAKE_PULUMI)
    (temp / "pulumi-cli" / "pulumi").chmod(0o755)
    work = tmp_path / "checkout"
    work.mkdir()
    output = tmp_path / "output"
    output.write_text("")
    env = {
        **os.environ,
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(output),
        "STACK": stack,
        "GENESYS_CLIENT_ID": "repository-preview-client",
        "GENESYS_CLIENT_SECRET": "repository-preview-secret",
        "GENESYS_PREVIEW_CLIENTS": clients,
        "FAKE_PULUMI_STATUS": str(status),
    }
    result = subprocess.run(
        ["bash", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    return result, (work / "preview.txt").read_text(), output.read_text()


def test_the_preview_runs_with_the_stacks_own_preview_client_and_keeps_its_status(tmp_path):
    clients = json.dumps({"eu-prod": {"clientId": "eu-preview-client", "clientSecret": "eu-preview-secret"}})
    result, preview, output = run_preview_step(tmp_path, "eu-prod", clients, status=255)
    assert result.returncode == 0  # the job fails later, after the comment body is written
    assert (
        "pulumi preview --stack eu-prod --diff --non-interactive --color never as eu-preview-client"
        in preview
    )
    assert "clients list visible: )" in preview  # the other stacks' clients never reach Pulumi
    assert "::add-mask::eu-preview-secret" in result.stdout
    assert output == "status=255\n"
    _, preview, output = run_preview_step(tmp_path / "other", "dev", clients)
    assert "as repository-preview-client" in preview and output == "status=0\n"


FAKE_GH_API = """#!/usr/bin/env bash
# `gh api [--paginate] [--method M] ENDPOINT [--jq F] [--input FILE]`, recorded in $GH_LOG.
method=GET; endpoint=""; filter=""; input=""
shift
while [[ $# -gt 0 ]]; do
  case "$1" in
    --paginate) shift ;;
    --method) method="$2"; shift 2 ;;
    --jq) filter="$2"; shift 2 ;;
    --input) input="$2"; shift 2 ;;
    *) endpoint="$1"; shift ;;
  esac
done
if [[ "$method" == GET ]]; then
  jq -r "$filter" "$GH_COMMENTS"
else
  jq -c --arg m "$method" --arg e "$endpoint" '{method: $m, endpoint: $e, body: .body}' "$input" >> "$GH_LOG"
fi
"""


def run_comment_job(
    tmp_path: Path, bodies: dict[str, str], existing: list[dict[str, Any]]
) -> tuple[Any, list[Any]]:
    job = load("preview.yml")["jobs"]["comment"]
    (step,) = [s for s in job["steps"] if "run" in s]
    work = tmp_path / "job"
    (work / "comments").mkdir(parents=True)
    for name, body in bodies.items():
        (work / "comments" / name).write_text(body)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH_API)
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "comments.json").write_text(json.dumps(existing))
    log = tmp_path / "gh.log"
    log.write_text("")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GH_REPO": "owner/repo",
        "PULL_REQUEST": "42",
        "GH_COMMENTS": str(tmp_path / "comments.json"),
        "GH_LOG": str(log),
    }
    result = subprocess.run(
        ["bash", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    return result, [json.loads(line) for line in log.read_text().splitlines()]


def test_the_comment_job_edits_each_stacks_comment_and_posts_new_ones(tmp_path):
    dev = "<!-- genesys-queue-events preview: dev -->\n### dev\n"
    prod = "<!-- genesys-queue-events preview: prod -->\n### prod\n"
    existing = [
        {
            "id": 11,
            "user": {"login": "github-actions[bot]"},
            "body": "<!-- genesys-queue-events preview: dev -->\nold",
        },
        {
            "id": 12,
            "user": {"login": "someone"},
            "body": "<!-- genesys-queue-events preview: prod -->\nspoof",
        },
    ]
    result, posted = run_comment_job(tmp_path, {"preview-dev.md": dev, "preview-prod.md": prod}, existing)
    assert result.returncode == 0, result.stderr
    assert posted == [
        {"method": "PATCH", "endpoint": "repos/owner/repo/issues/comments/11", "body": dev},
        # a comment by someone else with the same marker is not the workflow's to edit
        {"method": "POST", "endpoint": "repos/owner/repo/issues/42/comments", "body": prod},
    ]


def test_the_comment_job_treats_a_body_as_text_and_bounds_it(tmp_path):
    hostile = "<!-- genesys-queue-events preview: dev -->\n$(touch pwned) `touch pwned2` ${{ secrets.X }}\n"
    huge = "<!-- genesys-queue-events preview: prod -->\n" + "x" * 200_000
    no_marker = "<!-- other --> $(touch pwned3)\nbody"
    result, posted = run_comment_job(tmp_path, {"a.md": hostile, "b.md": huge, "c.md": no_marker}, [])
    assert result.returncode == 0, result.stderr
    assert not list((tmp_path / "job").glob("pwned*"))
    assert [p["body"][:44] for p in posted] == [hostile[:44], huge[:44]]  # the one without a marker skipped
    assert posted[0]["body"] == hostile
    assert len(posted[1]["body"]) == 65_000
    assert "without a valid marker line was skipped" in result.stderr


# -- zizmor, offline: no finding of medium or higher ---------------------------------------------


def zizmor(*paths: Path) -> Any:
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "zizmor"),
            "--offline",
            "--min-severity",
            "medium",
            "--format",
            "json",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_zizmor_finds_nothing_of_medium_or_higher_in_the_workflows():
    result = zizmor(WORKFLOWS)
    assert json.loads(result.stdout or "[]") == [], result.stdout
    assert result.returncode == 0, result.stderr


def test_zizmor_fails_the_dynamic_secrets_lookup_main_had(tmp_path):
    # What preview.yml did before issue 17: every secret of the repository in the runner.
    workflow = tmp_path / "preview.yml"
    workflow.write_text(
        "on: pull_request\npermissions: {}\njobs:\n  p:\n    runs-on: ubuntu-latest\n    permissions: {}\n"
        "    strategy:\n      matrix:\n        key: [DEV]\n    steps:\n      - run: echo\n        env:\n"
        "          X: ${{ secrets[format('GENESYS_PREVIEW_CLIENT_ID_{0}', matrix.key)] }}\n"
    )
    findings = json.loads(zizmor(workflow).stdout)
    assert {f["ident"] for f in findings} == {"overprovisioned-secrets"}
