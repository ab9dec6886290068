"""A dynamic provider defined where the provider host cannot import it.

dill pickles a provider class from an importable module by reference; the engine's host
(``python -m pulumi.dynamic`` in the project directory) must then import it. This module lives
under tests/, which is on the test process's path but not on the host's, like a provider
written in a notebook, a test or a helper script.
"""

from typing import Any

from pulumi.dynamic import CreateResult, ResourceProvider


class ProviderTheHostCannotImport(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult("never", {})
