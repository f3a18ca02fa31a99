"""``python -m musicpractice``: same as the ``musicpractice`` command."""

from musicpractice.cli import main

raise SystemExit(main())
