"""``musicpractice session new|info|import|export|recover``: manage session folders.

``import`` copies audio files (as takes) and scores into a session -- or, given one shared
``.mpsz`` file, unpacks it as a new session.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from musicpractice.cli.progress_bar import TerminalProgress
from musicpractice.core.errors import InvalidParameterError
from musicpractice.reports.formats import SESSION_INFO_SCHEMA
from musicpractice.reports.session_info import info_document, info_text
from musicpractice.session.archive import ARCHIVE_SUFFIX, export_session, import_session
from musicpractice.session.model import ROLES
from musicpractice.session.store import SCORE_EXTENSIONS, Session


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "session", help="create, inspect, fill, share and repair practice sessions",
        description="Manage a session folder (NAME.mpsession) of takes, scores and results.")
    commands = parser.add_subparsers(dest="session_command", metavar="ACTION", required=True)

    new = commands.add_parser("new", help="create an empty session")
    new.add_argument("path", type=Path, help="new session folder (.mpsession is added)")
    new.add_argument("--title", default="", help="session title (default: the folder name)")
    new.set_defaults(run=run_new)

    info = commands.add_parser("info", help="list a session's takes, scores and problems")
    info.add_argument("path", type=Path)
    info.add_argument("--json", action="store_true", help=f"print {SESSION_INFO_SCHEMA} JSON")
    info.set_defaults(run=run_info)

    imp = commands.add_parser(
        "import", help="copy audio files (as takes) or scores into a session, or unpack a .mpsz",
        description="Copy audio files (as takes) or scores into a session; or, given one "
                    f"{ARCHIVE_SUFFIX} file, unpack it as the new session PATH.")
    imp.add_argument("path", type=Path, help="the session folder (new, for a .mpsz file)")
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE",
                     help=f"audio files, scores ({', '.join(sorted(SCORE_EXTENSIONS))}), "
                          f"or one {ARCHIVE_SUFFIX} file")
    imp.add_argument("--title", default="", help="title (default: the file name)")
    imp.add_argument("--performer", default="")
    imp.add_argument("--role", choices=ROLES, default="student")
    imp.add_argument("--date", default="", help="date of the performance (YYYY-MM-DD)")
    imp.add_argument("--piece", default="")
    imp.set_defaults(run=run_import)

    export = commands.add_parser("export", help="pack a session into one .mpsz file for sharing")
    export.add_argument("path", type=Path)
    export.add_argument("archive", type=Path, help="the .mpsz file to write")
    export.set_defaults(run=run_export)

    recover = commands.add_parser("recover", help="save interrupted recordings as 'recovered' takes")
    recover.add_argument("path", type=Path)
    recover.set_defaults(run=run_recover)


def _print_problems(session: Session) -> None:
    for problem in session.problems:
        print(f"note: {problem}", file=sys.stderr)


def run_new(args: argparse.Namespace) -> int:
    with Session.create(args.path, title=args.title) as session:
        print(session.path)
    return 0


def run_info(args: argparse.Namespace) -> int:
    with Session.open(args.path, read_only=True) as session:
        doc = info_document(session)
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(info_text(doc), end="")
    return 0


def run_import(args: argparse.Namespace) -> int:
    archives = [f for f in args.files if f.suffix.lower() == ARCHIVE_SUFFIX]
    if archives:
        if len(args.files) > 1:
            raise InvalidParameterError(
                f"A {ARCHIVE_SUFFIX} file is a whole session: import it on its own.")
        return _unpack(archives[0], args.path)
    with Session.open(args.path) as session:
        _print_problems(session)
        for file in args.files:
            if file.suffix.lower() in SCORE_EXTENSIONS:
                score = session.import_score(file, title=args.title)
                print(f"score {score.id}  {score.title}")
                continue
            bar = TerminalProgress()
            try:
                take = session.import_audio(file, title=args.title, performer=args.performer,
                                            role=args.role, date=args.date, piece=args.piece,
                                            progress=bar)
            finally:
                bar.close()
            print(f"take {take.id}  {take.duration_s:.1f} s  {take.title}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with Session.open(args.path, read_only=True) as session:
        _print_problems(session)
        bar = TerminalProgress()
        try:
            print(export_session(session, args.archive, progress=bar))
        finally:
            bar.close()
    return 0


def _unpack(archive: Path, destination: Path) -> int:
    bar = TerminalProgress()
    try:
        path = import_session(archive, destination, progress=bar)
    finally:
        bar.close()
    with Session.open(path, read_only=True) as session:
        _print_problems(session)
    print(path)
    return 0


def run_recover(args: argparse.Namespace) -> int:
    with Session.open(args.path) as session:
        _print_problems(session)
        recovered = [session.take(i) for i in session.recovered_ids]
        for take in recovered:
            print(f"take {take.id}  {take.duration_s:.1f} s  recovered")
        if not recovered:
            print("No interrupted recordings.")
    return 0
