"""Stack configuration → typed, frozen, validated settings.

Every problem in the configuration is collected and reported at once, each naming the key path
(``queues[2].id``), the bad value and the fix, before the program registers any resource.
The contract is in shared/DESIGN.md ("Stack configuration").

The package reads plain values only, so the same checks run from the program (Pulumi config)
and from the command line over a stack file (``python -m settings Pulumi.dev.yaml``):

- ``keys``: the configuration keys, their bounds and shapes, and what each means;
- ``model``: the frozen settings the program reads, and their defaults;
- ``problems``: problems and their messages (secrets never shown);
- ``parse``: the entry point; ``queues`` and ``sections`` its validators;
- ``sources``: the running stack's Pulumi config, or a stack file;
- ``cli``: ``python -m settings``.
"""

from settings.keys import PROJECT
from settings.model import (
    AlarmSettings,
    CustomEvents,
    LambdaTarget,
    QueueRef,
    QueueRoute,
    RetryPolicy,
    Settings,
    slug,
)
from settings.parse import parse
from settings.problems import Problem, SettingsError
from settings.queues import check_target_accounts
from settings.sections import check_default_suffix
from settings.sources import decode_pulumi_config, from_pulumi_config, load_stack_file

__all__ = [
    "PROJECT",
    "AlarmSettings",
    "CustomEvents",
    "LambdaTarget",
    "Problem",
    "QueueRef",
    "QueueRoute",
    "RetryPolicy",
    "Settings",
    "SettingsError",
    "check_default_suffix",
    "check_target_accounts",
    "decode_pulumi_config",
    "from_pulumi_config",
    "load_stack_file",
    "parse",
    "slug",
]
