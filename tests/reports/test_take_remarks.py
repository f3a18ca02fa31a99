"""Before any table: a take that is not the piece says so (and gets no table), and a take
tuned away from A = 440 Hz has its tuning named."""

from __future__ import annotations

import numpy as np
import soundfile as sf
import soxr

from musicpractice.compare.differences import describe_differences
from musicpractice.compare.model import compare_takes
from musicpractice.reports.comparison_exports import comparison_summary, text_table
from musicpractice.reports.report_content import bar_table, build_report
from musicpractice.session.store import Session
from tests.compare.melody_files import write_melody


def test_a_take_of_another_piece_gets_words_not_a_table(shared_data, tmp_path):
    folder = shared_data / "alignment"
    with Session.create(tmp_path / "S.mpsession") as session:
        take = session.import_audio(folder / "Chopin_Op010-03-Measures1-8_Igoshina.wav",
                                    title="Igoshina")
        score = session.import_score(folder / "vienna4x22" / "musicxml" / "Mozart_K331_1st-mov.musicxml",
                                     title="Mozart K. 331")
        comparison = compare_takes(session, score.id, [take.id])
    differences = describe_differences(comparison)
    text = comparison_summary(comparison, differences)
    assert "Igoshina does not seem to be Mozart K. 331" in text
    header_line = text_table(bar_table(comparison, comparison.takes[0]))[0]
    assert header_line not in text
    report = build_report(comparison, differences)
    tables = [t for s in report.sections for t in s.tables]
    assert not any("Igoshina" in t.title for t in tables)
    assert any("does not seem" in b for s in report.sections for b in s.bullets)


def test_a_take_tuned_low_has_its_tuning_named(tmp_path):
    score_path, take_path = write_melody(tmp_path, mistakes=False)
    y, sr = sf.read(take_path, dtype="float32")
    ratio = 2 ** (-33 / 1200)  # played back 33 cents lower (and 2 % slower)
    low = tmp_path / "low.wav"
    sf.write(low, soxr.resample(y, sr, sr / ratio), sr)
    with Session.create(tmp_path / "S.mpsession") as session:
        take = session.import_audio(low, title="Low")
        score = session.import_score(score_path, title="Melody")
        comparison = compare_takes(session, score.id, [take.id], part="Alto")
    text = comparison_summary(comparison, describe_differences(comparison))
    line = next(line for line in text.splitlines() if "tuned" in line)
    cents = float(line.split("tuned ")[1].split(" cents")[0])
    assert "below A = 440 Hz" in line and abs(cents - 33) <= 3
    assert np.isfinite(cents)
