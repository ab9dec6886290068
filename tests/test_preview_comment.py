"""The pull request's per-queue comment: posted by the preview workflow above the stack's
``pulumi preview`` comment, edited in place, and never past GitHub's comment size."""

from __future__ import annotations

from pathlib import Path

import yaml

from operations import preview_comment

ROOT = Path(__file__).resolve().parent.parent
GITHUB_COMMENT_MAX = 65_536


def test_a_small_summary_is_posted_whole_under_the_stacks_marker():
    assert preview_comment.compose("dev", "queues: 1 added\n  + Claims  \n\n") == (
        "<!-- genesys-queue-events queues: dev -->\n"
        "### `dev`: what this pull request changes, per queue\n\n"
        "```\nqueues: 1 added\n  + Claims  \n```\n\n"
        "Offline, from the stack files (`python -m operations diff`); the `pulumi preview` of the "
        "same stack follows in the next comment.\n"
    )


def test_a_summary_that_fits_exactly_is_whole():
    assert "x" * 500 + "\n```" in preview_comment.compose("dev", "x" * 500, limit=500)
    assert "more lines" in preview_comment.compose("dev", "x" * 501, limit=500)


def test_a_long_summary_keeps_whole_lines_up_to_the_limit_and_counts_the_rest():
    lines = [f"line {i:04d}" for i in range(200)]  # 9 characters and a newline each
    body = preview_comment.compose("dev", "\n".join(lines), limit=1000)
    kept = [line for line in body.splitlines() if line.startswith("line ")]
    assert kept == lines[:80]  # 80 lines are 800 characters: the limit less 200 for the rest
    assert "… 120 more lines: run `make diff STACK=dev BASE=<base branch>` to see all" in body


def test_a_huge_summary_stays_under_githubs_comment_size():
    lines = [f"  + {i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(5000)]
    body = preview_comment.compose("prod", "\n".join(["queues: 5000 added", *lines]))
    assert len(body) < GITHUB_COMMENT_MAX
    kept = [line for line in body.splitlines() if line.startswith("  + ")]
    assert kept == lines[: len(kept)] and len(kept) > 1000
    assert (
        f"… {5000 - len(kept)} more lines: run `make diff STACK=prod BASE=<base branch>` to see all" in body
    )


def test_backticks_in_a_summary_cannot_close_its_code_block():
    fences = [line for line in preview_comment.compose("dev", "a ``` b").splitlines() if set(line) == {"`"}]
    assert fences == ["````", "````"]
    fences = [line for line in preview_comment.compose("dev", "a ` b").splitlines() if set(line) == {"`"}]
    assert fences == ["```", "```"]


def test_the_preview_job_posts_the_summary_before_the_preview_without_running_branch_code():
    steps = yaml.safe_load((ROOT / ".github/workflows/preview.yml").read_text())["jobs"]["preview"]["steps"]
    names = [s.get("name") or s["uses"] for s in steps]
    (summary,) = [i for i, s in enumerate(steps) if "operations diff" in s.get("run", "")]
    (post,) = [i for i, s in enumerate(steps) if "gh api" in s.get("run", "")]
    (pulumi,) = [i for i, s in enumerate(steps) if s.get("uses", "").startswith("pulumi/actions@")]
    assert summary < post < pulumi, names
    # The summary runs before any identity or secret exists; posting runs no code of the branch.
    assert "secrets." not in str(steps[summary]) and "python" not in steps[post]["run"]
    assert preview_comment.marker("$STACK") in steps[post]["run"]
    assert steps[pulumi]["with"]["always-include-summary"] is True


def test_the_command_reads_the_summary_file_and_says_what_is_wrong(tmp_path, capsys):
    summary = tmp_path / "queue-summary.txt"
    summary.write_text("queues: 0 added\n")
    assert preview_comment.main(["dev", str(summary)]) == 0
    assert capsys.readouterr().out == preview_comment.compose("dev", "queues: 0 added\n") + "\n"
    assert preview_comment.main(["dev", str(tmp_path / "missing.txt")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'missing.txt'}: No such file or directory\n"
    assert preview_comment.main(["dev"]) == 2
    assert capsys.readouterr().err.startswith("usage: python -m operations.preview_comment STACK SUMMARY.txt")
