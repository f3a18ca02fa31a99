"""``musicpractice annotate``: tell the product what a take sounded like to you, or ask
which take to listen to next (``--next``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHARACTER_CHOICES = ("happiness", "sadness", "tenderness", "anger", "fear")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "annotate", help="record the character a listener heard in a take (or ask which take next)",
        description="Record what a listener heard in a take or passage: the character "
                    "(happiness, sadness, tenderness, anger, fear) and/or a point on the "
                    "arousal (calm -1 .. energetic 1) / valence (negative -1 .. positive 1) "
                    "plane. Perceived by default; --felt for what the music made you feel. "
                    "This describes the sound of the take, never the performer. After your "
                    "own annotation you see the others' of that take. With --next: the take "
                    "where a committee of models disagrees most about what you would hear.")
    parser.add_argument("--session", type=Path, required=True, metavar="PATH",
                        help="the session folder (NAME.mpsession)")
    parser.add_argument("take", nargs="?", metavar="TAKE_ID", help="the take listened to")
    parser.add_argument("--listener", metavar="NAME", help="who listened")
    parser.add_argument("--character", choices=CHARACTER_CHOICES, help="the character heard")
    parser.add_argument("--arousal", type=float, metavar="A", help="-1 (calm) to 1 (energetic)")
    parser.add_argument("--valence", type=float, metavar="V", help="-1 (negative) to 1 (positive)")
    parser.add_argument("--bars", metavar="A-B", help="a passage by bars, e.g. 3-8")
    parser.add_argument("--from-s", type=float, metavar="X", help="passage start in seconds")
    parser.add_argument("--to-s", type=float, metavar="Y", help="passage end in seconds")
    parser.add_argument("--felt", action="store_true", help="the emotion felt (default: perceived)")
    parser.add_argument("--note", default="", metavar="TEXT", help="a note")
    parser.add_argument("--next", action="store_true",
                        help="name the take to annotate next (active learning) and stop")
    parser.set_defaults(run=run)


def _annotation(args: argparse.Namespace):
    from musicpractice.core.errors import InvalidParameterError
    from musicpractice.session.annotations import Annotation, parse_bars

    if not args.take:
        raise InvalidParameterError("Name the take (TAKE_ID), or use --next.")
    if not args.listener:
        raise InvalidParameterError("Give --listener NAME (who listened).")
    if args.bars and (args.from_s is not None or args.to_s is not None):
        raise InvalidParameterError("Give the passage either as --bars or as --from-s/--to-s.")
    return Annotation("", args.take, args.listener, args.character or "", args.arousal,
                      args.valence, args.from_s, args.to_s,
                      parse_bars(args.bars) if args.bars else None, args.felt, args.note)


def _line(a) -> str:
    point = f" arousal {a.arousal:+.2f} valence {a.valence:+.2f}" if a.arousal is not None else ""
    felt = " (felt)" if a.felt else ""
    note = f" - {a.note}" if a.note else ""
    return f"  {a.listener}: {a.character or '-'}{point}{felt}, {a.passage_label()}{note}"


def run(args: argparse.Namespace) -> int:
    from musicpractice.session.annotations import add_annotation, session_annotations, visible_to
    from musicpractice.workspace.references import open_for_results

    with open_for_results(args.session) as session:
        for problem in session.problems:
            print(f"note: {problem}", file=sys.stderr)
        if args.next:
            from musicpractice.workspace.listening import next_query

            query = next_query(session, args.listener)
            title = session.take(query.take_id).title
            print(f"{query.take_id}\t{title}\t(committee disagreement {query.disagreement:.2f}; "
                  f"{query.candidates} take(s) not annotated yet)")
            return 0
        annotation = add_annotation(session, _annotation(args))
        print(f"Saved {annotation.listener}'s annotation of {annotation.take_id} "
              f"({annotation.passage_label()}, version {annotation.version}).")
        others = [a for a in visible_to(session_annotations(session), annotation.listener,
                                        annotation.take_id) if a.listener != annotation.listener]
        if others:
            print("What the other listeners heard in this take:")
            for a in others:
                print(_line(a))
        _print_personal(session, annotation.listener)
    return 0


def _print_personal(session, listener: str) -> None:
    """With enough annotations, where this listener's own reading differs from the group's."""
    from musicpractice.workspace.listening import describe_personal, personal_reading

    personal = personal_reading(session, listener, compute=False)
    if personal is not None:
        print(describe_personal(personal))
