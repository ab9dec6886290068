"""The pull request's per-queue comment for one stack: what the change does per queue
(``python -m operations diff``, the base branch's stack file against the branch's), posted above
the ``pulumi preview`` comment of the same stack.

GitHub refuses a comment body over 65,536 characters. The summary is one line per queue touched
and a line per resource step (at most a dozen per kind), so it only nears that on a first
preview of a very large stack; past ``COMMENT_MAX`` it keeps its first lines, whole, and says how
many more there are and how to see them.

    python -m operations.preview_comment STACK SUMMARY.txt > comment.md
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

COMMENT_MAX = 60_000
"""Below GitHub's 65,536 characters, with room for the heading and the fences."""


def marker(stack: str) -> str:
    """The comment's first line: how the workflow finds the stack's comment to edit it in place."""
    return f"<!-- genesys-queue-events queues: {stack} -->"


def compose(stack: str, summary: str, limit: int = COMMENT_MAX) -> str:
    text = _cut(summary.rstrip("\n"), limit, f"run `make diff STACK={stack} BASE=<base branch>` to see all")
    return (
        f"{marker(stack)}\n### `{stack}`: what this pull request changes, per queue\n\n"
        f"{_fenced(text)}\n\n"
        "Offline, from the stack files (`python -m operations diff`); the `pulumi preview` of the "
        "same stack follows in the next comment.\n"
    )


def _fenced(text: str) -> str:
    """A code block whose fence no backtick run in ``text`` can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def _cut(text: str, limit: int, where: str) -> str:
    """``text`` whole if it fits, else its first whole lines and how many were left out."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    kept: list[str] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > limit - 200:
            break
        kept.append(line)
    return "\n".join([*kept, f"… {len(lines) - len(kept)} more lines: {where}"])


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
