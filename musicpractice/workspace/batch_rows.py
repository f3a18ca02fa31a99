"""One batch-table row per audio file: what the analysis (and an alignment) found, flat.

Columns (a value is ``None`` where it cannot be measured):

- ``file``, ``status`` (``ok``/``failed``), ``error`` (one line, for failed files);
- ``duration_s``, ``key``, ``key_confidence``, ``tempo_bpm``, ``tempo_confidence``,
  ``tuning_hz``, ``integrated_lufs`` (absolute level: comparable between files only when
  they were recorded with the same set-up);
- ``character`` (the strongest emotion the cues suggest, never a grade),
  ``character_confidence``, ``arousal``, ``valence``;
- ``cue_<key>`` for every expressive cue, in the cue's own unit;
- with a reference: ``ref_confidence``, ``ref_tempo_ratio`` (the take's speed relative to the
  reference: 1.2 = 20 % faster), ``ref_first_bar``, ``ref_last_bar`` (score references),
  ``ref_partial``;
- ``worker`` (the Dask worker's address), ``analysis_version``, ``params``,
  ``content_sha256``, ``size_bytes``, ``mtime_ns``, ``analysed_at``.
"""

from __future__ import annotations

import math

from musicpractice.analysis.take import TakeAnalysis

BASE_COLUMNS = ("file", "status", "error", "duration_s", "key", "key_confidence", "tempo_bpm",
                "tempo_confidence", "tuning_hz", "integrated_lufs", "character",
                "character_confidence", "arousal", "valence")
TRAILING_COLUMNS = ("worker", "analysis_version", "params", "content_sha256", "size_bytes",
                    "mtime_ns", "analysed_at")


def _num(value, digits: int = 4):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return round(value, digits) if math.isfinite(value) else None


def analysis_columns(analysis: TakeAnalysis) -> dict:
    """The analysis part of a row (see the module docstring)."""
    character = analysis.character
    strongest = character.emotions[0] if character.emotions else None
    row = {
        "duration_s": _num(analysis.duration_s, 3),
        "key": f"{analysis.key.tonic} {analysis.key.mode}",
        "key_confidence": _num(analysis.key.confidence, 3),
        "tempo_bpm": _num(analysis.tempo.bpm, 2),
        "tempo_confidence": _num(analysis.tempo.confidence, 3),
        "tuning_hz": _num(analysis.tuning.a4_hz, 2),
        "integrated_lufs": _num(analysis.loudness.integrated_lufs, 2),
        "character": strongest.name if strongest is not None else None,
        "character_confidence": _num(character.confidence, 3),
        "arousal": _num(character.arousal.value, 3),
        "valence": _num(character.valence.value, 3),
    }
    for cue in analysis.cues.cues:
        row[f"cue_{cue.key}"] = _num(cue.value, 4)
    return row


def failed_row(file: str, error: str) -> dict:
    """The row of a file that could not be analysed: its error in one line."""
    return {"file": file, "status": "failed", "error": " ".join(str(error).split())[:500]}
