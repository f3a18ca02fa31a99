"""The Transkun piano transcription model on FluidSynth's grand piano, with exact truth.

One take of six seconds is transcribed once for the whole module (the model reads 16 s
segments advanced by 8 s, with 8 s of silence padded at both ends, so any take up to about
8 s costs three segments: under a minute on two shared cores); its disk cache starts with a damaged entry under the take's name. Cancel
and bad input are refused before the model runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from musicpractice.analysis import piano_transcription
from musicpractice.analysis.piano_transcription import (
    CACHE_ENV,
    MODEL_VERSION,
    PianoNotes,
    piano_transcription_available,
    transcribe_piano,
)
from musicpractice.audio.fluidsynth_render import PROGRAM_PIANO, fluidsynth_available, render_notes
from musicpractice.core.errors import AudioTooShortError, Cancelled, InvalidParameterError
from tests.ci import unavailable

SR = 22_050
"""The take's rate (the model reads 44.1 kHz: the take is resampled on the way in)."""
ONSET_TOLERANCE_S = 0.05

WRITTEN = [  # (midi, onset_s, duration_s)
    (60, 0.30, 1.50), (64, 0.30, 1.50), (67, 0.30, 1.50),  # C major chord, held
    (60, 1.00, 0.80),                                       # C4 struck again while held
    (45, 2.20, 0.90), (57, 2.20, 0.90),                     # octave A2 + A3
    (74, 2.70, 0.40),                                       # D5 over the octave
    (72, 3.50, 0.80), (84, 3.50, 0.80),                     # octave C5 + C6
    (50, 4.20, 0.20), (50, 4.50, 0.20), (50, 4.80, 0.20),   # D3 three times, released between
]


@dataclass(frozen=True)
class Transcribed:
    take: np.ndarray
    notes: PianoNotes
    folder: Path
    entry: Path
    progress: list


@pytest.fixture(scope="module")
def transcribed(tmp_path_factory) -> Transcribed:
    """The take, transcribed once into a cache folder of its own that held a damaged
    entry (a half-written file) under the take's name."""
    problem = piano_transcription_available()
    if problem is not None:
        unavailable(problem)
    if fluidsynth_available():
        unavailable(fluidsynth_available())
    take = render_notes(WRITTEN, sr=SR, program=PROGRAM_PIANO)
    folder = tmp_path_factory.mktemp("damaged-cache")
    entry = folder / f"{piano_transcription._content_key(take, SR)}.npz"
    entry.write_bytes(b"PK\x03\x04 cut short by a crash")
    progress = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        notes = transcribe_piano(take, SR, progress=lambda f, m="": progress.append((f, m)))
    return Transcribed(take=take, notes=notes, folder=folder, entry=entry, progress=progress)


def test_every_written_onset_is_found_at_its_key(transcribed):
    """Each struck key within 50 ms: the chord, the C4 struck again while it still sounds,
    both keys of each octave (the upper one is no mere partial of the lower), the repeats."""
    notes = transcribed.notes
    for midi, onset_s, _ in WRITTEN:
        heard = notes.onsets_of(midi)
        assert heard.size and np.abs(heard - onset_s).min() < ONSET_TOLERANCE_S, (midi, onset_s, heard)
    assert notes.onsets_of(60).size == 2 and notes.onsets_of(50).size == 3


def test_no_note_where_none_was_played(transcribed):
    """Every transcribed note is a written stroke: no partial, no octave error, no echo."""
    notes = transcribed.notes
    written = np.array([(m, on) for m, on, _ in WRITTEN])
    for onset_s, midi in zip(notes.onset_s, notes.midi):
        same_key = written[written[:, 0] == midi, 1]
        assert same_key.size and np.abs(same_key - onset_s).min() < ONSET_TOLERANCE_S, (midi, onset_s)
    assert len(notes) == len(WRITTEN)


def test_notes_are_sorted_and_plain_data(transcribed):
    notes = transcribed.notes
    assert np.all(np.diff(notes.onset_s) >= 0)
    assert np.all(notes.offset_s > notes.onset_s)
    assert notes.midi.dtype.kind == "i" and np.all((notes.velocity >= 1) & (notes.velocity <= 127))
    fractions = [f for f, _ in transcribed.progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_a_damaged_cache_entry_is_transcribed_again_and_replaced(transcribed):
    """The fixture's call met a damaged entry: it transcribed (the tests above check what)
    and wrote a readable entry in its place, with nothing half-written left beside it."""
    with np.load(transcribed.entry, allow_pickle=False) as stored:
        assert str(stored["version"]) == MODEL_VERSION
        np.testing.assert_array_equal(stored["midi"], transcribed.notes.midi)
        np.testing.assert_array_equal(stored["onset_s"], transcribed.notes.onset_s)
    assert sorted(p.name for p in transcribed.folder.iterdir()) == [transcribed.entry.name]


def test_a_second_call_reads_the_disk_entry(transcribed, tmp_path, monkeypatch):
    """In a new process (the memory emptied), the notes come from the file: an entry
    whose keys were moved up an octave comes back moved, without running the model."""
    with np.load(transcribed.entry, allow_pickle=False) as stored:
        entry = {name: stored[name] for name in stored.files}
    entry["midi"] = entry["midi"] + 12
    np.savez(tmp_path / transcribed.entry.name, **entry)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    piano_transcription._MEMORY.clear()
    try:
        again = transcribe_piano(transcribed.take, SR, cancel=_set())  # the model would be cancelled
        np.testing.assert_array_equal(again.midi, transcribed.notes.midi + 12)
        np.testing.assert_array_equal(again.onset_s, transcribed.notes.onset_s)
    finally:
        piano_transcription._MEMORY.clear()


def test_an_entry_of_another_model_version_is_not_read(transcribed, tmp_path, monkeypatch):
    with np.load(transcribed.entry, allow_pickle=False) as stored:
        entry = {name: stored[name] for name in stored.files}
    entry["version"] = np.array("transkun-1.0")
    np.savez(tmp_path / transcribed.entry.name, **entry)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    piano_transcription._MEMORY.clear()
    with pytest.raises(Cancelled):  # not read: the model is run (and cancelled at once)
        transcribe_piano(transcribed.take, SR, cancel=_set())


def test_cancel_stops_before_the_first_segment_and_stores_nothing(tmp_path, monkeypatch):
    if piano_transcription_available() is not None:
        unavailable(piano_transcription_available())
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    noise = np.random.default_rng(3).normal(0.0, 0.1, SR).astype(np.float32)
    with pytest.raises(Cancelled):
        transcribe_piano(noise, SR, cancel=_set())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("samples", "error", "words"), [
    (np.zeros(0, np.float32), AudioTooShortError, "empty"),
    (np.array([0.1, np.nan, 0.2] * 1000, np.float32), InvalidParameterError, "NaN"),
    (np.zeros((100, 2), np.float32), InvalidParameterError, "one channel"),
])
def test_bad_input_gets_the_products_one_line_message(samples, error, words):
    with pytest.raises(error) as raised:
        transcribe_piano(samples, SR)
    message = str(raised.value)
    assert words.lower() in message.lower() and "\n" not in message


def _set() -> threading.Event:
    event = threading.Event()
    event.set()
    return event
