"""A recognisable client secret, and every token the Genesys double issues, must appear in no
registered input, no output, no provider blob, no exception and no log line: through the whole
program under mocks, and through the providers in Pulumi's own host over gRPC."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest

from conftest import CLIENT_ID
from genesys_double import Fault
from mockrun import base_config, run_program
from provider_host import HostError, ProviderHost, genesys_config, urn

SECRET = "Recognisable-Genesys-Secret-7f3a9c2e"
INTEGRATION = "pulumi-python:dynamic/genesys:EventBridgeIntegration"
QUEUES = "pulumi-python:dynamic/genesys:Queues"


def everything_said(value: Any) -> str:
    """A value as text, with provider blobs decoded, so a secret inside them shows too."""
    text = json.dumps(value, default=str)
    for blob in _blobs(value):
        text += base64.b64decode(blob).decode("latin-1")
    return text


def _blobs(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = []
        for k, v in value.items():
            if k == "__provider":
                found.append(v["value"] if isinstance(v, dict) else v)
            else:
                found.extend(_blobs(v))
        return found
    if isinstance(value, list):
        return [b for v in value for b in _blobs(v)]
    return []


def assert_nowhere(text: str, tokens: list[str]) -> None:
    assert SECRET not in text
    for token in tokens:
        assert token not in text


def test_the_secret_reaches_no_resource_output_or_log_of_the_program(caplog, capfd):
    caplog.set_level(logging.DEBUG)
    run = run_program(base_config(**{"genesys:clientSecret": SECRET}))
    said = everything_said(
        {
            "inputs": [r.inputs for r in run.resources],
            "outputs": [r.outputs for r in run.resources],
            "exports": run.exports,
            "calls": run.calls,
        }
    )
    assert "__provider" in said  # the blobs were searched too
    captured = capfd.readouterr()
    assert_nowhere(said + caplog.text + captured.out + captured.err, [])


def test_the_secret_and_tokens_reach_nothing_the_providers_answer_or_log(genesys):
    genesys.data["clients"] = {CLIENT_ID: SECRET}
    run = run_program(base_config(**{"genesys:clientSecret": SECRET}))
    answers: list[Any] = []
    with ProviderHost(env={"PYTHONUNBUFFERED": "1"}) as host:
        host.configure(genesys_config(genesys.url, CLIENT_ID, SECRET))
        for type_, name in ((INTEGRATION, "integration"), (QUEUES, "queues")):
            the_urn = urn(type_, name)
            inputs = run.one(type_).inputs
            checked, failures = host.check(the_urn, {}, inputs)
            assert failures == []
            id_, outs = host.create(the_urn, checked)
            answers += [
                checked,
                outs,
                host.read(the_urn, id_, outs),
                str(host.diff(the_urn, id_, outs, checked)),
            ]
        # Faults whose messages travel back to the user: rejected token, forbidden, server error.
        the_urn, inputs = urn(INTEGRATION, "integration"), run.one(INTEGRATION).inputs
        for fault in (Fault(status=401, times=2), Fault(status=403), Fault(status=500)):
            genesys.inject("/api/v2/integrations", fault)
            _, failures = host.check(the_urn, {}, inputs)
            assert failures, fault
            answers.append(failures)
        with pytest.raises(HostError) as raised:
            host.create(the_urn, {**inputs, "integration": "no-such-integration"})
        answers.append(str(raised.value))
        log = host.log()
    assert len(genesys.issued_tokens) >= 2  # a first token, and a fresh one after the 401
    assert_nowhere(everything_said(answers) + log, genesys.issued_tokens)
