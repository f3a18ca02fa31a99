"""The ``musicpractice`` command: subcommands for analysis, alignment, sessions, recording.

With no arguments, or with paths of existing files/sessions only, it starts the desktop
application (``musicpractice.app``, imported lazily so the subcommands never load Qt);
``--smoke-test`` also goes to the application (see ``musicpractice.gui.smoke_test``).

Each subcommand lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``. Anticipated errors (:class:`MusicPracticeError`) print one line
on stderr and exit with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from musicpractice import __version__
from musicpractice.cli import agreement, annotate, align, analyze, batch, compare, export, record, session, play
from musicpractice.cli.output import closed_pipe
from musicpractice.core.errors import Cancelled, MusicPracticeError
from musicpractice.workspace.note_models import keep_transcriptions

SUBCOMMANDS = (analyze, align, session, record, compare, export, batch, play, annotate, agreement)


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
    argv = list(sys.argv[1:] if argv is None else argv)
    if all(Path(arg).exists() or arg == "--smoke-test" for arg in argv):
        from musicpractice import app  # Qt loads here only, never for a subcommand

        return app.main(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    keep_transcriptions()  # a take's piano notes are transcribed once, not at every command
    try:
        status = args.run(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        return closed_pipe()
    except (Cancelled, KeyboardInterrupt):
        print("musicpractice: cancelled", file=sys.stderr)
        return 130
    except MusicPracticeError as error:
        print(f"musicpractice: error: {error}", file=sys.stderr)
        return 2
