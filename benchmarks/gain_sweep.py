"""Microphone gain: how many readings change when the same take is 20 dB quieter or normalised.

Run from the project root: ``.venv/bin/python benchmarks/gain_sweep.py [--before DIR]``.
Reads the shared recordings of ../shared/data up to ``--max-s`` seconds long (see its
README), writes each at three gains (as recorded, -20 dB, normalised to a 0 dBFS peak) as
32-bit float WAV (nothing clips) and analyses them with :func:`analyze_file`. A reading
"changes" when it differs from the one as recorded: the key, the beat count, the tempo by
more than 1 %, a cue by more than 1 % (or 0.01 of its scale), the strongest emotion, or
arousal/valence by more than 0.02. The absolute level (LUFS) is expected to change and is
not counted. ``--before DIR`` runs the same on another copy of the package (e.g. the
previous commit, ``git archive HEAD musicpractice | tar -x -C DIR``) in a child process,
so the table shows ours and before side by side. librosa's beat tracker and onset
detector (``beat_track``, ``onset_detect``) run on the same signals as the peer.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GAINS = ("-20 dB", "normalised")
FOLDERS = ("beats", "melody", "alignment", "synth", "tuning", "key")
AUDIO = (".wav", ".flac", ".ogg")


def recordings(max_s: float) -> list[Path]:
    """The shared recordings no longer than ``max_s`` seconds."""
    import soundfile as sf

    found = []
    for folder in FOLDERS:
        for path in sorted((DATA / folder).glob("*")):
            if path.suffix.lower() in AUDIO:
                info = sf.info(str(path))
                if info.frames / info.samplerate <= max_s:
                    found.append(path)
    return found


def gained(y: np.ndarray, label: str) -> np.ndarray:
    if label == "as recorded":
        return y
    gain = 0.1 if label == "-20 dB" else 1.0 / float(np.max(np.abs(y)))
    return (gain * y).astype(np.float32)


def readings(path: Path) -> dict[str, dict]:
    """Our readings and librosa's of one recording at every gain (run in the child)."""
    import librosa
    import soundfile as sf

    from musicpractice.analysis.take import analyze_file
    from musicpractice.audio.io import load_signal

    signal = load_signal(path)
    out = {}
    for label in ("as recorded", *GAINS):
        y = gained(signal.samples, label)
        with tempfile.TemporaryDirectory() as folder:
            wav = Path(folder) / "take.wav"
            sf.write(wav, y, signal.sr, subtype="FLOAT")
            a = analyze_file(wav)
        ours = {"key": f"{a.key.tonic} {a.key.mode}", "tempo_bpm": a.tempo.bpm,
                "beats": len(a.tempo.beats_s), "onsets": len(a.onsets.times_s),
                "notes": len(a.notes), "emotion": a.character.emotions[0].name,
                "arousal": a.character.arousal.value, "valence": a.character.valence.value}
        ours.update({f"cue {k}": v for k, v in a.cues.values().items() if k != "level_lufs"})
        tempo, beats = librosa.beat.beat_track(y=y, sr=signal.sr, units="time")
        onsets = librosa.onset.onset_detect(y=y, sr=signal.sr, units="time")
        peer = {"tempo_bpm": float(np.atleast_1d(tempo)[0]), "beats": len(beats),
                "onsets": len(onsets)}
        out[label] = {"ours": ours, "librosa": peer}
    return out


def changed(reference: dict, other: dict) -> list[str]:
    """Names of the readings that differ (see the module docstring for the tolerances)."""
    names = []
    for name, a in reference.items():
        b = other[name]
        if isinstance(a, str) or name in ("beats", "onsets", "notes"):
            same = a == b
        elif not (math.isfinite(a) and math.isfinite(b)):
            same = math.isfinite(a) == math.isfinite(b)
        elif name in ("arousal", "valence"):
            same = abs(a - b) <= 0.02
        else:
            same = abs(a - b) <= max(0.01 * abs(a), 0.01)
        if not same:
            names.append(name)
    return names


def run_child(package_root: Path | None, paths: list[Path]) -> dict[str, dict]:
    env = dict(os.environ)
    if package_root is not None:
        env["PYTHONPATH"] = str(package_root)
    command = [sys.executable, __file__, "--child", *map(str, paths)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True,
                          cwd=package_root or Path(__file__).resolve().parents[1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="folder holding an older musicpractice/")
    parser.add_argument("--max-s", type=float, default=60.0, help="longest recording (s)")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps({p: readings(Path(p)) for p in args.child}))
        return
    paths = recordings(args.max_s)
    versions = {"ours": run_child(None, paths)}
    if args.before:
        versions["before"] = run_child(args.before.resolve(), paths)
    columns = [(version, gain) for version in versions for gain in GAINS]
    columns += [("librosa", gain) for gain in GAINS]
    head = f"{'recording':44} " + " ".join(f"{v[:7] + ' ' + g:>18}" for v, g in columns)
    print("readings that change (of the readings compared) when the take is quieter/normalised")
    print(head)
    print("-" * len(head))
    totals = {column: [0, 0, 0] for column in columns}  # changed, compared, takes with a change
    details = []
    for path in paths:
        cells = []
        for version, gain in columns:
            source = versions["ours" if version == "librosa" else version][str(path)]
            side = "librosa" if version == "librosa" else "ours"
            diff = changed(source["as recorded"][side], source[gain][side])
            count = len(source["as recorded"][side])
            totals[(version, gain)][0] += len(diff)
            totals[(version, gain)][1] += count
            totals[(version, gain)][2] += bool(diff)
            cells.append(f"{len(diff):>8} of {count:>2}")
            if diff and version != "librosa":
                details.append(f"  {path.name[:40]} {version} {gain}: {', '.join(diff)}")
        print(f"{path.name[:44]:44} " + " ".join(f"{c:>18}" for c in cells))
    print("-" * len(head))
    print(f"{'total readings changed':44} " + " ".join(
        f"{totals[c][0]:>8} of {totals[c][1]:>3}" for c in columns))
    print(f"{'recordings with any change':44} " + " ".join(
        f"{totals[c][2]:>11} of {len(paths):>2}" for c in columns))
    print("\nwhat changed:")
    print("\n".join(details) or "  nothing")


if __name__ == "__main__":
    main()
