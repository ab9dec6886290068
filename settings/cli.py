"""``python -m settings``: check stack files as the program would, without credentials."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from components import naming
from genesys import endpoints
from settings.keys import PROJECT
from settings.parse import parse
from settings.problems import SettingsError
from settings.sources import load_stack_file


def main(argv: Sequence[str]) -> int:
    """``python -m settings Pulumi.dev.yaml [...]``: report every config problem of stack
    files exactly as the program would, without the Pulumi CLI or any cloud credential."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m settings", description=main.__doc__)
    parser.add_argument("files", nargs="*", metavar="Pulumi.<stack>.yaml")
    parser.add_argument("--rule-prefix", metavar="STACK", help="print the stack's rule-name prefix and exit")
    parser.add_argument(
        "--organization",
        default="organization",
        help="the stack's organisation (self-managed backends: organization)",
    )
    args = parser.parse_args(argv)
    if args.rule_prefix:
        print(naming.rule_name_prefix(args.organization, PROJECT, args.rule_prefix))
        return 0
    if not args.files:
        parser.print_usage(sys.stderr)
        return 2
    failed = False
    for name in args.files:
        values, secrets = load_stack_file(name)
        region = values.get("aws:region")
        try:
            # Credentials are supplied by CI at deploy time; presence is not this check's job.
            parse(
                values,
                aws_region=str(region) if region else None,
                environ={
                    "GENESYS_CLIENT_ID": "-",
                    "GENESYS_CLIENT_SECRET": "-",
                    # The endpoint opt-in is the caller's, from its own environment.
                    endpoints.ALLOW_CUSTOM_ENDPOINTS: os.environ.get(endpoints.ALLOW_CUSTOM_ENDPOINTS, ""),
                },
                secret_keys=secrets,
            )
            print(f"{name}: ok")
        except SettingsError as e:
            failed = True
            print(f"{name}: {e}", file=sys.stderr)
    return 1 if failed else 0
