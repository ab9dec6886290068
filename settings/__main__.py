"""``python -m settings``."""

import sys

try:
    import yaml  # noqa: F401 (the stack-file reader's one package, imported when a file is read)

    from settings.cli import main
except ModuleNotFoundError as missing:
    # A bare `python` instead of the project's: one line saying how to set up, no traceback.
    print(
        f"python -m settings: this Python ({sys.executable}) lacks the project's packages (no module "
        f"{missing.name!r}); run `make check-stacks`, or set up .venv once with `make .venv/bin/.installed` "
        f"and run `.venv/bin/python -m settings {' '.join(sys.argv[1:]) or 'Pulumi.dev.yaml'}`",
        file=sys.stderr,
    )
    raise SystemExit(1) from None

raise SystemExit(main(sys.argv[1:]))
