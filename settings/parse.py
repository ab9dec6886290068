"""The parse entry point: plain config values → Settings, or every problem at once."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from components import invoke_grants, patterns
from genesys import endpoints, regions
from settings.keys import BUS_NAME_RE, CREATE_BUS, GENESYS_KEYS, LAMBDA_POLICY_MAX, PROJECT_KEYS
from settings.model import Settings
from settings.problems import MISSING, Collector, Problem, SettingsError
from settings.queues import lambda_target, queue_routes, topic_selection
from settings.sections import (
    alarm_settings,
    archive_retention,
    check_quotas,
    custom_events,
    integration_section,
    retry_policy,
    tag_map,
)


def parse(
    values: Mapping[str, Any],
    *,
    aws_region: str | None,
    environ: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
) -> Settings:
    """Validate plain config values and return Settings, or raise SettingsError with every
    problem.

    ``values`` maps config keys to plain (already decoded) values: project keys without their
    namespace (``queues``), others with it (``genesys:region``, ``aws:region``).
    ``secret_keys`` lists the keys stored as secrets; ``environ`` stands in for os.environ.
    """
    env = os.environ if environ is None else environ
    c = Collector()

    project = {k: v for k, v in values.items() if ":" not in k}
    genesys_cfg = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("genesys:")}
    c.unknown_keys("", project, PROJECT_KEYS)
    for k, v in genesys_cfg.items():
        if k not in GENESYS_KEYS:
            full_keys = [f"genesys:{known}" for known in GENESYS_KEYS]
            c.unknown_key(f"genesys:{k}", v, f"genesys:{k}", full_keys)

    if not aws_region:
        c.add(
            "aws:region",
            MISSING,
            "the AWS region is not set; set it with `pulumi config set aws:region eu-west-1`",
        )
    region = aws_region or ""

    check_genesys_connection(c, genesys_cfg, env, secret_keys)
    custom = custom_events(c, project)
    if custom is not None:
        for key in ("integration", "eventBus"):
            if key in project:
                c.add(
                    key,
                    project[key],
                    "does not apply with customEvents (no Genesys integration is involved); "
                    "remove it, and name the bus in customEvents.eventBus",
                )

    integration, managed_integration = integration_section(c, project.get("integration", MISSING))

    default_target = None
    if "target" in project:
        default_target = lambda_target(c, "target", project["target"], region)
    default_topics: patterns.TopicSelection = patterns.CONVERSATION_END_PRESET
    if "topics" in project:
        if custom is not None:
            c.add(
                "topics", project["topics"], "does not apply with customEvents; use customEvents.detailTypes"
            )
        else:
            default_topics = topic_selection(c, "topics", project["topics"]) or default_topics

    routes = queue_routes(c, project, default_target, default_topics, region, custom is not None)

    event_bus = None
    if "eventBus" in project and custom is None:
        bus = project["eventBus"]
        if not isinstance(bus, str) or not BUS_NAME_RE.match(bus):
            c.add("eventBus", bus, f"must be {CREATE_BUS!r} or the name of an existing event bus")
        elif bus == "default":
            c.add(
                "eventBus",
                bus,
                "Genesys publishes to its partner event bus, never to the default bus; rules there "
                f"would never fire. Use {CREATE_BUS!r}, or the name of the partner bus you created",
            )
        elif bus != CREATE_BUS:
            event_bus = bus

    dead_letter_queue = True
    if "deadLetterQueue" in project:
        dead_letter_queue = c.boolean("deadLetterQueue", project["deadLetterQueue"]) is not False

    keep_undelivered = True
    if "keepUndelivered" in project:
        keep_undelivered = c.boolean("keepUndelivered", project["keepUndelivered"]) is not False

    retry = retry_policy(c, project.get("retry", MISSING))
    alarms = alarm_settings(c, project.get("alarms", MISSING), region, dead_letter_queue)
    if custom is not None and alarms is not None and alarms.no_events_for_minutes is not None:
        c.add(
            "alarms.noEventsForMinutes",
            alarms.no_events_for_minutes,
            "watches EventBridge's count of partner events ingested per partner event source, and "
            "customEvents has none; remove it",
        )
    dashboard = True
    if "dashboard" in project:
        dashboard = c.boolean("dashboard", project["dashboard"]) is not False
    archive_days = archive_retention(c, project.get("archive", MISSING))
    tags = tag_map(c, project.get("tags", MISSING))
    quota = patterns.RULES_PER_BUS_DEFAULT
    if "rulesPerBusQuota" in project:
        quota = c.integer("rulesPerBusQuota", project["rulesPerBusQuota"], 1, None) or quota

    budget = invoke_grants.DEFAULT_BUDGET_BYTES
    if "lambdaPolicyBudgetBytes" in project:
        got = c.integer("lambdaPolicyBudgetBytes", project["lambdaPolicyBudgetBytes"], 0, LAMBDA_POLICY_MAX)
        budget = budget if got is None else got

    if routes and not c.problems:
        check_quotas(c, routes, custom, quota)

    if c.problems:
        raise SettingsError(c.problems, secret_keys=secret_keys)
    return Settings(
        routes=tuple(routes),
        integration=integration,
        managed_integration=managed_integration,
        event_bus=custom.event_bus if custom else event_bus,
        dead_letter_queue=dead_letter_queue,
        keep_undelivered=keep_undelivered,
        retry=retry,
        archive_retention_days=archive_days,
        tags=tags,
        lambda_policy_budget_bytes=budget,
        custom_events=custom,
        secret_keys=frozenset(secret_keys),
        alarms=alarms,
        dashboard=dashboard,
    )


def check_genesys_connection(
    c: Collector, cfg: Mapping[str, Any], env: Mapping[str, str], secret_keys: Sequence[str]
) -> None:
    """Where the organisation lives and how the program signs in. Nothing here is kept: the
    providers read the connection in ``configure()``, so credentials never become inputs."""
    region = cfg.get("region", regions.DEFAULT_REGION)
    domain = None
    try:  # also with both hosts overridden: a typo in the region stays a typo
        domain = regions.domain_for(str(region))
    except regions.UnknownRegionError:
        c.add("genesys:region", region, regions.unknown_region_message(region))
    for kind in ("api", "login"):
        key = f"{kind}Url"
        url = cfg.get(key)
        if url is None:
            continue
        # The OAuth secret and token go to these hosts: the region's own, unless the process's
        # owner opted in (GENESYS_ALLOW_CUSTOM_ENDPOINTS=1 in its environment, never in config).
        expected = endpoints.own_host(kind, domain) if domain else None
        reason = (
            endpoints.refusal(url, expected, endpoints.custom_endpoints_allowed(env))
            if isinstance(url, str)
            else "must be a base URL such as https://api.mypurecloud.ie"
        )
        if reason is not None:
            c.add(f"genesys:{key}", url, reason)
    for key, var in (("clientId", "GENESYS_CLIENT_ID"), ("clientSecret", "GENESYS_CLIENT_SECRET")):
        if key not in cfg and not env.get(var):
            c.add(
                f"genesys:{key}",
                MISSING,
                f"the Genesys OAuth client is not configured; run `pulumi config set genesys:{key}"
                f"{' --secret' if key == 'clientSecret' else ''} <value>` or set {var}",
            )
    if "clientSecret" in cfg and "genesys:clientSecret" not in secret_keys:
        # The value itself is never echoed back.
        c.problems.append(
            Problem(
                "genesys:clientSecret",
                "(hidden)",
                "is stored in plaintext; set it again with "
                "`pulumi config set genesys:clientSecret --secret <value>`",
            )
        )
