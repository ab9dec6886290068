"""components.outputs.combine: Output.all's values, dependencies, secrecy and unknowns, with each
value handed over whole rather than rebuilt as one Output per nested value."""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi
import pytest
from pulumi.output import Output, _OutputData

from components.outputs import combine


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture(autouse=True)
def mocks():
    pulumi.runtime.set_mocks(Mocks(), preview=False)


def data(output: Output[Any]) -> _OutputData[Any]:
    return asyncio.get_event_loop().run_until_complete(output._data)


def resolved(value: Any, *, known: bool = True) -> Output[Any]:
    """An Output as a resource's output property arrives: one Output holding the whole value."""
    future: asyncio.Future[_OutputData[Any]] = asyncio.Future()
    future.set_result(_OutputData(resources=set(), value=value, is_known=known, is_secret=False))
    return Output._from_data(future)


def test_the_values_come_whole_in_order_with_every_dependency():
    table = {f"queue-{i}": {"id": i, "pattern": {"detail": [i]}} for i in range(500)}
    resource = pulumi.CustomResource("test:index:Thing", "thing", {})
    first = resolved(table)
    second = resource.urn.apply(lambda _: "source")
    combined = data(combine(first, second))
    assert combined.is_known and not combined.is_secret
    assert combined.value == (table, "source")
    assert combined.value[0] is table  # handed over, not rebuilt value by value
    assert data(Output.all(resolved(table))).value[0] is not table  # what Output.all does
    assert resource in combined.resources


def test_a_secret_stays_secret_and_an_unknown_stays_unknown():
    assert data(combine(Output.secret("token"), Output.from_input("x"))).is_secret
    result = data(combine(resolved(None, known=False), resolved({"a": 1})))
    assert not result.is_known
