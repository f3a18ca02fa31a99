"""The pitch axis names the notes of the take's key, spelled in it."""

from __future__ import annotations

from musicpractice.gui.note_axis import NoteAxis


def _labels(axis: NoteAxis, lo: float, hi: float) -> list[str]:
    values = [v for _spacing, ticks in axis.tickValues(lo, hi, 400) for v in ticks]
    return axis.tickStrings(sorted(values), 1.0, 1.0)


def test_d_major_names_f_sharp_not_f(qtbot):
    axis = NoteAxis("left")
    axis.set_key(("D", "major"))
    labels = _labels(axis, 58, 80)  # a zoom of 22 semitones: the scale's notes
    assert "F♯4" in labels and "C♯5" in labels
    assert "F4" not in labels and "C5" in labels  # every C stays as the landmark


def test_f_major_spells_flats_and_no_key_names_white_keys(qtbot):
    axis = NoteAxis("left")
    axis.set_key(("F", "major"))
    assert "B♭3" in _labels(axis, 50, 70)
    axis.set_key(None)
    labels = _labels(axis, 50, 70)
    assert "B3" in labels and not any("♭" in x or "♯" in x for x in labels)
    # zoomed in closely every semitone is named, in the key's spelling
    axis.set_key(("E", "major"))
    labels = _labels(axis, 60, 70)
    assert {"C♯4", "D♯4", "F4", "G♯4", "A♯4"} <= set(labels)
    assert not any("♭" in x for x in labels)
