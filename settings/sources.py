"""Where values come from: the running stack's Pulumi config, or a stack file."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from settings.keys import PROJECT, PROJECT_KEYS, STRING_KEYS
from settings.model import Settings
from settings.parse import parse
from settings.problems import Problem, cut


def _short_key(key: str, project: str) -> str:
    """``genesys-queue-events:queues`` → ``queues``; keys of other namespaces stay whole."""
    namespace, _, name = key.partition(":")
    return name if namespace == project else key


def decode_pulumi_config(raw: Mapping[str, str], project: str = PROJECT) -> dict[str, Any]:
    """Pulumi hands structured config to programs as JSON text; decode it back to values.

    Keys in the project namespace lose their prefix; other namespaces keep theirs.
    """
    from settings import documents

    values: dict[str, Any] = {}
    for key, text in raw.items():
        short = _short_key(key, project)
        if key.partition(":")[0] not in (project, "genesys"):
            values[short] = text
            continue
        try:  # Pulumi's own YAML reader lets deep nesting through: bounded as a stack file is
            values[short] = documents.load_json(text, key, "")
        except (TypeError, documents.DocumentError):
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
    """A stack file cannot be read: missing, unreadable, too large or deep, or not YAML. One line a
    problem (each duplicate key is one)."""


STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")


def read_stack_file(path: str | Path) -> dict[str, Any]:
    """The stack file's document, or :class:`StackFileError` naming the file (and, for YAML, the
    line and column). Read within bounds, duplicate keys refused (settings/documents.py)."""
    from settings import documents

    try:
        documents.refuse_size(Path(path).stat().st_size, str(path))  # before reading it into memory
        text = Path(path).read_text(encoding="utf-8")
    except documents.DocumentError as e:
        raise StackFileError(str(e)) from None
    except FileNotFoundError:
        raise StackFileError(missing_file_message(Path(path))) from None
    except UnicodeDecodeError:
        raise StackFileError(
            f"{path}: not UTF-8 text; save it as UTF-8 (Pulumi reads stack files as UTF-8)"
        ) from None
    except OSError as e:
        raise StackFileError(f"{path}: cannot be read ({e.strerror})") from None
    try:
        doc = documents.load_yaml(text, str(path))
    except documents.DocumentError as e:
        raise StackFileError(str(e)) from None
    if doc is None:
        return {}
    if not isinstance(doc, Mapping) or not isinstance(doc.get("config", {}) or {}, Mapping):
        raise StackFileError(f"{path}: a stack file is a map with a `config:` map of keys")
    return dict(doc)


STACK_FILE_RE = re.compile(r"^Pulumi\.(?P<stack>[A-Za-z0-9_.-]{1,100})\.ya?ml$")
"""A stack name is what Pulumi accepts: 1 to 100 letters, digits, `-`, `_` or `.` (`prod.eu`)."""


def missing_file_message(path: Path) -> str:
    """What exists instead, and how to start the stack."""
    folder = path.parent
    found = sorted(p.name for p in folder.glob("Pulumi.*.y*ml") if STACK_FILE_RE.match(p.name))
    where = "here" if str(folder) in ("", ".") else f"in {folder}"
    match = STACK_FILE_RE.match(path.name)
    stack = match.group("stack") if match else "<stack>"
    start = (
        f"start it by copying one (cp {found[0]} {path.name}) and editing its values, or with "
        f'`pulumi stack init {stack}` and `pulumi config set` (README, "Working with stacks")'
        if found
        else f"start one with `pulumi stack init {stack}`, or copy Pulumi.dev.yaml from the repository"
    )
    existing = f"the stack files {where} are {cut(found, 10)}" if found else f"there is no stack file {where}"
    return f"{path}: no such file; {existing}; {start}"


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
