"""What the routing component leaves in state: its small outputs, not a second route table.

The stack exports the route table (`routes`, which the operations tool reads); the component
registering the same table as its own outputs would hold it twice in state, 1,000 entries each
for a 1,000-queue stack. Checked at the engine's boundary: what the component sends to the
(mock) engine with RegisterResourceOutputs.
"""

from __future__ import annotations

from mockrun import FUNCTION, base_config, run_program

COMPONENT = "genesys-queue-events:routing:QueueEventRouting"


def routing_outputs(run) -> dict:
    (urn,) = [urn for urn in run.registered_outputs if urn.endswith(f"{COMPONENT}::routing")]
    return run.registered_outputs[urn]


def test_the_component_registers_small_outputs_and_the_stack_exports_the_route_table():
    queues = [f"{i:08x}-aaaa-4bbb-8ccc-{i:012x}" for i in range(50)]
    run = run_program(base_config(queues=queues))

    outputs = routing_outputs(run)
    assert set(outputs) == {
        "event_bus_name",
        "dead_letter_queue_arn",
        "dead_letter_queue_url",
        "archive_name",
    }
    assert outputs["dead_letter_queue_arn"].startswith("arn:aws:sqs:")
    # No value the component registers carries a route: the table is held once, as the export.
    assert not any(queue in repr(outputs) for queue in queues)
    assert set(run.exports["routes"]) == set(queues)
    assert {route["targetArn"] for route in run.exports["routes"].values()} == {FUNCTION}
