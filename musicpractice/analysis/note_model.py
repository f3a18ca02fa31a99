"""Which piano keys are struck and sounding, frame by frame, from a small neural note model.

The model is Spotify's Basic Pitch (ICASSP 2022, "A lightweight instrument-agnostic model
for polyphonic note transcription and multipitch estimation", Apache-2.0): its ONNX export
(230 KB) ships in ``resources/models/basic_pitch`` with its licence and notice and
runs on the CPU through onnxruntime; nothing is downloaded. It reads 22050 Hz audio in
windows of 43844 samples and gives, per window, 172 frames (hop 256 samples, about 86
frames per second) of two posteriorgrams over the 88 piano keys: ``onset`` (a key is
struck in this frame) and ``note`` (a key sounds in this frame), both in 0-1.

Windows overlap by 30 frames; the 15 frames at each edge of a window are dropped and the
windows advance by exactly the frames they keep, so frame ``g`` of the result is centred on
sample ``g * 256`` of the take (Basic Pitch's own inference advances by 188 samples less
per window and corrects its times afterwards).

The model assumes A4 = 440 Hz; a take a quarter tone off that is outside what it knows.
When onnxruntime is not installed, :func:`note_model_available` says why and the piano
check falls back to the harmonic-template NMF (:mod:`musicpractice.analysis.pitch_activation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from musicpractice.analysis.signal import check_signal
from musicpractice.core.resources import ResourceMissingError, resource_path
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

MODEL_SR = 22050
FRAME_HOP = 256
WINDOW_SAMPLES = 43844
WINDOW_FRAMES = 172
EDGE_FRAMES = 15
"""Frames dropped at each edge of a window (half the 30-frame overlap)."""
KEPT_FRAMES = WINDOW_FRAMES - 2 * EDGE_FRAMES
LOW_MIDI = 21
N_KEYS = 88
BATCH_WINDOWS = 8
"""Windows run through the model at once (about 13 s of audio; memory stays small)."""
MODEL_FILE = ("models", "basic_pitch", "nmp.onnx")
"""The model below the bundled resources (``resources/`` of the source tree, carried as
``musicpractice/resources`` by a wheel), beside its LICENSE and NOTICE."""
_INPUT = "serving_default_input_2:0"
_OUTPUTS = ("StatefulPartitionedCall:1", "StatefulPartitionedCall:2")
"""The note and onset posteriorgrams of the ONNX graph (``:0`` is the pitch contour)."""


@dataclass(frozen=True)
class NotePosteriors:
    """The model's note and onset probabilities per key and frame.

    Attributes
    ----------
    times_s : numpy.ndarray
        Centre of each frame in seconds from the start of the signal, shape (frames,).
    midi : numpy.ndarray
        MIDI number of each row, shape (88,): 21 (A0) to 108 (C8).
    note : numpy.ndarray
        float32, shape (88, frames): probability that the key sounds in the frame.
    onset : numpy.ndarray
        float32, shape (88, frames): probability that the key is struck in the frame.
    hop_s : float
        Time between frames in seconds.
    """

    times_s: np.ndarray
    midi: np.ndarray
    note: np.ndarray
    onset: np.ndarray
    hop_s: float


def note_model_available() -> str | None:
    """``None`` when the note model can run here, else why not (one line)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return "onnxruntime is not installed (pip install onnxruntime)"
    try:
        resource_path(*MODEL_FILE)
    except ResourceMissingError as exc:
        return str(exc)
    return None


def note_posteriors(y: np.ndarray, sr: int, *, progress: ProgressFn | None = None,
                    cancel: CancelToken | None = None) -> NotePosteriors:
    """Note and onset probabilities of the 88 piano keys over a recording.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, shape (samples,).
    sr : int
        Sample rate in Hz (resampled to 22050 Hz).

    Returns
    -------
    NotePosteriors
    """
    import librosa

    y = check_signal(y, sr)
    if sr != MODEL_SR:
        y = librosa.resample(y, orig_sr=sr, target_sr=MODEL_SR)
    y = np.asarray(y, dtype=np.float32)
    n_frames = 1 + y.size // FRAME_HOP
    step = KEPT_FRAMES * FRAME_HOP
    padded = np.concatenate([np.zeros(EDGE_FRAMES * FRAME_HOP, np.float32), y])
    starts = list(range(0, max(n_frames, 1) * FRAME_HOP, step))
    session = _session()
    note = np.zeros((N_KEYS, len(starts) * KEPT_FRAMES), np.float32)
    onset = np.zeros_like(note)
    report(progress, 0.0, "Note model")
    for b in range(0, len(starts), BATCH_WINDOWS):
        batch = np.zeros((len(starts[b:b + BATCH_WINDOWS]), WINDOW_SAMPLES, 1), np.float32)
        for k, s in enumerate(starts[b:b + BATCH_WINDOWS]):
            piece = padded[s:s + WINDOW_SAMPLES]
            batch[k, :piece.size, 0] = piece
        notes, onsets = session.run(list(_OUTPUTS), {_INPUT: batch})
        for k in range(batch.shape[0]):
            cols = slice((b + k) * KEPT_FRAMES, (b + k + 1) * KEPT_FRAMES)
            note[:, cols] = notes[k, EDGE_FRAMES:EDGE_FRAMES + KEPT_FRAMES].T
            onset[:, cols] = onsets[k, EDGE_FRAMES:EDGE_FRAMES + KEPT_FRAMES].T
        check_cancel(cancel)
        report(progress, min(1.0, (b + BATCH_WINDOWS) / len(starts)), "Note model")
    times = np.arange(n_frames) * (FRAME_HOP / MODEL_SR)
    return NotePosteriors(times_s=times, midi=np.arange(LOW_MIDI, LOW_MIDI + N_KEYS),
                          note=note[:, :n_frames].copy(), onset=onset[:, :n_frames].copy(),
                          hop_s=FRAME_HOP / MODEL_SR)


@lru_cache(maxsize=1)
def _session():
    """The ONNX session (loaded once per process, single-threaded: analysis runs in
    parallel workers already)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(resource_path(*MODEL_FILE)), sess_options=options,
                                providers=["CPUExecutionProvider"])
