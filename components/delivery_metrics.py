"""The CloudWatch metrics that show events arriving and being delivered, as AWS documents them,
and the queries over one stack's rules that the dashboard, the alarms and ``operations health``
share. Pure: no Pulumi, no AWS calls.

EventBridge (user guide, "Monitoring Amazon EventBridge",
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html) publishes to
``AWS/Events`` once a minute, unit Count, Sum the useful statistic; ``Events`` (partner events
ingested) per ``EventSourceName``; the rule metrics per ``RuleName``, with ``EventBusName`` as well
for a rule on any bus but the default one. Several are sent only when not zero, so a missing data
point means "none" for them, but "silence" for ``Events``.
"""

from __future__ import annotations

NAMESPACE = "AWS/Events"
DEFAULT_BUS = "default"
PERIOD_SECONDS = 60
"""EventBridge sends its metrics every minute: the shortest period that has data."""
PARTNER_EVENTS = "Events"
"""Partner events ingested, dimension ``EventSourceName`` (no data point for a minute without)."""
# Rule metrics, per RuleName (and EventBusName off the default bus).
TRIGGERED = "TriggeredRules"
INVOCATIONS = "Invocations"
FAILED = "FailedInvocations"
SENT_TO_DLQ = "InvocationsSentToDlq"
NOT_SENT_TO_DLQ = "InvocationsFailedToBeSentToDlq"
ATTEMPTS = "InvocationAttempts"
THROTTLED = "ThrottledRules"

PER_QUEUE = (TRIGGERED, INVOCATIONS, FAILED, SENT_TO_DLQ, NOT_SENT_TO_DLQ)
"""What ``operations health`` reads for each queue: matched, delivered, failed, dead-lettered, lost."""


def rule_dimensions(bus: str, rule: str) -> dict[str, str]:
    """A rule metric's dimensions: ``RuleName`` alone on the default bus, with ``EventBusName``
    on any other (the monitoring page's note above its metric table)."""
    if bus == DEFAULT_BUS:
        return {"RuleName": rule}
    return {"EventBusName": bus, "RuleName": rule}


def _schema(bus: str) -> str:
    if bus == DEFAULT_BUS:
        return f'SCHEMA("{NAMESPACE}", RuleName)'
    return f"SCHEMA(\"{NAMESPACE}\", EventBusName, RuleName) WHERE EventBusName = '{bus}'"


def bus_total_query(metric: str, bus: str) -> str:
    """A Metrics Insights query: ``metric`` summed over every rule on ``bus``, one time series.

    Metrics Insights filters by exact value only (``=``, ``!=``), so the scope is the bus, not
    this stack's rule-name prefix: on a bus the stack created, that is this stack's rules; on a
    shared bus (``eventBus``, ``customEvents``) it includes other stacks' rules there, and on the
    default bus every default-bus rule of the account and region."""
    return f"SELECT SUM({metric}) FROM {_schema(bus)}"


def bus_top_query(metric: str, bus: str, top: int) -> str:
    """The ``top`` rules on ``bus`` by their sum of ``metric`` over the graph's time range."""
    return f"{bus_total_query(metric, bus)} GROUP BY RuleName ORDER BY SUM() DESC LIMIT {top}"
