"""A one-part song compared without naming its part: that part's notes are checked.

The window may start a comparison before the score view has chosen the part, and the CLI's
``compare`` needs no ``--part`` for a song: either way the sung melody of the bundled demo
must get its note verdicts (not the piano check of "all parts together")."""

from __future__ import annotations


from musicpractice.compare.model import compare_takes
from musicpractice.session.store import Session
from tests.demo import copy_demo_session


def test_the_only_part_of_a_song_is_checked_when_no_part_is_named(tmp_path):
    folder = copy_demo_session(tmp_path)
    with Session.open(folder) as session:
        student = next(t.id for t in session.takes if t.title == "Twinkle - student")
        comparison = compare_takes(session, session.scores[0].id, [student])
    assert comparison.monophonic
    notes = comparison.take(student).notes
    # resources/demo/build_demo.py: G4 sung for the F#4 of bar 3 beat 3, nothing on the
    # second A4 of bar 5
    mistakes = [(n.bar, n.name, n.status, n.played_midi) for n in notes
                if n.status in ("wrong", "missing", "extra")]
    assert mistakes == [(3, "F#4", "wrong", 67), (5, "A4", "missing", None)]
    assert sum(n.status == "ok" for n in notes) >= 17  # of 21 written notes


def test_the_report_says_which_intonation_tolerance_made_the_verdicts(tmp_path):
    from musicpractice.compare.differences import describe_differences
    from musicpractice.reports.report_content import build_report

    folder = copy_demo_session(tmp_path)
    with Session.open(folder) as session:
        student = next(t.id for t in session.takes if t.title == "Twinkle - student")
        comparison = compare_takes(session, session.scores[0].id, [student],
                                   tolerance_cents=30.0)
    report = build_report(comparison, describe_differences(comparison))
    method = next(s for s in report.sections if s.heading == "How this was measured")
    assert any("more than 30 cents from the written pitch" in b for b in method.bullets)
