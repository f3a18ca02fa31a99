"""Cues that do not apply to the instrument are not reported: a piano has no vibrato and
no intonation of its own (its tuning is reported), a singer has both."""

from __future__ import annotations

import pytest

from musicpractice.analysis.take import analyze_file
from musicpractice.compare.model import compare_takes
from musicpractice.reports.analysis_text import analysis_summary
from musicpractice.reports.report_content import build_report
from musicpractice.session.store import Session
from musicpractice.workspace.derived import ensure_analysis
from tests.demo import copy_demo_session

CHOPIN = "alignment/Chopin_Op010-03-Measures1-8_Varsi.wav"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A copy of the demo session (a sung student take, a piano take; analyses cached)."""
    folder = copy_demo_session(tmp_path_factory.mktemp("demo"))
    with Session.open(folder) as session:
        yield session


def test_a_real_piano_recording_gets_its_tuning_but_no_intonation_or_vibrato(shared_data):
    analysis = analyze_file(shared_data / CHOPIN)
    assert not analysis.pitch_shaped
    text = analysis_summary(analysis)
    assert "Tuning     A4 = 443.0 Hz" in text  # the piano's tuning is a fact worth saying
    melody = next(line for line in text.splitlines() if line.startswith("Melody"))
    assert "intonation" not in melody and "vibrato" not in melody
    assert "Vibrato" not in text and "Articulation" not in text
    # nor does the touch the sound cannot show colour the character reading
    assert all(c.cue != "articulation_ratio" for e in analysis.character.emotions
               for c in e.contributions)


def test_a_singer_keeps_intonation_and_vibrato(demo):
    take = next(t for t in demo.takes if t.title == "Twinkle - student")
    analysis = ensure_analysis(demo, take.id, voice="wide")
    assert analysis.pitch_shaped
    text = analysis_summary(analysis)
    assert "intonation" in text and "Vibrato rate" in text and "Vibrato extent" in text


def test_the_report_cue_table_leaves_vibrato_out_for_the_piano_take(demo):
    ids = {t.title: t.id for t in demo.takes}
    piano, singer = ids["Arpeggios in G - piano"], ids["Twinkle - student"]
    comparison = compare_takes(demo, singer, [piano], score_id=None)
    assert not comparison.take(piano).analysis.pitch_shaped  # notes sound on together
    report = build_report(comparison, [])
    table = next(t for s in report.sections for t in s.tables
                 if s.heading == "Expressive cues side by side")
    rows = {row[0]: row[1:] for row in table.rows}
    columns = [t.name for t in comparison.takes]
    vibrato = rows["Vibrato rate"]
    assert vibrato[columns.index(comparison.take(piano).name)] == "–"
    assert "Hz" in vibrato[columns.index(comparison.take(singer).name)]
    articulation = rows["Articulation"]
    assert articulation[columns.index(comparison.take(piano).name)] == "–"
    assert articulation[columns.index(comparison.take(singer).name)] != "–"


def test_a_wrong_piano_key_is_played_not_sung_and_not_counted_in_cents():
    from musicpractice.reports.verdicts import verdict_phrase

    assert verdict_phrase(midi=66, status="wrong", cents=-100.0, played_midi=65,
                          fixed_pitch=True) == "written F#4, played F4"
    assert verdict_phrase(midi=66, status="wrong", cents=-96.0, played_midi=65) == \
        "written F#4, sung/played F4 (-96 cents, flat)"


def test_the_first_page_names_the_students_wrong_and_missing_note(demo):
    """The demo's student sang a G for the F# of bar 3 and left out the A of bar 5
    (resources/demo/build_demo.py); the teacher's take sings every note."""
    ids = {t.title: t.id for t in demo.takes}
    comparison = compare_takes(demo, demo.scores[0].id,
                               [ids["Twinkle - student"], ids["Twinkle - reference"]],
                               part="Voice")
    report = build_report(comparison, [])
    stands_out = next(s for s in report.sections if s.heading == "What stands out").bullets
    assert stands_out[0].startswith("Twinkle - student: bar 3: written F#4, sung/played G4 (")
    assert stands_out[0].endswith("; bar 5: written A4 not heard.")
    assert stands_out[1] == "Twinkle - reference: every note that could be judged is as written."
