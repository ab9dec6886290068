"""Where values come from: the running stack's Pulumi config, or a stack file."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from settings.keys import PROJECT, STRING_KEYS
from settings.model import Settings
from settings.parse import parse


def _short_key(key: str, project: str) -> str:
    """``genesys-queue-events:queues`` → ``queues``; keys of other namespaces stay whole."""
    namespace, _, name = key.partition(":")
    return name if namespace == project else key


def decode_pulumi_config(raw: Mapping[str, str], project: str = PROJECT) -> dict[str, Any]:
    """Pulumi hands structured config to programs as JSON text; decode it back to values.

    Keys in the project namespace lose their prefix; other namespaces keep theirs.
    """
    values: dict[str, Any] = {}
    for key, text in raw.items():
        short = _short_key(key, project)
        if key.partition(":")[0] not in (project, "genesys"):
            values[short] = text
            continue
        try:
            values[short] = json.loads(text)
        except (TypeError, ValueError):
            values[short] = text
        # A bare id or name that happens to parse as a number stays the string it was.
        if short in STRING_KEYS and not isinstance(values[short], str):
            values[short] = text
    return values


def from_pulumi_config() -> Settings:
    """Settings from the running stack's config (what `pulumi config` holds)."""
    from pulumi.runtime import config as runtime_config

    # The language host hands config over either as the process's config map or through
    # PULUMI_CONFIG; take both, the map winning.
    raw = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env())
    secret_keys.update(k for k in raw if runtime_config.is_config_secret(k))
    values = decode_pulumi_config(raw)
    region = values.get("aws:region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    return parse(values, aws_region=region, secret_keys=sorted(secret_keys))


def load_stack_file(path: str | Path, project: str = PROJECT) -> tuple[dict[str, Any], list[str]]:
    """Read a ``Pulumi.<stack>.yaml`` with PyYAML → (values, secret keys), as the CLI would
    hand them to the program."""
    import yaml

    doc = yaml.safe_load(Path(path).read_text()) or {}
    config = doc.get("config") or {}
    values: dict[str, Any] = {}
    secrets: list[str] = []
    for key, value in config.items():
        short = _short_key(str(key), project)
        if isinstance(value, Mapping) and set(value) == {"secure"}:
            secrets.append(str(key))
            values[short] = "(secret)"
        else:
            values[short] = value
    return values, secrets
