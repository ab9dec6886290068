"""Combining Outputs that hold whole tables, without taking the tables apart.

``pulumi.Output.all(a, b)`` passes each argument through ``Output.from_input``, which rebuilds
a dict or list value as one Output per nested value (and each of those as an Output per value
of its own), only to put them back together. For an Output holding every queue (the resolved
queues, the verified patterns, the route table, the rule ARNs) that is thousands of Outputs, each
with its futures and tasks, for a 1,000-queue stack. ``combine`` hands each value over whole:
its dependencies, secrecy and unknowns travel exactly as with ``Output.all``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi


@dataclass(frozen=True)
class _Whole:
    """A value ``Output.from_input`` leaves as it is: not a dict, list, tuple, Output or args."""

    value: Any


def combine(*outputs: pulumi.Output[Any]) -> pulumi.Output[tuple[Any, ...]]:
    """The values of ``outputs`` as one tuple, as ``Output.all`` would give them as a list."""
    wrapped = [output.apply(_Whole) for output in outputs]
    return pulumi.Output.all(*wrapped).apply(lambda values: tuple(v.value for v in values))
