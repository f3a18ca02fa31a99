"""Everything the take view shows about one take, prepared on a worker thread.

The analysis comes from the session's derived-data cache when it is there (keyed by
:data:`musicpractice.analysis.take.ALGORITHM_VERSION` and the voice preset) and is
computed and cached otherwise; the audio is loaded for playback and drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.take import ALGORITHM_VERSION, TakeAnalysis, analyze_file
from musicpractice.audio.io import load_signal
from musicpractice.core.codec import decode, encode
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, check_cancel
from musicpractice.gui.overview import (
    DisplaySpectrogram,
    MinMaxPyramid,
    display_spectrogram,
    min_max_pyramid,
)
from musicpractice.session.store import Session

STAGE = "take_analysis"


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
    """

    take_id: str
    analysis: TakeAnalysis
    samples: np.ndarray
    sr: int
    pyramid: MinMaxPyramid
    spectrogram: DisplaySpectrogram
    from_cache: bool

    @property
    def duration_s(self) -> float:
        """Length of the take in seconds."""
        return len(self.samples) / self.sr


def cached_analysis(session: Session, take_id: str, voice: str) -> TakeAnalysis | None:
    """The cached analysis of a take with ``voice``, or ``None``."""
    hit = session.cache_get(take_id, STAGE, str(ALGORITHM_VERSION), {"voice": voice})
    if hit is None:
        return None
    try:
        return decode(TakeAnalysis, hit.data["tree"], hit.arrays)
    except (ValueError, KeyError):
        return None


def ensure_analysis(session: Session, take_id: str, *, voice: str, analyze=analyze_file,
                    progress: ProgressFn | None = None,
                    cancel: CancelToken | None = None) -> tuple[TakeAnalysis, bool]:
    """The take's analysis from the cache, or computed now (by ``analyze``) and cached.

    Returns
    -------
    (TakeAnalysis, bool)
        The analysis and whether it came from the cache.
    """
    analysis = cached_analysis(session, take_id, voice)
    if analysis is not None:
        return analysis, True
    analysis = analyze(session.audio_path(take_id), voice=voice, progress=progress, cancel=cancel)
    if not session.read_only:
        tree, arrays = encode(analysis)
        session.cache_put(take_id, STAGE, str(ALGORITHM_VERSION), {"voice": voice},
                          data={"tree": tree}, arrays=arrays)
    return analysis, False


def prepare_take(session: Session, take_id: str, *, voice: str, analyze=analyze_file,
                 progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> TakeData:
    """Analyse (or read from the cache) and load one take for the take view.

    ``analyze`` computes an analysis that is not cached (``analyze_file``'s signature;
    the window passes :meth:`AnalysisProcess.analyze`).
    """
    steps = Steps(progress, [("Analysing", 10), ("Loading audio", 1),
                             ("Drawing", 1)])
    analysis, from_cache = ensure_analysis(session, take_id, voice=voice, analyze=analyze,
                                           progress=steps.stage("Analysing"), cancel=cancel)
    signal = load_signal(session.audio_path(take_id), progress=steps.stage("Loading audio"),
                         cancel=cancel)
    steps.stage("Drawing")
    pyramid = min_max_pyramid(signal.samples, signal.sr, cancel=cancel)
    spectrogram = display_spectrogram(signal.samples, signal.sr, cancel=cancel)
    check_cancel(cancel)
    return TakeData(take_id, analysis, signal.samples, signal.sr, pyramid, spectrogram, from_cache)
