"""Everything the take view shows about one take, prepared on a worker thread.

The analysis comes from the session's derived-data cache when it is there and is
computed and cached otherwise (:func:`musicpractice.workspace.derived.ensure_analysis`);
the audio is loaded for playback and drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.alignment.pitch_standard import PitchStandard
from musicpractice.analysis.key import KeyEstimate, written_at_standard
from musicpractice.analysis.take import TakeAnalysis, analyze_file
from musicpractice.audio.io import load_signal
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, check_cancel
from musicpractice.gui.workers.overview import (
    DisplaySpectrogram,
    MinMaxPyramid,
    display_spectrogram,
    min_max_pyramid,
)
from musicpractice.workspace.derived import (
    cached_analysis,
    cached_pitch_standard,
    ensure_analysis,
)
from musicpractice.session.store import Session


@dataclass(frozen=True)
class TakeData:
    """A take ready to show and play.

    Attributes
    ----------
    take_id : str
    analysis : TakeAnalysis
    samples : numpy.ndarray
        Mono float32 audio at ``sr`` (what is played and drawn).
    sr : int
        Sample rate in Hz.
    pyramid : MinMaxPyramid
    spectrogram : DisplaySpectrogram
    from_cache : bool
        Whether the analysis was read from the session cache.
    key : KeyEstimate or None
        The key to show: ``analysis.key``, or, when the take's cached alignments show it
        was played at a historical pitch (A = 415 Hz), that key named as written with how
        it sounds first among its warnings (see
        :func:`~musicpractice.workspace.derived.cached_pitch_standard`).
    pitch_standard : PitchStandard or None
        That historical pitch, None at A = 440 Hz or when no alignment shows one.
    """

    take_id: str
    analysis: TakeAnalysis
    samples: np.ndarray
    sr: int
    pyramid: MinMaxPyramid
    spectrogram: DisplaySpectrogram
    from_cache: bool
    key: KeyEstimate | None = None
    pitch_standard: PitchStandard | None = None

    @property
    def duration_s(self) -> float:
        """Length of the take in seconds."""
        return len(self.samples) / self.sr


def prepare_take(session: Session, take_id: str, *, voice: str, analyze=analyze_file,
                 progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> TakeData:
    """Analyse (or read from the cache) and load one take for the take view.

    ``analyze`` computes an analysis that is not cached (``analyze_file``'s signature;
    the window passes :meth:`AnalysisProcess.analyze`).
    """
    steps = Steps(progress, [("Analysing", 10), ("Loading audio", 1),
                             ("Drawing", 1)])
    analysis = cached_analysis(session, take_id, voice)
    from_cache = analysis is not None
    if analysis is None:
        analysis = ensure_analysis(session, take_id, voice=voice, analyze=analyze,
                                   progress=steps.stage("Analysing"), cancel=cancel)
    signal = load_signal(session.audio_path(take_id), progress=steps.stage("Loading audio"),
                         cancel=cancel)
    steps.stage("Drawing")
    pyramid = min_max_pyramid(signal.samples, signal.sr, cancel=cancel)
    spectrogram = display_spectrogram(signal.samples, signal.sr, cancel=cancel)
    check_cancel(cancel)
    standard = cached_pitch_standard(session, take_id)
    key = analysis.key
    if standard is not None and key.confidence > 0:
        key = written_at_standard(key, semitones=standard.semitones,
                                  standard_hz=standard.standard_hz)
    return TakeData(take_id, analysis, signal.samples, signal.sr, pyramid, spectrogram, from_cache,
                    key=key, pitch_standard=standard)
