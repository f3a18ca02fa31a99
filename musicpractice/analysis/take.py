"""The whole analysis of one take: every analysis in order, sharing what they can.

One pass over the file feeds the loudness meter (all channels, native rate) and builds
the mono analysis signal; tuning comes first because key and melody use it (and a clear
monophonic melody may then confirm or correct it, see
:func:`~musicpractice.analysis.tuning.refine_with_notes`); the onset envelope is shared
by the tempo tracker and the cues.
"""

from __future__ import annotations

import math

import dataclasses
import os
from dataclasses import dataclass

from musicpractice.analysis.arousal_cues import as_cues, measure_arousal_cues
from musicpractice.analysis.character import CharacterReading, read_character
from musicpractice.analysis.chroma import chroma as compute_chroma
from musicpractice.analysis.cues import ExpressiveCues, compute_cues
from musicpractice.analysis.envelope import amplitude_envelope, rearticulations
from musicpractice.analysis.key import KeyEstimate, estimate_key, sounding_and_written
from musicpractice.analysis.listener_model import model_readings
from musicpractice.analysis.loudness import LoudnessMeter, LoudnessResult
from musicpractice.analysis.melody import PitchTrack, track_melody
from musicpractice.analysis.notes import Note, segment_notes
from musicpractice.analysis.onsets import Onsets, detect_onsets
from musicpractice.analysis.tempo import TempoEstimate, estimate_tempo
from musicpractice.analysis.top_line import top_line
from musicpractice.analysis.tuning import (
    TuningEstimate,
    at_pitch_standard,
    estimate_tuning,
    refine_with_notes,
)
from musicpractice.analysis.voices import DEFAULT_RANGE, validate_range, voice_range
from musicpractice.audio.io import ANALYSIS_RATE_HZ, AudioInfo, load_signal, probe
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, check_cancel

ALGORITHM_VERSION = 7
"""Bumped whenever a change to any analysis changes its results (invalidates caches).
7: a fast waltz is counted in three (analysis/tempo.py)."""


NO_MUSIC_CONFIDENCE = 0.1
"""Below this confidence of the tuning, the key and the melody (and twice it of the beat)
together, a take holds no music: white and pink noise read 0.00-0.08 on all four."""
NOTE_SHAPING_CUES = ("vibrato_rate_hz", "vibrato_extent_cents", "articulation_ratio")
"""Cues that describe how the player shapes each note (its pitch, how long it is held):
not reported, and not read into the character, for a take that is not
:attr:`TakeAnalysis.pitch_shaped` (a piano: its notes decay by themselves and the pedal
holds them, so the sound says little of a legato or staccato touch)."""


def shapes_pitch(voice: str, polyphonic: bool) -> bool:
    """Whether a take's player shapes each note's pitch (see :attr:`TakeAnalysis.pitch_shaped`)."""
    return voice != "piano" and not polyphonic


@dataclass(frozen=True)
class TakeAnalysis:
    """Everything musicpractice measures on one take.

    Attributes
    ----------
    info : AudioInfo
        The file analysed (native rate, channels, frames actually read).
    voice : str
        The pitch-range preset used, or ``"custom"``.
    peak_dbfs, clipped_fraction : float
        Sample peak (dBFS) and share of clipped samples.
    warnings : tuple of str
        Notes about the input itself (silence, clipping, a damaged tail).
    tuning, key, onsets, tempo, melody, notes, loudness, cues, character
        The individual results; each carries its own confidence and warnings.
    """

    info: AudioInfo
    voice: str
    peak_dbfs: float
    clipped_fraction: float
    warnings: tuple[str, ...]
    tuning: TuningEstimate
    key: KeyEstimate
    onsets: Onsets
    tempo: TempoEstimate
    melody: PitchTrack
    notes: tuple[Note, ...]
    loudness: LoudnessResult
    cues: ExpressiveCues
    character: CharacterReading

    @property
    def music_found(self) -> bool:
        """Whether the take holds music at all: some steady pitch (tuning, notes), a key
        or a beat. False for noise, hum or silence, where every other reading is
        meaningless (each of their confidences is near zero)."""
        return not (self.tuning.confidence < NO_MUSIC_CONFIDENCE
                    and self.key.confidence < NO_MUSIC_CONFIDENCE
                    and self.tempo.confidence < 2 * NO_MUSIC_CONFIDENCE
                    and self.melody.confidence < NO_MUSIC_CONFIDENCE)

    @property
    def pitch_shaped(self) -> bool:
        """Whether the player shapes each note's pitch (a voice, a violin, a flute), so that
        intonation and vibrato mean something. False for a piano (voice range ``"piano"``)
        and for a take where several notes sound at once (its melody is a top line)."""
        return shapes_pitch(self.voice, self.melody.polyphonic)

    @property
    def duration_s(self) -> float:
        """Length of the analysed audio in seconds."""
        return self.info.duration_s


def analyze_file(
    path: str | os.PathLike,
    *,
    voice: str = DEFAULT_RANGE,
    fmin_hz: float | None = None,
    fmax_hz: float | None = None,
    pitch_standard_hz: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> TakeAnalysis:
    """Analyse an audio file: tuning, key, tempo and beats, melody and notes, loudness,
    expressive cues and the character reading.

    Parameters
    ----------
    path : path-like
        Any audio file :func:`musicpractice.audio.io.load_signal` reads.
    voice : str
        Pitch-range preset for the melody (see
        :data:`musicpractice.analysis.voices.VOICE_RANGES`).
    fmin_hz, fmax_hz : float, optional
        A custom melody range in Hz, overriding ``voice`` (both must be given).
    pitch_standard_hz : float, optional
        The A4 the performers tuned to when it is not about 440 Hz (e.g. 415 for baroque
        pitch): notes and keys are then named as written, and the key says what it sounds
        like at A = 440 Hz (see :func:`~musicpractice.analysis.tuning.at_pitch_standard`).
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Raises
    ------
    AudioFileError
        The file cannot be read (see :func:`~musicpractice.audio.io.load_signal`).
    InvalidParameterError
        An unknown voice or an unusable custom range.
    """
    if (fmin_hz is None) != (fmax_hz is None):
        raise InvalidParameterError("Give both --fmin and --fmax for a custom pitch range.")
    if fmin_hz is not None:
        fmin_hz, fmax_hz = validate_range(fmin_hz, fmax_hz, ANALYSIS_RATE_HZ)
        voice = "custom"
    else:
        fmin_hz, fmax_hz = voice_range(voice)
    steps = Steps(progress, [("Reading audio", 1), ("Tuning", 1), ("Key", 1), ("Onsets", 1),
                             ("Tempo and beats", 1), ("Melody", 3), ("Top line", 3),
                             ("Expressive cues", 1)])
    info = probe(path)
    meter = LoudnessMeter(info.sample_rate_hz, info.channels)
    signal = load_signal(path, on_block=lambda block, _sr: meter.feed(block),
                         progress=steps.stage("Reading audio"), cancel=cancel)
    loudness = meter.result()
    y, sr = signal.samples, signal.sr

    tuning = estimate_tuning(y, sr, progress=steps.stage("Tuning"), cancel=cancel)
    if pitch_standard_hz is not None:
        tuning = at_pitch_standard(tuning, standard_a4_hz=pitch_standard_hz)
    key_progress = steps.stage("Key")
    key = estimate_key(y, sr, tuning_hz=tuning.a4_hz,
                       chroma=compute_chroma(y, sr, tuning_hz=tuning.a4_hz, cancel=cancel),
                       progress=key_progress, cancel=cancel)
    onsets = detect_onsets(y, sr, progress=steps.stage("Onsets"), cancel=cancel)
    tempo = estimate_tempo(y, sr, onsets=onsets, progress=steps.stage("Tempo and beats"),
                           cancel=cancel)
    melody = track_melody(y, sr, fmin_hz=fmin_hz, fmax_hz=fmax_hz, tuning_hz=tuning.a4_hz,
                          progress=steps.stage("Melody"), cancel=cancel)
    envelope = amplitude_envelope(y, sr)
    restarts_s = rearticulations(envelope, onsets.times_s)
    notes = segment_notes(melody, tuning_hz=tuning.a4_hz, onsets_s=restarts_s)
    if not melody.polyphonic:
        refined = refine_with_notes(tuning, [n.cents for n in notes], [n.duration_s for n in notes])
        if pitch_standard_hz is not None:
            refined = at_pitch_standard(refined, standard_a4_hz=pitch_standard_hz)
        if refined != tuning:
            tuning = refined
            notes = segment_notes(melody, tuning_hz=tuning.a4_hz, onsets_s=restarts_s)
    if melody.polyphonic:  # piano, choir: the melody is the top line, never the bass
        line = top_line(y, sr, tuning_hz=tuning.a4_hz, progress=steps.stage("Top line"),
                        cancel=cancel)
        notes = line.notes if line.has_line else ()
        if not line.has_line:
            melody = dataclasses.replace(melody, warnings=(*melody.warnings, (
                "The take has no single melodic line: too few notes stand out as its top line.")))
    if pitch_standard_hz is not None:
        key = sounding_and_written(key, a4_hz=tuning.a4_hz, standard_hz=pitch_standard_hz)
    check_cancel(cancel)
    cues = compute_cues(
        y, sr,
        beats_s=tempo.beats_s, tempo_bpm=tempo.bpm,
        tempo_curve_times_s=tempo.curve_times_s, tempo_curve_bpm=tempo.curve_bpm,
        integrated_lufs=loudness.integrated_lufs,
        short_term_times_s=loudness.short_term_times_s, short_term_lufs=loudness.short_term_lufs,
        onsets_s=onsets.times_s, notes=notes, monophonic=not melody.polyphonic,
        key_mode=key.mode, key_confidence=key.confidence, envelope=envelope,
        progress=steps.stage("Expressive cues"), cancel=cancel,
    )
    check_cancel(cancel)
    arousal_values = measure_arousal_cues(y, sr, onsets_s=onsets.times_s,
                                          short_term_lufs=loudness.short_term_lufs)
    cues = ExpressiveCues(cues.cues + tuple(as_cues(
        arousal_values, onsets_s=onsets.times_s, pulse_clarity=tempo.confidence)))
    arousal, valence = model_readings(cues.values())
    return TakeAnalysis(
        info=signal.info, voice=voice, peak_dbfs=signal.peak_dbfs,
        clipped_fraction=signal.clipped_fraction, warnings=signal.warnings,
        tuning=tuning, key=key, onsets=onsets, tempo=tempo, melody=melody, notes=notes,
        loudness=loudness, cues=cues,
        character=read_character(_applicable(cues.values(), shapes_pitch(voice, melody.polyphonic)),
                                 arousal=arousal, valence=valence),
    )


def _applicable(values: dict[str, float], pitch_shaped: bool) -> dict[str, float]:
    """Cue values with those that do not apply to the instrument as unmeasured (NaN)."""
    if pitch_shaped:
        return values
    return {k: (math.nan if k in NOTE_SHAPING_CUES else v) for k, v in values.items()}
