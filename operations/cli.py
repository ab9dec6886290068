"""One argparse entry point; each subcommand is a module with ``register(subparsers, common)``.

A user's mistake (unknown stack or queue, no archive, no credentials, AWS refusing a call) is
one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from operations import dead_letters, diff, plan, replay
from operations.stack import OperationError

# Every subcommand, in the order `--help` lists them. A new one adds its module here.
SUBCOMMANDS = (plan, diff, replay, dead_letters)


def common_options() -> argparse.ArgumentParser:
    """Where the stack's outputs come from: every subcommand takes these."""
    common = argparse.ArgumentParser(add_help=False)
    source = common.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--stack", metavar="NAME", help="read the outputs with `pulumi stack output --json --stack NAME`"
    )
    source.add_argument(
        "--outputs", metavar="FILE", help="read the outputs from a file of `pulumi stack output --json`"
    )
    return common


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m operations",
        description="See what a stack will create and what a change does (offline); replay a queue's events "
        "from the archive; list and redrive dead letters.",
    )
    subparsers = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = common_options()
    for module in SUBCOMMANDS:
        module.register(subparsers, common)
    return top


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 (one exit per kind of failure)
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except OperationError as e:
        return _fail(str(e))
    except (NoCredentialsError, PartialCredentialsError):
        return _fail(
            "no AWS credentials found; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            "for the stack's account"
        )
    except EndpointConnectionError as e:
        return _fail(f"cannot reach AWS: {e}")
    except ClientError as e:
        error = e.response.get("Error", {})
        return _fail(f"AWS refused {e.operation_name}: {error.get('Code')}: {error.get('Message')}")
    except BotoCoreError as e:
        return _fail(f"AWS SDK: {e}")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
