"""The pull request's per-queue comment for one stack: what the change does per queue
(``python -m operations diff``, the base branch's stack file against the branch's), posted above
the stack's ``pulumi preview`` comment (operations/preview_body.py) by the workflow's comment job.

The summary is one line per queue touched and a line per resource step (at most a dozen per
kind), so it nears GitHub's 65,536 characters only on a first preview of a very large stack;
then it keeps its first whole lines and says how many more there are and how to see them.

    python -m operations.preview_comment STACK SUMMARY.txt > comment.md
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from operations.preview_body import COMMENT_MAX, cut, fence_for, fenced


def marker(stack: str) -> str:
    """The comment's first line: how the comment job finds the stack's comment to edit it."""
    return f"<!-- genesys-queue-events queues: {stack} -->"


def compose(stack: str, summary: str, limit: int = COMMENT_MAX) -> str:
    text = summary.rstrip("\n")
    head = f"{marker(stack)}\n### `{stack}`: what this pull request changes, per queue\n\n"
    tail = (
        "\n\nOffline, from the stack files, both run by this branch's program (`python -m operations "
        "diff`): a change of the program itself shows only in the `pulumi preview` of the same stack, "
        "in the next comment.\n"
    )

    def note(lines: int) -> str:
        return f"\n… {lines} more lines: run `make diff STACK={stack} BASE=<base branch>` to see all"

    whole = head + fenced(text) + tail
    if len(whole) <= limit:
        return whole
    # What surrounds the shown lines, at its largest: the whole text's fence and the note with
    # the count of every line.
    around = len(head) + len(tail) + 2 * len(fence_for(text)) + 2 + len(note(text.count("\n") + 1))
    shown, left_out = cut(text, max(limit - around, 0))
    return head + fenced(shown + note(left_out)) + tail


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m operations.preview_comment STACK SUMMARY.txt", file=sys.stderr)
        return 2
    stack, path = args
    try:
        summary = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        print(f"error: {path}: {e.strerror}", file=sys.stderr)
        return 1
    print(compose(stack, summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
