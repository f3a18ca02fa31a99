"""A take is called by its title, or by performer and date when the title is the file name."""

from __future__ import annotations

from musicpractice.session.model import Take


def test_titles_win_file_names_give_way_to_performer_and_date():
    imported = Take(id="t1", title="Chopin_Op010-03_Igoshina", source="Chopin_Op010-03_Igoshina.wav",
                    performer="Igoshina", date="2025-03-01")
    assert imported.display_name == "Igoshina, 1 Mar 2025"
    titled = Take(id="t2", title="Monday run-through", source="rec.wav", performer="Ana")
    assert titled.display_name == "Monday run-through"
    undated = Take(id="t3", title="x", source="x.flac", performer="Ana")
    assert undated.display_name == "Ana"
    recorded = Take(id="t4", title="", performer="Ben", started_at="2026-12-07T10:00:00Z")
    assert recorded.display_name == "Ben, 7 Dec 2026"
    nobody = Take(id="t5", title="", source="y.wav")
    assert nobody.display_name == "t5"
