"""Progress over time of one performer's takes, by date, against a known truth."""

from __future__ import annotations

import pytest

from musicpractice.core.errors import InvalidParameterError
from musicpractice.compare.model import compare_takes
from musicpractice.reports.html_report import report_html
from musicpractice.compare.progress import progress_for_takes, progress_over_time
from musicpractice.reports.report_content import build_report
from musicpractice.reports.tables import comparison_document
from tests.compare.melody_files import PITCHES


def test_two_weeks_of_one_melody(melody):
    progress = progress_over_time(melody.session, melody.score, performer="Ana", part="Alto")
    # date order, not import order
    assert progress.take_ids == (melody.take, melody.later)
    assert progress.dates == ("2026-11-02", "2026-11-09")
    values = {m.key: m.values for m in progress.measures}
    first, second = values["tempo_pct"]
    assert first == pytest.approx(100, abs=5) and second == pytest.approx(80, abs=5)
    off_first, off_second = values["notes_off_pct"]
    assert off_first == pytest.approx(100 * 2 / len(PITCHES), abs=6)  # one sharp, one missing
    assert off_second == pytest.approx(0, abs=6)
    sentences = progress.sentences()
    assert any(s.startswith("Tempo against the reference (median of bars) went from 1")
               and s.endswith("(2026-11-09).") for s in sentences)


def test_progress_in_report_and_json(melody):
    comparison = compare_takes(melody.session, melody.score, [melody.later], part="Alto")
    progress = progress_for_takes(melody.session, melody.score, [melody.later], part="Alto")
    text = report_html(build_report(comparison, [], progress))
    assert "Progress over time: Ana" in text and "2026-11-02" in text
    assert text.count("<svg") == 3
    doc = comparison_document(comparison, [], progress)
    assert [t["date"] for t in doc["progress"]["takes"]] == ["2026-11-02", "2026-11-09"]
    assert doc["progress"]["changes"] == progress.sentences()


def test_one_performer_only(chopin):
    with pytest.raises(InvalidParameterError, match="one performer; these takes are by Igoshina, Varsi"):
        progress_for_takes(chopin.session, chopin.score, [chopin.varsi, chopin.igoshina])
    with pytest.raises(InvalidParameterError, match="no takes by Nobody"):
        progress_over_time(chopin.session, chopin.score, performer="Nobody")
