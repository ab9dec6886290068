"""Problems: each names the key path, the bad value and the fix; secrets are never shown."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from genesys import endpoints
from settings.keys import PROJECT


@dataclass(frozen=True)
class Problem:
    key: str
    value: Any
    message: str
    hidden: bool = False
    """The value is a secret (its key is stored as one): shown as ``(hidden)``."""

    def __str__(self) -> str:
        if self.value is MISSING:
            shown = "(not set)"
        elif self.hidden or looks_secret(self.key):
            shown = json.dumps(HIDDEN)
        else:
            shown = shown_json(_scrubbed(self.value))
        return f"{self.key} = {shown}: {self.message}"


SHOWN_CHARACTERS = 300
"""How much of a value a message shows: a 300-queue list is cut, not printed whole."""


def shown_json(value: Any, limit: int = SHOWN_CHARACTERS) -> str:
    """``value`` as JSON, cut to about ``limit`` characters: a long list or map shows its first
    items and ``… and 296 more``, a long string its start and ``…``."""
    text = json.dumps(value, default=str)
    if len(text) <= limit:
        return text
    if isinstance(value, Mapping | list | tuple):
        items = (
            [f"{json.dumps(str(k))}: {shown_json(v, limit // 2)}" for k, v in value.items()]
            if isinstance(value, Mapping)
            else [shown_json(v, limit // 2) for v in value]
        )
        kept: list[str] = []
        for item in items:
            if kept and sum(len(k) + 2 for k in kept) + len(item) > limit:
                break
            kept.append(item)
        rest = f", … and {len(items) - len(kept)} more" if len(kept) < len(items) else ""
        brackets = "{}" if isinstance(value, Mapping) else "[]"
        return f"{brackets[0]}{', '.join(kept)}{rest}{brackets[1]}"
    return f"{text[: limit - 2]}…{text[-1] if text.endswith(chr(34)) else ''}"


def cut(items: Sequence[str], shown: int) -> str:
    """``a, b, c … and 296 more``: a list that may be long, cut to ``shown`` items."""
    head = ", ".join(items[:shown])
    return head if len(items) <= shown else f"{head} … and {len(items) - shown} more"


HIDDEN = "(hidden)"
# A key whose name says it holds a credential: its value is never echoed, whatever the key is
# (a misspelt `genesys:clientsecret`, a `tags.apiToken`).
SECRET_NAME_RE = re.compile(
    r"secret|passw|passphrase|token|credential|private.?key|api.?key|access.?key|auth", re.IGNORECASE
)


# The only `genesys:` keys whose values may be shown. Any other `genesys:` key, however it is
# misspelt (`genesys:clientKey`, `genesys:cs`), may hold the client secret: never shown.
GENESYS_SHOWN = ("genesys:region", "genesys:apiUrl", "genesys:loginUrl", "genesys:clientId")


def looks_secret(key: str) -> bool:
    top = re.split(r"[.\[]", str(key), maxsplit=1)[0]
    if top.startswith("genesys:") and top not in GENESYS_SHOWN:
        return True
    return any(SECRET_NAME_RE.search(part) for part in re.split(r"[.:\[\]]", str(key)) if part)


def _scrubbed(value: Any) -> Any:
    """A value fit for a message: nested values under secret-looking names hidden, a user name
    or password inside a URL hidden."""
    if isinstance(value, Mapping):
        return {k: HIDDEN if looks_secret(str(k)) else _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(v) for v in value]
    if isinstance(value, str) and "://" in value and ("@" in value or "?" in value or "#" in value):
        return endpoints.shown(value)
    return value


def _config_key(problem_key: str) -> str:
    """``queues[2].target`` → ``genesys-queue-events:queues``; ``genesys:apiUrl`` stays."""
    top = re.split(r"[.\[]", problem_key, maxsplit=1)[0]
    return top if ":" in top else f"{PROJECT}:{top}"


def _hide_secrets(problems: Sequence[Problem], secret_keys: Collection[str]) -> list[Problem]:
    """Mark every problem under a key stored as a secret; its value also leaves the message."""
    hidden: list[Problem] = []
    for problem in problems:
        top = _config_key(problem.key)
        if top in secret_keys or top.partition(":")[2] in secret_keys or problem.hidden:
            text = str(problem.value)
            message = problem.message.replace(text, HIDDEN) if len(text) >= 4 else problem.message
            hidden.append(replace(problem, message=message, hidden=True))
        else:
            hidden.append(problem)
    return hidden


class SettingsError(ValueError):
    """The stack configuration has problems; ``problems`` lists every one. A value under a key
    in ``secret_keys``, or under a secret-looking name, is shown as ``(hidden)``."""

    def __init__(
        self,
        problems: Sequence[Problem],
        source: str = "stack configuration",
        secret_keys: Collection[str] = (),
    ):
        self.problems = _hide_secrets(problems, secret_keys)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"The {source} has {len(self.problems)} problem(s); nothing was deployed.\n{lines}")


MISSING: Any = object()


def closest(word: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Sequence[str]) -> str:
    match = closest(word, choices)
    return f"did you mean {match!r}?" if match else f"known keys are {cut(choices, 30)}"


class Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, key: str, value: Any, message: str) -> None:
        self.problems.append(Problem(key, value, message))

    def unknown_keys(self, where: str, mapping: Mapping[str, Any], known: Sequence[str]) -> None:
        for k in mapping:
            if k not in known:
                key = f"{where}.{k}" if where else k
                self.unknown_key(key, mapping[k], str(k), known)

    def unknown_key(self, key: str, value: Any, word: str, known: Sequence[str]) -> None:
        """An unknown key; its value hidden when the key it was meant to be holds a secret
        (``genesys:clientSecert``)."""
        meant = closest(word, known)
        self.problems.append(
            Problem(
                key, value, f"unknown key; {suggest(word, known)}", hidden=bool(meant and looks_secret(meant))
            )
        )

    def section(self, key: str, value: Any, known: Sequence[str], shape: str) -> Mapping[str, Any] | None:
        """An object section: None (with ``must be <shape>``) if it is not one; else the section,
        with its unknown keys reported."""
        if not isinstance(value, Mapping):
            self.add(key, value, f"must be {shape}")
            return None
        self.unknown_keys(key, value, known)
        return value

    def integer(self, key: str, value: Any, low: int, high: int | None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(key, value, "must be a whole number")
            return None
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"at least {low}"
            self.add(key, value, f"must be {bound}")
            return None
        return value

    def boolean(self, key: str, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.add(key, value, "must be true or false")
            return None
        return value
