"""Run the command line as ``python -m annotate``."""

from annotate.cli import main

raise SystemExit(main())
