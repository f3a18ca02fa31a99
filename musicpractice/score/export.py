"""A transcribed melody (notes in seconds) as a MIDI file or as MusicXML, through music21.

MIDI keeps the recording's timing exactly: it is written at 60 quarter notes per minute,
so one quarter note in the file is one second of the take. MusicXML is notation, so the
notes are placed on a sixteenth-note grid at the take's tempo (4/4 unless a time
signature is given); both carry the key signature when a key is given, with the notes
spelled in it (F#, not Gb, in D major); notes that
would start together are moved apart by one sixteenth, so every transcribed note stays.
"""

from __future__ import annotations

from collections.abc import Sequence

import music21
from music21.musicxml.m21ToXml import GeneralObjectExporter

from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import note_name
from musicpractice.score.errors import ScoreFileError
from musicpractice.score.hands import LEFT, RIGHT

MIDI_BPM = 60.0
"""Tempo of exported MIDI files: one quarter note per second."""
GRID_QUARTER = 0.25
"""Sixteenth-note grid of the MusicXML export, in quarter notes."""
MIDI_TICK_S = 1.0 / 960
"""Note times in exported MIDI are rounded to this, in seconds."""


def _checked(onsets_s: Sequence[float], offsets_s: Sequence[float], midi: Sequence[int],
             hands: Sequence[str] | None = None):
    """(onset, offset, pitch, hand) of each note in time order; hand "" without ``hands``."""
    if not len(onsets_s) == len(offsets_s) == len(midi):
        raise InvalidParameterError("Onsets, offsets and pitches must have the same length.")
    if hands is not None and (len(hands) != len(midi) or set(hands) - {RIGHT, LEFT}):
        raise InvalidParameterError("Give one hand per note, 'right' or 'left'.")
    if len(midi) == 0:
        raise InvalidParameterError("There are no notes to export (no melody was found).")
    notes = sorted(zip(map(float, onsets_s), map(float, offsets_s), map(int, midi),
                       hands if hands is not None else [""] * len(midi)))
    for onset, offset, pitch, _hand in notes:
        if not (0 <= pitch <= 127) or not offset > onset >= 0:
            raise InvalidParameterError(
                f"A note at {onset:.3f} s is invalid (pitch {pitch}, ends at {offset:.3f} s).")
    return notes


def _score(parts: list[music21.stream.Part], title: str, bpm: float,
           key: tuple[str, str] | None, time_signature: str) -> music21.stream.Score:
    for part in parts:
        part.insert(0, music21.tempo.MetronomeMark(number=round(bpm, 2)))
        try:
            part.insert(0, music21.meter.TimeSignature(time_signature))
        except music21.Music21Exception as error:
            raise InvalidParameterError(f"{time_signature!r} is not a time signature.") from error
        if key is not None:
            part.insert(0, music21.key.Key(key[0].replace("b", "-"), key[1]))
    score = music21.stream.Score(parts)
    score.insert(0, music21.metadata.Metadata(title=title or "Transcribed melody"))
    return score


def _hand_parts(notes: list, hands: Sequence[str] | None) -> list[tuple[music21.stream.Part,
                                                                           list]]:
    """(empty part, its notes) per staff: one without ``hands``, else the right hand
    (treble clef) and the left hand (bass clef), each only when it has notes."""
    if hands is None:
        return [(music21.stream.Part(), [n[:3] for n in notes])]
    out = []
    for hand, name, clef in ((RIGHT, "Right hand", music21.clef.TrebleClef),
                             (LEFT, "Left hand", music21.clef.BassClef)):
        mine = [n[:3] for n in notes if n[3] == hand]
        if mine:
            part = music21.stream.Part()
            part.partName = name
            part.insert(0, clef())
            out.append((part, mine))
    return out


def _note(pitch: int, key: tuple[str, str] | None, **duration) -> music21.note.Note:
    """A note spelled as in ``key`` (F#4 in D major, Bb4 in F major)."""
    return music21.note.Note(note_name(pitch, key=key).replace("b", "-"), **duration)


def melody_midi(onsets_s: Sequence[float], offsets_s: Sequence[float], midi: Sequence[int], *,
                title: str = "", key: tuple[str, str] | None = None,
                time_signature: str = "4/4", hands: Sequence[str] | None = None) -> bytes:
    """A standard MIDI file of the notes, timed as in the recording (see module notes).

    Parameters
    ----------
    onsets_s, offsets_s : sequence of float
        Start and end of each note, seconds.
    midi : sequence of int
        MIDI pitch of each note.
    title : str
        Track name.
    key : tuple of str, optional
        (tonic, mode) written as the file's key signature, e.g. ``("D", "major")``.
    time_signature : str
        Written time signature, e.g. ``"3/4"``.
    hands : sequence of str, optional
        ``"right"`` or ``"left"`` per note (:func:`musicpractice.score.hands.split_hands`):
        the notes go to two tracks, "Right hand" and "Left hand".

    Raises
    ------
    InvalidParameterError
        No notes, or a note with an invalid pitch or time.
    """
    parts = _hand_parts(_checked(onsets_s, offsets_s, midi, hands), hands)
    for part, notes in parts:
        for onset, offset, pitch in notes:
            start = round(onset / MIDI_TICK_S) * MIDI_TICK_S
            length = max(MIDI_TICK_S, round((offset - onset) / MIDI_TICK_S) * MIDI_TICK_S)
            note = _note(pitch, key)
            note.duration = music21.duration.Duration(length * MIDI_BPM / 60.0)
            part.insert(start * MIDI_BPM / 60.0, note)
    score = _score([part for part, _notes in parts], title, MIDI_BPM, key, time_signature)
    return music21.midi.translate.streamToMidiFile(score).writestr()


def melody_musicxml(onsets_s: Sequence[float], offsets_s: Sequence[float],
                    midi: Sequence[int], *, tempo_bpm: float, title: str = "",
                    key: tuple[str, str] | None = None, time_signature: str = "4/4",
                    hands: Sequence[str] | None = None) -> bytes:
    """MusicXML of the notes on a sixteenth-note grid at ``tempo_bpm`` (quarter notes per
    minute; see module notes), with the key signature of ``key`` (tonic, mode), notes
    spelled in it, and ``time_signature``. With ``hands`` (as :func:`melody_midi`) the
    notes go on two staves, right hand (treble clef) and left hand (bass clef); notes of
    one hand starting on the same sixteenth form a chord (lasting as its shortest note).

    Raises
    ------
    InvalidParameterError
        No notes, an invalid note, or a tempo outside 20-400 BPM.
    """
    if not 20.0 <= tempo_bpm <= 400.0:
        raise InvalidParameterError(f"A tempo of {tempo_bpm:g} BPM cannot be notated "
                                    "(20-400 quarter notes per minute).")
    per_s = tempo_bpm / 60.0 / GRID_QUARTER
    parts = _hand_parts(_checked(onsets_s, offsets_s, midi, hands), hands)
    for part, notes in parts:
        if hands is None:
            _place_line(part, notes, per_s, key)
        else:
            _place_chords(part, notes, per_s, key)
    score = _score([part for part, _notes in parts], title, tempo_bpm, key, time_signature)
    try:
        return GeneralObjectExporter(score.makeNotation()).parse()
    except music21.Music21Exception as error:
        raise ScoreFileError(f"The melody could not be written as MusicXML ({error}).") from error


def _place_line(part: music21.stream.Part, notes: list, per_s: float, key) -> None:
    """One note at a time: notes that would start together are moved apart."""
    free = 0.0
    for onset, offset, pitch in notes:
        start = max(round(onset * per_s) * GRID_QUARTER, free)
        end = max(round(offset * per_s) * GRID_QUARTER, start + GRID_QUARTER)
        part.insert(start, _note(pitch, key, quarterLength=end - start))
        free = end


def _place_chords(part: music21.stream.Part, notes: list, per_s: float, key) -> None:
    """Notes starting on the same sixteenth as one chord; every note stays."""
    groups: dict[float, list[tuple[float, int]]] = {}
    for onset, offset, pitch in notes:
        start = round(onset * per_s) * GRID_QUARTER
        end = max(round(offset * per_s) * GRID_QUARTER, start + GRID_QUARTER)
        groups.setdefault(start, []).append((end, pitch))
    starts = sorted(groups)
    for i, start in enumerate(starts):
        end = min(e for e, _p in groups[start])
        if i + 1 < len(starts):
            end = min(end, starts[i + 1])
        pitches = sorted({p for _e, p in groups[start]})
        members = [_note(p, key) for p in pitches]
        element = (members[0] if len(members) == 1 else music21.chord.Chord(members))
        element.duration = music21.duration.Duration(end - start)
        part.insert(start, element)
