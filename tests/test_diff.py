"""``python -m operations diff`` and ``make diff``: what a change of a stack file does, per queue
and per resource, from two runs of the real program under the mock runtime, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from commands import run
from operations import cli, verdict
from operations import diff as diff_module
from test_plan import make_env

ROOT = Path(__file__).resolve().parent.parent
DEV = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
QUEUES = "genesys-queue-events:queues"
FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function"


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    monkeypatch.delenv("GENESYS_CLIENT_SECRET", raising=False)


def stack_files(tmp_path: Path, base: dict, head: dict, stack: str = "dev") -> tuple[str, str]:
    paths = []
    for side, config in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        path = tmp_path / side / f"Pulumi.{stack}.yaml"
        path.write_text(yaml.safe_dump({"config": config}))
        paths.append(str(path))
    return paths[0], paths[1]


def diff(capsys, *argv: str) -> str:
    assert cli.main(["diff", *argv]) == 0
    return capsys.readouterr().out


def edited(**changes) -> dict:
    config = json.loads(json.dumps(DEV["config"]))
    config.update(changes)
    return config


def test_each_kind_of_queue_edit_reads_per_queue_and_as_json(tmp_path, capsys):
    queues = DEV["config"][QUEUES]
    head = edited(
        **{
            QUEUES: [
                # retargeted, by id
                {"id": queues[0], "target": f"{FUNCTION}:other"},
                # topics changed; Sales Overflow removed; Claims added, disabled
                {**queues[1], "topics": ["acw"]},
                {"name": "Claims", "enabled": False},
            ]
        }
    )
    base, changed = stack_files(tmp_path, DEV["config"], head)
    assert json.loads(diff(capsys, base, changed, "--json")) == {
        "queues": {
            "added": ["Claims"],
            "removed": ["Sales Overflow"],
            "changed": [
                {
                    "queue": queues[0],
                    "fields": {"target": [DEV["config"]["genesys-queue-events:target"], f"{FUNCTION}:other"]},
                },
                {"queue": "Billing", "fields": {"topics": [["acw", "user.end"], ["acw"]]}},
            ],
        },
        # the queue edits' four updates, and the dashboard's, whose graphs list the queues
        "resources": {"create": 4, "update": 5, "replace": 0, "delete": 4},
    }
    text = diff(capsys, base, changed).splitlines()
    assert text[1] == "queues: 1 added, 1 removed, 2 changed (3 before, 3 after)"
    assert "  + Claims" in text and "  - Sales Overflow" in text
    assert f"  ~ {queues[0]}: now goes to {FUNCTION}:other (was {FUNCTION}:conversation-ended:live)" in text
    assert "  ~ Billing: topics acw, user.end → acw" in text
    assert text[text.index("  ~ Billing: topics acw, user.end → acw") + 1] == (
        "resources: 4 to create, 5 to update, 0 to replace, 4 to delete"
    )
    # No delivery gap: the retargeted queue's new permission is created, the old one deleted.
    assert not any(line.startswith("  !") for line in text)


def test_enabling_and_disabling_are_named(tmp_path, capsys):
    queues = DEV["config"][QUEUES]
    head = edited(**{QUEUES: [{"id": queues[0], "enabled": False}, queues[1], {"name": "Sales Overflow"}]})
    text = diff(capsys, *stack_files(tmp_path, DEV["config"], head))
    assert f"  ~ {queues[0]}: disabled" in text and "  ~ Sales Overflow: enabled" in text


def test_a_300_queue_stack_with_one_queue_added_is_seven_lines(tmp_path, capsys):
    ids = [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(301)]
    quota = {"genesys-queue-events:rulesPerBusQuota": 400}
    base = edited(**{QUEUES: ids[:300]}, **quota)
    head = edited(**{QUEUES: [*ids[:150], ids[300], *ids[150:300]]}, **quota)
    files = stack_files(tmp_path, base, head)
    text = diff(capsys, *files)
    added = f"routing-{ids[300]}"
    assert text.splitlines() == [
        f"{files[0]} → {files[1]}",
        "queues: 1 added, 0 removed, 0 changed (300 before, 301 after)",
        f"  + {ids[300]}",
        "resources: 2 to create, 1 to update, 0 to replace, 0 to delete",
        f"  create  EventRule         {added}",
        f"  create  EventTarget       {added}",
        "  update  Queues            queues [queue_ids]",
    ]
    assert json.loads(diff(capsys, *files, "--json")) == {
        "queues": {"added": [ids[300]], "removed": [], "changed": []},
        "resources": {"create": 2, "update": 1, "replace": 0, "delete": 0},
    }


def test_a_bus_move_reads_as_replacements_with_no_delivery_gap(tmp_path, capsys):
    head = edited(**{"genesys-queue-events:eventBus": "contact-centre-bus"})
    text = diff(capsys, *stack_files(tmp_path, DEV["config"], head))
    assert "  replace EventRule " in text
    assert "(delete-first)" not in text
    assert "delivery gaps" not in text


def test_a_delete_first_replacement_and_its_gap_are_named():
    step = verdict.Step("replace", verdict.RULE, "routing-billing", ("eventBusName",), delete_first=True)
    gap = "routing-billing: replaced delete-first (eventBusName changed): it is gone before its replacement exists"
    # Gaps are counted whole and listed no longer than the resources are.
    gaps = [gap] + [f"routing-q{n}: replaced delete-first" for n in range(13)]
    change = {
        "base": "a.yaml",
        "head": "b.yaml",
        "queues": {"added": [], "removed": [], "changed": []},
        "queueCounts": (1, 1),
        "steps": [step],
        "windows": gaps,
    }
    lines = diff_module.render(change).splitlines()
    assert "  replace EventRule         routing-billing [eventBusName] (delete-first)" in lines
    start = next(n for n, line in enumerate(lines) if line.startswith("delivery gaps"))
    assert lines[start].startswith("delivery gaps while `pulumi up` runs: 14 ")
    assert lines[start + 1] == f"  ! {gap}"
    assert len(lines) - start - 1 == 13 and lines[-1] == "  ! … and 2 more"


def test_a_mistake_in_either_file_is_one_line_naming_it(tmp_path):
    base, head = stack_files(tmp_path, DEV["config"], edited(**{QUEUES: [1234]}))
    done = run(
        [sys.executable, "-m", "operations", "diff", base, head],
        cwd=ROOT,
        env={**make_env(), "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {head}:")


def test_make_diff_compares_the_stack_file_with_a_git_ref():
    if not (Path(sys.prefix) / "bin" / ".installed").exists():
        pytest.skip("the tests run outside the Makefile's virtualenv (run them with `make test`)")
    committed = subprocess.run(
        ["git", "show", "HEAD:./Pulumi.dev.yaml"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if committed.returncode != 0:
        pytest.skip("not a git checkout")
    done = run(
        ["make", "diff", "STACK=dev", "BASE=HEAD", "DIFF_OPTIONS=--json"],
        cwd=ROOT,
        env=make_env(),
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == {"queues", "resources"}
    missing = run(["make", "diff", "STACK=dev"], cwd=ROOT, env=make_env(), timeout=60)
    assert missing.returncode != 0 and "make diff STACK=dev BASE=main" in missing.stderr
    # A new stack file (not in the ref yet) or a ref that does not exist: one line that says so
    # and what to run instead, not git's "fatal: path ... exists on disk, but not in 'HEAD'".
    for stack, base in (("dev", "no-such-ref"), ("trial-new", "HEAD")):
        absent = run(["make", "diff", f"STACK={stack}", f"BASE={base}"], cwd=ROOT, env=make_env(), timeout=60)
        assert absent.returncode != 0 and "fatal:" not in absent.stderr
        assert f"Pulumi.{stack}.yaml is not in git at '{base}'" in absent.stderr
        assert f"make plan STACK={stack}" in absent.stderr


def test_a_bus_move_of_a_300_queue_stack_reads_in_a_screenful_with_no_gap(tmp_path, capsys):
    # Every rule, target and queue permission of a moved stack is replaced, create-first: the
    # replacements are counted whole and listed no longer than a screenful, and no gap is named.
    ids = [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(300)]
    base = edited(**{QUEUES: ids, "genesys-queue-events:rulesPerBusQuota": 400})
    head = dict(base, **{"genesys-queue-events:eventBus": "contact-centre-bus"})
    lines = diff(capsys, *stack_files(tmp_path, base, head)).splitlines()
    replaced = [line for line in lines if line.startswith("  replace ")]
    assert len(replaced) == 13 and replaced[-1].startswith("  replace … and ")
    assert not any("delete-first" in line or line.startswith("delivery gaps") for line in lines)
    assert len(lines) < 80
