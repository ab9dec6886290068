"""The archive's event pattern: this stack's events only.

An archive without a pattern keeps every event that reaches its bus. On the Genesys partner
bus that is only Genesys' events, but with ``customEvents`` the bus is often ``default``,
where every AWS service event of the account and region arrives: archived (and billed, and
replayable) for the retention period. So the archive keeps exactly what this stack routes
from: the verified source, and with ``customEvents`` its detail types too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence


def archive_pattern(source: str, detail_types: Sequence[str] | None = None) -> str:
    """The serialised pattern: ``source`` exactly, and ``detail-type`` among ``detail_types``
    when given (the ``customEvents`` case)."""
    pattern: dict[str, list[str]] = {"source": [source]}
    if detail_types:
        pattern["detail-type"] = sorted(set(detail_types))
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"))
