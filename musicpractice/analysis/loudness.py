"""Programme loudness after ITU-R BS.1770-4 and EBU R128 (Tech 3341 / Tech 3342).

A :class:`LoudnessMeter` is fed a file block by block at its native sample rate with all
its channels (``load_signal(path, on_block=meter.feed)``) and keeps constant memory apart
from the momentary and short-term curves, which hold one value per 100 ms (about 0.6 MB
per hour). :func:`measure_loudness` does the same for an array in memory.

The measurement:

1. **K-weighting** of every channel: a high-shelf "pre-filter" (+4 dB above about
   1.7 kHz, the acoustic effect of the head) followed by the "RLB" high-pass (about
   38 Hz). BS.1770 tabulates their coefficients at 48 kHz only; here they are derived at
   any rate from the analog prototypes (centre frequency, gain, Q) by the bilinear
   transform, as libebur128 and pyloudnorm do, which reproduces the 48 kHz table; unlike
   them, the high-pass keeps the table's pass-band gain at every rate (theirs reads
   0.26 dB more at 8 kHz). From 22.05 kHz up the response is within 0.03 dB of the
   table's; at 8-16 kHz the shelf is squeezed against Nyquist and is up to 0.2 dB off
   around 1-3 kHz.
2. **Mean square** of each channel over 100 ms sub-blocks, summed over channels with the
   BS.1770 weights (see :func:`default_channel_weights` for the assumed channel order).
3. **Momentary** loudness: 400 ms windows, **short-term** loudness: 3 s windows, both
   every 100 ms; ``L = -0.691 + 10 log10(weighted mean square)`` in LUFS.
4. **Integrated** loudness: the momentary windows (400 ms, 75 % overlap, the BS.1770
   gating blocks) above the absolute gate (-70 LUFS) and above the relative gate (10 LU
   below their mean), averaged in the power domain.
5. **Loudness range** (Tech 3342): the short-term values above -70 LUFS and above a
   relative gate 20 LU below their power mean; LRA is the spread between their 10th and
   95th percentiles. (Steps 4 and 5: :mod:`musicpractice.analysis.loudness_gating`.)
6. **True peak** (BS.1770-4 Annex 2): the highest sample after oversampling to at least
   176.4 kHz (4x below 96 kHz, 2x below 192 kHz) with a linear-phase interpolation
   filter (Kaiser-window FIR, 50 dB image rejection, flat to 85 % of Nyquist) whose
   delay is a whole number of output samples, so the original samples are on its grid.
"""

from __future__ import annotations

import math
from array import array
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import sosfilt

from musicpractice.analysis.loudness_filters import (  # noqa: F401 (part of this module's API)
    MAX_SAMPLE_RATE_HZ,
    MIN_SAMPLE_RATE_HZ,
    TruePeakMeter,
    k_weighting_sos,
)
from musicpractice.analysis.loudness_gating import integrated_lufs, loudness_range, lufs
from musicpractice.analysis.signal import check_sample_rate
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

HOP_S = 0.1
"""Time between two values of the momentary and short-term curves (100 ms)."""
SUB_BLOCKS_PER_S = 10
MOMENTARY_SUB_BLOCKS = 4
"""400 ms momentary window = the BS.1770 gating block."""
SHORT_TERM_SUB_BLOCKS = 30
"""3 s short-term window."""
SURROUND_WEIGHT = 1.41
"""BS.1770 weight of the surround channels (about +1.5 dB)."""
CONFIDENT_GATED_DURATION_S = 3.0
"""Gated programme of at least this length gives an integrated loudness of full confidence."""
FEED_FRAMES = 1 << 16
@dataclass(frozen=True, eq=False)
class LoudnessResult:
    """Loudness of a programme after ITU-R BS.1770-4 / EBU R128.

    Loudness is in LUFS (loudness units relative to full scale; 1 LU = 1 dB), ranges in
    LU. A silent programme has loudness ``-inf``.

    Attributes
    ----------
    integrated_lufs : float
        Gated integrated loudness of the whole programme; ``-inf`` when nothing passes
        the gates (silence, or shorter than 0.4 s).
    lra_lu : float
        Loudness range (EBU Tech 3342) in LU; 0.0 when it cannot be measured (silence,
        or shorter than 3 s).
    lra_low_lufs, lra_high_lufs : float
        The 10th and 95th percentiles of the gated short-term loudness that bound the
        range (``-inf`` when it cannot be measured).
    max_momentary_lufs, max_short_term_lufs : float
        Highest value of each curve (``-inf`` when the curve is empty).
    sample_peak_dbfs : float
        Highest absolute sample of any channel in dB relative to full scale.
    true_peak_dbtp : float
        Highest absolute value of any channel between the samples too (BS.1770-4 true
        peak, dB relative to full scale); can exceed 0 dBTP without any sample clipping.
    hop_s : float
        Time between two values of the curves (0.1 s).
    momentary_times_s, momentary_lufs : numpy.ndarray
        Momentary loudness (400 ms windows); ``momentary_times_s[i]`` is the end of
        window ``i`` in seconds from the start, i.e. the moment a meter would show it.
    short_term_times_s, short_term_lufs : numpy.ndarray
        Short-term loudness (3 s windows), timed the same way.
    duration_s : float
        Length of the audio measured, in seconds.
    sample_rate_hz : int
        Sample rate of the audio measured.
    channel_weights : tuple of float
        Weight of each channel in the sum (0 = excluded, e.g. LFE).
    confidence : float
        In [0, 1]: 0 for silence, growing to 1 with 3 s of gated programme.
    warnings : tuple of str
        Plain-language notes: silence, too short, clipping, unknown channel layout.
    """

    integrated_lufs: float
    lra_lu: float
    lra_low_lufs: float
    lra_high_lufs: float
    max_momentary_lufs: float
    max_short_term_lufs: float
    sample_peak_dbfs: float
    true_peak_dbtp: float
    hop_s: float
    momentary_times_s: np.ndarray
    momentary_lufs: np.ndarray
    short_term_times_s: np.ndarray
    short_term_lufs: np.ndarray
    duration_s: float
    sample_rate_hz: int
    channel_weights: tuple[float, ...]
    confidence: float
    warnings: tuple[str, ...] = field(default=())


def default_channel_weights(channels: int) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """BS.1770 channel weights for the usual layouts, and warnings about the guess.

    Assumed channel orders (the WAV/SMPTE order):

    ====  =======================  ===========================
    n     order                    weights
    ====  =======================  ===========================
    1     mono                     1
    2     L R                      1 1
    3     L R C                    1 1 1
    4     L R Ls Rs                1 1 1.41 1.41
    5     L R C Ls Rs              1 1 1 1.41 1.41
    6     L R C LFE Ls Rs (5.1)    1 1 1 0 1.41 1.41
    ====  =======================  ===========================

    Mono counts as one front channel, as in BS.1770 (and pyloudnorm, ffmpeg): the same
    signal played on two loudspeakers ("dual mono") would read 3 LU louder. Any other
    count is weighted 1 per channel, with a warning.
    """
    if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) or channels < 1:
        raise InvalidParameterError(f"A loudness meter needs at least one channel, not {channels!r}.")
    s = SURROUND_WEIGHT
    layouts = {1: (1.0,), 2: (1.0, 1.0), 3: (1.0, 1.0, 1.0), 4: (1.0, 1.0, s, s),
               5: (1.0, 1.0, 1.0, s, s), 6: (1.0, 1.0, 1.0, 0.0, s, s)}
    if channels in layouts:
        return layouts[channels], ()
    warning = (f"The speaker layout of {channels} channels is unknown; all channels were "
               "weighted equally, so the loudness may differ from a broadcast meter's.")
    return (1.0,) * int(channels), (warning,)


class LoudnessMeter:
    """Streaming BS.1770-4 / EBU R128 loudness meter.

    Parameters
    ----------
    sample_rate_hz : int
        Sample rate of the audio in Hz (8 000 - 192 000).
    channels : int
        Channel count of the audio; see :func:`default_channel_weights` for the assumed
        channel order.
    channel_weights : sequence of float, optional
        Weight of each channel, overriding the defaults (e.g. 0 for an LFE channel).

    Raises
    ------
    InvalidParameterError
        Sample rate out of range, no channels, or weights that do not match the channels.

    Examples
    --------
    >>> meter = LoudnessMeter(48_000, 2)
    >>> load_signal(path, on_block=meter.feed)  # doctest: +SKIP
    >>> meter.result().integrated_lufs          # doctest: +SKIP
    """

    def __init__(self, sample_rate_hz: int, channels: int, *,
                 channel_weights: tuple[float, ...] | None = None) -> None:
        sr = check_sample_rate(sample_rate_hz, min_sr_hz=MIN_SAMPLE_RATE_HZ, max_sr_hz=MAX_SAMPLE_RATE_HZ)
        weights, self._layout_warnings = default_channel_weights(channels)
        if channel_weights is not None:
            weights = tuple(float(w) for w in channel_weights)
            self._layout_warnings = ()
            if len(weights) != channels:
                raise InvalidParameterError(
                    f"{len(weights)} channel weights were given for {channels} channels."
                )
            if not all(math.isfinite(w) and w >= 0.0 for w in weights) or not any(weights):
                raise InvalidParameterError(
                    "Channel weights must be finite, not negative, and not all zero."
                )
        self._sr = sr
        self._channels = int(channels)
        self._weights = weights
        self._weight_vector = np.asarray(weights, dtype=np.float64)
        self._sos = k_weighting_sos(sr)
        self._zi = np.zeros((self._sos.shape[0], 2, self._channels))
        self._frames = 0
        self._peak = 0.0
        self._true_peak = TruePeakMeter(sr, self._channels)
        self._sub_sum = 0.0
        self._sub_index = 0
        self._sub_end = self._boundary(1)
        self._recent: deque[tuple[float, int]] = deque(maxlen=SHORT_TERM_SUB_BLOCKS)
        self._momentary_power = array("d")
        self._short_term_power = array("d")

    @property
    def sample_rate_hz(self) -> int:
        """Sample rate in Hz."""
        return self._sr

    @property
    def channels(self) -> int:
        """Channel count."""
        return self._channels

    def _boundary(self, sub_block: int) -> int:
        """First frame after sub-block ``sub_block - 1`` (100 ms sub-blocks, exact in frames)."""
        return sub_block * self._sr // SUB_BLOCKS_PER_S

    def feed(self, block: np.ndarray, sample_rate_hz: int | None = None) -> None:
        """Measure the next block of audio.

        Parameters
        ----------
        block : numpy.ndarray
            Shape ``(frames, channels)`` (or 1-D for a mono meter), full scale = 1.0.
        sample_rate_hz : int, optional
            Sample rate of ``block``; when given it must match the meter's. This makes
            ``feed`` usable as ``load_signal(..., on_block=meter.feed)``.

        Raises
        ------
        InvalidParameterError
            Wrong shape or sample rate, or samples that are not finite numbers.
        """
        if sample_rate_hz is not None and sample_rate_hz != self._sr:
            raise InvalidParameterError(
                f"Audio at {sample_rate_hz} Hz was fed to a loudness meter set up for {self._sr} Hz."
            )
        x = np.asarray(block)
        if x.ndim == 1 and self._channels == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[1] != self._channels:
            raise InvalidParameterError(
                f"The loudness meter expects blocks of shape (frames, {self._channels}), "
                f"not {x.shape}."
            )
        if not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
            raise InvalidParameterError("Audio samples must be real numbers.")
        if len(x) == 0:
            return
        x = x.astype(np.float64, copy=False)
        if not np.all(np.isfinite(x)):
            raise InvalidParameterError("The audio contains invalid samples (NaN or infinity).")
        self._peak = max(self._peak, float(np.max(np.abs(x))))
        self._true_peak.feed(x)
        filtered, self._zi = sosfilt(self._sos, x, axis=0, zi=self._zi)
        power = (filtered * filtered) @ self._weight_vector
        start = 0
        while start < len(power):
            stop = min(len(power), start + self._sub_end - self._frames)
            # Sequential accumulation: the sum does not depend on how blocks were cut.
            self._sub_sum = float(np.add.accumulate(
                np.concatenate(([self._sub_sum], power[start:stop])))[-1])
            self._frames += stop - start
            start = stop
            if self._frames == self._sub_end:
                self._close_sub_block()

    def _close_sub_block(self) -> None:
        frames = self._sub_end - self._boundary(self._sub_index)
        self._recent.append((self._sub_sum, frames))
        self._sub_sum = 0.0
        self._sub_index += 1
        self._sub_end = self._boundary(self._sub_index + 1)
        if len(self._recent) >= MOMENTARY_SUB_BLOCKS:
            self._momentary_power.append(_window_power(self._recent, MOMENTARY_SUB_BLOCKS))
        if len(self._recent) >= SHORT_TERM_SUB_BLOCKS:
            self._short_term_power.append(_window_power(self._recent, SHORT_TERM_SUB_BLOCKS))

    def result(self) -> LoudnessResult:
        """The loudness of everything fed so far (the meter can go on being fed)."""
        momentary = lufs(np.frombuffer(self._momentary_power, dtype=np.float64))
        short_term = lufs(np.frombuffer(self._short_term_power, dtype=np.float64))
        integrated, gated_blocks = integrated_lufs(momentary)
        lra, low, high = loudness_range(short_term)
        duration_s = self._frames / self._sr
        peak_dbfs = _dbfs(self._peak)
        warnings = list(self._layout_warnings)
        if self._peak == 0.0:
            warnings.append("The audio is silent; it has no loudness.")
        elif len(momentary) == 0:
            warnings.append(
                f"The audio is {duration_s:.2f} s long; loudness needs at least 0.4 s."
            )
        elif gated_blocks == 0:
            warnings.append("The audio is too quiet to measure (below -70 LUFS throughout).")
        elif len(short_term) == 0:
            warnings.append(
                f"The audio is {duration_s:.1f} s long; the loudness range needs at least 3 s."
            )
        if peak_dbfs >= -0.01:
            warnings.append("The audio reaches full scale and may be clipped.")
        # Gating blocks hop by 100 ms; a run of n blocks spans 0.3 s + n * 0.1 s of audio.
        gated_s = gated_blocks * HOP_S + (MOMENTARY_SUB_BLOCKS - 1) * HOP_S if gated_blocks else 0.0
        first_m = MOMENTARY_SUB_BLOCKS * HOP_S
        first_s = SHORT_TERM_SUB_BLOCKS * HOP_S
        return LoudnessResult(
            integrated_lufs=integrated,
            lra_lu=lra,
            lra_low_lufs=low,
            lra_high_lufs=high,
            max_momentary_lufs=float(momentary.max()) if len(momentary) else -math.inf,
            max_short_term_lufs=float(short_term.max()) if len(short_term) else -math.inf,
            sample_peak_dbfs=float(peak_dbfs),
            true_peak_dbtp=float(_dbfs(max(self._peak, self._true_peak.peak))),
            hop_s=HOP_S,
            momentary_times_s=first_m + HOP_S * np.arange(len(momentary)),
            momentary_lufs=momentary,
            short_term_times_s=first_s + HOP_S * np.arange(len(short_term)),
            short_term_lufs=short_term,
            duration_s=float(duration_s),
            sample_rate_hz=self._sr,
            channel_weights=self._weights,
            confidence=float(min(1.0, gated_s / CONFIDENT_GATED_DURATION_S)),
            warnings=tuple(warnings),
        )


def measure_loudness(x: np.ndarray, sr: int, *, channel_weights: tuple[float, ...] | None = None,
                     progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> LoudnessResult:
    """Loudness (BS.1770-4 / EBU R128) of an audio array.

    Parameters
    ----------
    x : numpy.ndarray
        Mono 1-D array, or ``(frames, channels)``; full scale = 1.0.
    sr : int
        Sample rate in Hz (8 000 - 192 000).
    channel_weights : sequence of float, optional
        See :class:`LoudnessMeter`.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Returns
    -------
    LoudnessResult

    Raises
    ------
    InvalidParameterError
        Empty or wrongly shaped audio, invalid samples, or a sample rate out of range.
    """
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise InvalidParameterError(
            "Loudness needs a non-empty mono signal or an array of shape (frames, channels)."
        )
    meter = LoudnessMeter(sr, x.shape[1], channel_weights=channel_weights)
    for start in range(0, len(x), FEED_FRAMES):
        check_cancel(cancel)
        meter.feed(x[start:start + FEED_FRAMES])
        report(progress, (start + FEED_FRAMES) / len(x), "Measuring loudness")
    return meter.result()


def _dbfs(amplitude: float) -> float:
    return 20.0 * math.log10(amplitude) if amplitude > 0 else -math.inf



def _window_power(recent: deque[tuple[float, int]], sub_blocks: int) -> float:
    """Mean weighted power over the last ``sub_blocks`` sub-blocks."""
    window = list(recent)[-sub_blocks:]
    return math.fsum(s for s, _ in window) / sum(n for _, n in window)
