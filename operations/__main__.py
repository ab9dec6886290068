"""``python -m operations``: see operations/cli.py."""

import sys

try:
    from operations.cli import main
except ModuleNotFoundError as missing:
    # A bare `python` instead of the project's: one line saying how to set up, no traceback.
    print(
        f"python -m operations: this Python ({sys.executable}) lacks the project's packages (no module "
        f"{missing.name!r}); set up .venv once with `make .venv/bin/.installed` and run `.venv/bin/python "
        f"-m operations {' '.join(sys.argv[1:]) or '--help'}` (or `make plan STACK=<stack>`)",
        file=sys.stderr,
    )
    raise SystemExit(1) from None

try:
    status = main()
finally:
    # A command that ran Pulumi's mock runtime (``plan``) closes what it left open, so that
    # nothing is printed at exit.
    offline = sys.modules.get("operations.offline_program")
    if offline is not None:
        offline.close_event_loops()
raise SystemExit(status)
