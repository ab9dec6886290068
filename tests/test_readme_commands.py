"""The README's commands, as a new user meets them: in a plain shell (no virtualenv activated), on a
fresh clone, typed exactly as written. Every command is a make target or ``.venv/bin/python -m …``;
``--json`` is JSON alone on stdout even while make sets ``.venv`` up; a Python without the
project's packages gets one line saying how to set up; a missing stack file names the ones there.

The quick start's block runs in tests/test_plan.py and the runbook's in tests/test_runbook.py;
this module runs every other command the README writes out in full.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
import sysconfig
from pathlib import Path

import pytest

from commands import fresh_clone, plain_shell, project_venv, run, run_as_written

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
# What a fresh clone's `make` may not run here: the Pulumi CLI's targets and the test suite itself;
# and `make diff`, named bare in the text, whose full form needs a git ref (`BASE=<git ref>`).
NOT_HERE = ("make preview", "make up", "make test", "make hooks", "make diff")


def code(*, blocks: bool = True) -> list[str]:
    """Every inline code span, and every line of the README's code blocks."""
    found = re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.DOTALL) if blocks else []
    outside = re.sub(r"```[a-z]*\n.*?```", "", README, flags=re.DOTALL)
    lines = [line.split("  #")[0].strip() for block in found for line in block.splitlines()]
    return [c for c in [*re.findall(r"`([^`\n]+)`", outside), *lines] if c]


def runnable() -> list[str]:
    """The commands the text writes out in full: no placeholder (`<stack>`, `[--json]`, `…`), not a
    tool's bare name (`.venv/bin/python -m operations replay`). The code blocks' commands run in the
    quick start's and the runbook's own tests."""
    commands = []
    for command in code(blocks=False):
        if (
            not command.startswith((".venv/bin/python ", "make "))
            or re.search(r"[<\[…]", command)
            or command.startswith(NOT_HERE)
        ):
            continue
        words = shlex.split(command)
        if words[:3] in (
            [".venv/bin/python", "-m", "settings"],
            [".venv/bin/python", "-m", "operations"],
        ):
            if len(words) > (3 if words[2] == "settings" else 4):
                commands.append(command)
        elif words[0] == "make":
            commands.append(command)
    return sorted(set(commands))


def test_every_command_is_a_make_target_or_the_projects_python():
    # (`python -m pulumi.dynamic` is what Pulumi runs, not a command for the reader.)
    bare = [
        c
        for c in code()
        if re.match(r"(python3?|pip) ", c) and not re.match(r"python -m pulumi\b|pip-compile", c)
    ]
    assert bare == [], "say `.venv/bin/python -m …` (or a make target): " + "; ".join(bare)
    assert ".venv/bin/python -m settings Pulumi.dev.yaml" in runnable()
    assert "make check-stacks" in runnable()


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    venv = project_venv()
    if venv is None or not (venv / "bin" / ".installed").exists():
        pytest.skip("the tests run outside the Makefile's virtualenv (run them with `make test`)")
    return fresh_clone(tmp_path_factory.mktemp("clone"), ROOT, venv=venv)


@pytest.mark.parametrize("command", runnable())
def test_a_readme_command_runs_as_written_on_a_fresh_clone(clone, command):
    schema = (clone / "stack-file.schema.json").read_text()
    done = run_as_written(command, ["sh", "-c", command], cwd=clone, env=plain_shell(), timeout=300)
    assert done.stdout or "--schema >" in command
    # Regenerating the schema as the README says gives the file that is committed.
    assert (clone / "stack-file.schema.json").read_text() == schema


def test_make_plan_json_is_json_alone_while_make_sets_up_the_clone(tmp_path):
    """The Makefile's own set-up recipe runs (venv, pip install of the lock); its packages come
    from the tests' virtualenv through a .pth file instead of PyPI, so pip finds each requirement
    satisfied: the recipe and its output are real, without a minute of downloads."""
    venv = project_venv()
    if venv is None:
        pytest.skip("the tests run outside a virtualenv")
    clone = fresh_clone(tmp_path, ROOT)
    base = Path(sys._base_executable).resolve()  # type: ignore[attr-defined]
    run([str(base), "-m", "venv", str(clone / ".venv")], cwd=clone, env=plain_shell(), timeout=120)
    packages = Path(sysconfig.get_path("purelib"))
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(clone / ".venv")}))
    (purelib / "tests-project-lock.pth").write_text(f"{packages}\n")

    command = "make plan STACK=dev PLAN_OPTIONS=--json"
    done = run_as_written(
        command, shlex.split(command), cwd=clone, env=plain_shell(PYTHON=str(base)), timeout=300
    )
    assert "make: setting up .venv from requirements.txt" in done.stderr  # the set-up did run
    assert (clone / ".venv" / "bin" / ".installed").exists()
    assert json.loads(done.stdout)["stack"] == "dev"  # and stdout is the JSON, nothing else


@pytest.mark.parametrize(
    ("argv", "written"),
    [
        (["-m", "settings", "Pulumi.dev.yaml"], "`.venv/bin/python -m settings Pulumi.dev.yaml`"),
        (
            ["-m", "operations", "plan", "Pulumi.dev.yaml"],
            "`.venv/bin/python -m operations plan Pulumi.dev.yaml`",
        ),
    ],
    ids=["settings", "operations"],
)
def test_without_the_projects_packages_one_line_says_how_to_set_up(tmp_path, argv, written):
    clone = fresh_clone(tmp_path, ROOT)
    base = Path(sys._base_executable).resolve()  # type: ignore[attr-defined]
    # -S: no site-packages at all, as a Python that never had the project installed.
    done = run([str(base), "-S", *argv], cwd=clone, env=plain_shell(), timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "lacks the project's packages" in done.stderr
    assert written in done.stderr and "make .venv/bin/.installed" in done.stderr


def test_a_missing_stack_file_names_the_stack_files_there_and_how_to_start_one(clone):
    done = run(["make", "plan", "STACK=prod"], cwd=clone, env=plain_shell(), timeout=120)
    assert done.returncode != 0 and done.stdout == ""
    (message,) = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert message.startswith(
        "error: Pulumi.prod.yaml: no such file; the stack files here are Pulumi.dev.yaml;"
    )
    assert "cp Pulumi.dev.yaml Pulumi.prod.yaml" in message and "pulumi stack init prod" in message
