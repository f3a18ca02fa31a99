"""Exports of one take of a session: its melody as MIDI/MusicXML/CSV, label files for
Audacity and Sonic Visualiser, and its time map against a reference.

What each format holds is described in :mod:`musicpractice.reports.labels` and
:mod:`musicpractice.score.export`.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

from musicpractice.reports.alignment_json import alignment_document
from musicpractice.analysis.take import analyze_file
from musicpractice.analysis.top_line import struck_notes
from musicpractice.audio.io import load_signal
from musicpractice.analysis.voices import DEFAULT_RANGE
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import FLAT_NAMES, SHARP_NAMES
from musicpractice.core.progress import CancelToken, ProgressFn, Steps
from musicpractice.reports.analysis_json import analysis_document
from musicpractice.compare.bar_grid import score_grid
from musicpractice.reports.files import check_writable, write_file
from musicpractice.reports.formats import LAYERS, TAKE_EXPORTS
from musicpractice.reports.labels import (
    audacity_labels,
    bar_events,
    beat_events,
    note_events,
    sonic_visualiser_csv,
    timemap_csv,
)
from musicpractice.workspace.derived import ensure_alignment, ensure_analysis
from musicpractice.workspace.references import find_reference, session_score
from musicpractice.reports.tables import csv_text
from musicpractice.score.export import melody_midi, melody_musicxml
from musicpractice.score.hands import hands_from_score, split_hands
from musicpractice.session.store import Session

NOTE_COLUMNS = ("onset_s", "offset_s", "midi", "name", "median_hz", "cents",
                "vibrato_rate_hz", "vibrato_extent_cents", "confidence")
NOTATION_FALLBACK_BPM = 60.0
"""Tempo of the MusicXML export when no tempo was found in the take."""


def written_key_and_metre(score, analysis) -> tuple[tuple[str, str] | None, str]:
    """Key (tonic, mode) and time signature an exported melody is written in.

    From the score's first key and time signature when the take is exported against a
    score (the mode the analysis heard when the signature alone leaves it open); otherwise
    the estimated key (none when no pitched sound was found) and 4/4, since the metre is
    not estimated.
    """
    mode = analysis.key.mode if analysis.key.mode in ("major", "minor") else "major"
    if score is not None:
        metre = score.measures[0].time_signature if score.measures else "4/4"
        sharps = score.keys[0].sharps if score.keys else 0  # none written: no sharps or flats
        major = (7 * sharps) % 12
        tonic = major if mode == "major" else (major + 9) % 12
        names = SHARP_NAMES if sharps >= 0 else FLAT_NAMES
        return (names[tonic], mode), metre
    if analysis.key.confidence <= 0:
        return None, "4/4"
    return (analysis.key.tonic, analysis.key.mode), "4/4"


def _piano_notes(session: Session, take_id: str, analysis, cancel) -> tuple:
    """Every struck key of a polyphonic take (melody and accompaniment), time order."""
    signal = load_signal(session.audio_path(take_id), cancel=cancel)
    return struck_notes(signal.samples, signal.sr, tuning_hz=analysis.tuning.a4_hz,
                        cancel=cancel)


def _hands(session: Session, take_id: str, reference, score, notes, cancel) -> tuple:
    """Hand of each note: from the part it plays in an aligned score of several parts,
    else (and for notes the score cannot place) by the split that follows the music."""
    onsets = [n.onset_s for n in notes]
    split = split_hands(onsets, [n.offset_s for n in notes], [n.midi for n in notes])
    if score is None or len(score.parts) < 2:
        return split
    alignment = ensure_alignment(session, take_id, reference, cancel=cancel)
    written = hands_from_score(alignment.ref_at(np.asarray(onsets)), [n.midi for n in notes],
                               score)
    return tuple(w or s for w, s in zip(written, split))


def export_take(session: Session, take_id: str, what: str, out: str | os.PathLike, *,
                reference_id: str | None = None, layer: str = "notes",
                voice: str = DEFAULT_RANGE, analyze=analyze_file,
                progress: ProgressFn | None = None,
                cancel: CancelToken | None = None) -> Path:
    """Write one export of a take; returns the file written.

    Parameters
    ----------
    session : Session
    take_id : str
    what : str
        ``midi``, ``musicxml`` (the transcribed melody), ``labels`` (Audacity label
        track of notes, beats and, with a score reference, barlines), ``sv`` (Sonic
        Visualiser layer ``layer``), ``timemap`` (needs ``reference_id``; ``.csv`` or
        ``.json`` by the file's suffix) or ``csv`` (the transcribed notes).
    out : path-like
        The file to write (its folder must exist); replaced atomically.
    reference_id : str, optional
        A score or take of the session: barlines (score) and the time map.
    layer : str
        ``notes``, ``beats`` or ``bars`` (for ``sv``).
    voice, analyze
        The analysis used (see :func:`~musicpractice.compare.model.compare_takes`).

    Raises
    ------
    InvalidParameterError
        Unknown export, layer or ids; a time map or barlines without a fitting reference.
    ExportError
        The file cannot be written.
    """
    if what not in TAKE_EXPORTS:
        raise InvalidParameterError(f"Cannot export {what!r}; choose one of {', '.join(TAKE_EXPORTS)}.")
    if layer not in LAYERS:
        raise InvalidParameterError(f"Unknown layer {layer!r}; choose one of {', '.join(LAYERS)}.")
    out = check_writable(out)
    take = session.take(take_id)
    reference = find_reference(session, reference_id) if reference_id is not None else None
    steps = Steps(progress, [("analysis", 4), ("alignment", 1)])
    if what == "timemap":
        if reference is None:
            raise InvalidParameterError("A time map needs a reference (--ref SCORE_OR_TAKE_ID).")
        alignment = ensure_alignment(session, take_id, reference,
                                     progress=steps.stage("alignment"), cancel=cancel)
        if out.suffix.lower() == ".csv":
            return write_file(out, timemap_csv(alignment))
        if out.suffix.lower() == ".json":
            doc = alignment_document(alignment, take=take_id, reference=reference.id)
            return write_file(out, json.dumps(doc, allow_nan=False) + "\n")
        raise InvalidParameterError(f"A time map is written as .csv or .json, not {out.name}.")
    analysis = ensure_analysis(session, take_id, voice=voice, analyze=analyze,
                               progress=steps.stage("analysis"), cancel=cancel)
    notes = analysis.notes
    title = take.title or take.id
    if what in ("midi", "musicxml"):
        score = (session_score(session, reference.id)
                 if reference is not None and reference.kind == "score" else None)
        key, time_signature = written_key_and_metre(score, analysis)
        hands = None
        if analysis.melody.polyphonic:  # piano: every struck key, on two staves
            notes = _piano_notes(session, take_id, analysis, cancel)
            hands = _hands(session, take_id, reference, score, notes, cancel) if notes else None
    if what == "midi":
        return write_file(out, melody_midi([n.onset_s for n in notes], [n.offset_s for n in notes],
                                           [n.midi for n in notes], title=title, key=key,
                                           time_signature=time_signature, hands=hands))
    if what == "musicxml":
        bpm = analysis.tempo.bpm if math.isfinite(analysis.tempo.bpm) else NOTATION_FALLBACK_BPM
        return write_file(out, melody_musicxml(
            [n.onset_s for n in notes], [n.offset_s for n in notes], [n.midi for n in notes],
            tempo_bpm=bpm, title=title, key=key, time_signature=time_signature, hands=hands))
    if what == "csv":
        records = analysis_document(analysis)["melody"]["notes"]
        return write_file(out, csv_text(records, NOTE_COLUMNS))
    bars = []
    if what == "labels" or layer == "bars":
        if reference is not None and reference.kind == "score":
            score = session_score(session, reference.id)
            alignment = ensure_alignment(session, take_id, reference, score=score,
                                         progress=steps.stage("alignment"), cancel=cancel)
            bars = bar_events(score_grid(score), alignment)
        elif layer == "bars" and what == "sv":
            raise InvalidParameterError("Barlines need a score as the reference (--ref SCORE_ID).")
    if what == "labels":
        return write_file(out, audacity_labels(note_events(analysis) + beat_events(analysis)
                                               + bars))
    events = {"notes": note_events, "beats": beat_events}.get(layer)
    return write_file(out, sonic_visualiser_csv(events(analysis) if events else bars))
