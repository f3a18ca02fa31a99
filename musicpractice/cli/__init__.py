"""The ``musicpractice`` command: subcommands for analysis, alignment, sessions, recording.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``. Anticipated errors (:class:`MusicPracticeError`) print one line
on stderr and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from musicpractice import __version__

from musicpractice.core.errors import Cancelled, MusicPracticeError

SUBCOMMANDS: tuple = ()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="musicpractice",
        description="A practice assistant for musicians and teachers.",
    )
    parser.add_argument("--version", action="version", version=f"musicpractice {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except (Cancelled, KeyboardInterrupt):
        print("musicpractice: cancelled", file=sys.stderr)
        return 130
    except MusicPracticeError as error:
        print(f"musicpractice: error: {error}", file=sys.stderr)
        return 2
