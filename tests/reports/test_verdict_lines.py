"""Lists of wrong and missing notes say each written key once (a key two voices write at
one time is one stroke, named once with how many voices write it) and say how sure a
mistake is when its confidence is below 0.9, so a teacher knows which to check by ear."""

from __future__ import annotations

import math

from musicpractice.reports.verdicts import said_once, sureness


def test_a_key_written_in_two_voices_is_said_once_with_its_count():
    lines = [("bar 5: written B1 not heard", 0.97), ("bar 4: written E4 not heard", 0.99),
             ("bar 5: written B1 not heard", 0.97), ("bar 6: written C4, played D4", 1.0)]
    assert said_once(lines) == ["bar 5: written B1 not heard (written in 2 voices)",
                                "bar 4: written E4 not heard",
                                "bar 6: written C4, played D4"]


def test_a_less_sure_mistake_says_how_sure_it_is():
    lines = [("bar 2: written A4 not heard", 0.77), ("bar 1: written G4, played A4", 0.95),
             ("bar 3: written B1 not heard", 0.8), ("bar 3: written B1 not heard", 0.8)]
    assert said_once(lines) == ["bar 2: written A4 not heard (77 % sure)",
                                "bar 1: written G4, played A4",
                                "bar 3: written B1 not heard (written in 2 voices; 80 % sure)"]
    assert sureness(0.899) == "89 % sure" and sureness(0.9) == ""
    assert sureness(math.nan) == "" and sureness(None) == ""
