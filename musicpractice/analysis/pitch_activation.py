"""Which piano keys sound, frame by frame: a pitch-activation representation.

A constant-Q magnitude spectrum (three bins per semitone) is explained as a non-negative
sum of fixed harmonic templates, one per key (semi-supervised NMF with a Kullback-Leibler
cost and multiplicative updates, Lee & Seung 2001; harmonic templates as in Vincent,
Bertin & Badeau 2010). The activation of a key is how much of the spectrum its template
explains: a struck key rises at its onset and decays, a key that was not played stays
near zero even when its partials coincide with those of a played note an octave or a
fifth below, because that note's template explains them better.

Used by the score-informed piano check (:mod:`musicpractice.alignment.piano_check`).
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np
from scipy import sparse

from musicpractice.analysis.signal import check_signal
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import hz_to_midi, midi_to_hz
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

BINS_PER_SEMITONE = 3
N_HARMONICS = 10
HARMONIC_DECAY = 1.5
"""Amplitude of harmonic h relative to the fundamental: h ** -HARMONIC_DECAY."""
N_ITERATIONS = 40
PIANO_LOW_MIDI = 21
PIANO_HIGH_MIDI = 108
ANALYSIS_SR = 22050
BLOCK_S = 60.0
"""Length of the blocks a long take is transformed and decomposed in (memory stays that of
one block: about 40 MB instead of 3 GB for an hour)."""
MARGIN_S = 4.0
"""Audio on each side of a block that its edge frames need (twice the longest constant-Q
filter, about 1.9 s at A0)."""


@dataclass(frozen=True)
class PitchActivation:
    """How strongly each key sounds over time.

    Attributes
    ----------
    times_s : numpy.ndarray
        Centre of each frame in seconds from the start of the signal, shape (frames,).
    midi : numpy.ndarray
        The MIDI number of each row, shape (keys,), consecutive integers.
    activation : numpy.ndarray
        float32, shape (keys, frames): the NMF gain of each key's harmonic template, in
        units of the constant-Q magnitude (not normalised; compare rows with each other or
        with ``energy``).
    energy : numpy.ndarray
        Sum of the constant-Q magnitude of each frame, shape (frames,).
    hop_s : float
        Time between frames in seconds.
    """

    times_s: np.ndarray
    midi: np.ndarray
    activation: np.ndarray
    energy: np.ndarray
    hop_s: float

    def row(self, midi: int) -> np.ndarray | None:
        """The activation of one key over time, or ``None`` outside the analysed range."""
        k = int(midi) - int(self.midi[0])
        return self.activation[k] if 0 <= k < self.midi.size else None


def pitch_activation(y: np.ndarray, sr: int, *, low_midi: int = PIANO_LOW_MIDI,
                     high_midi: int = PIANO_HIGH_MIDI, tuning_hz: float = 440.0,
                     hop_s: float = 0.0116, progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> PitchActivation:
    """Pitch activations of the keys ``low_midi`` to ``high_midi`` in a recording.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, shape (samples,).
    sr : int
        Sample rate in Hz.
    low_midi, high_midi : int
        The range of keys to explain the spectrum with (inclusive).
    tuning_hz : float
        Reference A4 in Hz.
    hop_s : float
        Wanted time between frames in seconds (rounded to a power-of-two hop in samples).

    Returns
    -------
    PitchActivation
    """
    y = check_signal(y, sr)
    if not (0 <= low_midi < high_midi <= 127):
        raise InvalidParameterError(f"The key range {low_midi}-{high_midi} is not valid.")
    if not 300.0 <= tuning_hz <= 500.0:
        raise InvalidParameterError(f"A tuning of {tuning_hz} Hz is outside 300-500 Hz.")
    if sr != ANALYSIS_SR:
        y = librosa.resample(y, orig_sr=sr, target_sr=ANALYSIS_SR)
    hop = int(2 ** np.clip(round(np.log2(max(hop_s, 1e-3) * ANALYSIS_SR)), 6, 11))
    report(progress, 0.0, "Spectrum")
    top_midi = min(float(hz_to_midi(0.45 * ANALYSIS_SR, tuning_hz=tuning_hz)), 135.0)
    n_bins = int((top_midi - low_midi) * BINS_PER_SEMITONE)
    fmin = float(midi_to_hz(low_midi - 1.0 / BINS_PER_SEMITONE, tuning_hz=tuning_hz))
    if y.size < hop * 4:
        y = np.pad(y, (0, hop * 4 - y.size))
    keys = np.arange(low_midi, high_midi + 1)
    templates = harmonic_templates(keys, low_midi=low_midi, n_bins=n_bins)
    gains, energy = [], []
    blocks = list(_blocks(len(y), hop))
    for k, (start, stop, first, count) in enumerate(blocks):
        spectrum = np.abs(librosa.cqt(y[start:stop], sr=ANALYSIS_SR, hop_length=hop, fmin=fmin,
                                      n_bins=n_bins, bins_per_octave=12 * BINS_PER_SEMITONE))
        spectrum = spectrum[:, first:first + count].astype(np.float32)
        check_cancel(cancel)
        gains.append(_nmf_gains(spectrum, templates, cancel=cancel).astype(np.float32))
        energy.append(spectrum.sum(axis=0))
        report(progress, (k + 1) / len(blocks), "Pitch activation")
    activation = np.concatenate(gains, axis=1)
    times = librosa.frames_to_time(np.arange(activation.shape[1]), sr=ANALYSIS_SR, hop_length=hop)
    return PitchActivation(times_s=times, midi=keys, activation=activation,
                           energy=np.concatenate(energy), hop_s=hop / ANALYSIS_SR)


def _blocks(n_samples: int, hop: int):
    """``(start, stop, first, count)`` per block of :data:`BLOCK_S`: the samples to
    transform (the block with :data:`MARGIN_S` on each side) and which of their frames
    belong to the block. Frame ``g`` of the whole signal is centred on sample ``g * hop``;
    every frame comes from exactly one block, far enough from its edges that the longest
    constant-Q filter never reaches past them, so blocks give the frames the whole signal
    would (the NMF gains of a frame depend on that frame alone)."""
    total = 1 + n_samples // hop
    block = hop * max(1, int(BLOCK_S * ANALYSIS_SR / hop))
    margin = hop * int(np.ceil(MARGIN_S * ANALYSIS_SR / hop))
    if n_samples <= block + 2 * margin:
        yield 0, n_samples, 0, total
        return
    for s0 in range(0, n_samples, block):
        start, stop = max(0, s0 - margin), min(n_samples, s0 + block + margin)
        yield start, stop, (s0 - start) // hop, min(block // hop, total - s0 // hop)


def harmonic_templates(keys: np.ndarray, *, low_midi: int, n_bins: int) -> np.ndarray:
    """One harmonic spectrum per key on the constant-Q grid, columns summing to 1.

    Parameters
    ----------
    keys : numpy.ndarray
        MIDI numbers, shape (keys,).
    low_midi : int
        The key whose fundamental is at bin 1 (bin 0 is a third of a semitone below it).
    n_bins : int
        Number of constant-Q bins.

    Returns
    -------
    numpy.ndarray
        shape (n_bins, keys).
    """
    bins = np.arange(n_bins)[:, None]
    templates = np.zeros((n_bins, keys.size))
    for h in range(1, N_HARMONICS + 1):
        centre = 1 + BINS_PER_SEMITONE * (keys - low_midi + 12.0 * np.log2(h))
        width = 0.6 + 0.15 * (h - 1)
        templates += h ** -HARMONIC_DECAY * np.exp(-0.5 * ((bins - centre[None, :]) / width) ** 2)
    return templates / np.maximum(templates.sum(axis=0, keepdims=True), 1e-12)


def _nmf_gains(spectrum, templates, *, cancel) -> np.ndarray:
    """Non-negative gains ``H`` with ``spectrum ~ templates @ H`` (KL divergence).

    The templates are a few harmonic peaks each: held as a sparse matrix (values below a
    millionth of their column's peak dropped), the updates cost about a tenth of dense ones.
    """
    eps = np.float32(1e-9)
    spectrum = spectrum.astype(np.float32, copy=False)
    dense = templates.astype(np.float32)
    dense[dense < 1e-6 * dense.max(axis=0, keepdims=True)] = 0.0
    basis = sparse.csr_matrix(dense)
    basis_t = sparse.csr_matrix(dense.T)
    gains = np.maximum(basis_t @ spectrum, eps)
    gains *= spectrum.sum(axis=0) / np.maximum(gains.sum(axis=0), eps)
    norm = dense.sum(axis=0)[:, None]
    for it in range(N_ITERATIONS):
        model = basis @ gains + eps
        gains *= (basis_t @ (spectrum / model)) / norm
        if it % 10 == 9:
            check_cancel(cancel)
    return gains
