"""The versioned JSON document of an alignment (``musicpractice.alignment/1``).

Conventions (see DESIGN.md): times in seconds from the start of the take's file (``_s``),
score positions in quarter notes from the start of the score as written with repeats
expanded (``_quarter``), ``null`` for what could not be measured.
"""

from __future__ import annotations

import math

import numpy as np

from musicpractice.alignment.compare import ScoreComparison
from musicpractice.alignment.pitch_standard import PitchStandard
from musicpractice.alignment.timemap import Alignment
from musicpractice.analysis.key import KeyEstimate
from musicpractice.compare.bar_grid import beat_name
from musicpractice.reports.verdicts import note_counts
from musicpractice.core.pitch import note_name
from musicpractice.score import Score
from musicpractice.score.spelling import signature_key
from musicpractice.reports.formats import ALIGNMENT_SCHEMA
from musicpractice.reports.json_values import number as _num
TEMPO_WINDOW_S = 5.0
"""Length of the reference windows over which take-to-take tempo ratios are given."""


def alignment_document(alignment: Alignment, *, take: str, reference: str,
                       comparison: ScoreComparison | None = None, part: str | None = None,
                       bars: tuple[int, int] | None = None,
                       pitch_standard: PitchStandard | None = None,
                       key: KeyEstimate | None = None, score_model: Score | None = None) -> dict:
    """The JSON-ready dict of an alignment (and, for a score, its comparison).

    With the ``score_model`` and a comparison, the document also gives the key note names
    are spelled in (``spelling_key``: the key signature, C major when none is written),
    each note's ``name`` in it (F#4 in D major, Gb4 in D-flat major), and each bar's beat
    (``beat_quarter``, ``tempo_beat``: "dotted quarter" in 6/8) with its played and marked
    tempo in that beat (``beat_tempo_bpm``, ``score_beat_tempo_bpm``).

    With a ``pitch_standard`` (a take at A = 415 Hz, see
    :func:`~musicpractice.alignment.pitch_standard.heard_pitch_standard`) the document
    gives ``pitch_standard_hz`` and the take's ``key`` as written, its ``sounds`` sentence
    first ("Sounds B major; at A = 415 Hz this is C major.").
    """
    score = alignment.reference_kind == "score"
    ref_key = "ref_quarter" if score else "ref_s"
    span = alignment.ref_span
    doc = {
        "schema": ALIGNMENT_SCHEMA,
        "take": take,
        "reference": reference,
        "reference_kind": alignment.reference_kind,
        "part": part,
        "bar_range": list(bars) if bars else None,
        "confidence": _num(alignment.overall_confidence),
        "partial": alignment.partial,
        "transposition_semitones": alignment.transposition_semitones,
        "take_tuning_cents": _num(alignment.take_tuning_cents, 1),
        "take_span_s": [_num(v) for v in alignment.take_span_s],
        ("ref_span_quarter" if score else "ref_span_s"): [_num(v) for v in span],
        "timemap": [[_num(t), _num(r)] for t, r in alignment.timemap_pairs()],
        "unsure_regions": [{"take_start_s": _num(a), "take_end_s": _num(b)}
                           for a, b in alignment.unsure_regions()],
        "barlines": [],
        "warnings": list(alignment.warnings),
    }
    if pitch_standard is not None:
        doc["pitch_standard_hz"] = pitch_standard.standard_hz
        doc["warnings"].append(pitch_standard.sentence)
    if key is not None:
        doc["key"] = {"tonic": key.tonic, "mode": key.mode, "label": f"{key.tonic} {key.mode}",
                      "confidence": _num(key.confidence),
                      "sounds": next((w for w in key.warnings if w.startswith("Sounds ")), None)}
    if comparison is not None:
        doc["tuning_hz"] = comparison.tuning_hz
        doc["monophonic"] = comparison.monophonic
        doc["barlines"] = [{"measure": b.measure, "take_s": _num(b.take_s),
                            ref_key: _num(b.ref_quarter), "confidence": _num(b.confidence)}
                           for b in comparison.bars]
        doc["bars"] = [{"measure": b.measure, ref_key: _num(b.ref_quarter),
                        "take_s": _num(b.take_s), "duration_s": _num(b.duration_s),
                        "tempo_bpm": _num(b.tempo_bpm, 1),
                        "score_tempo_bpm": _num(b.score_tempo_bpm, 1),
                        "deviation_s": _num(b.deviation_s),
                        "loudness_lufs": _num(b.loudness_lufs, 1),
                        "confidence": _num(b.confidence),
                        "reason": b.reason} for b in comparison.bars]
        doc["beats"] = [{"measure": b.measure, "beat": b.beat, ref_key: _num(b.ref_quarter),
                         "take_s": _num(b.take_s)} for b in comparison.beats]
        doc["notes"] = [{"part": n.part, "measure": n.measure, ref_key: _num(n.ref_quarter),
                         "midi": n.midi, "take_onset_s": _num(n.take_onset_s),
                         "deviation_s": _num(n.deviation_s), "cents": _num(n.cents, 1),
                         "status": n.status, "confidence": _num(n.confidence),
                         "played_midi": n.played_midi, "attempt": n.attempt}
                        for n in comparison.notes]
        doc["note_counts"] = note_counts(n.status for n in comparison.notes)
        doc["extra_notes"] = [{"take_onset_s": _num(e.take_onset_s),
                               "duration_s": _num(e.duration_s), "midi": e.midi,
                               "measure": e.measure, "confidence": _num(e.confidence)}
                              for e in comparison.extra_notes]
        doc["restarts"] = [{"take_s": _num(r.take_s), "from_measure": r.from_measure,
                            "to_measure": r.to_measure} for r in comparison.restarts]
        doc["tolerance_cents"] = _num(comparison.tolerance_cents, 1)
        doc["warnings"] += list(comparison.warnings)
        if score_model is not None:
            _spell_and_count_beats(doc, score_model, comparison)
    elif not score:
        doc["tempo"] = take_tempo_windows(alignment)
    if score_model is not None:  # what the score itself says (grace notes not checked, ...)
        doc["warnings"] += list(score_model.warnings)
    doc["warnings"] = list(dict.fromkeys(doc["warnings"]))
    return doc


def _spell_and_count_beats(doc: dict, score: Score, comparison: ScoreComparison) -> None:
    """Note names spelled in the score's key and bar tempi in its beat (see
    :func:`alignment_document`), added to ``doc`` in place."""
    tonic, mode = signature_key(score.keys) or ("C", "major")
    doc["spelling_key"] = {"tonic": tonic, "mode": mode}
    for note in doc["notes"]:
        note["name"] = note_name(note["midi"], key=(tonic, mode))
        note["played_name"] = (note_name(note["played_midi"], key=(tonic, mode))
                               if note["played_midi"] is not None else None)
    for extra in doc["extra_notes"]:
        extra["name"] = note_name(extra["midi"], key=(tonic, mode))
    starts = np.array([m.start_quarter for m in score.measures])
    for bar, row in zip(doc["bars"], comparison.bars):
        at = max(0, int(np.searchsorted(starts, row.ref_quarter + 1e-6, side="right")) - 1)
        beat = float(score.measures[at].beat_quarter) if score.measures else 1.0
        bar["beat_quarter"] = beat
        bar["tempo_beat"] = beat_name(beat)[1]
        bar["beat_tempo_bpm"] = _num(row.tempo_bpm / beat, 1)
        bar["score_beat_tempo_bpm"] = _num(row.score_tempo_bpm / beat, 1)


def take_tempo_windows(alignment: Alignment) -> list[dict]:
    """Tempo of the take relative to the reference over consecutive reference windows
    (``tempo_ratio`` > 1: the take is faster there)."""
    r0, r1 = alignment.ref_span
    edges = np.arange(r0, r1 + 1e-9, TEMPO_WINDOW_S)
    if edges.size < 2 or edges[-1] < r1 - 1e-6:
        edges = np.append(edges, r1)
    times = alignment.take_at(edges)
    windows = []
    for k in range(edges.size - 1):
        took = times[k + 1] - times[k]
        ratio = (edges[k + 1] - edges[k]) / took if took > 0 else math.nan
        windows.append({"ref_s": _num(edges[k]), "take_s": _num(times[k]),
                        "tempo_ratio": _num(ratio)})
    return windows
