"""`python -m checker.cli`: the same as the `revcheck` command."""

from checker.cli import main

raise SystemExit(main())
