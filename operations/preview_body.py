"""The body of a pull request's ``pulumi preview`` comment for one stack, from the preview's
output: written by the preview job (which runs the branch's code and holds the preview role),
posted by a job that runs no code of the branch and holds only the right to comment
(.github/workflows/preview.yml).

GitHub refuses a comment body over 65,536 characters; a preview of a large stack's first ``up``
is longer. The resource summary (the output's ``Resources:`` block) is kept whole and comes
first; the rest (the steps, the diff, diagnostics) follows in a collapsed section, cut by whole
lines to what fits, with a note of how much was cut and where the whole output is.

    python -m operations.preview_body STACK PREVIEW.txt STATUS [LOG_URL] > comment.md

Each body's first line is its marker (``<!-- genesys-queue-events preview: STACK -->``), by which
the posting job finds the stack's earlier comment and edits it in place. Another step may write
another body with its own marker beside this one; the posting job posts every one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

COMMENT_MAX = 65_000
"""Below GitHub's 65,536 characters."""
SUMMARY_MAX = 4_000
"""A ``Resources:`` block longer than this is not Pulumi's summary (it is a handful of lines)."""
STACK = re.compile(r"^[a-z0-9-]+$")


def marker(stack: str) -> str:
    return f"<!-- genesys-queue-events preview: {stack} -->"


def split_summary(output: str) -> tuple[str, str]:
    """(the ``Resources:`` block to the end of the output, everything before it). The block is
    the last line that is exactly ``Resources:`` and what follows it; without one, ("", output)."""
    text = output.rstrip("\n")
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.rstrip() == "Resources:"]
    summary = "\n".join(lines[starts[-1] :]) if starts else ""
    if not summary or len(summary) > SUMMARY_MAX:
        return "", text
    return summary, "\n".join(lines[: starts[-1]]).rstrip("\n")


def fence_for(text: str) -> str:
    """A fence no backtick run in ``text`` (or in any part of it) can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def fenced(text: str) -> str:
    fence = fence_for(text)
    return f"{fence}\n{text}\n{fence}"


def cut(text: str, limit: int) -> tuple[str, int]:
    """``text`` whole if it fits in ``limit`` characters, else its first whole lines that do, and
    how many lines were left out."""
    if len(text) <= limit:
        return text, 0
    kept: list[str] = []
    size = 0
    lines = text.split("\n")
    for line in lines:
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept), len(lines) - len(kept)


def compose(stack: str, output: str, status: int, log_url: str = "", limit: int = COMMENT_MAX) -> str:
    if not STACK.match(stack):
        raise ValueError(f"stack {stack!r} is not a stack name (^[a-z0-9-]+$)")
    summary, details = split_summary(output)
    verdict = "succeeded" if status == 0 else f"**failed** (exit status {status}); the reason is below"
    log = f"[the preview job's log]({log_url})" if log_url else "the preview job's log"
    head = [marker(stack), f"### `pulumi preview` of `{stack}`: {verdict}", ""]
    if summary:
        head += [fenced(summary), ""]
    else:
        head += ["No resource summary: the preview stopped before it (see below).", ""]
    frame_open = "<details><summary>Steps, diff and diagnostics</summary>\n\n"
    frame_close = "\n</details>\n"

    def note(lines: int) -> str:
        return f"\n\n{lines} more line(s) cut to fit GitHub's comment size; the whole output is in {log}."

    # What surrounds the shown lines, at its largest: the fence of the whole text (a part of it
    # never needs a longer one) and the note with the count of every line.
    around = len("\n".join(head)) + 1 + len(frame_open) + 2 * len(fence_for(details)) + 2
    around += len(frame_close) + len(note(details.count("\n") + 1))
    shown, left_out = cut(details, max(limit - around, 0))
    body = "\n".join(head) + "\n" + frame_open + fenced(shown)
    if left_out:
        body += note(left_out)
    return body + frame_close


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (3, 4) or not args[2].lstrip("-").isdigit():
        print("usage: python -m operations.preview_body STACK PREVIEW.txt STATUS [LOG_URL]", file=sys.stderr)
        return 2
    stack, path, status = args[0], Path(args[1]), int(args[2])
    output = path.read_text(errors="replace") if path.exists() else f"(no output: {path} was not written)"
    try:
        sys.stdout.write(compose(stack, output, status, args[3] if len(args) == 4 else ""))
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
