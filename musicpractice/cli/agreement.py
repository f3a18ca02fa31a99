"""``musicpractice agreement --session PATH [--json]``: how far listeners agree, and how the
product's reading agrees with them (Krippendorff's α)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from musicpractice.cli.output import write_output


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "agreement", help="how far the session's listeners agree (Krippendorff's alpha)",
        description="Krippendorff's alpha over the annotated takes and passages: nominal "
                    "for the character, interval for arousal and valence; for every pair "
                    "of listeners; and between the product's reading and each listener and "
                    "their consensus (takes analysed so far; --analyze analyses the others).")
    parser.add_argument("--session", type=Path, required=True, metavar="PATH",
                        help="the session folder (NAME.mpsession)")
    parser.add_argument("--json", action="store_true", help="print musicpractice.agreement/1 JSON")
    parser.add_argument("--analyze", action="store_true",
                        help="analyse annotated takes that have no analysis yet")
    parser.add_argument("--out", type=Path, metavar="PATH", help="write to this file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from musicpractice.reports.listener_agreement import agreement_json, agreement_text
    from musicpractice.workspace.listening import session_agreement
    from musicpractice.workspace.references import open_for_results

    with open_for_results(args.session) as session:
        for problem in session.problems:
            print(f"note: {problem}", file=sys.stderr)
        agreement = session_agreement(session, compute=args.analyze)
    text = (json.dumps(agreement_json(agreement), indent=2) + "\n" if args.json
            else agreement_text(agreement))
    write_output(text, args.out)
    return 0
