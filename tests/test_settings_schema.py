"""The stack files' JSON Schema and the README's configuration table come from one source."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from settings import keys, schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "stack-file.schema.json"


def check_jsonschema(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA_FILE), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_committed_schema_is_what_python_m_settings_prints():
    printed = subprocess.run(
        [sys.executable, "-m", "settings", "--schema"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert printed == SCHEMA_FILE.read_text(), (
        "regenerate: python -m settings --schema > stack-file.schema.json"
    )
    json.loads(printed)


def test_the_readme_table_is_the_schemas_source():
    assert schema.readme_table() in (ROOT / "README.md").read_text()


def test_every_key_the_parser_knows_is_described():
    described = {name for doc in schema.KEY_DOCS for name in doc.names}
    assert described == {*keys.PROJECT_KEYS, *(f"genesys:{k}" for k in keys.GENESYS_KEYS)}


def test_every_stack_file_of_the_repository_is_valid():
    stack_files = sorted(ROOT.glob("Pulumi.*.yaml"))
    assert stack_files
    result = check_jsonschema(*stack_files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        (
            {"genesys-queue-events:queus": ["a1b2c3d4-e5f6-7890-abcd-ef1234567890"]},
            "genesys-queue-events:queus",
        ),
        ({"genesys:clientid": "x"}, "genesys:clientid"),
        ({"genesys-queue-events:lambdaPolicyBudgetBytes": 30000}, "30000"),
        ({"genesys-queue-events:tags": {"cost#centre": "cc-1"}}, "cost#centre"),
        ({"genesys-queue-events:queues": [{"name": "Billing", "enabeld": False}]}, "enabeld"),
        ({"genesys:region": "eu-west-9"}, "eu-west-9"),
    ],
    ids=["typo-project-key", "typo-genesys-key", "budget", "tag-key", "typo-queue-key", "region"],
)
def test_the_schema_refuses_what_the_settings_refuse(tmp_path, config, complaint):
    stack_file = tmp_path / "Pulumi.typo.yaml"
    stack_file.write_text(json.dumps({"config": {"aws:region": "eu-west-1", **config}}))
    result = check_jsonschema(stack_file)
    assert result.returncode == 1
    assert complaint in result.stdout


def test_other_namespaces_are_admitted(tmp_path):
    stack_file = tmp_path / "Pulumi.other.yaml"
    config = {
        "aws:region": "eu-west-1",
        "aws:profile": "contact-centre",
        "aws:assumeRoles": [{"roleArn": "arn:aws:iam::123456789012:role/deploy"}],
        "genesys:clientSecret": {"secure": "v1:abc"},
        "genesys-queue-events:queues": [{"name": "Billing", "enabled": False}],
    }
    stack_file.write_text(json.dumps({"config": config}))
    result = check_jsonschema(stack_file)
    assert result.returncode == 0, result.stdout
