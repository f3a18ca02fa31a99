"""``musicpractice analyze FILE``: key, tempo, melody, loudness, cues and character of a take."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from musicpractice.analysis.voices import DEFAULT_RANGE, VOICE_RANGES
from musicpractice.cli.output import write_output
from musicpractice.cli.progress_bar import TerminalProgress
from musicpractice.reports.files import check_writable


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyze", help="analyse a recording: key, tempo, melody, loudness, expressive cues",
        description="Analyse a recording and print a summary (or JSON with --json).",
    )
    parser.add_argument("file", type=Path, help="audio file (WAV, FLAC, OGG, MP3, ...)")
    parser.add_argument("--voice", choices=sorted(VOICE_RANGES), default=DEFAULT_RANGE,
                        help=f"pitch range of the melody (default: {DEFAULT_RANGE})")
    parser.add_argument("--fmin", type=float, metavar="HZ", help="custom lowest melody pitch in Hz")
    parser.add_argument("--fmax", type=float, metavar="HZ", help="custom highest melody pitch in Hz")
    parser.add_argument("--a4", type=float, metavar="HZ", dest="pitch_standard",
                        help="pitch standard the performers tuned to, e.g. 415 (baroque): "
                             "notes and keys are named as written")
    parser.add_argument("--json", action="store_true", help="print the musicpractice.analysis/1 JSON")
    parser.add_argument("--out", type=Path, metavar="PATH", help="write the result to PATH")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # the analysis (SciPy, numba) loads here, not with every musicpractice command
    from musicpractice.analysis.take import analyze_file
    from musicpractice.reports.analysis_json import analysis_document
    from musicpractice.reports.analysis_text import analysis_summary

    if args.out is not None:
        check_writable(args.out)  # before the long work, not after it
    bar = TerminalProgress()
    try:
        result = analyze_file(args.file, voice=args.voice, fmin_hz=args.fmin, fmax_hz=args.fmax,
                              pitch_standard_hz=args.pitch_standard, progress=bar)
    finally:
        bar.close()
    if args.json:
        text = json.dumps(analysis_document(result), allow_nan=False) + "\n"
    else:
        text = analysis_summary(result)
    write_output(text, args.out)
    return 0
