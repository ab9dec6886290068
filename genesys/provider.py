"""What the two Genesys dynamic providers share: credentials from ``configure()`` and the
check-enriches-inputs contract.

The engine pickles a provider object into the state file (with dill) and unpickles it in the
provider host (``python -m pulumi.dynamic``), then calls ``configure()`` with the stack config.
So a provider object carries nothing: no client, session, lock, token or config. It reads the
credentials in ``configure()`` (the environment's pair, else the stack config's) and asks
:func:`genesys.client.shared_client` for the one client of the process.

``check()`` runs the verification and, when it passes, returns the inputs enriched with the
verified facts. The engine hands those back as the resource's outputs during ``pulumi
preview`` (dynamic providers do not preview their own creates), so a pull request's preview
shows the real event source and queue ids, and fails with the verification's message when
they are wrong. In a ``pulumi up`` the ``create()`` or ``update()`` that follows takes the same
facts from :mod:`genesys.run_cache` instead of asking Genesys a second time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from genesys import run_cache
from genesys.client import GenesysClient, check_endpoints, shared_client
from genesys.errors import GenesysError, GenesysNotFound
from genesys.regions import UnknownRegionError, endpoints_for

# What the engine passes for an input that is not known yet (pulumi.runtime.rpc.UNKNOWN).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROVIDER_KEY = "__provider"


class Unverified(GenesysError):
    """A verification failed: ``failures`` maps input properties to reasons."""

    def __init__(self, failures: list[tuple[str, str]]):
        self.failures = failures
        super().__init__("\n".join(reason for _, reason in failures))


@dataclass(frozen=True)
class Connection:
    """Everything needed to build a client; lives only in the provider host's memory."""

    region: str | None
    api_url: str | None
    login_url: str | None
    client_id: str | None
    client_secret: str | None

    @classmethod
    def from_config(cls, get: Any, environ: Mapping[str, str]) -> Connection:
        # The process's client wins over the stack file's, as a pair. CI gives each job its own:
        # a pull request's preview a read-only client, a deploy job its environment's. A client in
        # a stack file can be decrypted by whoever can run a preview of that stack, so it must
        # never be the one a preview uses in place of its own (README, "Security model"); it is
        # used only where the environment names none (a developer's own stack).
        env_id, env_secret = environ.get("GENESYS_CLIENT_ID"), environ.get("GENESYS_CLIENT_SECRET")
        from_environment = bool(env_id or env_secret)
        return cls(
            region=get("genesys:region"),
            api_url=get("genesys:apiUrl"),
            login_url=get("genesys:loginUrl"),
            client_id=env_id if from_environment else get("genesys:clientId"),
            client_secret=env_secret if from_environment else get("genesys:clientSecret"),
        )

    def __repr__(self) -> str:
        return f"Connection(region={self.region!r}, api_url={self.api_url!r})"

    def client(self) -> GenesysClient:
        if not self.client_id or not self.client_secret:
            raise GenesysError(
                "Genesys credentials are not configured: set GENESYS_CLIENT_ID and "
                "GENESYS_CLIENT_SECRET (both: when either is set, the stack config's client is not "
                "used), or run `pulumi config set genesys:clientId <id>` and `pulumi config set "
                "genesys:clientSecret --secret <secret>`."
            )
        try:
            endpoints = endpoints_for(self.region, self.api_url, self.login_url)
        except UnknownRegionError as e:
            raise GenesysError(str(e)) from None
        check_endpoints(endpoints)  # every time: the environment decides, not the cache
        return shared_client(endpoints, self.client_id, self.client_secret)


def has_unknowns(value: Any) -> bool:
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(has_unknowns(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_unknowns(v) for v in value)
    return False


def inputs_of(props: Mapping[str, Any], input_keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: props.get(k) for k in input_keys}


class GenesysProvider(ResourceProvider):
    """Base of the Genesys dynamic providers. Subclasses set ``input_keys`` and
    ``replace_on`` and implement :meth:`inspect`, :meth:`failures` and :meth:`resource_id`."""

    input_keys: tuple[str, ...] = ()
    replace_on: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self._connection: Connection | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Nothing of a configured provider goes into the state file.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._connection = None

    def configure(self, req: ConfigureRequest) -> None:
        self._connection = Connection.from_config(req.config.get, os.environ)

    def connection(self) -> Connection:
        return self._connection or Connection.from_config(lambda _key: None, os.environ)

    def client(self) -> GenesysClient:
        return self.connection().client()

    def inspect(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """Read what Genesys has now: the facts that become outputs besides the inputs.
        Raises GenesysError when the object cannot be found or read."""
        raise NotImplementedError

    def inspect_existing(self, id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """Like :meth:`inspect`, for a resource that exists: on a refresh, follow its id."""
        return self.inspect(inputs)

    def failures(self, inputs: dict[str, Any], facts: dict[str, Any]) -> list[tuple[str, str]]:
        """Judge the facts against what the stack needs: (input property, reason) pairs."""
        raise NotImplementedError

    def resource_id(self, facts: dict[str, Any]) -> str:
        raise NotImplementedError

    def _verified(self, props: Mapping[str, Any]) -> dict[str, Any]:
        inputs = inputs_of(props, self.input_keys)
        facts = self.inspect(inputs)
        failures = self.failures(inputs, facts)
        if failures:
            raise Unverified(failures)
        return {**inputs, **facts}

    def _run_key(self, props: Mapping[str, Any]) -> Any:
        return run_cache.key(type(self).__name__, self.connection(), inputs_of(props, self.input_keys))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = inputs_of(news, self.input_keys)
        if has_unknowns(inputs):
            # Not everything is known yet (a first preview); create() verifies later.
            return CheckResult(inputs, [])
        entry = self._run_key(inputs)
        try:
            outs = self._verified(inputs)
        except Unverified as e:
            run_cache.forget(entry)
            return CheckResult(inputs, [CheckFailure(p, r) for p, r in e.failures])
        except GenesysError as e:
            run_cache.forget(entry)
            return CheckResult(inputs, [CheckFailure(self.input_keys[0], str(e))])
        run_cache.remember(entry, outs)
        return CheckResult(outs, [])

    def _verified_in_this_run(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """What this run's check() verified for these inputs, else a fresh verification. The
        engine calls check() right before create() or update() in every deployment, and each
        check() replaces the entry, so an up never acts on what an earlier preview saw."""
        return run_cache.take(self._run_key(props)) or self._verified(props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = sorted(k for k in set(olds) | set(news) if k != PROVIDER_KEY and olds.get(k) != news.get(k))
        replaces = [k for k in changed if k in self.replace_on]
        return DiffResult(changes=bool(changed), replaces=replaces, stables=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._verified_in_this_run(props)
        return CreateResult(self.resource_id(outs), outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._verified_in_this_run(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # A refresh reports what Genesys has now, without judging it: the drift shows in the
        # refresh diff, and the next preview's check() says what to fix.
        inputs = inputs_of(props, self.input_keys)
        try:
            facts = self.inspect_existing(id_, inputs)
        except GenesysNotFound:
            return ReadResult("", {})
        return ReadResult(id_, {**inputs, **facts})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # A verification owns nothing in Genesys: there is nothing to delete.
        return None
