"""Event pattern sizes for the largest values a user can configure, against EventBridge's
2,048-character quota on event patterns.

Genesys patterns hold the source, the queue id and topic templates, never the queue's name: a
queue configured by name is matched by its resolved id, so long names cost nothing here. The
largest Genesys source is the prefix, a UUID org id and a 64-character suffix. `customEvents`
patterns grow with the detail types a user lists; the settings refuse one that could not fit.

    python bench/pattern_sizes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components import patterns  # noqa: E402
from genesys import topics  # noqa: E402


def size(pattern: dict[str, object]) -> int:
    return len(patterns.serialise(pattern))


def main() -> None:
    source, queue = patterns.LONGEST_GENESYS_SOURCE, patterns.LONGEST_QUEUE_ID
    routable = tuple(topics.topic_template(t) for t, ok in topics.CONVERSATION_TOPICS.items() if ok)
    rows = [
        (
            "conversation-end preset",
            size(patterns.genesys_pattern(source, queue, patterns.CONVERSATION_END_PRESET)),
        ),
        ("one topic (acw)", size(patterns.genesys_pattern(source, queue, (topics.topic_template("acw"),)))),
        (f"every routable topic ({len(routable)})", size(patterns.genesys_pattern(source, queue, routable))),
    ]
    long_type = "x" * 128
    for count in (1, 10, 14, 15, 20):
        p = patterns.custom_pattern("com.example." + "s" * 100, [long_type] * count, "detail.queueId", queue)
        rows.append((f"customEvents, {count} detail types of 128 chars", size(p)))
    print(f"quota: {patterns.PATTERN_MAX_CHARS} characters (longest source {len(source)} chars, queue id 36)")
    print(f"{'pattern':<45} {'chars':>6} {'share':>6}  verdict")
    for name, chars in rows:
        verdict = "fits" if chars <= patterns.PATTERN_MAX_CHARS else "OVER: refused by the settings check"
        print(f"{name:<45} {chars:>6} {chars / patterns.PATTERN_MAX_CHARS:>6.0%}  {verdict}")


if __name__ == "__main__":
    main()
