"""Validators for the queues: references, Lambda targets, topics, and target accounts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components import patterns
from genesys import topics
from settings.keys import EXAMPLE_QUEUE_ID, LAMBDA_ARN_RE, QUEUE_KEYS, UUID_RE
from settings.model import LambdaTarget, QueueRef, QueueRoute, Settings
from settings.problems import MISSING, Collector, Problem, SettingsError


def lambda_target(c: Collector, key: str, value: Any, region: str) -> LambdaTarget | None:
    m = LAMBDA_ARN_RE.match(value) if isinstance(value, str) else None
    if m is None:
        c.add(
            key,
            value,
            "is not a Lambda function or alias ARN; use "
            "arn:aws:lambda:<region>:<account>:function:<name>[:<alias>]",
        )
        return None
    qualifier = m["qualifier"]
    if qualifier is not None and (qualifier.isdigit() or qualifier == "$LATEST"):
        c.add(
            key,
            value,
            f"names version {qualifier!r}; point EventBridge at the function or at an alias, "
            "so that a deploy of the function does not need a deploy of this stack",
        )
        return None
    if region and m["region"] != region:
        c.add(
            key,
            value,
            f"is in {m['region']}, but the stack deploys to aws:region {region}; EventBridge "
            "rules invoke Lambda functions in their own region only. Use a function in "
            f"{region}, or deploy this stack to {m['region']}",
        )
        return None
    function_arn = value.rsplit(":", 1)[0] if qualifier else value
    return LambdaTarget(
        arn=value,
        function_arn=function_arn,
        qualifier=qualifier,
        account=m["account"],
        region=m["region"],
    )


def topic_selection(c: Collector, key: str, value: Any) -> patterns.TopicSelection | None:
    if value == patterns.CONVERSATION_END_PRESET:
        return patterns.CONVERSATION_END_PRESET
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        c.add(
            key,
            value,
            f"must be {patterns.CONVERSATION_END_PRESET!r} or a non-empty list of topic names",
        )
        return None
    templates: list[str] = []
    for i, topic in enumerate(value):
        try:
            templates.append(topics.topic_template(str(topic)))
        except topics.TopicError as e:
            c.add(f"{key}[{i}]", topic, str(e))
    if len(templates) != len(value):
        return None
    return tuple(sorted(set(templates)))


def _braced_id(item: Any) -> str | None:
    """A queue id pasted with braces, as Genesys shows some ids: ``"{a1b2…}"`` when quoted, or
    the one-key mapping ``{a1b2…: null}`` YAML makes of it when not."""
    if isinstance(item, str) and item.startswith("{") and item.endswith("}") and UUID_RE.match(item[1:-1]):
        return item[1:-1]
    if isinstance(item, Mapping) and len(item) == 1:
        (key, value), *_ = item.items()
        if value is None and isinstance(key, str) and UUID_RE.match(key):
            return key
    return None


def _queue_ref(c: Collector, path: str, item: Any) -> tuple[QueueRef | None, Mapping[str, Any]]:
    if isinstance(item, str):
        item = {"id": item}
    if not isinstance(item, Mapping):
        c.add(path, item, 'must be a queue id or an object such as {"name": "Billing"}')
        return None, {}
    c.unknown_keys(path, item, QUEUE_KEYS)
    has_id, has_name = "id" in item, "name" in item
    if has_id == has_name:
        c.add(
            path,
            dict(item),
            "give exactly one of id or name"
            + (" (not both)" if has_id else f', e.g. {{"id": "{EXAMPLE_QUEUE_ID}"}}'),
        )
        return None, item
    if has_id:
        qid = item["id"]
        if not isinstance(qid, str) or not UUID_RE.match(qid):
            c.add(
                f"{path}.id",
                qid,
                f"is not a Genesys queue id (a UUID such as {EXAMPLE_QUEUE_ID}); copy it from "
                f"Admin > Queues, or give the queue's name as {path}.name",
            )
            return None, item
        return QueueRef(id=qid.lower()), item
    name = item["name"]
    if not isinstance(name, str) or not name.strip():
        c.add(f"{path}.name", name, "must be the queue's name as shown in Genesys Cloud")
        return None, item
    return QueueRef(name=name.strip()), item


def queue_routes(
    c: Collector,
    project: Mapping[str, Any],
    default_target: LambdaTarget | None,
    default_topics: patterns.TopicSelection,
    region: str,
    custom: bool,
) -> list[QueueRoute]:
    items = project.get("queues", MISSING)
    if items is MISSING or items == []:
        c.add(
            "queues",
            items,
            f'list the queues to route, e.g. ["{EXAMPLE_QUEUE_ID}", {{"name": "Billing"}}]',
        )
        return []
    if not isinstance(items, list):
        scalar = isinstance(items, str | int | float | bool)
        c.add(
            "queues",
            items,
            "is a single value where a list is expected: it must be a list; write `queues: [<id>]`, or "
            "`- <id>` on the next line"
            if scalar
            else "must be a list of queue ids or objects",
        )
        return []
    routes: list[QueueRoute] = []
    seen_ids: dict[str, str] = {}
    seen_names: dict[str, str] = {}
    seen_resource_names: dict[str, str] = {}
    for i, item in enumerate(items):
        path = f"queues[{i}]"
        braced = _braced_id(item)
        if braced is not None:
            c.add(path, item, f"remove the braces: write the queue id as {braced}")
            continue
        ref, raw = _queue_ref(c, path, item)
        target = default_target
        if "target" in raw:
            target = lambda_target(c, f"{path}.target", raw["target"], region)
        elif default_target is None and "target" not in project:
            c.add(
                f"{path}.target",
                MISSING,
                "no Lambda target for this queue; set the stack-wide `target` or this queue's target",
            )
        enabled = True
        if "enabled" in raw:
            enabled = c.boolean(f"{path}.enabled", raw["enabled"]) is not False
        topics = default_topics
        if "topics" in raw:
            if custom:
                c.add(f"{path}.topics", raw["topics"], "does not apply with customEvents")
            else:
                topics = topic_selection(c, f"{path}.topics", raw["topics"]) or default_topics
        if ref is None:
            continue
        if ref.id is not None:
            if ref.id in seen_ids:
                c.add(f"{path}.id", ref.id, f"is listed already at {seen_ids[ref.id]}; list each queue once")
                continue
            seen_ids[ref.id] = path
        else:
            folded = str(ref.name).casefold()
            if folded in seen_names:
                c.add(
                    f"{path}.name",
                    ref.name,
                    f"is listed already at {seen_names[folded]}; list each queue once",
                )
                continue
            seen_names[folded] = path
        # Ids and name slugs share one namespace of resource names: a queue named like another
        # queue's id would otherwise collide in its rule, target and permission.
        if ref.resource_name in seen_resource_names:
            key = f"{path}.id" if ref.id is not None else f"{path}.name"
            c.add(
                key,
                ref.reference,
                f"gives the same resource name {ref.resource_name!r} as "
                f"{seen_resource_names[ref.resource_name]}; give one of them by id instead",
            )
            continue
        seen_resource_names[ref.resource_name] = path
        if target is not None:
            target_key = f"{path}.target" if "target" in raw else "target"
            routes.append(QueueRoute(ref, target, enabled, topics, path, target_key))
    return routes


def check_target_accounts(settings: Settings, account_id: str) -> None:
    """EventBridge rules invoke Lambda functions of their own account only."""
    # One problem per configured target, not one per queue that shares it.
    foreign = {r.target_key: r.target for r in settings.routes if r.target.account != account_id}
    problems = [
        Problem(
            key,
            target.arn,
            f"is in account {target.account}, but the stack deploys to account {account_id}; "
            "use a function in this account, or deploy with that account's credentials",
        )
        for key, target in foreign.items()
    ]
    if problems:
        raise SettingsError(problems, secret_keys=settings.secret_keys)


def one_account(settings: Settings) -> list[Problem]:
    """Offline, without the deploying account: targets in two AWS accounts. Whichever account
    the stack deploys to, the preview refuses the others (``check_target_accounts``), since rules
    invoke functions of their own account only."""
    targets = {r.target_key: r.target for r in settings.routes}
    first_key, first = next(iter(targets.items()))
    return [
        Problem(
            key,
            target.arn,
            f"is in account {target.account}, but {first_key} is in account {first.account}; one stack "
            "deploys to one account, and EventBridge rules invoke functions of their own account only. "
            "Use functions of one account, or split the queues into one stack per account",
        )
        for key, target in targets.items()
        if target.account != first.account
    ]
