"""How big a score may be: checked before a foreign parser sees the file, and after.

A 5 KB MusicXML file can ask for a repeat played ten thousand times, a 37-byte MIDI file
for a note lasting years, a tempo of 0.0001 beats per minute for terabytes of alignment
features. Before parsing, :func:`check_score_file` reads only the file's bytes (size,
``.mxl`` members, MusicXML repeat and note counts, MIDI tracks, notes and length); the
parse itself runs time-boxed (:mod:`musicpractice.core.time_box`); after it,
:func:`check_score_size` bounds the notes, the bars and the length at the marked tempo.
No music21 here.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from musicpractice.score.errors import ScoreFileError
from musicpractice.score.model import Score

MAX_FILE_BYTES = 32 << 20
"""Largest score file (a full orchestral score in MusicXML is a few MB)."""
MAX_MXL_BYTES = 128 << 20
"""Most bytes the members of a compressed ``.mxl`` may unpack to."""
MAX_REPEAT_TIMES = 16
"""Most times a MusicXML repeat may ask to be played."""
MAX_MIDI_TRACKS = 256
MAX_QUARTERS = 50_000.0
"""Longest score in quarter notes (over 8 hours at 100 per minute)."""
MAX_SECONDS = 4 * 3600.0
"""Longest score at its marked tempo."""
MAX_NOTES = 200_000
MIN_TEMPO_BPM, MAX_TEMPO_BPM = 4.0, 2000.0
"""Marked tempi (quarter notes per minute) outside this range are not music."""
PARSE_TIME_LIMIT_S = 120.0
PARSE_MEMORY_BYTES = 2 << 30
"""Time and memory the score parser gets (a large score needs a few seconds and 300 MB)."""
_NOTE = re.compile(rb"<note[\s>]")
_TIMES = re.compile(rb"<repeat\b[^>]*\btimes\s*=\s*[\"']\s*(\d+)", re.IGNORECASE)


def check_score_file(path: Path) -> None:
    """Refuse a score file that asks for unbounded work, before any parser reads it.

    Raises
    ------
    ScoreFileError
        Empty, too large, an ``.mxl`` unpacking to too much, a repeat played too often, a MIDI
        file with too many tracks or lasting too long.
    """
    size = path.stat().st_size
    if size == 0:
        raise ScoreFileError(f"The score {path.name} is an empty file (0 bytes).")
    if size > MAX_FILE_BYTES:
        raise ScoreFileError(f"The score {path.name} is {size / 1e6:.0f} MB; scores of up to "
                             f"{MAX_FILE_BYTES >> 20} MB are read.")
    ext = path.suffix.lower()
    if ext == ".mxl":
        _check_mxl(path)
    elif ext in (".mid", ".midi"):
        _check_midi(path, path.read_bytes())
    elif ext in (".xml", ".musicxml", ".mei"):
        _check_repeats(path.name, path.read_bytes())


def _check_repeats(name: str, data: bytes) -> None:
    """Repeat counts and the number of notes of MusicXML (or MEI) text."""
    notes = len(_NOTE.findall(data))
    if notes > MAX_NOTES:
        raise ScoreFileError(f"The score {name} has {notes} notes; at most {MAX_NOTES} are "
                             "read.")
    for match in _TIMES.finditer(data):
        times = int(match.group(1)[:12])
        if times > MAX_REPEAT_TIMES:
            raise ScoreFileError(f"The score {name} asks for a repeat played {times} times; "
                                 f"at most {MAX_REPEAT_TIMES} are played.")


def _check_mxl(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_MXL_BYTES:
                raise ScoreFileError(f"The score {path.name} unpacks to more than "
                                     f"{MAX_MXL_BYTES >> 20} MB; it is not read.")
            for member in members:
                if member.filename.lower().endswith((".xml", ".musicxml")):
                    with archive.open(member) as handle:
                        data = handle.read(MAX_MXL_BYTES + 1)
                    if len(data) > MAX_MXL_BYTES:
                        raise ScoreFileError(f"The score {path.name} unpacks to more than it "
                                             "declares; it is not read.")
                    _check_repeats(path.name, data)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError) as error:
        raise ScoreFileError(f"The score {path.name} is not a valid compressed MusicXML "
                             "(.mxl) file.") from error


def _variable_length(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for _ in range(4):
        if at >= len(data):
            raise ValueError("cut short")
        byte = data[at]
        at += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at
    raise ValueError("a number longer than MIDI allows")


def _track_ticks(track: bytes) -> tuple[int, int]:
    """Length of one MIDI track in ticks (the sum of its delta times), and its notes."""
    at, ticks, status, notes = 0, 0, 0, 0
    while at < len(track):
        delta, at = _variable_length(track, at)
        ticks += delta
        if at >= len(track):
            break
        byte = track[at]
        if byte == 0xFF:  # meta event: type, length, data
            length, at = _variable_length(track, at + 2)
            at += length
        elif byte in (0xF0, 0xF7):  # system exclusive
            length, at = _variable_length(track, at + 1)
            at += length
        else:
            if byte & 0x80:
                status, at = byte, at + 1
            if not status:
                raise ValueError("data before any status byte")
            notes += status >> 4 == 0x9 and at + 1 < len(track) and track[at + 1] > 0
            at += 1 if status >> 4 in (0xC, 0xD) else 2
    return ticks, notes


def _check_midi(path: Path, data: bytes) -> None:
    if len(data) < 14 or data[:4] != b"MThd":
        return  # not a MIDI file: the parser says so
    _, tracks, division = struct.unpack(">HHH", data[8:14])
    if tracks > MAX_MIDI_TRACKS:
        raise ScoreFileError(f"The MIDI file {path.name} has {tracks} tracks; at most "
                             f"{MAX_MIDI_TRACKS} are read.")
    if division & 0x8000 or division == 0:
        return  # SMPTE time: lengths are checked after parsing
    at = 8 + struct.unpack(">I", data[4:8])[0]
    longest = notes = 0
    while at + 8 <= len(data):
        kind, length = data[at:at + 4], struct.unpack(">I", data[at + 4:at + 8])[0]
        chunk = data[at + 8:at + 8 + length]
        at += 8 + length
        if kind != b"MTrk":
            continue
        try:
            ticks, in_track = _track_ticks(chunk)
        except ValueError:
            continue  # a damaged track: the parser decides
        longest, notes = max(longest, ticks), notes + in_track
    if notes > MAX_NOTES:
        raise ScoreFileError(f"The MIDI file {path.name} has {notes} notes; at most "
                             f"{MAX_NOTES} are read.")
    if longest / division > MAX_QUARTERS:
        raise ScoreFileError(f"The MIDI file {path.name} lasts {longest / division:.3g} quarter "
                             f"notes; scores of up to {MAX_QUARTERS:g} are read.")


def check_score_size(score: Score) -> None:
    """Refuse a parsed score too long or too large to align or show.

    Raises
    ------
    ScoreFileError
        More than :data:`MAX_NOTES` notes, longer than :data:`MAX_QUARTERS` quarter notes or
        :data:`MAX_SECONDS` at its marked tempo, or a tempo outside
        :data:`MIN_TEMPO_BPM`-:data:`MAX_TEMPO_BPM`.
    """
    name = Path(score.path).name
    if len(score.notes) > MAX_NOTES:
        raise ScoreFileError(f"The score {name} has {len(score.notes)} notes; at most "
                             f"{MAX_NOTES} are read.")
    for tempo in score.tempos:
        if not MIN_TEMPO_BPM <= tempo.bpm_quarter <= MAX_TEMPO_BPM:
            raise ScoreFileError(f"The score {name} marks a tempo of {tempo.bpm_quarter:g} "
                                 f"quarter notes per minute; {MIN_TEMPO_BPM:g}-"
                                 f"{MAX_TEMPO_BPM:g} are read.")
    quarters = max([score.duration_quarter]
                   + [n.onset_quarter + n.duration_quarter for n in score.notes])
    if quarters > MAX_QUARTERS:
        raise ScoreFileError(f"The score {name} lasts {quarters:.3g} quarter notes; scores of "
                             f"up to {MAX_QUARTERS:g} are read.")
    seconds = float(score.seconds_at(quarters))
    if seconds > MAX_SECONDS:
        raise ScoreFileError(f"The score {name} lasts {seconds / 3600:.3g} hours at its marked "
                             f"tempo; scores of up to {MAX_SECONDS / 3600:g} hours are read.")
