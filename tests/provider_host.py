"""Pulumi's own dynamic-provider host, started and driven over gRPC as the engine does.

The engine runs ``python -m pulumi.dynamic`` in the program's directory and virtualenv, reads
the port it prints, and calls the ``ResourceProvider`` service: Configure with the stack config
(secrets included), then Check / Diff / Create / Read / Update / Delete with the serialised
provider in each request's ``__provider`` property. So do we.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import provider_pb2_grpc

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "genesys-queue-events"
# How Pulumi marks a secret in a property struct (pulumi.runtime.rpc).
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def struct(values: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update({k: v for k, v in values.items() if v is not None})
    return s


def unwrap_secrets(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v["value"] if isinstance(v, dict) and SECRET_SIG.items() <= v.items() else v
        for k, v in values.items()
    }


def plain(s: struct_pb2.Struct) -> dict[str, Any]:
    return unwrap_secrets(json_format.MessageToDict(s))


def secret(value: str) -> dict[str, Any]:
    return {**SECRET_SIG, "value": value}


class HostError(RuntimeError):
    """The host answered a call with an error (its traceback is the message)."""


class ProviderHost:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115  # closed in __exit__
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi.dynamic"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env={**os.environ, "PULUMI_PROJECT": PROJECT, **(env or {})},
        )
        assert self.process.stdout is not None
        port = self.process.stdout.readline().decode().strip()
        if not port.isdigit():
            self.close()
            raise RuntimeError(f"the provider host did not print its port: {port!r}\n{self.log()}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.accepts_secrets = False

    def props(self, values: dict[str, Any]) -> struct_pb2.Struct:
        # The engine sends secrets to a provider only if its Configure said it accepts them;
        # the dynamic-provider host says it does not, so they arrive as plain values.
        return struct(values if self.accepts_secrets else unwrap_secrets(values))

    def close(self) -> None:
        if getattr(self, "channel", None) is not None:
            self.channel.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def __enter__(self) -> ProviderHost:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self.stderr.close()

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=60)
        except grpc.RpcError as e:
            raise HostError(f"{method}: {e.details()}") from None

    # -- the ResourceProvider service ------------------------------------------------------

    def configure(self, config: dict[str, Any]) -> None:
        response = self._call("Configure", proto.ConfigureRequest(args=struct(config), acceptSecrets=True))
        self.accepts_secrets = response.acceptSecrets

    def check(
        self, urn: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self._call(
            "Check", proto.CheckRequest(urn=urn, olds=self.props(olds), news=self.props(news))
        )
        return plain(response.inputs), [(f.property, f.reason) for f in response.failures]

    def create(self, urn: str, properties: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self._call("Create", proto.CreateRequest(urn=urn, properties=self.props(properties)))
        return response.id, plain(response.properties)

    def diff(self, urn: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        return self._call(
            "Diff", proto.DiffRequest(urn=urn, id=id_, olds=self.props(olds), news=self.props(news))
        )

    def read(self, urn: str, id_: str, properties: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self._call("Read", proto.ReadRequest(urn=urn, id=id_, properties=self.props(properties)))
        return response.id, plain(response.properties)

    def update(self, urn: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        response = self._call(
            "Update", proto.UpdateRequest(urn=urn, id=id_, olds=self.props(olds), news=self.props(news))
        )
        return plain(response.properties)

    def delete(self, urn: str, id_: str, properties: dict[str, Any]) -> None:
        self._call("Delete", proto.DeleteRequest(urn=urn, id=id_, properties=self.props(properties)))


def genesys_config(url: str, client_id: str, client_secret: str) -> dict[str, Any]:
    """The stack config the engine hands the host: the double's URLs, the secret as a secret."""
    return {
        "genesys:apiUrl": url,
        "genesys:loginUrl": url,
        "genesys:clientId": client_id,
        "genesys:clientSecret": secret(client_secret),
    }


def urn(type_: str, name: str, stack: str = "dev") -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"
