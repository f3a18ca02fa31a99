"""The teacher's report shows how far listeners agree (when the session has annotations)."""

from __future__ import annotations

from musicpractice.compare.differences import describe_differences
from musicpractice.reports.comparison_exports import write_report
from musicpractice.session.agreement import listener_agreement
from musicpractice.session.annotations import Annotation


def test_report_has_the_listeners_section(against_score, tmp_path):
    takes = [t.take.id for t in against_score.takes]
    annotations = [Annotation(f"{w}{i}", t, w, c) for i, t in enumerate(takes)
                   for w, c in (("Bob", "sadness"), ("Eve", "sadness" if i == 0 else "tenderness"))]
    agreement = listener_agreement(annotations)
    text = write_report(against_score, describe_differences(against_score), tmp_path / "r.html",
                        agreement=agreement).read_text(encoding="utf-8")
    assert "What listeners heard" in text and "Bob &amp; Eve" in text
    assert "4 annotation(s) by 2 listener(s)" in text
    plain = write_report(against_score, [], tmp_path / "plain.html").read_text(encoding="utf-8")
    assert "What listeners heard" not in plain
