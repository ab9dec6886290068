"""Physical names that belong to one stack, and the grants that admit exactly them.

EventBridge's ``PutRule`` creates *or overwrites*: a rule name must be unique across every stack
that shares a bus, not only within one. A slug of the stack name alone is not enough (``dev`` +
queue "EU Billing" and ``dev-eu`` + queue "Billing" both give ``dev-eu-billing``), so every name
starts with a short hash of the stack's full ``organisation/project/stack`` right after a fixed
marker. Because the hash sits at a fixed position and has a fixed length, no stack's prefix is a
prefix of another's: an ``ArnLike`` grant on ``<prefix>*`` admits this stack's rules only.
"""

from __future__ import annotations

import hashlib
import re

RULE_NAME_MAX = 64
"""EventBridge rule names: 1–64 characters of ``[.\\-_A-Za-z0-9]``."""

MARKER = "gqe"
STACK_HASH_CHARS = 6
STACK_SLUG_CHARS = 12
ROUTE_NAME_MAX = 40
"""The longest per-queue part of a name: a queue id is 36 characters, a slug at most 40."""


def slug(text: str, limit: int = ROUTE_NAME_MAX) -> str:
    """Lowercase letters, digits and single dashes, at most ``limit`` characters."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-")


def stack_hash(organization: str, project: str, stack: str) -> str:
    """Six hex digits of SHA-256 over the stack's fully qualified name."""
    return hashlib.sha256(f"{organization}/{project}/{stack}".encode()).hexdigest()[:STACK_HASH_CHARS]


def rule_name_prefix(organization: str, project: str, stack: str) -> str:
    """``gqe-<hash>-<stack slug>-``: at most 24 characters, so a 40-character route fits in 64."""
    return f"{MARKER}-{stack_hash(organization, project, stack)}-{slug(stack, STACK_SLUG_CHARS) or 'stack'}-"


def rule_name(prefix: str, route_name: str) -> str:
    return f"{prefix}{route_name}"


def shared_statement_id(prefix: str) -> str:
    """The shared invoke permission's statement id. Route names never hold ``_``, so this id
    cannot equal a per-queue one (both exist for a moment while a stack crosses its budget)."""
    return f"{prefix.rstrip('-')}_rules"


def statement_id(base: str, source_arn: str) -> str:
    """A Lambda statement id for a grant to ``source_arn``: ``base`` and six hex digits of its hash.
    A permission replaced with another source (its rule moved to another bus) then gets a new id,
    so Pulumi can create it before deleting the old one (``AddPermission`` refuses an id in use)."""
    return f"{base}-{hashlib.sha256(source_arn.encode()).hexdigest()[:6]}"


def rule_arn(partition: str, region: str, account: str, bus_name: str, name: str) -> str:
    """A rule's ARN as EventBridge builds it: rules on the default bus have no bus segment."""
    path = name if bus_name == "default" else f"{bus_name}/{name}"
    return f"arn:{partition}:events:{region}:{account}:rule/{path}"


def rule_arn_pattern(partition: str, region: str, account: str, bus_name: str, prefix: str) -> str:
    """``…:rule/<bus>/<prefix>*``: every rule of this stack on this bus, and no other's."""
    return rule_arn(partition, region, account, bus_name, f"{prefix}*")


def bus_description(organization: str, project: str, stack: str) -> str:
    """The mark a partner bus created by this stack carries, so that a later run can tell its
    own bus from one someone else associated with the source."""
    return f"Managed by Pulumi stack {organization}/{project}/{stack} ({project})"
