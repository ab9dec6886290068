"""How each Lambda function (or alias) lets this stack's rules invoke it: a pure plan.

Lambda keeps one resource-based policy per function and per alias, at most 20,480 bytes, and
the limit cannot be raised. One statement per rule names that rule's exact ARN: the tightest
grant, and about 450–520 bytes with a partner-bus ARN, so one function holds about 40 of them
before ``AddPermission`` fails with ``PolicyLengthExceededException``. While the statements this
stack adds to a function fit a budget (half the policy by default, leaving room for the
function's other triggers), each rule gets its own; past it, the function gets one statement
whose ``SourceArn`` is ``…:rule/<bus>/<this stack's prefix>*``, the consolidation AWS itself
recommends, which admits this stack's rules on this bus and no other's.

The decision is made before any resource exists, so it cannot depend on values that are only
known at deploy time: a partner bus is sized with the longest name Genesys can give it. That
keeps the shape stable when an integration's suffix changes, at the cost of switching a little
early (at 19 queues on one function rather than 22 with a short suffix).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from components import naming, policies

DEFAULT_BUDGET_BYTES = policies.LAMBDA_POLICY_MAX_BYTES // 2


@dataclass(frozen=True)
class PolicyHolder:
    """A function, or one alias of it: each has a resource-based policy of its own."""

    function_arn: str
    qualifier: str | None = None

    @property
    def resource_arn(self) -> str:
        """The ``Resource`` Lambda writes into the holder's statements."""
        return f"{self.function_arn}:{self.qualifier}" if self.qualifier else self.function_arn

    @property
    def name(self) -> str:
        """A stable resource name for the holder's shared permission: readable, and unique by a
        hash of the ARN (``conv_ended`` and ``conv-ended`` slug alike)."""
        function = self.function_arn.rsplit(":", 1)[1]
        readable = naming.slug(f"{function}-{self.qualifier}" if self.qualifier else function, 56)
        return f"{readable}-{hashlib.sha256(self.resource_arn.encode()).hexdigest()[:6]}"


@dataclass(frozen=True)
class RouteGrant:
    """What one route asks of its target's policy."""

    route_name: str
    holder: PolicyHolder


@dataclass(frozen=True)
class HolderGrant:
    """How one function (or alias) grants this stack's rules."""

    holder: PolicyHolder
    route_names: tuple[str, ...]
    """The routes whose rules target it."""
    shared: bool
    """True: one ``…/<prefix>*`` statement instead of one per rule."""

    @property
    def mode(self) -> str:
        return "shared-prefix" if self.shared else "per-rule"


def arn_parts(function_arn: str) -> tuple[str, str, str]:
    """``arn:<partition>:lambda:<region>:<account>:function:<name>`` → (partition, region, account)."""
    parts = function_arn.split(":")
    return parts[1], parts[3], parts[4]


def plan(
    routes: Iterable[RouteGrant],
    *,
    rule_name_prefix: str,
    bus_name_for_sizing: str,
    budget_bytes: int = DEFAULT_BUDGET_BYTES,
) -> dict[PolicyHolder, HolderGrant]:
    """Per policy holder: the statements one-per-rule would add, and whether they fit the budget."""
    by_holder: dict[PolicyHolder, list[str]] = {}
    for route in routes:
        by_holder.setdefault(route.holder, []).append(route.route_name)
    grants: dict[PolicyHolder, HolderGrant] = {}
    for holder, names in by_holder.items():
        per_rule = _per_rule_statements(holder, names, rule_name_prefix, bus_name_for_sizing)
        # What one statement per rule would add to the holder's policy, sized at the longest.
        size = sum(policies.statement_bytes(s) for s in per_rule)
        grants[holder] = HolderGrant(holder, tuple(names), shared=size > budget_bytes)
    return grants


def statements(
    grants: Mapping[PolicyHolder, HolderGrant], *, rule_name_prefix: str, bus_name: str
) -> dict[PolicyHolder, list[dict[str, object]]]:
    """The statements each holder's policy would hold for this stack, for a bus of this name."""
    out: dict[PolicyHolder, list[dict[str, object]]] = {}
    for holder, grant in grants.items():
        partition, region, account = arn_parts(holder.function_arn)
        if grant.shared:
            pattern = naming.rule_arn_pattern(partition, region, account, bus_name, rule_name_prefix)
            sid = naming.statement_id(naming.shared_statement_id(rule_name_prefix), pattern)
            out[holder] = [policies.lambda_invoke_statement(sid, holder.resource_arn, pattern)]
            continue
        out[holder] = _per_rule_statements(holder, grant.route_names, rule_name_prefix, bus_name)
    return out


def _per_rule_statements(
    holder: PolicyHolder, route_names: Iterable[str], rule_name_prefix: str, bus_name: str
) -> list[dict[str, object]]:
    partition, region, account = arn_parts(holder.function_arn)
    out = []
    for route_name in route_names:
        rule_name = naming.rule_name(rule_name_prefix, route_name)
        arn = naming.rule_arn(partition, region, account, bus_name, rule_name)
        sid = naming.statement_id(rule_name, arn)
        out.append(policies.lambda_invoke_statement(sid, holder.resource_arn, arn))
    return out
