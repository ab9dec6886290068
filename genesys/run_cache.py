"""What ``check()`` verified in Genesys, handed to the ``create()`` or ``update()`` that follows.

Within one ``pulumi up`` the engine calls a dynamic resource's ``check()`` and then its
``create()`` (or ``update()``) with the inputs ``check()`` returned, in the same provider-host
process (``python -m pulumi.dynamic``). Both need the same Genesys facts; asking Genesys twice
doubles every listing for nothing. So ``check()`` leaves its verified outputs here and the
``create()``/``update()`` for the same inputs takes them.

The facts live in this process's memory only: never in the provider object (which the engine
pickles into the state file) and never in state. Every ``check()`` asks Genesys and replaces the
entry (a failed one drops it), and an entry is taken once, so ``create()`` is never served
anything older than the ``check()`` the engine made just before it in the same deployment.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Hashable, Mapping
from typing import Any

_lock = threading.Lock()  # the host serves gRPC calls on a thread pool
_verified: dict[Hashable, dict[str, Any]] = {}


def key(kind: str, connection: Hashable, inputs: Mapping[str, Any]) -> Hashable:
    """One entry per provider kind, Genesys connection (hosts and OAuth client) and inputs."""
    return (kind, connection, json.dumps(inputs, sort_keys=True, default=str))


def remember(entry: Hashable, outputs: Mapping[str, Any]) -> None:
    with _lock:
        _verified[entry] = copy.deepcopy(dict(outputs))


def forget(entry: Hashable) -> None:
    with _lock:
        _verified.pop(entry, None)


def take(entry: Hashable) -> dict[str, Any] | None:
    """The outputs ``check()`` verified for these inputs, once; None if there are none."""
    with _lock:
        return _verified.pop(entry, None)
