"""``musicpractice align TAKE --ref REFERENCE``: follow a take through a score or another take."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from musicpractice.cli.output import write_output
from musicpractice.cli.progress_bar import TerminalProgress
from musicpractice.reports.files import check_writable
from musicpractice.reports.formats import ALIGNMENT_SCHEMA


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "align", help="align a take to its score or to an earlier take, bar by bar",
        description="Align a take to a score (MusicXML, MIDI, MEI, ABC, kern) or to another "
                    "recording and print tempo, timing, loudness and pitch per bar and note "
                    "(or JSON with --json).")
    parser.add_argument("take", type=Path, help="the recording to follow (WAV, FLAC, ...)")
    parser.add_argument("--ref", type=Path, required=True, metavar="REFERENCE",
                        help="a score file or another recording")
    parser.add_argument("--part", metavar="NAME",
                        help="the part that was played or sung (e.g. Alto); default: all parts")
    parser.add_argument("--bars", metavar="FIRST-LAST", type=_bars,
                        help="the bars the take covers, e.g. 17-32 (default: found automatically)")
    parser.add_argument("--no-repeats", action="store_true",
                        help="play the score's bars once each, ignoring repeat signs")
    parser.add_argument("--tolerance-cents", type=tolerance_cents, default=50.0, metavar="CENTS",
                        help="intonation tolerance: a note further than this from the "
                             "written pitch is wrong (default 50)")
    parser.add_argument("--json", action="store_true",
                        help=f"print the {ALIGNMENT_SCHEMA} JSON document")
    parser.add_argument("--out", type=Path, metavar="PATH", help="write the result to PATH")
    parser.set_defaults(run=run)


def _bars(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"bars must look like 17-32, not {text!r}")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise argparse.ArgumentTypeError(f"bars {text}: the first bar comes after the last")
    return first, last


def tolerance_cents(text: str) -> float:
    """``--tolerance-cents`` value: a number of cents, 1-600 (argparse type)."""
    try:
        cents = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the tolerance must be a number of cents, not {text!r}")
    if not 1.0 <= cents <= 600.0:
        raise argparse.ArgumentTypeError(f"the tolerance must be 1-600 cents, not {text}")
    return cents


def run(args: argparse.Namespace) -> int:
    # the aligner, music21 and SciPy load here, not with every musicpractice command
    from musicpractice.alignment.pipeline import align_file
    from musicpractice.reports.alignment_json import alignment_document
    from musicpractice.reports.alignment_text import alignment_summary

    if args.out is not None:
        check_writable(args.out)  # before the long work, not after it
    bar = TerminalProgress()
    try:
        result = align_file(args.take, args.ref, part=args.part, bars=args.bars,
                            expand_repeats=not args.no_repeats,
                            tolerance_cents=args.tolerance_cents, progress=bar)
    finally:
        bar.close()
    document = alignment_document(result.alignment, take=str(args.take),
                                  reference=str(args.ref), comparison=result.comparison,
                                  part=result.part, bars=args.bars,
                                  pitch_standard=result.pitch_standard, key=result.key,
                                  score_model=result.score)
    if args.json:
        text = json.dumps(document, allow_nan=False) + "\n"
    else:
        text = alignment_summary(document)
    write_output(text, args.out)
    return 0
