"""``python -m operations``: see operations/cli.py."""

import sys

from operations.cli import main

try:
    status = main()
finally:
    # A command that ran Pulumi's mock runtime (``plan``) closes what it left open, so that
    # nothing is printed at exit.
    offline = sys.modules.get("operations.offline_program")
    if offline is not None:
        offline.close_event_loops()
raise SystemExit(status)
