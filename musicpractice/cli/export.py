"""``musicpractice export --session PATH TAKE_ID --what ... --out PATH``: one take's
melody, labels or time map for other programs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from musicpractice.cli.progress_bar import TerminalProgress
from musicpractice.reports.formats import LAYERS, TAKE_EXPORTS


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="export a take's melody (MIDI, MusicXML, CSV), labels or time map",
        description="Export one take of a session: the transcribed melody as MIDI, MusicXML "
                    "or CSV; an Audacity label track (notes, beats and, with a score "
                    "reference, barlines); a Sonic Visualiser CSV layer; or the time map "
                    "against a reference (.csv or .json).")
    parser.add_argument("--session", type=Path, required=True, metavar="PATH",
                        help="the session folder (NAME.mpsession)")
    parser.add_argument("take", metavar="TAKE",
                        help="the take to export (its id, the start of its id, or its title)")
    parser.add_argument("--what", required=True, choices=TAKE_EXPORTS, help="what to export")
    parser.add_argument("--out", type=Path, required=True, metavar="PATH", help="the file to write")
    parser.add_argument("--ref", metavar="ID",
                        help="a score or take of the session (time map; barlines from a score)")
    parser.add_argument("--layer", choices=LAYERS, default="notes",
                        help="the Sonic Visualiser layer (default: notes)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # the analysis, the aligner and music21 load here, not with every musicpractice command
    from musicpractice.reports.take_exports import export_take
    from musicpractice.workspace.references import (
        find_reference,
        open_for_results,
        resolve_take_id,
    )

    with open_for_results(args.session) as session:
        for problem in session.problems:
            print(f"note: {problem}", file=sys.stderr)
        args.take = resolve_take_id(session, args.take)
        if args.ref is not None:
            args.ref = find_reference(session, args.ref).id
        bar = TerminalProgress()
        try:
            path = export_take(session, args.take, args.what, args.out, reference_id=args.ref,
                               layer=args.layer, progress=bar)
        finally:
            bar.close()
    print(path)
    return 0
