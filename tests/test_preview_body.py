"""The preview comment's body: the resource summary first and whole, the rest cut by whole lines
to GitHub's comment size, a marker per stack, a fence nothing in the output can close."""

from __future__ import annotations

import subprocess
import sys

import pytest

from operations.preview_body import COMMENT_MAX, compose, cut, fenced, main, marker, split_summary

SUMMARY = "Resources:\n    + 601 to create\n    8 unchanged\n\nDuration: 41s"


def preview_output(rows: int) -> str:
    steps = "\n".join(
        f" +   ├─ aws:cloudwatch:EventRule  routing-rule-queue-{i:04}  create" for i in range(rows)
    )
    return f"Previewing update (prod):\n{steps}\n\n{SUMMARY}\n"


def test_a_short_preview_is_shown_whole_with_its_summary_first():
    body = compose("dev", preview_output(3), 0)
    assert body.startswith(marker("dev") + "\n### `pulumi preview` of `dev`: succeeded\n")
    assert body.index("+ 601 to create") < body.index("routing-rule-queue-0000")
    assert "routing-rule-queue-0002" in body and "cut to fit" not in body
    assert body.count("Resources:") == 1


def test_a_preview_too_long_for_a_comment_keeps_its_summary_and_says_what_was_cut():
    output = preview_output(5_000)  # about 350,000 characters
    body = compose("prod", output, 0, "https://github.com/o/r/actions/runs/1")
    assert len(body) <= COMMENT_MAX
    assert SUMMARY in body
    assert "routing-rule-queue-0000" in body and "routing-rule-queue-4999" not in body
    shown = sum(1 for line in body.splitlines() if "routing-rule-queue-" in line)
    assert f"{5_000 - shown} more line(s) cut" in body
    assert "[the preview job's log](https://github.com/o/r/actions/runs/1)." in body
    assert body.endswith("</details>\n")


@pytest.mark.parametrize("limit", [2_000, 10_000, 30_000])
def test_the_body_fits_any_limit_it_is_given(limit):
    assert len(compose("prod", preview_output(2_000), 0, limit=limit)) <= limit


def test_a_failed_preview_says_so_and_keeps_the_diagnostics():
    output = "Previewing update (dev):\n\nDiagnostics:\n  genesys:EventBridgeIntegration (integration):\n    error: the Event Filter lacks v2.detail.events.conversation.{id}.user.end\n"
    body = compose("dev", output, 255)
    assert "**failed** (exit status 255)" in body
    assert "No resource summary" in body
    assert "the Event Filter lacks v2.detail.events.conversation.{id}.user.end" in body


def test_the_summary_is_the_last_resources_block():
    output = "Resources:\n  (a line of the program's own output)\nmore\n" + SUMMARY
    summary, rest = split_summary(output)
    assert summary == SUMMARY
    assert rest.endswith("more")
    assert split_summary("no summary here\n") == ("", "no summary here")


def test_an_overlong_resources_block_is_not_taken_for_the_summary():
    output = "Resources:\n" + "x\n" * 3_000
    assert split_summary(output)[0] == ""


def test_no_output_can_close_the_fence():
    text = "a ```` b"
    block = fenced(text)
    assert block.startswith("`````\n") and block.endswith("\n`````")
    assert fenced("plain") == "```\nplain\n```"


def test_cut_keeps_whole_lines():
    assert cut("aaa\nbbb\nccc", 8) == ("aaa\nbbb", 1)
    assert cut("aaa\nbbb", 7) == ("aaa\nbbb", 0)
    assert cut("aaa\nbbb", 6) == ("aaa", 1)


def test_a_stack_name_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="not a stack name"):
        compose("dev -->\n<script>", "x", 0)


def test_the_command_writes_the_body(tmp_path, capsys):
    (tmp_path / "preview.txt").write_text(preview_output(2))
    assert main(["dev", str(tmp_path / "preview.txt"), "0"]) == 0
    assert capsys.readouterr().out.startswith(marker("dev"))
    assert main(["dev", str(tmp_path / "missing.txt"), "1"]) == 0
    assert "(no output: " in capsys.readouterr().out
    assert main(["dev"]) == 2
    assert main(["Dev!", str(tmp_path / "preview.txt"), "0"]) == 2
    assert "error: stack 'Dev!'" in capsys.readouterr().err


def test_it_runs_as_a_module(tmp_path):
    (tmp_path / "preview.txt").write_text(preview_output(1))
    done = subprocess.run(
        [sys.executable, "-m", "operations.preview_body", "dev", str(tmp_path / "preview.txt"), "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith(marker("dev"))
