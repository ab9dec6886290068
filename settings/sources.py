"""Where values come from: the running stack's Pulumi config, or a stack file."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from settings.keys import PROJECT, PROJECT_KEYS, STRING_KEYS
from settings.model import Settings
from settings.parse import parse
from settings.problems import Problem


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
        if short in STRING_KEYS and not isinstance(values[short], str | dict):
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


class StackFileError(ValueError):
    """A stack file cannot be read: missing, unreadable, or not YAML. The message is one line."""


STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")


def read_stack_file(path: str | Path) -> dict[str, Any]:
    """The stack file's document, or :class:`StackFileError` naming the file (and, for YAML, the
    line and column)."""
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StackFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise StackFileError(
            f"{path}: not UTF-8 text; save it as UTF-8 (Pulumi reads stack files as UTF-8)"
        ) from None
    except OSError as e:
        raise StackFileError(f"{path}: cannot be read ({e.strerror})") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise StackFileError(f"{where}: not valid YAML: {e.problem}") from None
    except yaml.YAMLError as e:
        raise StackFileError(f"{path}: not valid YAML: {e}") from None
    if doc is None:
        return {}
    if not isinstance(doc, Mapping) or not isinstance(doc.get("config", {}) or {}, Mapping):
        raise StackFileError(f"{path}: a stack file is a map with a `config:` map of keys")
    return dict(doc)


def misplaced_keys(doc: Mapping[str, Any], project: str = PROJECT) -> list[Problem]:
    """Config keys written at the top of the file instead of under ``config:``: Pulumi ignores
    them, so the stack would run without them."""
    return [
        Problem(
            str(key),
            value,
            "is outside `config:`, where Pulumi ignores it; indent it under `config:`",
        )
        for key, value in doc.items()
        if key not in STACK_FILE_KEYS and (":" in str(key) or str(key) in PROJECT_KEYS)
    ]


def load_stack_file(path: str | Path, project: str = PROJECT) -> tuple[dict[str, Any], list[str]]:
    """Read a ``Pulumi.<stack>.yaml`` with PyYAML → (values, secret keys), as the CLI would
    hand them to the program."""
    return stack_values(read_stack_file(path), project)


def stack_values(doc: Mapping[str, Any], project: str = PROJECT) -> tuple[dict[str, Any], list[str]]:
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
