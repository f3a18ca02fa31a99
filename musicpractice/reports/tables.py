"""The tables of a comparison as JSON (``musicpractice.comparison/1``) and CSV.

Every per-bar, per-note and cue table goes out in both forms with the same columns; the
column names carry their units (``_s``, ``_ms``, ``_bpm``, ``_pct``, ``_lufs``,
``_cents``). Empty CSV cells and JSON ``null`` mean "not measured". Bar tempi (``_bpm``)
count the beat of the score's time signature, named in ``tempo_beat`` ("dotted quarter"
in 6/8, "half" in 2/2; "quarter" without a score).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from musicpractice import __version__
from musicpractice.compare.model import Comparison
from musicpractice.reports.files import ExportError, write_file
from musicpractice.reports.formats import COMPARISON_SCHEMA
from musicpractice.reports.json_values import number
from musicpractice.reports.verdicts import note_counts
from musicpractice.compare.progress import Progress

BAR_COLUMNS = ("take_id", "take", "index", "bar", "ref_start", "take_start_s", "duration_s",
               "tempo_bpm", "ref_tempo_bpm", "tempo_beat", "tempo_pct", "deviation_ms", "loudness_lufs",
               "articulation_ratio", "intonation_cents", "wrong", "missing", "extra",
               "confidence")
NOTE_COLUMNS = ("take_id", "take", "bar", "ref_position", "midi", "name", "take_onset_s",
                "duration_s", "deviation_ms", "cents", "status", "confidence", "played_midi",
                "attempt")
CUE_COLUMNS = ("take_id", "take", "key", "name", "value", "unit", "meaning")
DECIMALS = {"ref_start": 3, "take_start_s": 3, "duration_s": 3, "tempo_bpm": 1,
            "ref_tempo_bpm": 1, "tempo_pct": 1, "deviation_ms": 0, "loudness_lufs": 1,
            "articulation_ratio": 2, "intonation_cents": 1, "confidence": 2,
            "ref_position": 3, "take_onset_s": 3, "cents": 1, "value": 3}


def _record(obj, columns, take_name: str) -> dict:
    out = {}
    for column in columns:
        if column == "take":
            out[column] = take_name
            continue
        value = getattr(obj, column)
        out[column] = number(value, DECIMALS.get(column, 3)) if not isinstance(value, str) \
            else value
    return out


def bar_records(comparison: Comparison) -> list[dict]:
    """One dict per take and bar, in take order then performed order."""
    return [_record(row, BAR_COLUMNS, take.name) for take in comparison.takes for row in take.bars]


def note_records(comparison: Comparison) -> list[dict]:
    """One dict per take and note."""
    return [_record(row, NOTE_COLUMNS, take.name) for take in comparison.takes
            for row in take.notes]


def restart_records(comparison: Comparison) -> list[dict]:
    """One dict per restart (or skip ahead) of each take: where in the take (s), the bar
    left and the bar gone on from."""
    return [{"take_id": take.take.id, "take": take.name, "take_s": number(r.take_s, 3),
             "from_bar": r.from_measure, "to_bar": r.to_measure}
            for take in comparison.takes for r in take.restarts]


def cue_records(comparison: Comparison) -> list[dict]:
    """The expressive cues of every take, side by side."""
    return [{"take_id": take.take.id, "take": take.name, "key": cue.key, "name": cue.name,
             "value": number(cue.value, 3), "unit": cue.unit, "meaning": cue.meaning}
            for take in comparison.takes for cue in take.analysis.cues.cues]


def progress_records(progress: Progress) -> list[dict]:
    """One dict per take of a progress series: id, title, date and each measure."""
    return [{"take_id": take_id, "take": title, "date": date,
             **{m.key: number(m.values[k], 3) for m in progress.measures}}
            for k, (take_id, title, date) in enumerate(zip(progress.take_ids, progress.titles,
                                                           progress.dates))]


def comparison_document(comparison: Comparison, differences: list[str],
                        progress: Progress | None = None) -> dict:
    """The JSON-ready ``musicpractice.comparison/1`` document (``progress`` is null when
    not asked for)."""
    grid = comparison.grid
    return {
        "schema": COMPARISON_SCHEMA,
        "session": comparison.session_title,
        "reference": {"kind": comparison.reference.kind, "id": comparison.reference.id,
                      "title": comparison.reference.title},
        "part": comparison.part,
        "axis": {"kind": grid.kind, "unit": grid.unit, "numbers": list(grid.numbers),
                 "edges": [number(e, 3) for e in grid.edges]},
        "takes": [{"id": t.take.id, "title": t.take.title, "performer": t.take.performer,
                   "date": t.take.date, "is_reference": t.is_reference,
                   "alignment_confidence": number(t.alignment.overall_confidence, 3)
                   if t.alignment is not None else None,
                   "note_counts": note_counts(n.status for n in t.notes),
                   "warnings": list(t.warnings)} for t in comparison.takes],
        "differences": list(differences),
        "bars": bar_records(comparison),
        "notes": note_records(comparison),
        "restarts": restart_records(comparison),
        "cues": cue_records(comparison),
        "progress": None if progress is None else {
            "performer": progress.performer, "piece": progress.piece,
            "measures": [{"key": m.key, "name": m.name, "unit": m.unit}
                         for m in progress.measures],
            "takes": progress_records(progress), "changes": progress.sentences()},
        "warnings": list(comparison.warnings),
        "versions": {"musicpractice": __version__},
    }


def csv_text(records: list[dict], columns: tuple[str, ...]) -> str:
    """Records as CSV with a header row; ``None`` becomes an empty cell."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: ("" if record.get(k) is None else record.get(k)) for k in columns})
    return buffer.getvalue()


def write_csv_tables(comparison: Comparison, folder: str | os.PathLike,
                     progress: Progress | None = None) -> list[Path]:
    """Write ``bars.csv``, ``notes.csv``, ``cues.csv`` (and ``progress.csv``) into
    ``folder`` (created if its parent exists); returns the files written."""
    folder = Path(folder)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise ExportError(f"Cannot create the folder {folder}: {error.strerror or error}.") from error
    files = [write_file(folder / "bars.csv", csv_text(bar_records(comparison), BAR_COLUMNS)),
             write_file(folder / "notes.csv", csv_text(note_records(comparison), NOTE_COLUMNS)),
             write_file(folder / "cues.csv", csv_text(cue_records(comparison), CUE_COLUMNS))]
    if progress is not None:
        columns = ("take_id", "take", "date", *(m.key for m in progress.measures))
        files.append(write_file(folder / "progress.csv",
                                csv_text(progress_records(progress), columns)))
    return files
