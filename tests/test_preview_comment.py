"""The pull request's per-queue comment: posted by the preview workflow above the stack's
``pulumi preview`` comment, edited in place, and never past GitHub's comment size."""

from __future__ import annotations

from pathlib import Path

import yaml

from operations import preview_comment

ROOT = Path(__file__).resolve().parent.parent
GITHUB_COMMENT_MAX = 65_536


def test_a_small_summary_is_posted_whole_under_the_stacks_marker():
    body = preview_comment.compose("dev", "queues: 1 added\n  + Claims\n")
    assert body.splitlines()[0] == "<!-- genesys-queue-events queues: dev -->"
    assert "```\nqueues: 1 added\n  + Claims\n```" in body


def test_a_huge_summary_keeps_whole_lines_and_says_how_to_see_the_rest():
    lines = [f"  + {i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(5000)]
    body = preview_comment.compose("prod", "\n".join(["queues: 5000 added", *lines]))
    assert len(body) < GITHUB_COMMENT_MAX
    kept = [line for line in body.splitlines() if line.startswith("  + ")]
    assert kept == lines[: len(kept)] and len(kept) > 1000
    assert (
        f"… {5000 - len(kept)} more lines: run `make diff STACK=prod BASE=<base branch>` to see all" in body
    )


def test_backticks_in_a_summary_cannot_close_its_code_block():
    body = preview_comment.compose("dev", "a ``` b")
    assert "````\na ``` b\n````" in body


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
