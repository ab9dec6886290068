"""No secret in any settings message: a value under a key stored as a secret, or under a name
that looks like a secret, is shown as ``(hidden)``, by the program and by ``python -m settings``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pulumi
import pytest

import settings
from mockrun import ACCOUNT, FUNCTION, REGION, base_config, run_program

ROOT = Path(__file__).resolve().parent.parent
SECRET = "Recognisable-Secret-3b9d"
ENV = {"GENESYS_CLIENT_ID": "x", "GENESYS_CLIENT_SECRET": "x"}
QUEUE = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"


def message(values, secret_keys=()):
    config = {"queues": [QUEUE], "target": FUNCTION, **values}
    with pytest.raises(settings.SettingsError) as raised:
        settings.parse(config, aws_region=REGION, environ=ENV, secret_keys=secret_keys)
    return str(raised.value)


def test_a_secret_under_a_misspelt_key_is_never_echoed():
    text = message({"genesys:clientsecret": SECRET}, secret_keys=["genesys:clientsecret"])
    assert SECRET not in text
    assert "genesys:clientsecret = \"(hidden)\": unknown key; did you mean 'genesys:clientSecret'?" in text


def test_a_value_under_a_key_meant_to_be_a_secret_is_hidden_even_when_the_typo_hides_that():
    # "clientSecert" does not look like a secret, but the key it was meant to be does.
    text = message({"genesys:clientSecert": SECRET})
    assert SECRET not in text
    assert "genesys:clientSecert = \"(hidden)\": unknown key; did you mean 'genesys:clientSecret'?" in text


def test_a_token_in_a_url_query_is_not_echoed():
    text = message({"genesys:apiUrl": f"http://evil.example/?token={SECRET}#{SECRET}"})
    assert SECRET not in text
    assert "http://evil.example/?(hidden)#(hidden)" in text


def test_a_plaintext_value_under_a_secret_looking_name_is_hidden_too():
    for key in ("genesys:clientsecret", "genesys:client_secret", "genesys:password", "apiToken"):
        text = message({key: SECRET})
        assert SECRET not in text, key
        assert f'{key} = "(hidden)"' in text


def test_any_key_stored_as_a_secret_is_hidden_even_under_an_innocent_name():
    text = message({"eventBus": f"{SECRET} !"}, secret_keys=["genesys-queue-events:eventBus"])
    assert SECRET not in text
    assert 'eventBus = "(hidden)"' in text


def test_a_secret_project_key_is_hidden_below_its_top_level_too():
    text = message(
        {"retry": {"maximumRetryAttempts": 999, "maximumEventAgeSeconds": 60}},
        secret_keys=["genesys-queue-events:retry"],
    )
    assert "999" not in text
    assert 'retry.maximumRetryAttempts = "(hidden)": must be from 0 to 185' in text


def test_secret_looking_names_inside_a_shown_value_are_hidden():
    text = message({"queues": [{"id": QUEUE, "name": "Care", "password": SECRET}]})
    assert SECRET not in text
    assert '"password": "(hidden)"' in text


def test_a_user_name_and_password_in_a_url_are_hidden():
    text = message({"genesys:apiUrl": f"https://user:{SECRET}@api.mypurecloud.ie"})
    assert SECRET not in text and "user:" not in text
    assert "(hidden)@api.mypurecloud.ie" in text


def test_innocent_values_are_still_shown():
    text = message({"retry": {"maximumRetryAttempts": 999}})
    assert "retry.maximumRetryAttempts = 999" in text


def test_the_account_check_hides_a_target_stored_as_a_secret():
    target = FUNCTION.replace(ACCOUNT, "999999999999")
    stack = settings.parse(
        {"queues": [QUEUE], "target": target},
        aws_region=REGION,
        environ=ENV,
        secret_keys=["genesys-queue-events:target"],
    )
    with pytest.raises(settings.SettingsError) as raised:
        settings.check_target_accounts(stack, ACCOUNT)
    assert target not in str(raised.value)
    assert 'target = "(hidden)"' in str(raised.value)


def test_the_program_hides_a_misspelt_secret_key(monkeypatch):
    monkeypatch.delenv("GENESYS_CLIENT_ID", raising=False)
    config = base_config(**{"genesys:clientsecret": SECRET})
    with pytest.raises(pulumi.RunError) as raised:
        run_program(config, secret_keys=("genesys:clientSecret", "genesys:clientsecret"))
    assert SECRET not in str(raised.value)
    assert 'genesys:clientsecret = "(hidden)"' in str(raised.value)


def test_the_stack_file_check_never_prints_it(tmp_path):
    stack = tmp_path / "Pulumi.probe.yaml"
    text = (ROOT / "Pulumi.dev.yaml").read_text().rstrip("\n")
    stack.write_text(
        f"{text}\n  genesys:clientsecret: {SECRET}\n"
        f"  genesys-queue-events:apiKey:\n    secure: AAABAG{SECRET}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "settings", str(stack)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert SECRET not in output
    assert 'genesys:clientsecret = "(hidden)"' in output
    assert 'apiKey = "(hidden)"' in output


@pytest.mark.parametrize(
    "key", ["genesys:clientKey", "genesys:cs", "genesys:password2", "genesys:clientsecret"]
)
def test_no_value_of_an_unknown_genesys_key_is_printed(tmp_path, key):
    # Under `config:` and, misplaced, at the top of the file: neither value is printed.
    stack = tmp_path / "Pulumi.probe.yaml"
    text = (ROOT / "Pulumi.dev.yaml").read_text().rstrip("\n")
    stack.write_text(f"{key}: top-{SECRET}\n{text}\n  {key}: {SECRET}\n")
    result = subprocess.run(
        [sys.executable, "-m", "settings", str(stack)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert SECRET not in output
    assert output.count(f'{key} = "(hidden)"') == 2, output
    assert "Traceback" not in output


def test_the_program_never_prints_an_unknown_genesys_keys_value(monkeypatch):
    with pytest.raises(pulumi.RunError) as raised:
        run_program(base_config(**{"genesys:clientKey": SECRET}))
    assert SECRET not in str(raised.value)
    assert "genesys:clientKey = \"(hidden)\": unknown key; did you mean 'genesys:clientId'?" in str(
        raised.value
    )
