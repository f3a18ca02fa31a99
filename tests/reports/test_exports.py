"""Every export written and read back: report (HTML, PDF), CSV, JSON, MIDI, MusicXML,
Audacity labels, Sonic Visualiser layers, time maps."""

from __future__ import annotations

import csv
import io
import json
import math
from html.parser import HTMLParser

import music21
import numpy as np
import pytest
from pypdf import PdfReader

from musicpractice.core.errors import InvalidParameterError
from musicpractice.reports.comparison_exports import comparison_summary, write_report
from musicpractice.compare.differences import describe_differences
from musicpractice.reports.files import ExportError
from musicpractice.reports.formats import COMPARISON_SCHEMA
from musicpractice.workspace.derived import ensure_alignment, ensure_analysis
from musicpractice.workspace.references import find_reference
from musicpractice.reports.tables import (
    BAR_COLUMNS,
    comparison_document,
    write_csv_tables,
)
from musicpractice.reports.take_exports import export_take
from tests.comparison_fixtures import COMMENT


class _Cells(HTMLParser):
    """Collects the text of every table cell and counts inline SVG plots."""

    def __init__(self):
        super().__init__()
        self.cells, self.svgs, self._in_cell = [], 0, False

    def handle_starttag(self, tag, attrs):
        self.svgs += tag == "svg"
        if tag in ("td", "th"):
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.cells[-1] += data


def _length(row) -> str:
    return f"{row.duration_s:.2f}"


def test_html_report_holds_plots_tables_and_comments(against_score, tmp_path):
    path = write_report(against_score, describe_differences(against_score), tmp_path / "r.html")
    text = path.read_text(encoding="utf-8")
    parser = _Cells()
    parser.feed(text)
    assert parser.svgs >= 2  # tempo and loudness, inline
    igoshina = against_score.takes[1]
    (bar,) = [r.bar for r in igoshina.bars if r.take_start_s <= 6.0 < r.take_start_s + r.duration_s]
    assert COMMENT in text and f"Igoshina, bar {bar} (0:06.0)" in text
    for take in against_score.takes:
        lengths = [_length(r) for r in take.bars if r.covered]
        assert all(length in parser.cells for length in lengths)
    assert "<script" not in text and "http" not in text.split("<svg", 1)[0]


def test_pdf_report_reads_back(against_score, tmp_path):
    path = write_report(against_score, describe_differences(against_score), tmp_path / "r.pdf")
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Practice report: Chopin Op. 10/3" in text
    assert "Bar by bar" in text and COMMENT.split(";")[0] in text
    igoshina = against_score.takes[1]
    for row in igoshina.bars:
        assert _length(row) in text
        assert f"{row.tempo_bpm:.0f}" in text
    assert describe_differences(against_score)[0] in " ".join(text.split())
    assert reader.metadata.title == "Practice report: Chopin Op. 10/3"


def test_report_suffix_and_folder_are_checked(against_score, tmp_path):
    with pytest.raises(InvalidParameterError, match=".html or .pdf"):
        write_report(against_score, [], tmp_path / "r.txt")
    with pytest.raises(ExportError, match="does not exist"):
        write_report(against_score, [], tmp_path / "missing" / "r.pdf")


def test_csv_and_json_tables_agree(against_score, tmp_path):
    files = write_csv_tables(against_score, tmp_path / "tables")
    assert [f.name for f in files] == ["bars.csv", "notes.csv", "cues.csv"]
    with open(files[0], newline="", encoding="utf-8") as handle:
        bars = list(csv.DictReader(handle))
    assert tuple(bars[0]) == BAR_COLUMNS
    rows = [r for t in against_score.takes for r in t.bars]
    assert len(bars) == len(rows) == 2 * 18
    for record, row in zip(bars, rows):
        assert int(record["bar"]) == row.bar and record["take_id"] == row.take_id
        assert float(record["duration_s"]) == pytest.approx(row.duration_s, abs=5e-4)
        assert float(record["tempo_pct"]) == pytest.approx(row.tempo_pct, abs=0.05)
        assert record["wrong"] == ""  # a piano score: notes not checked one by one
    with open(files[1], newline="", encoding="utf-8") as handle:
        notes = list(csv.DictReader(handle))
    assert len(notes) == sum(len(t.notes) for t in against_score.takes)
    doc = json.loads(json.dumps(comparison_document(against_score, ["x"]), allow_nan=False))
    assert doc["schema"] == COMPARISON_SCHEMA == "musicpractice.comparison/1"
    assert [b["duration_s"] for b in doc["bars"]] == [float(b["duration_s"]) for b in bars]
    assert doc["axis"]["numbers"] == list(range(1, 19)) and doc["axis"]["unit"] == "quarter"
    assert {c["key"] for c in doc["cues"]} >= {"articulation_ratio", "level_lufs"}


def test_melody_as_midi_and_musicxml(melody, tmp_path):
    session = melody.session
    notes = ensure_analysis(session, melody.take).notes
    assert len(notes) >= 15
    midi_path = export_take(session, melody.take, "midi", tmp_path / "m.mid")
    parsed = music21.converter.parse(midi_path, quantizePost=False).stripTies()
    read = sorted(parsed.flatten().notes, key=lambda n: n.offset)
    assert [n.pitch.midi for n in read] == [n.midi for n in notes]
    # 60 quarter notes per minute: offsets in the file are seconds of the take
    assert np.allclose([float(n.offset) for n in read], [n.onset_s for n in notes], atol=2e-3)
    xml_path = export_take(session, melody.take, "musicxml", tmp_path / "m.musicxml")
    parsed = music21.converter.parse(xml_path).stripTies()
    assert [n.pitch.midi for n in parsed.flatten().notes] == [n.midi for n in notes]


def test_audacity_labels_and_sonic_visualiser_layers(melody, tmp_path):
    session = melody.session
    analysis = ensure_analysis(session, melody.take)
    path = export_take(session, melody.take, "labels", tmp_path / "labels.txt",
                       reference_id=melody.score)
    lines = [line.split("\t") for line in path.read_text().splitlines()]
    assert all(len(fields) == 3 for fields in lines)
    starts = [float(f[0]) for f in lines]
    assert starts == sorted(starts)
    labels = [f[2] for f in lines]
    bars = [f for f in lines if f[2].startswith("bar ")]
    assert [f[2] for f in bars] == [f"bar {k}" for k in range(1, 6)]
    alignment = ensure_alignment(session, melody.take, find_reference(session, melody.score))
    assert [float(f[0]) for f in bars] == pytest.approx(alignment.take_at([0, 4, 8, 12, 16]), abs=1e-6)
    assert sum(label.startswith("beat ") for label in labels) == len(analysis.tempo.beats_s)
    assert len(lines) == len(analysis.notes) + len(analysis.tempo.beats_s) + 5
    notes = export_take(session, melody.take, "sv", tmp_path / "notes.csv")
    rows = list(csv.reader(io.StringIO(notes.read_text())))
    assert [int(r[1]) for r in rows] == [n.midi for n in analysis.notes]
    assert [float(r[0]) for r in rows] == pytest.approx([n.onset_s for n in analysis.notes], abs=1e-6)
    bars_layer = export_take(session, melody.take, "sv", tmp_path / "bars.csv",
                             reference_id=melody.score, layer="bars")
    assert [r[2] for r in csv.reader(io.StringIO(bars_layer.read_text()))] == \
        [f"bar {k}" for k in range(1, 6)]
    with pytest.raises(InvalidParameterError, match="score as the reference"):
        export_take(session, melody.take, "sv", tmp_path / "x.csv", layer="bars")


def test_time_map_and_notes_csv(melody, tmp_path):
    session = melody.session
    path = export_take(session, melody.take, "timemap", tmp_path / "map.csv",
                       reference_id=melody.score)
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    take_s = [float(r["take_s"]) for r in rows]
    ref = [float(r["ref_quarter"]) for r in rows]
    assert np.all(np.diff(take_s) > 0) and np.all(np.diff(ref) >= -1e-9)
    # sung at 100 BPM from 0.5 s: a quarter note every 0.6 s
    middle = slice(len(rows) // 4, 3 * len(rows) // 4)
    assert np.polyfit(ref[middle], take_s[middle], 1)[0] == pytest.approx(0.6, rel=0.05)
    doc = json.loads(export_take(session, melody.take, "timemap", tmp_path / "map.json",
                                 reference_id=melody.score).read_text())
    assert doc["schema"] == "musicpractice.alignment/1" and len(doc["timemap"]) == len(rows)
    with pytest.raises(InvalidParameterError, match="needs a reference"):
        export_take(session, melody.take, "timemap", tmp_path / "m.csv")
    with pytest.raises(InvalidParameterError, match=".csv or .json"):
        export_take(session, melody.take, "timemap", tmp_path / "m.txt", reference_id=melody.score)
    notes = list(csv.DictReader(io.StringIO(
        export_take(session, melody.take, "csv", tmp_path / "n.csv").read_text())))
    analysis = ensure_analysis(session, melody.take)
    assert [int(n["midi"]) for n in notes] == [n.midi for n in analysis.notes]
    assert all(math.isclose(float(n["onset_s"]), a.onset_s, abs_tol=5e-4)
               for n, a in zip(notes, analysis.notes))


def test_summary_text(against_take):
    text = comparison_summary(against_take, describe_differences(against_take))
    assert "Varsi (reference)" in text and "Igoshina" in text
    assert text.count("\n") > 2 * len(against_take.grid)
