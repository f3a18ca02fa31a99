"""Exports from the window: a take's melody and the comparison's report and tables."""

from __future__ import annotations

import csv

import music21
from pypdf import PdfReader

from musicpractice.session.store import Session
from tests.compare.melody_files import PITCHES, write_melody
from tests.gui.test_window import _wait_for_view

TIMEOUT_MS = 240_000


def test_export_a_take_and_the_comparison(qtbot, window, tmp_path):
    score_path, take_path = write_melody(tmp_path)
    folder = tmp_path / "S.mpsession"
    with Session.create(folder) as session:
        take = session.import_audio(take_path, title="Monday").id
        score = session.import_score(score_path, title="Melody").id
    assert window.open_session(folder) is not None
    window.takes.select_take(take)
    _wait_for_view(qtbot, window, take)

    # nothing compared yet: the report export says what to do first
    window.exports.export_report(tmp_path / "early.pdf")
    assert "Compare takes first" in window.last_error
    assert not (tmp_path / "early.pdf").exists()

    # the take's melody as MIDI, read back with music21: the sung pitches in order
    midi = tmp_path / "monday.mid"
    window.exports.export_take(take, "midi", midi)
    qtbot.waitUntil(midi.exists, timeout=TIMEOUT_MS)
    pitches = [n.pitch.midi for n in music21.converter.parse(midi).flatten().notes]
    written = [p for i, p in enumerate(PITCHES) if i != 10]  # one note was left out
    assert len(pitches) >= len(written) - 2
    assert sum(p in written for p in pitches) >= 0.9 * len(pitches)

    # compare with the score, then the report and the tables
    window.views.setCurrentWidget(window.compare)
    window.compare.compare(score, [take])
    qtbot.waitUntil(lambda: not window.compare.busy, timeout=TIMEOUT_MS)
    assert window.compare.data is not None
    report = tmp_path / "report.pdf"
    window.exports.export_report(report)
    qtbot.waitUntil(report.exists, timeout=TIMEOUT_MS)
    text = " ".join(page.extract_text() for page in PdfReader(report).pages)
    assert "Monday" in text and "Melody" in text
    tables = tmp_path / "tables"
    window.exports.export_tables(tables)
    qtbot.waitUntil(lambda: (tables / "cues.csv").exists(), timeout=TIMEOUT_MS)
    with open(tables / "bars.csv", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 5  # five bars of the melody
