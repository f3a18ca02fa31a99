"""``musicpractice align TAKE --ref REFERENCE``: follow a take through a score or another take."""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from musicpractice.cli.output import write_output
from musicpractice.cli.progress_bar import TerminalProgress
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import Steps
from musicpractice.reports.files import check_writable


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
    parser.add_argument("--json", action="store_true",
                        help="print the musicpractice.alignment/1 JSON document")
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


def run(args: argparse.Namespace) -> int:
    # the aligner, music21 and SciPy load here, not with every musicpractice command
    from musicpractice.alignment import align_takes, align_to_score, compare_with_score
    from musicpractice.alignment.document import alignment_document
    from musicpractice.audio.io import load_signal
    from musicpractice.score import load_score
    from musicpractice.score.load import MUSESCORE_EXTENSIONS, SCORE_EXTENSIONS

    if args.out is not None:
        check_writable(args.out)  # before the long work, not after it
    is_score = args.ref.suffix.lower() in SCORE_EXTENSIONS | MUSESCORE_EXTENSIONS
    if not is_score and (args.part or args.bars):
        raise InvalidParameterError("--part and --bars need a score as the reference.")
    bar = TerminalProgress()
    try:
        steps = Steps(bar, [("loading", 1), ("aligning", 4), ("comparing", 2)])
        load_progress = steps.stage("loading")
        take = load_signal(args.take, progress=load_progress)
        comparison = None
        if is_score:
            score = load_score(args.ref, expand_repeats=not args.no_repeats)
            alignment = align_to_score(take.samples, take.sr, score, part=args.part,
                                       bars=args.bars, progress=steps.stage("aligning"))
            part = score.find_part(args.part) if args.part else None
            comparison = compare_with_score(take.samples, take.sr, score, alignment, part=part,
                                            progress=steps.stage("comparing"))
        else:
            part = None
            reference = load_signal(args.ref, sr=take.sr)
            alignment = align_takes(take.samples, reference.samples, take.sr,
                                    progress=steps.stage("aligning"))
    finally:
        bar.close()
    document = alignment_document(alignment, take=str(args.take), reference=str(args.ref),
                                  comparison=comparison, part=part, bars=args.bars)
    if args.json:
        text = json.dumps(document, allow_nan=False) + "\n"
    else:
        text = summary(document, alignment)
    write_output(text, args.out)
    return 0


def _fmt(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def summary(document: dict, alignment) -> str:
    """A readable summary of an alignment document."""
    from musicpractice.alignment.document import take_tempo_windows

    lines = [f"Take:      {document['take']}",
             f"Reference: {document['reference']}"
             + (f" (part {document['part']})" if document.get("part") else "")]
    span = document["take_span_s"]
    lines.append(f"Confidence {document['confidence']:.2f}; the take follows the reference "
                 f"from {span[0]:.2f} s to {span[1]:.2f} s"
                 + (" (a partial take)" if document["partial"] else "") + ".")
    if document["transposition_semitones"]:
        lines.append(f"Transposed by {document['transposition_semitones']:+d} semitone(s).")
    for region in document["unsure_regions"]:
        lines.append(f"Unsure from {region['take_start_s']:.1f} s to {region['take_end_s']:.1f} s.")
    if document["reference_kind"] == "score" and document.get("bars"):
        bars = document["bars"]
        lines.append(f"Bars {bars[0]['measure']}-{bars[-1]['measure']} covered.")
        lines.append("")
        lines.append(" bar    take s   tempo  marked  off-beat s  loudness LUFS  confidence")
        for b in bars:
            lines.append(f"{b['measure']:>4}  {_fmt(b['take_s'], '8.2f', '       -')}"
                         f"  {_fmt(b['tempo_bpm'], '6.1f', '     -')}"
                         f"  {_fmt(b['score_tempo_bpm'], '6.1f', '     -')}"
                         f"  {_fmt(b['deviation_s'], '+10.2f', '         -')}"
                         f"  {_fmt(b['loudness_lufs'], '13.1f', '            -')}"
                         f"  {_fmt(b['confidence'], '10.2f', '         -')}")
        counts = Counter(n["status"] for n in document["notes"])
        lines.append("")
        lines.append("Notes: " + ", ".join(f"{counts[k]} {k}" for k in sorted(counts))
                     + (f"; {len(document['extra_notes'])} extra" if document["monophonic"] else ""))
        for n in document["notes"]:
            if n["status"] in ("wrong", "missing"):
                cents = f" ({n['cents']:+.0f} cents)" if n["cents"] is not None else ""
                lines.append(f"  bar {n['measure']}: MIDI {n['midi']} {n['status']}{cents}"
                             f" at {_fmt(n['take_onset_s'], '.2f')} s")
    elif document["reference_kind"] == "audio":
        lines.append("")
        lines.append(" ref s   take s   tempo vs reference")
        for w in take_tempo_windows(alignment):
            lines.append(f"{w['ref_s']:6.1f}  {_fmt(w['take_s'], '7.2f')}   "
                         f"{_fmt(w['tempo_ratio'], '.2f')}x")
    for warning in document["warnings"]:
        lines.append(f"Note: {warning}")
    return "\n".join(lines) + "\n"
