"""``python -m settings``: check stack files as the program would, without credentials.

Every file named is checked, one verdict a file; the exit status is 1 if any failed, 2 for a
wrong command line. A user's mistake (a missing file, broken YAML, a bad value) is one clear
message, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from components import naming
from genesys import endpoints
from settings import schema
from settings.keys import PROJECT
from settings.model import Settings
from settings.parse import parse
from settings.problems import SettingsError
from settings.queues import one_account
from settings.sections import check_default_suffix
from settings.sources import STACK_FILE_RE, StackFileError, misplaced_keys, read_stack_file, stack_values


def check_file(name: str) -> str | None:
    """None if the stack file is fine, else what is wrong with it."""
    try:
        doc = read_stack_file(name)
    except StackFileError as e:
        return str(e)
    values, secrets = stack_values(doc)
    misplaced = misplaced_keys(doc)
    try:
        stack = parse_offline(values, secrets)
    except SettingsError as e:
        return f"{name}: {SettingsError([*misplaced, *e.problems], secret_keys=secrets)}"
    # What the preview would refuse once it knows the account, said now.
    problems = [*misplaced, *one_account(stack)]
    # And what the program refuses once it knows the stack's name, which is in the file's name.
    named = STACK_FILE_RE.match(os.path.basename(name))
    if named is not None:
        try:
            check_default_suffix(stack, named.group("stack"))
        except SettingsError as e:
            problems.extend(e.problems)
    if problems:
        return f"{name}: {SettingsError(problems, secret_keys=secrets)}"
    return None


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m settings",
        description="Report every config problem of stack files exactly as the program would, without "
        "the Pulumi CLI or any cloud credential.",
    )
    parser.add_argument("files", nargs="*", metavar="Pulumi.<stack>.yaml")
    parser.add_argument("--schema", action="store_true", help="print the stack files' JSON Schema and exit")
    parser.add_argument("--readme-table", action="store_true", help="print the README's configuration table")
    parser.add_argument("--rule-prefix", metavar="STACK", help="print the stack's rule-name prefix and exit")
    parser.add_argument(
        "--organization",
        default="organization",
        help="the stack's organisation (self-managed backends: organization)",
    )
    args = parser.parse_args(argv)
    if args.schema:
        sys.stdout.write(schema.schema_text())
        return 0
    if args.readme_table:
        sys.stdout.write(schema.readme_table())
        return 0
    if args.rule_prefix:
        print(naming.rule_name_prefix(args.organization, PROJECT, args.rule_prefix))
        return 0
    if not args.files:
        parser.print_usage(sys.stderr)
        print("python -m settings: name at least one stack file, e.g. Pulumi.dev.yaml", file=sys.stderr)
        return 2
    failed = 0
    for name in args.files:
        problem = check_file(name)
        if problem is None:
            print(f"{name}: ok")
        else:
            failed += 1
            print(problem, file=sys.stderr)
    if len(args.files) > 1:
        print(
            f"{len(args.files) - failed} ok, {failed} with problems",
            file=sys.stderr if failed else sys.stdout,
        )
    return 1 if failed else 0


def parse_offline(values: Mapping[str, Any], secrets: Sequence[str]) -> Settings:
    """Settings from a stack file's values, as the program would parse them, offline: credentials
    are supplied by CI at deploy time, so their presence is not this check's job."""
    region = values.get("aws:region")
    return parse(
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
