"""StackDashboard: the stack's CloudWatch dashboard (body from components/dashboard_body.py).

Replacement: the dashboard's name is its only ForceNew input (terraform-provider-aws,
``aws_cloudwatch_dashboard``: ``dashboard_name`` ForceNew, the body updated in place by
PutDashboard). The name is fixed per stack and region, so a change of queues, alarms or layout
is an in-place update; ``dashboardName`` is not an auto-named input, so the bridge leaves a
replacement create-before-delete.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import dashboard_body


@dataclass
class StackDashboardArgs:
    name: str
    """The dashboard's name (``dashboard_body.dashboard_name``): unique in the account."""
    facts: pulumi.Input[dashboard_body.DashboardFacts]
    """What the body shows; resolved once every name and ARN is known."""
    partition: str
    region: str


class StackDashboard(pulumi.ComponentResource):
    dashboard_name: pulumi.Output[str]
    url: pulumi.Output[str | None]
    """The dashboard in the CloudWatch console; None where the partition's console is not known."""

    def __init__(
        self, name: str, args: StackDashboardArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("genesys-queue-events:dashboard:StackDashboard", name, None, opts)
        dashboard = aws.cloudwatch.Dashboard(
            name,
            dashboard_name=args.name,
            dashboard_body=pulumi.Output.from_input(args.facts).apply(dashboard_body.body_json),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.dashboard_name = dashboard.dashboard_name
        self.url = dashboard.dashboard_name.apply(
            lambda n: dashboard_body.console_url(args.partition, args.region, n)
        )
        self.register_outputs({"dashboard_name": self.dashboard_name, "url": self.url})
