"""The ``align`` subcommand's arguments parsed as the command line would (for CLI tests)."""

from __future__ import annotations

import argparse

from musicpractice.cli import align


def parse(argv):
    """``musicpractice align ...`` arguments (``argv`` starts with ``"align"``)."""
    parser = argparse.ArgumentParser()
    align.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)
