"""``musicpractice batch PATH... --out TABLE``: analyse an archive on a Dask cluster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from musicpractice.analysis.voices import DEFAULT_RANGE, VOICE_RANGES
from musicpractice.cli.progress_bar import TerminalProgress
from musicpractice.core.errors import InvalidParameterError
from musicpractice.reports.files import check_writable


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "batch", help="analyse every audio file under folders into one table (Dask)",
        description="Analyse every audio file under the given files and folders (recursively) "
                    "into one CSV or Parquet table, one row per file, on a local Dask cluster "
                    "or a running one. Run it again with the same table to analyse only new "
                    "or changed files.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="audio files and folders")
    parser.add_argument("--out", type=Path, required=True, metavar="TABLE",
                        help="the table to write or resume: .csv or .parquet")
    parser.add_argument("--workers", type=int, default=2, metavar="N",
                        help="local worker processes (default 2)")
    parser.add_argument("--memory-limit", default="4GiB", metavar="SIZE",
                        help="memory per local worker (default 4GiB)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--voice", choices=sorted(VOICE_RANGES), default=DEFAULT_RANGE,
                        help=f"pitch range of the melody (default: {DEFAULT_RANGE})")
    parser.add_argument("--ref", type=Path, metavar="SCORE_OR_RECORDING",
                        help="align every file with this score or recording")
    parser.add_argument("--cache", type=Path, metavar="FOLDER",
                        help="where file analyses are kept for sessions to reuse "
                             "(default $MUSICPRACTICE_CACHE or ~/.cache/musicpractice/files)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Dask and the analysis load here, not with every musicpractice command
    from musicpractice.workspace.batch import BatchOptions, run_batch

    check_writable(args.out)
    if args.ref is not None and not args.ref.is_file():
        raise InvalidParameterError(f"{args.ref}: no such reference file.")
    options = BatchOptions(voice=args.voice,
                           reference=str(args.ref.resolve()) if args.ref else None,
                           cache_root=str(args.cache.resolve()) if args.cache else None)
    bar = TerminalProgress()
    try:
        summary = run_batch(args.paths, args.out, options=options, workers=args.workers,
                            scheduler=args.scheduler, memory_limit=args.memory_limit,
                            progress=bar)
    finally:
        bar.close()
    print(f"{summary.found} audio files: {summary.analysed} analysed, {summary.failed} failed, "
          f"{summary.skipped} unchanged since the last run; {summary.table_rows} rows in "
          f"{args.out}.", file=sys.stderr)
    return 0
