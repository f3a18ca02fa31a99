"""Whole analysis of a 5:25 take vs librosa's pyin + beat_track + chroma_cqt, same run.

Each side runs in its own fresh interpreter so the peak memory printed is its own; both
are timed from the file (decoding and resampling included: ``analyze_file`` reads the
file itself, so librosa's side counts ``librosa.load``), and both are warmed up first on
another file (numba's on-disk caches filled for either side, never for one only).
The issue's target: the whole musicpractice analysis (tuning, key, onsets, tempo,
melody with notes, loudness, cues, character) at least 5x faster than the sum of the
three librosa calls, in bounded memory.

Run: ./dev bench analysis_speed [FILE]
"""

from __future__ import annotations

import sys

from _common import require_data, run_measured

OURS = """
import json, time
from musicpractice.analysis.take import analyze_file
t = time.perf_counter()
r = analyze_file({path!r})
print(json.dumps({{"seconds": time.perf_counter() - t, "key": f"{{r.key.tonic}} {{r.key.mode}}",
                   "bpm": r.tempo.bpm, "notes": len(r.notes)}}))
"""

LIBROSA = """
import json, time, librosa
t = time.perf_counter()
y, sr = librosa.load({path!r}, sr=22050)
t_load = time.perf_counter() - t
t = time.perf_counter()
f0, voiced, prob = librosa.pyin(y, fmin=55.0, fmax=1760.0, sr=sr, frame_length=2048, hop_length=220)
t_pyin = time.perf_counter() - t
t = time.perf_counter()
tempo, beats = librosa.beat.beat_track(y=y, sr=sr)
t_beat = time.perf_counter() - t
t = time.perf_counter()
chroma = librosa.feature.chroma_cqt(y=y, sr=sr)
t_chroma = time.perf_counter() - t
print(json.dumps({{"load": t_load, "pyin": t_pyin, "beat_track": t_beat, "chroma_cqt": t_chroma,
                   "seconds": t_load + t_pyin + t_beat + t_chroma}}))
"""


def main() -> None:
    data = require_data()
    path = sys.argv[1] if len(sys.argv) > 1 else str(data / "alignment" / "Schubert_D911-01_SC06.flac")
    # warm both sides' numba caches on another file: compile time counts against neither
    warm_up = str(data / "tuning" / "Guitar-A4-432-1.ogg")
    run_measured(OURS.format(path=warm_up))
    run_measured(LIBROSA.format(path=warm_up))
    ours, ours_wall, ours_mb = run_measured(OURS.format(path=path))
    peer, peer_wall, peer_mb = run_measured(LIBROSA.format(path=path))
    print(f"file: {path}")
    print(f"{'':<34}{'seconds':>10}{'peak MB':>10}")
    print(f"{'musicpractice analyze_file (all)':<34}{ours['seconds']:>10.2f}{ours_mb:>10.0f}")
    print(f"{'librosa load':<34}{peer['load']:>10.2f}")
    print(f"{'librosa pyin':<34}{peer['pyin']:>10.2f}")
    print(f"{'librosa beat_track':<34}{peer['beat_track']:>10.2f}")
    print(f"{'librosa chroma_cqt':<34}{peer['chroma_cqt']:>10.2f}")
    print(f"{'librosa sum (load + 3 calls)':<34}{peer['seconds']:>10.2f}{peer_mb:>10.0f}")
    print(f"speed ratio (librosa sum / ours): {peer['seconds'] / ours['seconds']:.1f}x  (target >= 5x)")
    print(f"ours found: {ours['key']}, {ours['bpm']:.1f} BPM, {ours['notes']} notes")


if __name__ == "__main__":
    main()
