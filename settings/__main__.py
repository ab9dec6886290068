"""``python -m settings``."""

import sys

from settings.cli import main

raise SystemExit(main(sys.argv[1:]))
