"""``musicpractice compare --session PATH --ref ID TAKE_ID...``: takes against a score or a
take, bar by bar, with a report, CSV tables or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from musicpractice.cli.align import tolerance_cents
from musicpractice.cli.output import write_output
from musicpractice.cli.progress_bar import TerminalProgress
from musicpractice.reports.files import check_writable
from musicpractice.reports.formats import COMPARISON_SCHEMA


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "compare", help="compare takes of a session with a score or a take, bar by bar",
        description="Align takes of a session with a reference (a score or a take of the "
                    "session) and compare them bar by bar: tempo, timing, loudness, "
                    "articulation and, for a melody, intonation and wrong/missing/extra "
                    "notes. Prints a summary; writes a report, CSV tables or JSON.")
    parser.add_argument("--session", type=Path, required=True, metavar="PATH",
                        help="the session folder (NAME.mpsession)")
    parser.add_argument("--ref", required=True, metavar="ID",
                        help="the reference: a score or a take of the session (its id, the "
                             "start of its id, or its title)")
    parser.add_argument("takes", nargs="+", metavar="TAKE",
                        help="the takes to compare (ids, starts of ids, or titles)")
    parser.add_argument("--part", metavar="NAME",
                        help="the score part the takes play (e.g. Alto); a melody gets its "
                             "pitch checked note by note")
    parser.add_argument("--score", metavar="SCORE_ID",
                        help="with a take as the reference: number the bars from this score "
                             "(default: the session's score when it has one)")
    parser.add_argument("--no-score", action="store_true",
                        help="with a take as the reference: cut it into sections of a few "
                             "seconds instead of numbering bars from a score")
    parser.add_argument("--progress", action="store_true",
                        help="add the progress over time of the takes' performer: all of "
                             "their takes in the session, by date, against the same reference")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="write the student's report (.pdf or .html)")
    parser.add_argument("--csv", type=Path, metavar="DIR",
                        help="write bars.csv, notes.csv and cues.csv into DIR")
    parser.add_argument("--tolerance-cents", type=tolerance_cents, default=50.0, metavar="CENTS",
                        help="intonation tolerance of the note verdicts against a score "
                             "(default 50)")
    parser.add_argument("--json", action="store_true",
                        help=f"print the {COMPARISON_SCHEMA} JSON document instead of the summary")
    parser.add_argument("--out", type=Path, metavar="PATH",
                        help="write the summary (or JSON) to PATH instead of printing it")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # the aligner, plotting (matplotlib) and PDF (reportlab) load here, not with every command
    from musicpractice.compare.model import compare_takes
    from musicpractice.reports.comparison_exports import (
        check_report_path,
        comparison_summary,
        write_report,
    )
    from musicpractice.compare.differences import describe_differences
    from musicpractice.compare.progress import progress_for_takes, progress_performer
    from musicpractice.workspace.references import (
        find_reference,
        open_for_results,
        resolve_take_id,
    )
    from musicpractice.reports.tables import comparison_document, write_csv_tables

    if args.report is not None:
        check_report_path(args.report)
    if args.csv is not None and not args.csv.is_dir():
        check_writable(args.csv)  # a new folder: its parent must exist
    if args.out is not None:
        check_writable(args.out)
    default_score = ""
    with open_for_results(args.session) as session:
        for problem in session.problems:
            print(f"note: {problem}", file=sys.stderr)
        # ids may be typed in part, or as titles; everything is checked before the work
        reference = find_reference(session, args.ref)
        args.ref = reference.id
        args.takes = [resolve_take_id(session, t) for t in args.takes]
        if args.score is not None:
            args.score = find_reference(session, args.score).id
        elif (not args.no_score and reference.kind == "take"
              and len(session.scores) == 1):
            args.score = session.scores[0].id
            default_score = session.scores[0].title or args.score
        if args.progress:
            progress_performer(session, args.ref, args.takes)
        bar = TerminalProgress()
        try:
            comparison = compare_takes(session, args.ref, args.takes, part=args.part,
                                       score_id=args.score,
                                       tolerance_cents=args.tolerance_cents, progress=bar)
            series = (progress_for_takes(session, args.ref, args.takes, part=args.part,
                                         score_id=args.score, progress=bar)
                      if args.progress else None)
        finally:
            bar.close()
    if default_score:
        print(f"note: bars are numbered from the score {default_score} (--no-score for "
              "sections of the reference take)", file=sys.stderr)
    differences = describe_differences(comparison)
    if args.report is not None:
        from musicpractice.workspace.listening import session_agreement

        agreement = session_agreement(session)
        path = write_report(comparison, differences, args.report, series,
                            agreement=agreement if agreement.annotations else None)
        print(f"report: {path}", file=sys.stderr)
    if args.csv is not None:
        for path in write_csv_tables(comparison, args.csv, series):
            print(f"table: {path}", file=sys.stderr)
    if args.json:
        document = comparison_document(comparison, differences, series)
        text = json.dumps(document, allow_nan=False) + "\n"
    else:
        text = comparison_summary(comparison, differences)
        if series is not None:
            text += "\nProgress over time\n" + "".join(f"- {s}\n" for s in series.sentences())
    write_output(text, args.out)
    return 0
