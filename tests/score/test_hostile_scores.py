"""Small score files that ask for unbounded work are refused quickly and clearly
(issue 17, part 2): repeat counts, tempo, note length, note count, MIDI tracks and delta
times, .mxl members; foreign parsing is time-boxed."""

from __future__ import annotations

import struct
import time
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musicpractice.score.errors import ScoreFileError
from musicpractice.score.limits import (
    MAX_MIDI_TRACKS, MAX_NOTES, MAX_QUARTERS, MAX_REPEAT_TIMES, MAX_SECONDS)
from musicpractice.score.load import load_score
from tests.limits import bounded  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("bounded")


def musicxml(*, times: int | None = None, bpm: float = 100.0, duration: int = 4,
             bars: int = 2, divisions: int = 1) -> str:
    """A one-part MusicXML score: ``bars`` bars of a whole note, the first note lasting
    ``duration`` divisions, a backward repeat at the end played ``times`` times."""
    measures = []
    for k in range(1, bars + 1):
        length = duration if k == 1 else 4 * divisions
        direction = (f'<direction><direction-type><metronome><beat-unit>quarter</beat-unit>'
                     f'<per-minute>{bpm}</per-minute></metronome></direction-type>'
                     f'<sound tempo="{bpm}"/></direction>') if k == 1 else ""
        attributes = (f"<attributes><divisions>{divisions}</divisions><time><beats>4</beats>"
                      "<beat-type>4</beat-type></time></attributes>") if k == 1 else ""
        repeat = (f'<barline location="right"><repeat direction="backward" times="{times}"/>'
                  "</barline>") if times is not None and k == bars else ""
        measures.append(f'<measure number="{k}">{attributes}{direction}<note><pitch><step>C'
                        f"</step><octave>4</octave></pitch><duration>{length}</duration>"
                        f"<type>whole</type></note>{repeat}</measure>")
    return ('<?xml version="1.0"?><score-partwise version="3.1"><part-list><score-part id="P1">'
            '<part-name>Voice</part-name></score-part></part-list><part id="P1">'
            + "".join(measures) + "</part></score-partwise>")


def test_a_plain_score_still_loads(tmp_path):
    path = tmp_path / "ok.musicxml"
    path.write_text(musicxml(times=2, bpm=90))
    score = load_score(path)
    assert len(score.notes) == 4 and score.tempos[0].bpm_quarter == 90


@settings(max_examples=12, deadline=None)
@given(times=st.integers(MAX_REPEAT_TIMES + 1, 10 ** 9))
def test_a_repeat_played_too_often_is_refused_before_parsing(tmp_path_factory, times):
    path = tmp_path_factory.mktemp("r") / "repeat.musicxml"
    path.write_text(musicxml(times=times))
    start = time.monotonic()
    with pytest.raises(ScoreFileError, match=f"repeat played {times} times"):
        load_score(path)
    assert time.monotonic() - start < 5.0


@settings(max_examples=10, deadline=None)
@given(bpm=st.sampled_from([0.0001, 0.01, 1.0, 3.9, 2001.0, 1e9]))
def test_an_absurd_tempo_is_refused(tmp_path_factory, bpm):
    path = tmp_path_factory.mktemp("t") / "tempo.musicxml"
    path.write_text(musicxml(bpm=bpm))
    with pytest.raises(ScoreFileError, match="tempo of"):
        load_score(path)


@settings(max_examples=6, deadline=None)
@given(duration=st.sampled_from([10 ** 6, 10 ** 9, int(MAX_QUARTERS) * 2]))
def test_a_note_lasting_years_is_refused(tmp_path_factory, duration):
    path = tmp_path_factory.mktemp("d") / "long.musicxml"
    path.write_text(musicxml(duration=duration))
    with pytest.raises(ScoreFileError, match="lasts"):
        load_score(path)


def test_a_score_longer_than_allowed_at_its_tempo_is_refused(tmp_path):
    quarters = int(MAX_SECONDS / 60 * 10) + 400  # at 10 per minute: just over the limit
    path = tmp_path / "slow.musicxml"
    path.write_text(musicxml(bpm=10, duration=quarters))
    with pytest.raises(ScoreFileError, match="hours at its marked tempo"):
        load_score(path)


def _midi(tracks: list[bytes], *, declared_tracks: int | None = None,
          division: int = 480) -> bytes:
    header = b"MThd" + struct.pack(">IHHH", 6, 1, declared_tracks or len(tracks), division)
    return header + b"".join(b"MTrk" + struct.pack(">I", len(t)) + t for t in tracks)


def _vlq(value: int) -> bytes:
    out = [value & 0x7F]
    while value := value >> 7:
        out.insert(0, (value & 0x7F) | 0x80)
    return bytes(out)


def test_a_midi_file_with_one_huge_delta_time_is_refused_at_once(tmp_path):
    track = (b"\x00\x90\x3c\x40" + _vlq(0x0FFFFFFF) + b"\x80\x3c\x00" + b"\x00\xff\x2f\x00")
    path = tmp_path / "huge.mid"
    path.write_bytes(_midi([track], division=1))
    start = time.monotonic()
    with pytest.raises(ScoreFileError, match="quarter notes"):
        load_score(path)
    assert time.monotonic() - start < 5.0


def test_a_midi_file_with_too_many_tracks_is_refused(tmp_path):
    path = tmp_path / "tracks.mid"
    path.write_bytes(_midi([b"\x00\xff\x2f\x00"] * 3, declared_tracks=10_000))
    with pytest.raises(ScoreFileError, match=f"10000 tracks; at most {MAX_MIDI_TRACKS}"):
        load_score(path)


def test_an_mxl_with_a_huge_member_is_refused_without_unpacking_it(tmp_path):
    path = tmp_path / "bomb.mxl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/container.xml", "<container/>")
        with z.open("score.xml", "w") as member:
            block = b" " * (1 << 20)
            for _ in range(200):
                member.write(block)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(ScoreFileError, match="unpacks to more than"):
        load_score(path)


def test_too_many_notes_are_refused(tmp_path):
    bars = MAX_NOTES // 4 + 1
    measure = ("<note><pitch><step>C</step><octave>4</octave></pitch><duration>1</duration>"
               "<type>quarter</type></note>") * 4
    body = "".join(f'<measure number="{k}">{measure}</measure>' for k in range(2, bars + 1))
    text = musicxml(bars=1).replace("</measure></part>", "</measure>" + body + "</part>")
    path = tmp_path / "many.musicxml"
    path.write_text(text)
    with pytest.raises(ScoreFileError, match="notes; at most"):
        load_score(path)


@pytest.mark.parametrize("name", ["empty.mid", "empty.musicxml", "empty.mxl", "empty.abc"])
def test_an_empty_score_file_is_said_to_be_empty(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(ScoreFileError, match=r"^The score empty\.\w+ is an empty file"):
        load_score(path)
