"""Lists of wrong and missing notes say each written key once: a key two voices write at
one time is one stroke, named once with how many voices write it."""

from __future__ import annotations

from musicpractice.reports.verdicts import said_once


def test_a_key_written_in_two_voices_is_said_once_with_its_count():
    lines = ["bar 5: written B1 not heard", "bar 4: written E4 not heard",
             "bar 5: written B1 not heard", "bar 6: written C4, played D4"]
    assert said_once(lines) == ["bar 5: written B1 not heard (written in 2 voices)",
                                "bar 4: written E4 not heard",
                                "bar 6: written C4, played D4"]


def test_lines_said_once_stay_as_they_are_in_order():
    lines = ["bar 2: written A4 not heard", "bar 1: written G4, played A4"]
    assert said_once(lines) == lines
