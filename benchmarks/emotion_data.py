"""The shared emotion set (../shared/data/emotion): listener consensus and the cue table.

Listener consensus
------------------
Each listener ticked up to three of the nine GEMS categories for an excerpt. A
listener's arousal and valence are the mean of the circumplex coordinates of the
categories they ticked (:data:`GEMS_AV`, placed after Zentner, Grandjean & Scherer 2008
and the two-factor structure Aljanaki et al. 2016 report for this set: energetic
categories up, calm ones down; pleasant up, sad and tense down). The consensus of an
excerpt is the mean over its listeners. The split-half ceiling splits each excerpt's
listeners in two random halves, correlates the two half-consensus vectors and corrects
with Spearman-Brown.

Cue table
---------
Every cue the product measures on a polyphonic take (no melody tracking: these are full
mixes), extracted once with the product's own functions and cached in
``/work/cache/emotion_cues.npz`` (never in the repository). Build it with
``nice -n 10 .venv/bin/python benchmarks/emotion_data.py``; after a change to the spectral
arousal cues only, ``... emotion_data.py --spectral`` recomputes just those.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import require_data  # noqa: E402

CACHE = Path(os.environ.get("MP_EMOTION_CACHE", "/work/cache/emotion_cues.npz"))
GEMS = ("amazement", "solemnity", "tenderness", "nostalgia", "calmness", "power",
        "joyful_activation", "tension", "sadness")
GEMS_AV = {  # category: (arousal, valence), each in [-1, 1]
    "amazement": (0.6, 0.6), "solemnity": (-0.3, 0.0), "tenderness": (-0.5, 0.6),
    "nostalgia": (-0.4, -0.2), "calmness": (-0.8, 0.5), "power": (0.8, 0.2),
    "joyful_activation": (0.8, 0.8), "tension": (0.6, -0.7), "sadness": (-0.6, -0.8),
}


def load_ratings() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(track_ids (n,), track index per row (rows,), ticks (rows, 9))`` of ratings.csv."""
    path = require_data() / "emotion" / "ratings.csv"
    rows = list(csv.DictReader(path.open(newline="")))
    tracks = sorted({int(r["track id"]) for r in rows})
    index = {t: i for i, t in enumerate(tracks)}
    row_track = np.array([index[int(r["track id"])] for r in rows])
    ticks = np.array([[int(r[g]) for g in GEMS] for r in rows], dtype=float)
    return np.array(tracks), row_track, ticks


def listener_av(ticks: np.ndarray) -> np.ndarray:
    """Arousal and valence of each rating row, shape (rows, 2) (NaN if nothing ticked)."""
    coords = np.array([GEMS_AV[g] for g in GEMS])
    n = ticks.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, ticks @ coords / n, np.nan)


def consensus(row_track: np.ndarray, values: np.ndarray, n_tracks: int,
              rows: np.ndarray | None = None) -> np.ndarray:
    """Mean per track of ``values`` (rows, k) over ``rows`` (a boolean row mask)."""
    keep = np.isfinite(values).all(axis=1) if rows is None else rows & np.isfinite(values).all(axis=1)
    out = np.full((n_tracks, values.shape[1]), np.nan)
    for t in range(n_tracks):
        sel = keep & (row_track == t)
        if sel.any():
            out[t] = values[sel].mean(axis=0)
    return out


def _extract_one(path: Path) -> dict[str, float]:
    from musicpractice.analysis.arousal_cues import measure_arousal_cues
    from musicpractice.analysis.chroma import chroma
    from musicpractice.analysis.cues import compute_cues
    from musicpractice.analysis.envelope import amplitude_envelope
    from musicpractice.analysis.key import estimate_key
    from musicpractice.analysis.loudness import LoudnessMeter
    from musicpractice.analysis.onsets import detect_onsets
    from musicpractice.analysis.tempo import estimate_tempo
    from musicpractice.analysis.tuning import estimate_tuning
    from musicpractice.audio.io import load_signal, probe

    info = probe(path)
    meter = LoudnessMeter(info.sample_rate_hz, info.channels)
    signal = load_signal(path, on_block=lambda block, _sr: meter.feed(block))
    loud = meter.result()
    y, sr = signal.samples, signal.sr
    tuning = estimate_tuning(y, sr)
    key = estimate_key(y, sr, tuning_hz=tuning.a4_hz, chroma=chroma(y, sr, tuning_hz=tuning.a4_hz))
    onsets = detect_onsets(y, sr)
    tempo = estimate_tempo(y, sr, onsets=onsets)
    envelope = amplitude_envelope(y, sr)
    cues = compute_cues(
        y, sr, beats_s=tempo.beats_s, tempo_bpm=tempo.bpm,
        tempo_curve_times_s=tempo.curve_times_s, tempo_curve_bpm=tempo.curve_bpm,
        integrated_lufs=loud.integrated_lufs, short_term_times_s=loud.short_term_times_s,
        short_term_lufs=loud.short_term_lufs, onsets_s=onsets.times_s, notes=(),
        monophonic=False, key_mode=key.mode, key_confidence=key.confidence, envelope=envelope)
    values = dict(cues.values())
    extra = measure_arousal_cues(y, sr, onsets_s=onsets.times_s, short_term_lufs=loud.short_term_lufs)
    values.update(event_density_per_s=extra.event_density_per_s,
                  spectral_flux_db=extra.spectral_flux_db, roughness=extra.roughness,
                  percussive_share=extra.percussive_share, flatness=extra.flatness,
                  dynamic_range_lu=extra.dynamic_range_lu, pulse_clarity=tempo.confidence)
    return values


def build_cue_table(*, limit: int | None = None) -> None:
    """Extract the cues of every excerpt into :data:`CACHE` (resumes a partial run)."""
    audio = require_data() / "emotion" / "audio"
    files = sorted(audio.glob("*.opus"))[:limit]
    partial = CACHE.with_suffix(".partial.npz")
    done: dict[int, dict[str, float]] = {}
    if partial.exists():
        with np.load(partial, allow_pickle=False) as z:
            keys = [str(k) for k in z["keys"]]
            for t, row in zip(z["tracks"], z["values"]):
                done[int(t)] = dict(zip(keys, row))
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i, f in enumerate(files):
        track = int(f.stem)
        if track in done:
            continue
        done[track] = _extract_one(f)
        print(f"{i + 1}/{len(files)} {f.name} {time.perf_counter() - start:.0f} s", flush=True)
        if len(done) % 10 == 0 or i == len(files) - 1:
            _save(done, partial)
    _save(done, CACHE)
    partial.unlink(missing_ok=True)


SPECTRAL_KEYS = ("spectral_flux_db", "roughness", "percussive_share", "flatness", "high_flux_db",
                 "low_flux_db", "contrast_db", "low_energy_share")


def refresh_spectral_cues() -> None:
    """Recompute only the spectral arousal cues (no onsets, tempo or key) into the cache:
    for new spectral cues, far faster than a full rebuild."""
    from musicpractice.analysis.arousal_cues import measure_arousal_cues
    from musicpractice.audio.io import load_signal

    tracks, keys, values = load_cue_table()
    done = {int(t): dict(zip(keys, row)) for t, row in zip(tracks, values)}
    audio = require_data() / "emotion" / "audio"
    start = time.perf_counter()
    for i, track in enumerate(sorted(done)):
        signal = load_signal(audio / f"{track}.opus")
        extra = measure_arousal_cues(signal.samples, signal.sr, onsets_s=np.zeros(0),
                                     short_term_lufs=np.zeros(0))
        done[track].update({k: getattr(extra, k) for k in SPECTRAL_KEYS})
        print(f"{i + 1}/{len(done)} {track} {time.perf_counter() - start:.0f} s", flush=True)
    _save(done, CACHE)


def _save(done: dict[int, dict[str, float]], path: Path) -> None:
    keys = sorted({k for v in done.values() for k in v})
    tracks = sorted(done)
    values = np.array([[done[t].get(k, np.nan) for k in keys] for t in tracks], dtype=float)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, tracks=np.array(tracks), keys=np.array(keys), values=values)
    os.replace(tmp, path)


def load_cue_table() -> tuple[np.ndarray, list[str], np.ndarray]:
    """``(track ids (n,), cue keys, values (n, cues))`` from the cache, or exit with how to build it."""
    partial = CACHE.with_suffix(".partial.npz")
    source = CACHE if CACHE.exists() else partial
    if not source.exists():
        sys.exit(f"cue table missing: run `nice -n 10 .venv/bin/python benchmarks/emotion_data.py` "
                 f"(writes {CACHE})")
    if source is partial:
        print(f"(the cue table is still being built: using the {source.name} so far)")
    with np.load(source, allow_pickle=False) as z:
        return z["tracks"], [str(k) for k in z["keys"]], z["values"]


if __name__ == "__main__":
    if sys.argv[1:] == ["--spectral"]:
        refresh_spectral_cues()
    else:
        build_cue_table(limit=int(sys.argv[1]) if len(sys.argv) > 1 else None)
