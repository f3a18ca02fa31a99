"""With a score, bar tempi are given in the beat of its time signature: dotted quarters
in 6/8 ("♩. = 48"), with the unit named in tables, sentences and captions; the percent
against the marked tempo does not depend on the beat."""

from __future__ import annotations

import music21
import numpy as np
import soundfile as sf

from musicpractice.compare.differences import describe_differences
from musicpractice.compare.model import compare_takes
from musicpractice.reports.report_content import _plot_caption, bar_table
from musicpractice.reports.tables import bar_records
from musicpractice.score import load_score
from musicpractice.session.store import Session
from tests.alignment.synth import SR, render, tempo_curve
from tests.compare.melody_files import PITCHES

SPEED = 0.8
"""The take is played at 80 % of the marked ♩. = 60, i.e. ♩. = 48 (72 quarters a minute)."""


def _six_eight_score(path):
    part = music21.stream.Part()
    part.partName = "Alto"
    part.append(music21.meter.TimeSignature("6/8"))
    part.append(music21.tempo.MetronomeMark(
        number=60, referent=music21.duration.Duration(1.5)))
    for k, midi in enumerate(PITCHES):  # quarter + eighth, the 6/8 lilt
        part.append(music21.note.Note(midi, quarterLength=1.0 if k % 2 == 0 else 0.5))
    music21.stream.Score([part]).write("musicxml", fp=path)
    return load_score(path)


def six_eight_comparison(folder):
    """A 6/8 score marked ♩. = 60 and a take of it played at :data:`SPEED` of that."""
    score = _six_eight_score(folder / "lilt.musicxml")
    assert abs(score.tempos[0].bpm_quarter - 90.0) < 1e-6  # ♩. = 60 is 90 quarters a minute
    y = render(score.notes, tempo_curve(score, start_s=0.5, wobble=0.0, speed=SPEED))
    sf.write(folder / "take.wav", y, SR)
    with Session.create(folder / "S.mpsession") as session:
        take = session.import_audio(folder / "take.wav", title="Slow")
        ref = session.import_score(folder / "lilt.musicxml", title="Lilt")
        return compare_takes(session, ref.id, [take.id], part="Alto")


def test_six_eight_tempo_is_counted_in_dotted_quarters(tmp_path):
    comparison = six_eight_comparison(tmp_path)

    assert comparison.grid.beat_unit() == ("♩.", "dotted quarter")
    bars = [b for b in comparison.takes[0].bars if b.covered]
    assert len(bars) >= 4
    assert all(abs(b.ref_tempo_bpm - 60.0) < 1e-6 for b in bars)
    assert abs(np.median([b.tempo_bpm for b in bars]) - 60.0 * SPEED) < 2.0
    assert abs(np.median([b.tempo_pct for b in bars]) - 100.0 * SPEED) < 3.0

    table = bar_table(comparison, comparison.takes[0])
    tempo_cells = [row[table.header.index("Tempo")] for row in table.rows]
    assert tempo_cells and all(c.startswith("♩. = ") for c in tempo_cells)
    assert abs(np.median([float(c.split("= ")[1]) for c in tempo_cells]) - 48) <= 2
    assert any("marked tempo (♩. = 60)" in s for s in describe_differences(comparison))
    assert "dotted quarter notes per minute" in _plot_caption(comparison)
    records = [r for r in bar_records(comparison) if r["tempo_bpm"] is not None]
    assert records and {r["tempo_beat"] for r in records} == {"dotted quarter"}
