"""``python -m operations``: see operations/cli.py."""

from operations.cli import main

raise SystemExit(main())
