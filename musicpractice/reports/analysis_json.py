"""The ``musicpractice.analysis/1`` JSON document of a take's analysis (see README)."""

from __future__ import annotations

from musicpractice import __version__
from musicpractice.analysis.character import CharacterReading, Reading
from musicpractice.analysis.take import TakeAnalysis
from musicpractice.core.pitch import note_name
from musicpractice.reports.formats import ANALYSIS_SCHEMA
from musicpractice.reports.json_values import number, numbers


def analysis_document(result: TakeAnalysis) -> dict:
    """A JSON-ready dict of everything in ``result``."""
    info = result.info
    return {
        "schema": ANALYSIS_SCHEMA,
        "file": info.path,
        "format": info.format,
        "sample_rate_hz": info.sample_rate_hz,
        "channels": info.channels,
        "duration_s": number(result.duration_s, 3),
        "peak_dbfs": number(result.peak_dbfs, 2),
        "clipped_fraction": number(result.clipped_fraction, 6),
        "warnings": list(result.warnings),
        "music_found": bool(result.music_found),
        "tuning_hz": number(result.tuning.a4_hz, 2),
        "tuning": {
            "a4_hz": number(result.tuning.a4_hz, 2),
            "deviation_cents": number(result.tuning.deviation_cents, 1),
            "confidence": number(result.tuning.confidence, 3),
            "warnings": list(result.tuning.warnings),
        },
        "key": _key(result),
        "tempo": _tempo(result),
        "melody": _melody(result),
        "loudness": _loudness(result),
        "cues": [
            {"key": c.key, "name": c.name, "value": number(c.value, 3), "unit": c.unit,
             "meaning": c.meaning, "method": c.method}
            for c in result.cues.cues
        ],
        "character": _character(result.character),
        "versions": {"musicpractice": __version__},
    }


def _key(result: TakeAnalysis) -> dict:
    key = result.key
    return {
        "tonic": key.tonic,
        "mode": key.mode,
        "label": f"{key.tonic} {key.mode}",
        "confidence": number(key.confidence, 3),
        "alternatives": [
            {"tonic": k.tonic, "mode": k.mode, "score": number(k.score, 4)} for k in key.alternatives
        ],
        "segments": [
            {"start_s": number(s.start_s, 2), "end_s": number(s.end_s, 2), "tonic": s.tonic,
             "mode": s.mode, "confidence": number(s.confidence, 3)}
            for s in key.segments
        ],
        "warnings": list(key.warnings),
    }


def _tempo(result: TakeAnalysis) -> dict:
    tempo = result.tempo
    return {
        "bpm": number(tempo.bpm, 2),
        "confidence": number(tempo.confidence, 3),
        "alternatives": [
            {"bpm": number(a.bpm, 2), "weight": number(a.weight, 3), "relation": a.relation}
            for a in tempo.alternatives
        ],
        "beats_s": numbers(tempo.beats_s, 3),
        "curve": {"times_s": numbers(tempo.curve_times_s, 3), "bpm": numbers(tempo.curve_bpm, 2)},
        "ibi_cv": number(tempo.ibi_cv, 4),
        "stability": number(tempo.stability, 3),
        "warnings": list(tempo.warnings),
    }


def _melody(result: TakeAnalysis) -> dict:
    track = result.melody
    return {
        "hop_s": number(track.hop_s, 6),
        "fmin_hz": number(track.fmin_hz, 2),
        "fmax_hz": number(track.fmax_hz, 2),
        "voice": result.voice,
        "f0_hz": numbers(track.f0_hz, 2),
        "voiced_prob": numbers(track.voiced_prob, 3),
        "confidence": number(track.confidence, 3),
        "polyphonic": bool(track.polyphonic),
        "notes": [
            {"onset_s": number(n.onset_s, 3), "offset_s": number(n.offset_s, 3),
             "midi": int(n.midi),
             "name": note_name(n.midi, key=(result.key.tonic, result.key.mode)),
             "median_hz": number(n.median_hz, 2), "cents": number(n.cents, 1),
             "vibrato_rate_hz": number(n.vibrato_rate_hz, 2),
             "vibrato_extent_cents": number(n.vibrato_extent_cents, 1),
             "confidence": number(n.confidence, 3)}
            for n in result.notes
        ],
        "warnings": list(track.warnings),
    }


def _loudness(result: TakeAnalysis) -> dict:
    loud = result.loudness
    return {
        "integrated_lufs": number(loud.integrated_lufs, 2),
        "lra_lu": number(loud.lra_lu, 2),
        "max_momentary_lufs": number(loud.max_momentary_lufs, 2),
        "max_short_term_lufs": number(loud.max_short_term_lufs, 2),
        "sample_peak_dbfs": number(loud.sample_peak_dbfs, 2),
        "momentary": {"hop_s": number(loud.hop_s, 3), "times_s": numbers(loud.momentary_times_s, 2),
                      "lufs": numbers(loud.momentary_lufs, 2)},
        "short_term": {"hop_s": number(loud.hop_s, 3), "times_s": numbers(loud.short_term_times_s, 2),
                       "lufs": numbers(loud.short_term_lufs, 2)},
        "confidence": number(loud.confidence, 3),
        "warnings": list(loud.warnings),
    }


def _reading(reading: Reading) -> dict:
    return {
        "name": reading.name,
        "evidence": number(reading.value, 3),
        "coverage": number(reading.coverage, 3),
        "contributions": [
            {"cue": c.cue, "score": number(c.score, 3), "weight": c.weight,
             "contribution": number(c.contribution, 3)}
            for c in reading.contributions
        ],
    }


def _character(reading: CharacterReading) -> dict:
    return {
        "summary": reading.summary,
        "confidence": number(reading.confidence, 3),
        "emotions": [_reading(e) for e in reading.emotions],
        "arousal": _reading(reading.arousal),
        "valence": _reading(reading.valence),
    }
