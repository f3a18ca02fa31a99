"""``musicpractice play SCORE --out F.wav``: render a score's parts for practice.

The same schedule and renderer as the window's Practice tab: solo, mute, volume and pan
per part, practice tempo, transposition, bars A-B, count-in and metronome; built-in
voices or General MIDI through FluidSynth (``--voices gm``).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from musicpractice.core.errors import InvalidParameterError
from musicpractice.reports.files import check_writable, write_file


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "play", help="render a score's parts to a WAV file for practice (solo, mute, tempo...)",
        description="Render a score for part practice: the same sound as the window's Practice tab.")
    parser.add_argument("score", type=Path, help="score file (MusicXML, MIDI, MEI, ABC, kern)")
    parser.add_argument("--out", type=Path, required=True, metavar="F.wav", help="WAV file to write")
    parser.add_argument("--solo", action="append", default=[], metavar="PART",
                        help="play only this part (repeat for several)")
    parser.add_argument("--mute", action="append", default=[], metavar="PART", help="silence a part")
    parser.add_argument("--volume", action="append", default=[], metavar="PART=DB",
                        help="part level in dB, e.g. Alto=6 or Bass=-10 (repeatable)")
    parser.add_argument("--pan", action="append", default=[], metavar="PART=X",
                        help="part position, -1 (left) to 1 (right) (repeatable)")
    parser.add_argument("--tempo", type=float, metavar="BPM",
                        help="quarter notes per minute at the first bar played (default: as marked)")
    parser.add_argument("--transpose", type=int, default=0, metavar="SEMITONES")
    parser.add_argument("--bars", metavar="A-B", help="play written bars A to B only")
    parser.add_argument("--count-in", type=int, default=0, metavar="BARS",
                        help="bars of clicks before the music")
    parser.add_argument("--metronome", action="store_true", help="click on every beat")
    parser.add_argument("--voices", choices=("builtin", "gm"), default="builtin",
                        help="built-in voices, or General MIDI through FluidSynth")
    parser.add_argument("--soundfont", type=Path, metavar="SF2", help="soundfont for --voices gm")
    parser.add_argument("--rate", type=int, default=44_100, metavar="HZ", help="sample rate")
    parser.set_defaults(run=run)


def _pairs(items: list[str], what: str) -> dict[str, float]:
    values = {}
    for item in items:
        name, sep, value = item.rpartition("=")
        try:
            values[name] = float(value)
        except ValueError:
            name = ""
        if not sep or not name:
            raise InvalidParameterError(f"--{what} takes PART=NUMBER, e.g. Alto=6 (got {item!r}).")
    return values


def run(args: argparse.Namespace) -> int:
    import soundfile as sf

    from musicpractice.score.load import load_score
    from musicpractice.score.playback import parse_bars, practice_settings, schedule
    from musicpractice.score.render import render_schedule

    if args.out.suffix.lower() != ".wav":
        raise InvalidParameterError(f"--out must name a .wav file (got {args.out.name}).")
    if not 8000 <= args.rate <= 192_000:
        raise InvalidParameterError(f"--rate must be 8000-192000 Hz (got {args.rate}).")
    check_writable(args.out)
    score = load_score(args.score)
    settings = practice_settings(
        score, solo=args.solo, mute=args.mute, volume_db=_pairs(args.volume, "volume"),
        pan=_pairs(args.pan, "pan"), tempo_bpm=args.tempo, transpose_semitones=args.transpose,
        bars=parse_bars(args.bars) if args.bars else None, count_in_bars=args.count_in,
        metronome=args.metronome)
    sched = schedule(score, settings)
    audio = render_schedule(sched, sr=args.rate, voices=args.voices, soundfont=args.soundfont)
    buffer = io.BytesIO()
    sf.write(buffer, audio, args.rate, format="WAV", subtype="PCM_16")
    write_file(args.out, buffer.getvalue())
    parts = sorted({e.part for e in sched.notes}, key=score.parts.index)
    print(f"{args.out}: {sched.duration_s:.1f} s, {len(sched.notes)} notes "
          f"({', '.join(parts) or 'no part heard'}), {sched.start_bpm:.0f} quarter notes per minute"
          + (f", transposed {args.transpose:+d}" if args.transpose else ""), file=sys.stderr)
    return 0
