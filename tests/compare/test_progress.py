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
from tests.demo import copy_demo_session


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


def test_a_short_take_and_a_long_one_are_compared_on_the_bars_both_played(tmp_path):
    """The demo's student take (6 bars; a G for the F# of bar 3, the A of bar 5 left out,
    hurried from bar 5: resources/demo/build_demo.py) and its first 3 bars cut out as a
    later take: the bar measures are taken over bars 1-3 only."""
    import soundfile as sf

    from musicpractice.session.store import Session

    folder = copy_demo_session(tmp_path)
    with Session.open(folder) as session:
        long = next(t for t in session.takes if t.title == "Twinkle - student")
        y, sr = sf.read(session.audio_path(long.id))
        short_file = tmp_path / "first_three_bars.wav"
        sf.write(short_file, y[: int(9.4 * sr)], sr)  # bar 4 starts at 9.3 s in the take
        short = session.import_audio(short_file, title="Bars 1-3", performer="Alex",
                                     date="2026-11-28", piece=long.piece)
        score = session.scores[0].id
        progress = progress_over_time(session, score, performer="Alex", piece=long.piece,
                                      part="Voice")
        full = compare_takes(session, score, [long.id], part="Voice").take(long.id)
    assert progress.take_ids == (long.id, short.id)
    assert progress.shared == "bars 1–3"
    assert progress.sentences()[0] == ("Bar by bar, the takes are compared over bars 1–3, "
                                       "which every take played.")
    values = {m.key: m.values for m in progress.measures}
    # notes off: the wrong note of bar 3 among the notes of bars 1-3 judged for sure (not
    # the missing note of bar 5 as well)
    sure = [n for n in full.notes if n.bar <= 3 and n.status in ("ok", "wrong", "missing")]
    assert 9 <= len(sure) <= 11 and sum(n.status != "ok" for n in sure) == 1
    assert values["notes_off_pct"] == pytest.approx((100 / len(sure),) * 2, abs=0.01)
    # tempo: the median of bars 1-3, not lifted by the hurried bars 5-6
    tempo_1_3 = sorted(r.tempo_pct for r in full.bars[:3])[1]
    assert values["tempo_pct"][0] == pytest.approx(tempo_1_3)
    assert tempo_1_3 < sorted(r.tempo_pct for r in full.bars)[3] - 1
