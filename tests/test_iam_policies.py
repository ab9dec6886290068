"""The IAM policy files under iam/: valid JSON in IAM's grammar, trust only where the README
says, read-only for the preview, and every resource pattern consistent with the names the
program actually builds (the program is run under the mocks and its ARNs are matched)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import settings
from components import naming
from mockrun import ACCOUNT, PROJECT, REGION, base_config, run_program

ROOT = Path(__file__).resolve().parent.parent
IAM = ROOT / "iam"
FILES = (
    "preview-trust-policy.json",
    "deploy-trust-policy.json",
    "preview-permissions.json",
    "deploy-permissions.json",
)
PLACEHOLDERS = {
    "<ACCOUNT_ID>",
    "<REGION>",
    "<REPOSITORY>",
    "<STACK>",
    "<RULE_PREFIX>",
    "<TARGET_FUNCTION>",
    "<STATE_BUCKET>",
    "<STATE_PATH>",
}
OIDC = "token.actions.githubusercontent.com"
CONDITION_OPERATORS = {"StringEquals", "StringLike", "ArnLike", "ArnEquals", "Bool"}
# Actions that take no resource-level permissions, so "*" is their only possible resource.
RESOURCE_LESS = {"events:ListEventSources", "events:ListEventBuses", "sts:GetCallerIdentity"}
STATE = {"<STATE_BUCKET>": "state-bucket", "<STATE_PATH>": "genesys-queue-events"}


def policy(name: str) -> dict[str, Any]:
    return json.loads((IAM / name).read_text())


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def filled(text: str, **values: str) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def iam_match(pattern: str, arn: str) -> bool:
    """IAM's ARN wildcards: * any run of characters (slashes too), ? one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, arn) is not None


def allowed(document: dict[str, Any], action: str, arn: str) -> bool:
    return any(
        s["Effect"] == "Allow"
        and action in as_list(s["Action"])
        and any(iam_match(r, arn) for r in as_list(s["Resource"]))
        for s in document["Statement"]
    )


def concrete(name: str, stack: str, function: str = "conversation-ended") -> dict[str, Any]:
    text = (IAM / name).read_text()
    values = {
        "<ACCOUNT_ID>": ACCOUNT,
        "<REGION>": REGION,
        "<REPOSITORY>": "owner/repo",
        "<STACK>": stack,
        "<RULE_PREFIX>": naming.rule_name_prefix("organization", PROJECT, stack),
        "<TARGET_FUNCTION>": function,
        **STATE,
    }
    return json.loads(filled(text, **values))


# -- grammar ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_each_file_is_an_iam_policy_document(name):
    doc = policy(name)
    assert set(doc) == {"Version", "Statement"} and doc["Version"] == "2012-10-17"
    sids = [s["Sid"] for s in doc["Statement"]]
    assert len(sids) == len(set(sids)) and all(re.fullmatch(r"[A-Za-z0-9]+", sid) for sid in sids)
    for s in doc["Statement"]:
        assert s["Effect"] in ("Allow", "Deny")
        assert set(s) <= {"Sid", "Effect", "Principal", "Action", "Resource", "Condition"}
        for action in as_list(s["Action"]):
            assert re.fullmatch(r"[a-z0-9-]+:[A-Z][A-Za-z]+", action), action  # no wildcard actions
        for operator, keys in s.get("Condition", {}).items():
            assert operator in CONDITION_OPERATORS and isinstance(keys, dict)
    placeholders = set(re.findall(r"<[A-Z_]+>", (IAM / name).read_text()))
    assert placeholders <= PLACEHOLDERS, placeholders - PLACEHOLDERS


@pytest.mark.parametrize("name", [n for n in FILES if "permissions" in n])
def test_permission_policies_name_resources_and_no_principal(name):
    for s in policy(name)["Statement"]:
        assert "Principal" not in s
        for resource in as_list(s["Resource"]):
            assert resource == "*" or resource.startswith("arn:aws:"), resource
            if resource == "*":
                assert set(as_list(s["Action"])) <= RESOURCE_LESS, s["Sid"]


def test_every_placeholder_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for placeholder in PLACEHOLDERS:
        assert f"`{placeholder}`" in readme, placeholder
    for name in FILES:
        assert f"iam/{name}" in readme, name


# -- trust --------------------------------------------------------------------------------------


def trust_condition(name: str) -> dict[str, Any]:
    (statement,) = policy(name)["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::<ACCOUNT_ID>:oidc-provider/{OIDC}"}
    # Exact subjects only: StringEquals, no StringLike, no wildcard.
    assert set(statement["Condition"]) == {"StringEquals"}
    condition = statement["Condition"]["StringEquals"]
    assert condition[f"{OIDC}:aud"] == "sts.amazonaws.com"
    assert "*" not in condition[f"{OIDC}:sub"]
    return condition


def test_the_preview_role_trusts_only_this_repositorys_pull_requests():
    assert trust_condition("preview-trust-policy.json")[f"{OIDC}:sub"] == "repo:<REPOSITORY>:pull_request"


def test_a_deploy_role_trusts_only_its_stacks_environment():
    subject = trust_condition("deploy-trust-policy.json")[f"{OIDC}:sub"]
    assert subject == "repo:<REPOSITORY>:environment:<STACK>"


def test_the_preview_can_only_read():
    for s in policy("preview-permissions.json")["Statement"]:
        for action in as_list(s["Action"]):
            verb = action.split(":")[1]
            assert verb.startswith(("Describe", "List", "Get")), action


# -- consistency with the names the program builds ------------------------------------------------


@pytest.fixture(scope="module", params=["dev", "eu-prod-2"])
def deployed(request):
    stack = request.param
    config = base_config(
        tags={"team": "contact-centre"},
        queues=[
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            {"name": "Billing", "target": base_config()["target"] + "-billing:live"},
        ],
    )
    return stack, run_program(config, stack=stack)


def test_the_deploy_role_covers_every_resource_of_its_stack(deployed):
    stack, run = deployed
    doc = concrete("deploy-permissions.json", stack)
    (bus,) = run.of_type("aws:cloudwatch/eventBus:EventBus")
    assert allowed(doc, "events:CreateEventBus", bus.outputs["arn"])
    rules = run.of_type("aws:cloudwatch/eventRule:EventRule")
    assert rules
    for rule in rules:
        for action in ("events:PutRule", "events:PutTargets", "events:TagResource", "events:DeleteRule"):
            assert allowed(doc, action, rule.outputs["arn"]), (action, rule.outputs["arn"])
    # Pulumi names the queue and the archive <logical name>-<7 random characters>.
    (queue,) = run.of_type("aws:sqs/queue:Queue")
    assert allowed(doc, "sqs:CreateQueue", f"{queue.outputs['arn']}-a1b2c3d")
    for alarm in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        alarm_arn = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{alarm.inputs['name']}"
        assert allowed(doc, "cloudwatch:PutMetricAlarm", alarm_arn), alarm_arn
    # Dashboards are global: no region in their ARN.
    (dashboard,) = run.of_type("aws:cloudwatch/dashboard:Dashboard")
    dashboard_arn = f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{dashboard.inputs['dashboardName']}"
    for action in ("cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"):
        assert allowed(doc, action, dashboard_arn), (action, dashboard_arn)
    assert not allowed(concrete("deploy-permissions.json", "other"), "cloudwatch:PutDashboard", dashboard_arn)
    (topic,) = run.of_type("aws:sns/topic:Topic")
    assert allowed(doc, "sns:CreateTopic", topic.outputs["arn"])
    assert allowed(doc, "sns:Subscribe", topic.outputs["arn"])
    (archive,) = run.of_type("aws:cloudwatch/eventArchive:EventArchive")
    assert allowed(doc, "events:CreateArchive", archive.outputs["arn"])
    assert allowed(doc, "events:DescribeEventSource", run.exports["eventSourceArn"])


def test_the_deploy_role_of_one_stack_cannot_touch_another_stacks_rules(deployed):
    stack, run = deployed
    other = concrete("deploy-permissions.json", "other")
    for rule in run.of_type("aws:cloudwatch/eventRule:EventRule"):
        assert not allowed(other, "events:PutRule", rule.outputs["arn"])
    # and the rule-name prefix the dead-letter policy falls back to is inside the grant too
    for rule in run.of_type("aws:cloudwatch/eventRule:EventRule"):
        assert rule.inputs["name"].startswith(naming.rule_name_prefix("organization", PROJECT, stack))


def test_the_rule_prefix_placeholder_is_what_python_m_settings_prints():
    printed = subprocess.run(
        [sys.executable, "-m", "settings", "--rule-prefix", "contact-centre-prod"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert printed == naming.rule_name_prefix("organization", PROJECT, "contact-centre-prod")


def test_invoke_grants_are_on_the_target_functions_only(deployed):
    stack, run = deployed
    for permission in run.of_type("aws:lambda/permission:Permission"):
        function_arn = permission.inputs["function"]
        name = function_arn.rsplit(":", 1)[1]
        doc = concrete("deploy-permissions.json", stack, function=name)
        qualifier = permission.inputs.get("qualifier")
        resource = f"{function_arn}:{qualifier}" if qualifier else function_arn
        assert allowed(doc, "lambda:AddPermission", resource), resource
        assert not allowed(
            concrete("deploy-permissions.json", stack, function="other"), "lambda:AddPermission", resource
        )


def test_state_is_scoped_to_the_stack_of_this_project(deployed):
    stack, _ = deployed
    doc = concrete("deploy-permissions.json", stack)
    base = f"arn:aws:s3:::{STATE['<STATE_BUCKET>']}/{STATE['<STATE_PATH>']}/.pulumi"
    project = settings.PROJECT
    assert allowed(doc, "s3:PutObject", f"{base}/stacks/{project}/{stack}.json")
    assert allowed(doc, "s3:PutObject", f"{base}/locks/{project}/{stack}/lock.json")
    assert not allowed(doc, "s3:PutObject", f"{base}/stacks/{project}/other.json")
    preview = concrete("preview-permissions.json", stack)
    assert allowed(preview, "s3:GetObject", f"{base}/stacks/{project}/{stack}.json")
    assert not allowed(preview, "s3:PutObject", f"{base}/stacks/{project}/{stack}.json")


def test_the_preview_role_reads_what_the_deploy_role_manages(deployed):
    stack, run = deployed
    preview = concrete("preview-permissions.json", stack)
    for rule in run.of_type("aws:cloudwatch/eventRule:EventRule"):
        assert allowed(preview, "events:DescribeRule", rule.outputs["arn"])
    (bus,) = run.of_type("aws:cloudwatch/eventBus:EventBus")
    assert allowed(preview, "events:DescribeEventBus", bus.outputs["arn"])
