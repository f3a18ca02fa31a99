"""Melody tracking and notes: musicpractice against librosa.pyin (and Essentia's pYIN when
installed), on the same signals in one run.

Essentia's PitchYinProbabilistic (current wheel) returns wrong pitches (see DESIGN.md);
it is kept for its speed, and no accuracy ratio is printed against it.

Run from the project root: ``.venv/bin/python benchmarks/melody.py [--long-minutes 60]``.
Reads ../shared/data (see its README): vocadito_1 (sung, annotated f0 and two annotators'
notes), the MDB-stem-synth clip (exact f0), the two additive-singer items of synth/ (exact
f0, notes) and the two real sax scales (notes). Every tracker gets the same 22 050 Hz
signal; ours and librosa.pyin use the same range (55-1760 Hz, our default) and hop
(220 samples, ~10 ms). Essentia's PitchYinProbabilistic has no range parameter and is run
with its defaults at the same hop. librosa.pyin is run once per file (it is slow); every
tracker is timed after one warm-up call on the same second of audio (numba compiles or
cache loads of either side are printed, not counted).

Prints per file the mir_eval melody scores (50 cents) and seconds of each tracker, then the
ratios ours/peer (accuracy) and peer/ours (speed), then the note F-measure (mir_eval
transcription: 50 ms onsets, 50 cents, offsets ignored) of our notes, with the agreement
of vocadito's two annotators with each other as a ceiling.
"""

from __future__ import annotations

import argparse
import json
import warnings

import librosa
import mir_eval
import numpy as np

from _common import note_f1, require_data, run_measured, timed
from musicpractice.analysis.melody import track_melody
from musicpractice.analysis.notes import segment_notes
from musicpractice.audio.io import load_signal
from musicpractice.core.pitch import midi_to_hz

try:
    import essentia
    import essentia.standard as es
    essentia.log.warningActive = False
    essentia.log.infoActive = False
except ImportError:  # optional peer
    es = None

FMIN_HZ, FMAX_HZ, HOP = 55.0, 1760.0, 220
METRICS = ("Raw Pitch Accuracy", "Overall Accuracy", "Voicing Recall", "Voicing False Alarm")
SHORT = {"Raw Pitch Accuracy": "RPA", "Overall Accuracy": "OA", "Voicing Recall": "VR",
         "Voicing False Alarm": "VFA"}


def melody_items(data):
    for name in ("vocadito_1", "AClassicEducation_NightOwl_STEM_08.RESYN"):
        ref = np.loadtxt(data / "melody" / (f"{name}_f0.csv" if name == "vocadito_1" else f"{name}.csv"),
                         delimiter=",")
        yield name, data / "melody" / f"{name}.wav", ref[:, 0], ref[:, 1]
    for item in ("item_mono_00_additive", "item_mono_01_additive"):
        melody = json.loads((data / "synth" / f"{item}.json").read_text())["melody"]
        f0 = np.asarray(melody["f0_hz"])
        yield item, data / "synth" / f"{item}.flac", melody["times_start"] + melody["hop_s"] * np.arange(f0.size), f0


def ours(y, sr):
    track = track_melody(y, sr, fmin_hz=FMIN_HZ, fmax_hz=FMAX_HZ, hop_s=HOP / sr)
    return track.times_s, track.f0_hz


def pyin(y, sr):
    f0, voiced, _ = librosa.pyin(y, fmin=FMIN_HZ, fmax=FMAX_HZ, sr=sr, hop_length=HOP)
    return librosa.times_like(f0, sr=sr, hop_length=HOP), np.where(voiced, np.nan_to_num(f0), 0.0)


def essentia_pyin(y, sr):
    pitch, _ = es.PitchYinProbabilistic(sampleRate=sr, hopSize=HOP, outputUnvoiced="zero")(y)
    return np.arange(pitch.size) * HOP / sr, np.asarray(pitch, dtype=float)


LONG_FILE_CODE = """
import json, resource, time
import numpy as np
from musicpractice.analysis.melody import track_melody
from musicpractice.analysis.notes import segment_notes
from musicpractice.audio.io import load_signal
s = load_signal({path!r})
y = np.resize(s.samples, int({minutes} * 60 * s.sr))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
track = track_melody(y, s.sr)
track_s = time.perf_counter() - start
notes = segment_notes(track)
print(json.dumps({{"base_mb": base, "track_s": track_s, "notes_s": time.perf_counter() - start - track_s,
                  "notes": len(notes)}}))
"""


def long_file(data, minutes: float) -> None:
    """Track and segment ``minutes`` of vocadito looped, in a fresh process; peak memory."""
    code = LONG_FILE_CODE.format(path=str(data / "melody" / "vocadito_1.wav"), minutes=minutes)
    result, _, peak_mb = run_measured(code)
    print(f"\nlong file: {minutes:g} min at 22 050 Hz: tracking {result['track_s']:.1f} s, notes "
          f"{result['notes_s']:.1f} s ({result['notes']} notes); peak memory {peak_mb:.0f} MB, of which "
          f"{result['base_mb']:.0f} MB before tracking (interpreter, libraries, the signal itself)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long-minutes", type=float, default=0.0,
                        help="also track this many minutes of looped audio and report peak memory")
    args = parser.parse_args()
    data = require_data()
    warnings.filterwarnings("ignore", message="Estimated melody has no voiced frames")
    trackers = {"ours": ours, "librosa.pyin": pyin}
    if es is not None:
        trackers["essentia.pYIN"] = essentia_pyin
    warm = load_signal(data / "melody" / "vocadito_1.wav")
    for tracker, fn in trackers.items():  # warm up every side, not only ours
        (_, first_s) = timed(fn, warm.samples[: warm.sr], warm.sr)
        print(f"{tracker}: first call (numba compile or cache load) {first_s:.2f} s")
    print()

    header = (f"{'file':<28} {'tracker':<14} " + " ".join(f"{SHORT[m]:>6}" for m in METRICS)
              + f" {'sec':>7} {'sec/ours':>8}")
    print(header)
    print("-" * len(header))
    totals = {name: {"sec": 0.0, **{m: [] for m in METRICS}} for name in trackers}
    tracks = {}
    for name, path, ref_t, ref_hz in melody_items(data):
        signal = load_signal(path)
        our_seconds = None
        for tracker, fn in trackers.items():
            (times, f0), seconds = timed(fn, signal.samples, signal.sr)
            scores = mir_eval.melody.evaluate(np.asarray(ref_t), np.asarray(ref_hz), times, f0)
            totals[tracker]["sec"] += seconds
            for m in METRICS:
                totals[tracker][m].append(scores[m])
            our_seconds = our_seconds or seconds
            print(f"{name[:28]:<28} {tracker:<14} " + " ".join(f"{scores[m]:6.3f}" for m in METRICS)
                  + f" {seconds:7.2f} {seconds / our_seconds:8.1f}")
        tracks[name] = signal
    print()
    print(f"{'mean over files':<28} {'tracker':<14} " + " ".join(f"{SHORT[m]:>6}" for m in METRICS)
          + f" {'sec':>7}")
    for tracker, t in totals.items():
        print(f"{'':<28} {tracker:<14} " + " ".join(f"{np.mean(t[m]):6.3f}" for m in METRICS)
              + f" {t['sec']:7.2f}")
    print()
    for peer in trackers:
        if peer == "ours":
            continue
        speed = f"speed: {peer} takes x{totals[peer]['sec'] / totals['ours']['sec']:.1f} our time"
        if np.mean(totals[peer]["Raw Pitch Accuracy"]) < 0.05:
            print(f"ours / {peer}: no accuracy ratio, the peer finds no correct pitch; {speed}")
            continue
        ratios = [np.mean(totals["ours"][m]) / np.mean(totals[peer][m])
                  for m in ("Raw Pitch Accuracy", "Overall Accuracy")]
        print(f"ours / {peer}: RPA x{ratios[0]:.3f}, OA x{ratios[1]:.3f}; {speed}")

    print("\nnotes (F-measure, onsets 50 ms, pitch 50 cents, offsets ignored)")
    voc = load_signal(data / "melody" / "vocadito_1.wav")
    voc_notes = segment_notes(track_melody(voc.samples, voc.sr, fmin_hz=FMIN_HZ, fmax_hz=FMAX_HZ))
    refs = {a: np.loadtxt(data / "melody" / f"vocadito_1_notes{a}.csv", delimiter=",") for a in ("A1", "A2")}
    for a, r in refs.items():
        print(f"  vocadito_1 vs {a:<34} ours {note_f1(voc_notes, r[:, 0], r[:, 0] + r[:, 2], r[:, 1]):.3f}")
    a1, a2 = refs["A1"], refs["A2"]
    agreement = mir_eval.transcription.precision_recall_f1_overlap(
        np.column_stack([a1[:, 0], a1[:, 0] + a1[:, 2]]), a1[:, 1],
        np.column_stack([a2[:, 0], a2[:, 0] + a2[:, 2]]), a2[:, 1],
        onset_tolerance=0.05, pitch_tolerance=50.0, offset_ratio=None)[2]
    print(f"  vocadito_1 A2 vs A1 (annotator agreement)     {agreement:.3f}")
    for sax in ("359500__mtg__sax-tenor-e-major", "359628__mtg__sax-tenor-d-minor"):
        s = load_signal(data / "melody" / f"{sax}.wav")
        r = np.load(data / "melody" / f"{sax}.npy")
        f1 = note_f1(segment_notes(track_melody(s.samples, s.sr)), r[:, 1], r[:, 2], midi_to_hz(r[:, 3]))
        print(f"  {sax:<45} ours {f1:.3f}")
    for item in ("item_mono_00_additive", "item_mono_01_additive"):
        n = json.loads((data / "synth" / f"{item}.json").read_text())["notes"]
        s = tracks[item]
        f1 = note_f1(segment_notes(track_melody(s.samples, s.sr)), n["onset"], n["offset"],
                     midi_to_hz(np.asarray(n["pitch"])))
        print(f"  {item:<45} ours {f1:.3f}")
    if args.long_minutes > 0:
        long_file(data, args.long_minutes)


if __name__ == "__main__":
    main()
