"""Genesys' own models (purecloudplatformclientv2, a dev dependency) as a strict reader.

The SDK's deserializer is lenient: it drops a field it does not know and turns an enum value it
does not know into ``outdated_sdk_version``. :func:`problems` walks the same models
(``swagger_types`` / ``attribute_map``) and reports both instead, with the path to the field,
so a test can require that a payload is exactly what Genesys' models describe.
"""

from __future__ import annotations

import re
from typing import Any

import PureCloudPlatformClientV2 as sdk

from genesys.topics import TOPIC_PREFIX

PRIMITIVES: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "int": int,
    "float": (int, float),
    "bool": bool,
    "object": object,
}
# What the SDK's deserializer accepts as a date: an ISO 8601 string.
DATES = ("date", "datetime")

# The model class of each conversation detail topic's eventBody (the SDK's names).
EVENT_MODELS = {
    "acd.start": "AcdStartDetailEventTopicAcdStartEvent",
    "acd.end": "AcdEndDetailEventTopicAcdEndEvent",
    "acw": "AcwDetailEventTopicAfterCallWorkEvent",
    "user.start": "UserStartDetailEventTopicUserStartEvent",
    "user.end": "UserEndDetailEventTopicUserEndEvent",
    "voicemail.start": "VoicemailStartDetailEventTopicVoicemailStartEvent",
    "voicemail.end": "VoicemailEndDetailEventTopicVoicemailEndEvent",
    "wrapup": "WrapupDetailEventTopicWrapupEvent",
    "customer.start": "CustomerStartDetailEventTopicCustomerStartEvent",
    "customer.end": "CustomerEndDetailEventTopicCustomerEndEvent",
    "flow.start": "FlowStartDetailEventTopicFlowStartEvent",
    "flow.end": "FlowEndDetailEventTopicFlowEndEvent",
    "flow.outcome": "FlowOutcomeDetailEventTopicFlowOutcomeEvent",
    "attributes": "AttributeDetailEventTopicAttributeUpdateEvent",
    "contact": "ContactDetailEventTopicContactUpdateEvent",
    "outbound": "OutboundDetailEventTopicOutboundInitEvent",
}


def event_model(detail_type: str) -> str:
    return EVENT_MODELS[detail_type.removeprefix(TOPIC_PREFIX)]


def problems(data: Any, klass: str, path: str = "$") -> list[str]:
    """Everything in ``data`` that Genesys' model ``klass`` does not describe: unknown fields,
    enum values outside the model's list, values of the wrong JSON type."""
    if data is None:
        return []
    if m := re.fullmatch(r"list\[(.*)\]", klass):
        if not isinstance(data, list):
            return [f"{path}: expected a list, got {type(data).__name__}"]
        return [p for i, item in enumerate(data) for p in problems(item, m.group(1), f"{path}[{i}]")]
    if m := re.fullmatch(r"dict\(([^,]*), (.*)\)", klass):
        if not isinstance(data, dict):
            return [f"{path}: expected an object, got {type(data).__name__}"]
        return [p for k, v in data.items() for p in problems(v, m.group(2), f"{path}.{k}")]
    if klass in PRIMITIVES:
        expected = PRIMITIVES[klass]
        ok = isinstance(data, expected) and not (klass in ("int", "float") and isinstance(data, bool))
        return [] if ok else [f"{path}: expected {klass}, got {data!r}"]
    if klass in DATES:
        return [] if isinstance(data, str) else [f"{path}: expected an ISO 8601 {klass}, got {data!r}"]
    model = getattr(sdk, klass)()
    if not isinstance(data, dict):
        return [f"{path}: expected a {klass} object, got {type(data).__name__}"]
    by_json = {json_name: attr for attr, json_name in model.attribute_map.items()}
    found = [f"{path}.{k}: not a field of {klass}" for k in data if k not in by_json]
    for key, value in data.items():
        attr = by_json.get(key)
        if attr is None:
            continue
        kind = model.swagger_types[attr]
        found += problems(value, kind, f"{path}.{key}")
        if kind == "str" and isinstance(value, str):
            setattr(model, attr, value)  # the model's own setter checks its enum, if it has one
            if getattr(model, attr) == "outdated_sdk_version":
                found.append(f"{path}.{key}: {value!r} is not one of {klass}'s values")
    return found
