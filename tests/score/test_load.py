"""Loading scores into the plain score model: repeats, pickups, ties, parts, errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import music21
import pytest

from musicpractice.core.errors import InvalidParameterError
from musicpractice.score import ScoreFileError, load_score


def _note(step: str, octave: int, duration: int, kind: str, tie: str | None = None) -> str:
    ties = f'<tie type="{tie}"/>' if tie else ""
    notations = f'<notations><tied type="{tie}"/></notations>' if tie else ""
    return (f"<note><pitch><step>{step}</step><octave>{octave}</octave></pitch>"
            f"<duration>{duration}</duration>{ties}<type>{kind}</type>{notations}</note>")


def _measure(number: int, notes: str, *, attributes: str = "", barlines: str = "",
             implicit: bool = False) -> str:
    flag = ' implicit="yes"' if implicit else ""
    return f'<measure number="{number}"{flag}>{attributes}{barlines}{notes}</measure>'


ATTRS = ("<attributes><divisions>1</divisions><key><fifths>0</fifths></key>"
         "<time><beats>4</beats><beat-type>4</beat-type></time>"
         "<clef><sign>G</sign><line>2</line></clef></attributes>")
WHOLE_C = _note("C", 4, 4, "whole")


def musicxml(parts: dict[str, list[str]], *, tempo_bpm: float | None = None) -> str:
    part_list = "".join(f'<score-part id="P{k}"><part-name>{name}</part-name></score-part>'
                        for k, name in enumerate(parts, 1))
    body = ""
    for k, measures in enumerate(parts.values(), 1):
        body += f'<part id="P{k}">' + "".join(measures) + "</part>"
    if tempo_bpm is not None:
        mark = (f'<direction placement="above"><direction-type><metronome><beat-unit>quarter'
                f'</beat-unit><per-minute>{tempo_bpm:g}</per-minute></metronome></direction-type>'
                f'<sound tempo="{tempo_bpm:g}"/></direction>')
        body = body.replace("</attributes>", "</attributes>" + mark, 1)
    return ('<?xml version="1.0" encoding="UTF-8"?><score-partwise version="3.1">'
            f"<part-list>{part_list}</part-list>{body}</score-partwise>")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def repeat_score() -> str:
    """Bars 1 | :2 |1. 3 :|2. 4 | 5: played 1 2 3 2 4 5."""
    start = '<barline location="left"><repeat direction="forward"/></barline>'
    volta1 = ('<barline location="left"><ending number="1" type="start"/></barline>')
    volta1_end = ('<barline location="right"><ending number="1" type="stop"/>'
                  '<repeat direction="backward"/></barline>')
    volta2 = '<barline location="left"><ending number="2" type="start"/></barline>'
    volta2_end = '<barline location="right"><ending number="2" type="discontinue"/></barline>'
    measures = [
        _measure(1, _note("C", 4, 4, "whole"), attributes=ATTRS),
        _measure(2, start + _note("D", 4, 4, "whole")),
        _measure(3, volta1 + _note("E", 4, 4, "whole") + volta1_end),
        _measure(4, volta2 + _note("F", 4, 4, "whole") + volta2_end),
        _measure(5, _note("G", 4, 4, "whole")),
    ]
    return musicxml({"Melody": measures})


def test_repeats_and_voltas_are_played_out(tmp_path):
    score = load_score(write(tmp_path, "rep.musicxml", repeat_score()))
    assert [m.number for m in score.measures] == [1, 2, 3, 2, 4, 5]
    assert [m.start_quarter for m in score.measures] == [0, 4, 8, 12, 16, 20]
    assert [n.midi for n in score.notes] == [60, 62, 64, 62, 65, 67]
    assert [n.measure for n in score.notes] == [1, 2, 3, 2, 4, 5]
    assert score.repeats_expanded
    assert score.duration_quarter == 24


def test_repeats_can_be_ignored(tmp_path):
    score = load_score(write(tmp_path, "rep.musicxml", repeat_score()), expand_repeats=False)
    assert [m.number for m in score.measures] == [1, 2, 3, 4, 5]
    assert not score.repeats_expanded


def test_pickup_starts_at_zero_and_ties_are_merged(tmp_path):
    measures = [
        _measure(0, _note("G", 4, 1, "quarter"), attributes=ATTRS, implicit=True),
        _measure(1, _note("C", 5, 2, "half") + _note("E", 5, 2, "half", tie="start")),
        _measure(2, _note("E", 5, 2, "half", tie="stop") + _note("D", 5, 2, "half")),
    ]
    score = load_score(write(tmp_path, "pickup.musicxml", musicxml({"Soprano": measures})))
    assert score.measures[0].number == 0 and score.measures[0].duration_quarter == 1
    assert score.measures[1].start_quarter == 1
    tied = [n for n in score.notes if n.midi == 76]
    assert len(tied) == 1 and tied[0].duration_quarter == 4 and tied[0].onset_quarter == 3
    assert tied[0].measure == 1 and tied[0].beat == 3
    first = score.notes[0]
    assert (first.midi, first.onset_quarter, first.beat) == (67, 0, 4)


def test_parts_tempo_and_key(tmp_path):
    parts = {name: [_measure(1, WHOLE_C, attributes=ATTRS)] for name in
             ("Soprano", "Alto", "Tenor", "Bass")}
    score = load_score(write(tmp_path, "satb.xml", musicxml(parts, tempo_bpm=72)))
    assert score.parts == ("Soprano", "Alto", "Tenor", "Bass")
    assert score.tempos[0].bpm_quarter == 72 and not score.warnings
    assert score.keys[0].sharps == 0
    assert score.find_part("alto") == "Alto"
    assert len(score.part_notes("Bass")) == 1
    assert score.seconds_at(72.0 / 60.0 * 10) == pytest.approx(10.0)


def test_missing_tempo_gets_a_default_and_a_warning(tmp_path):
    score = load_score(write(tmp_path, "t.musicxml",
                             musicxml({"Voice": [_measure(1, WHOLE_C, attributes=ATTRS)]})))
    assert score.tempos[0].bpm_quarter == 100.0
    assert any("no tempo mark" in w for w in score.warnings)


def test_piano_staves_become_right_and_left_hand(tmp_path):
    stream = music21.stream.Score()
    for clef in (music21.clef.TrebleClef(), music21.clef.BassClef()):
        staff = music21.stream.PartStaff()
        staff.partName = "Piano"
        staff.append(clef)
        staff.append(music21.note.Note("C4" if clef.sign == "G" else "C3", quarterLength=4))
        stream.insert(0, staff)
    stream.insert(0, music21.layout.StaffGroup(list(stream.parts), symbol="brace"))
    path = tmp_path / "piano.musicxml"
    stream.write("musicxml", fp=path)
    score = load_score(path)
    assert score.parts == ("Piano RH", "Piano LH")


def test_midi_abc_and_compressed_musicxml(tmp_path):
    melody = music21.stream.Stream([music21.note.Note(p, quarterLength=1) for p in "CDEF"])
    midi = tmp_path / "m.mid"
    melody.write("midi", fp=midi)
    assert [n.midi for n in load_score(midi).notes] == [60, 62, 64, 65]
    abc = write(tmp_path, "tune.abc", "X:1\nT:Tune\nM:4/4\nL:1/4\nK:C\nCDEF|GABc|\n")
    assert len(load_score(abc).notes) == 8
    mxl = tmp_path / "rep.mxl"
    music21.converter.parse(repeat_score(), format="musicxml").write("mxl", fp=mxl)
    assert [m.number for m in load_score(mxl).measures] == [1, 2, 3, 2, 4, 5]


def test_humdrum_kern(tmp_path):
    kern = write(tmp_path, "k.krn", "**kern\n*M4/4\n=1\n4c\n4d\n4e\n4f\n=2\n1g\n==\n*-\n")
    score = load_score(kern)
    assert [n.midi for n in score.notes] == [60, 62, 64, 65, 67]  # "c" is middle C


@pytest.mark.parametrize("name, content, message", [
    ("piece.mscz", "x", "MuseScore"),
    ("piece.mscx", "x", "Export"),
    ("piece.pdf", "x", "unsupported score type"),
    ("broken.musicxml", "<score-partwise><part-list>", "Could not read the score broken.musicxml"),
    ("empty.musicxml", musicxml({"Voice": [_measure(1, "", attributes=ATTRS)]}), "no notes"),
])
def test_bad_files_get_a_plain_message(tmp_path, name, content, message):
    with pytest.raises(ScoreFileError, match=message):
        load_score(write(tmp_path, name, content))


def test_missing_and_empty_midi_files(tmp_path):
    with pytest.raises(ScoreFileError, match="not found"):
        load_score(tmp_path / "absent.musicxml")
    empty = tmp_path / "empty.mid"
    music21.stream.Stream().write("midi", fp=empty)
    with pytest.raises(ScoreFileError, match="empty.mid"):
        load_score(empty)
    garbage = tmp_path / "garbage.mid"
    garbage.write_bytes(gzip.compress(b"not midi"))
    with pytest.raises(ScoreFileError, match="garbage.mid"):
        load_score(garbage)


def test_part_and_bar_lookups_explain_mistakes(tmp_path):
    parts = {"Alto 1": [_measure(1, WHOLE_C, attributes=ATTRS)],
             "Alto 2": [_measure(1, WHOLE_C, attributes=ATTRS)]}
    score = load_score(write(tmp_path, "aa.musicxml", musicxml(parts)))
    with pytest.raises(InvalidParameterError, match="Several parts"):
        score.find_part("alto")
    with pytest.raises(InvalidParameterError, match="no part called 'Bass'"):
        score.find_part("Bass")
    with pytest.raises(InvalidParameterError, match="not in the score"):
        score.measure_range(3, 4)
    with pytest.raises(InvalidParameterError, match="comes after"):
        score.measure_range(2, 1)
    assert score.measure_range(1, 1) == (0.0, 4.0)


def test_real_vienna_scores(shared_data):
    folder = shared_data / "alignment" / "vienna4x22" / "musicxml"
    chopin = load_score(folder / "Chopin_op10_no3.musicxml")
    assert chopin.measures[0].duration_quarter == 0.5  # the pickup
    assert chopin.measures[-1].number >= 21 and chopin.keys[0].sharps == 4
    mozart = load_score(folder / "Mozart_K331_1st-mov.musicxml")
    assert mozart.measures[0].time_signature == "6/8" and mozart.duration_quarter == 108


def test_grace_notes_are_named_as_not_checked(tmp_path):
    """A grace note has no written length: it is not among the notes a take is checked
    against, and the score says so (the shared Chopin Op. 10/3 score has such ornaments)."""
    part = music21.stream.Part()
    part.append(music21.tempo.MetronomeMark(number=80))
    for pitch in "CDEF":
        part.append(music21.note.Note(pitch + "4", quarterLength=1))
    part.insert(1.0, music21.note.Note("E4").getGrace())
    path = tmp_path / "grace.musicxml"
    music21.stream.Score([part]).write("musicxml", fp=path)
    score = load_score(path)
    assert [n.midi for n in score.notes] == [60, 62, 64, 65]
    assert score.warnings == ("The score's 1 grace note is not checked (an ornament has no "
                              "written length to place it by).",)
    plain = tmp_path / "plain.musicxml"
    music21.stream.Score([music21.stream.Part(
        [music21.tempo.MetronomeMark(number=80), music21.note.Note("C4")])]).write(
        "musicxml", fp=plain)
    assert load_score(plain).warnings == ()


def _voiced(step: str, octave: int, duration: int, kind: str, voice: int,
            tie: str | None = None, chord: bool = False) -> str:
    note = _note(step, octave, duration, kind, tie).replace(
        "<type>", f"<voice>{voice}</voice><type>")
    return note.replace("<note>", "<note><chord/>") if chord else note


def test_a_tie_joins_notes_across_bars_and_voices(tmp_path):
    """Bar 1: voice 1 in quarters, voice 2 rests then a half note E4 tied into bar 2's
    voice 2; a chord C4-G4 in voice 1 ties only its G4 into bar 2. Each tie is one note."""
    bar1 = (_voiced("C", 5, 1, "quarter", 1) * 2 + _voiced("C", 4, 2, "half", 1)
            + _voiced("G", 4, 2, "half", 1, tie="start", chord=True)
            + "<backup><duration>4</duration></backup>"
            + "<note><rest/><duration>2</duration><voice>2</voice><type>half</type></note>"
            + _voiced("E", 4, 2, "half", 2, tie="start"))
    bar2 = (_voiced("D", 5, 2, "half", 1) + _voiced("G", 4, 2, "half", 1, tie="stop", chord=True)
            + _voiced("B", 4, 2, "half", 1)
            + "<backup><duration>4</duration></backup>"
            + _voiced("E", 4, 1, "quarter", 2, tie="stop") + _voiced("E", 4, 1, "quarter", 2)
            + "<note><rest/><duration>2</duration><voice>2</voice><type>half</type></note>")
    path = write(tmp_path, "ties.musicxml", musicxml(
        {"Piano": [_measure(1, bar1, attributes=ATTRS), _measure(2, bar2)]}))
    notes = {(n.midi, n.onset_quarter): n.duration_quarter for n in load_score(path).notes}
    assert notes[64, 2.0] == 3.0 and (64, 4.0) not in notes and notes[64, 5.0] == 1.0
    assert notes[67, 2.0] == 4.0 and (67, 4.0) not in notes and notes[60, 2.0] == 2.0


def test_the_real_chopin_tie_from_voice_to_voice_is_one_note(shared_data):
    """Vienna Chopin Op. 10/3 ties D#4 from bar 2 (voice 2, quarter 1.5) into bar 3: one
    note struck in bar 2 and held 1.5 quarters, none struck at bar 3's downbeat (2.5)."""
    score = load_score(shared_data / "alignment" / "vienna4x22" / "musicxml"
                       / "Chopin_op10_no3.musicxml")
    d_sharp = [(n.onset_quarter, n.duration_quarter) for n in score.notes
               if n.midi == 63 and 1.0 <= n.onset_quarter <= 3.0]
    assert d_sharp == [(1.0, 0.25), (1.5, 1.5), (3.0, 0.5)]
