"""The window's key reading of a take played at A = 415 Hz: once an alignment with its score
shows the take a semitone low, the written key comes first and says how it sounds."""

from __future__ import annotations

from musicpractice.analysis.voices import DEFAULT_RANGE
from musicpractice.compare.model import compare_takes
from musicpractice.gui.summary_panel import SummaryPanel
from musicpractice.gui.workers.take_data import prepare_take
from musicpractice.session.store import Session
from tests.compare.test_historical_pitch import write_baroque_files


def test_the_summary_names_the_written_key_once_the_score_shows_a_415(qtbot, tmp_path):
    score_path, low_path, _ = write_baroque_files(tmp_path)
    panel = SummaryPanel()
    qtbot.addWidget(panel)
    with Session.create(tmp_path / "S.mpsession") as session:
        take = session.import_audio(low_path, title="Baroque")
        ref = session.import_score(score_path, title="Melody")
        before = prepare_take(session, take.id, voice=DEFAULT_RANGE)
        assert before.pitch_standard is None
        panel.show_analysis(before.analysis, key=before.key, standard=before.pitch_standard)
        assert panel.key.text().startswith("<b>B major</b>")  # the audio alone: as it sounds
        assert "Sounds" not in panel.key_alternatives.text()
        assert panel.range.text().startswith("B3 to B4")
        compare_takes(session, ref.id, [take.id], part="Alto")  # aligns and caches
        after = prepare_take(session, take.id, voice=DEFAULT_RANGE)
    panel.show_analysis(after.analysis, key=after.key, standard=after.pitch_standard)
    assert panel.key.text().startswith("<b>C major</b>")
    assert panel.key_alternatives.text().startswith(
        "Sounds B major; at A = 415 Hz this is C major.")
    assert "Sounds" not in panel.warnings.text()  # said once, beside the key
    assert panel.tuning.text().startswith("A4 = 415.3 Hz: A = 415 Hz, a semitone below 440")
    assert panel.range.text().startswith("C4 to C5")  # the tune's range as written
