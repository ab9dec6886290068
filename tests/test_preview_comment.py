"""The pull request's per-queue comment: posted by the preview workflow above the stack's
``pulumi preview`` comment, edited in place, and never past GitHub's comment size."""

from __future__ import annotations

import re
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
        # Both files run by the branch's program: a reviewer must not read "0 to replace" as the
        # verdict on a change of the program itself.
        "Offline, from the stack files, both run by this branch's program (`python -m operations "
        "diff`): a change of the program itself shows only in the `pulumi preview` of the same stack, "
        "in the next comment.\n"
    )


def test_a_summary_that_fits_exactly_is_whole():
    whole = preview_comment.compose("dev", "x" * 500)
    assert preview_comment.compose("dev", "x" * 500, limit=len(whole)) == whole
    assert "more lines" in preview_comment.compose("dev", "x" * 500, limit=len(whole) - 1)


def test_a_long_summary_keeps_whole_lines_up_to_the_limit_and_counts_the_rest():
    lines = [f"line {i:04d}" for i in range(200)]  # 9 characters and a newline each
    body = preview_comment.compose("dev", "\n".join(lines), limit=1000)
    kept = [line for line in body.splitlines() if line.startswith("line ")]
    assert kept == lines[: len(kept)] and 0 < len(kept) < 200
    assert 1000 - 10 - 2 <= len(body) <= 1000  # one more line would not fit (the note has 3 digits)
    assert f"… {200 - len(kept)} more lines: run `make diff STACK=dev BASE=<base branch>` to see all" in body


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


def test_the_preview_job_writes_the_summary_body_for_the_comment_job_to_post_first():
    doc = yaml.safe_load((ROOT / ".github/workflows/preview.yml").read_text())
    steps = doc["jobs"]["preview"]["steps"]
    (summary,) = [i for i, s in enumerate(steps) if "operations diff" in s.get("run", "")]
    (identity,) = [i for i, s in enumerate(steps) if "configure-aws-credentials" in s.get("uses", "")]
    (upload,) = [i for i, s in enumerate(steps) if "upload-artifact" in s.get("uses", "")]
    # Written before any identity or secret exists, into the directory the comment job posts.
    assert summary < identity < upload and "secrets." not in str(steps[summary])
    assert '> "comment/changes-$STACK.md"' in steps[summary]["run"]
    # The comment job posts the bodies in name order: this one before preview-<stack>.md.
    assert sorted(["preview-dev.md", "changes-dev.md"])[0] == "changes-dev.md"
    posting = doc["jobs"]["comment"]["steps"][-1]["run"]
    assert "for file in comments/*.md" in posting
    pattern = re.search(r"\^'(<!-- genesys-queue-events )'(\[[^]]+\]\{1,80\})'( -->)'\$", posting)
    assert pattern, "the comment job's marker check changed"
    assert re.fullmatch(
        re.escape(pattern[1]) + pattern[2] + re.escape(pattern[3]), preview_comment.marker("dev")
    )


def test_the_command_reads_the_summary_file_and_says_what_is_wrong(tmp_path, capsys):
    summary = tmp_path / "queue-summary.txt"
    summary.write_text("queues: 0 added\n")
    assert preview_comment.main(["dev", str(summary)]) == 0
    assert capsys.readouterr().out == preview_comment.compose("dev", "queues: 0 added\n") + "\n"
    assert preview_comment.main(["dev", str(tmp_path / "missing.txt")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'missing.txt'}: No such file or directory\n"
    assert preview_comment.main(["dev"]) == 2
    assert capsys.readouterr().err.startswith("usage: python -m operations.preview_comment STACK SUMMARY.txt")
