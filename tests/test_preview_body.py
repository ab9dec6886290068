"""The preview comment's body: the resource summary first and whole, the rest cut by whole lines
to GitHub's comment size, a marker per stack, a fence nothing in the output can close."""

from __future__ import annotations

import subprocess
import sys

import pytest

from operations.preview_body import (
    COMMENT_MAX,
    SUMMARY_MAX,
    compose,
    cut,
    fenced,
    main,
    marker,
    split_summary,
)

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


def test_the_body_fits_every_limit_and_uses_it():
    # Lines of many lengths, backticks in some: the body never passes the limit, and what is
    # left unused is less than the line that did not fit.
    lines = [f"{'`' * (i % 5)} step {i} {'x' * (i * 7 % 53)}" for i in range(400)]
    output = "\n".join(lines) + "\n" + SUMMARY
    for limit in range(1_500, 9_000, 37):
        body = compose("prod", output, 0, "https://l", limit=limit)
        assert len(body) <= limit, limit
        assert limit - len(body) <= 60 + 20, limit  # the longest line, and the note's digits


def test_the_cut_wastes_no_room():
    # One-character lines: the body ends within two characters of the limit (the cut keeps whole
    # lines, and keeps one character spare), for every limit.
    output = "\n".join("x" for _ in range(5_000)) + "\n" + SUMMARY  # 4 digits, cut or not
    for limit in range(1_000, 2_000):
        assert limit - 2 <= len(compose("prod", output, 0, "https://l", limit=limit)) <= limit, limit


def test_the_whole_body_of_a_short_preview():
    output = "Previewing update (dev):\n +  rule  create\n\n" + SUMMARY + "\n"
    assert compose("dev", output, 0, "https://log") == (
        "<!-- genesys-queue-events preview: dev -->\n"
        "### `pulumi preview` of `dev`: succeeded\n"
        "\n"
        f"```\n{SUMMARY}\n```\n"
        "\n"
        "<details><summary>Steps, diff and diagnostics</summary>\n"
        "\n"
        "```\nPreviewing update (dev):\n +  rule  create\n```\n"
        "</details>\n"
    )
    failed = compose("dev", "boom", 3)
    assert failed.split("\n")[1:6] == [
        "### `pulumi preview` of `dev`: **failed** (exit status 3); the reason is below",
        "",
        "No resource summary: the preview stopped before it (see below).",
        "",
        "<details><summary>Steps, diff and diagnostics</summary>",
    ]
    assert failed.endswith("```\nboom\n```\n</details>\n")


def test_a_cut_without_a_log_link_names_the_log():
    body = compose("dev", preview_output(100), 0, limit=2_000)
    assert body.endswith("the whole output is in the preview job's log.\n</details>\n")
    assert compose("dev", "x", 0, "https://a/{b}").count("{b}") == 0  # no link when nothing is cut
    assert "(https://a/{b})" in compose("dev", preview_output(100), 0, "https://a/{b}", limit=2_000)


def test_a_failed_preview_says_so_and_keeps_the_diagnostics():
    output = "Previewing update (dev):\n\nDiagnostics:\n  genesys:EventBridgeIntegration (integration):\n    error: the Event Filter lacks v2.detail.events.conversation.{id}.user.end\n"
    body = compose("dev", output, 255)
    assert "**failed** (exit status 255)" in body
    assert "No resource summary" in body
    assert "the Event Filter lacks v2.detail.events.conversation.{id}.user.end" in body


def test_the_summary_is_the_last_resources_block():
    output = "\nResources:\n  (a line of the program's own output)\nmore  \n  Resources:\n" + SUMMARY + "\n\n"
    summary, rest = split_summary(output)
    assert summary == SUMMARY
    # everything before it, as it was (an indented "Resources:" is the program's own line)
    assert rest == "\nResources:\n  (a line of the program's own output)\nmore  \n  Resources:"
    assert split_summary("\nno summary here  \n\n") == ("", "\nno summary here  ")
    assert split_summary("Resources:  \n    + 1 to create  \n")[0] == "Resources:  \n    + 1 to create  "
    assert split_summary("Resources:\n    + 1 to create\nDuration: 1sX\n\n")[0].endswith("1sX")
    assert split_summary("a line ending in X\n") == ("", "a line ending in X")


def test_an_overlong_resources_block_is_not_taken_for_the_summary():
    longest = "Resources:\n" + "x" * (SUMMARY_MAX - len("Resources:\n"))
    assert split_summary(longest + "\n") == (longest, "")
    assert split_summary("\n" + longest + "x\n") == ("", "\n" + longest + "x")


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


USAGE = "usage: python -m operations.preview_body STACK PREVIEW.txt STATUS [LOG_URL]\n"


def test_the_command_writes_the_body(tmp_path, capsys):
    preview = tmp_path / "preview.txt"
    preview.write_bytes(preview_output(2).encode() + b"caf\xe9\n")  # not UTF-8: replaced, not a crash
    assert main(["dev", str(preview), "0", "https://log"]) == 0
    assert capsys.readouterr().out == compose("dev", preview_output(2) + "caf\ufffd\n", 0, "https://log")
    assert main(["dev", str(preview), "-1"]) == 0
    assert capsys.readouterr().out == compose("dev", preview_output(2) + "caf\ufffd\n", -1)
    missing = tmp_path / "missing.txt"
    assert main(["dev", str(missing), "1"]) == 0
    assert capsys.readouterr().out == compose("dev", f"(no output: {missing} was not written)", 1)


def test_the_command_reads_its_arguments_and_passes_the_log_link(tmp_path, capsys, monkeypatch):
    preview = tmp_path / "preview.txt"
    preview.write_text(preview_output(5_000))
    monkeypatch.setattr(sys, "argv", ["preview_body", "prod", str(preview), "0", "https://log/1"])
    assert main() == 0
    out = capsys.readouterr().out
    assert out == compose("prod", preview_output(5_000), 0, "https://log/1")
    assert "[the preview job's log](https://log/1)." in out


@pytest.mark.parametrize(
    "argv", [["dev"], ["dev", "p.txt"], ["dev", "p.txt", "x"], ["dev", "p.txt", "0", "u", "more"]]
)
def test_a_wrong_command_line_prints_the_usage(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr() == ("", USAGE)


def test_a_stack_name_that_is_not_one_is_a_clean_error(tmp_path, capsys):
    (tmp_path / "preview.txt").write_text("x")
    assert main(["Dev!", str(tmp_path / "preview.txt"), "0"]) == 2
    assert capsys.readouterr() == ("", "error: stack 'Dev!' is not a stack name (^[a-z0-9-]+$)\n")


def test_it_runs_as_a_module(tmp_path):
    (tmp_path / "preview.txt").write_text(preview_output(1))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "operations.preview_body",
            "dev",
            str(tmp_path / "preview.txt"),
            "0",
            "https://l",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == compose("dev", preview_output(1), 0, "https://l")
