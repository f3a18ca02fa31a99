"""The pitch a sung note is heard at, and how precisely one take tells it.

A sung note's pitch swings with vibrato and may glide in from the note before. Its centre
is fitted as a constant plus one sinusoid (the vibrato: rate searched over
``VIBRATO_RATES_HZ``) to the steady part of the note (its first and last fifths left out:
the glide and the release). The constant is only told apart from the vibrato when the
window holds at least ``MIN_CYCLES`` of it (with less, a part cycle fits the end of a
glide and the constant lands anywhere): rates slower than that are not tried, and a
window too short for even the fastest rate gives its mean, as uncertain as its own
spread. The precision of that centre comes from the note itself:

- the regression's standard error from the residual spread (tracker noise, jitter), with
  the frames' correlation taken into account (neighbouring 10 ms frames are not
  independent: the effective number is ``n (1 - rho) / (1 + rho)`` for a lag-one
  correlation ``rho``);
- the part cycle: averaged over ``T`` seconds, a sinusoid of amplitude ``A`` at ``f`` Hz
  leaves up to ``A / (pi f T)`` in the mean, ``A / (sqrt(2) pi f T)`` as a root mean
  square over its phase. A real vibrato is no exact sinusoid (it fades in, its rate and
  width drift), so a note of a cycle or two cannot be placed finer than that even when
  the fit looks tight: that root mean square is taken as the spread of what the fit
  leaves of the vibrato;
- a floor for what one note cannot show (the tracker's own bias on a steady tone, the
  take's tuning estimate), given by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VIBRATO_RATES_HZ = np.arange(3.5, 9.01, 0.1)
"""Vibrato rates searched (singers' vibrato lies between about 4 and 8 Hz)."""
EDGE_SHARE = 0.2
"""Share of a note's voiced frames left out at each end (glide in, release)."""
MIN_CYCLES = 1.5
"""Vibrato cycles the steady window must hold for a rate to be fitted."""
MIN_FRAMES = 4
"""Fewer steady frames than this: the note's centre is not measured."""
UNMEASURED_SD_CENTS = 40.0
"""Uncertainty given to a note too short to measure."""


@dataclass(frozen=True)
class SteadyPitch:
    """The centre of a sung note and its uncertainty.

    Attributes
    ----------
    centre_semitones : float
        Fitted centre as a fractional MIDI number (A4 = 440 Hz), NaN when not measured.
    sd_cents : float
        Standard deviation of that centre from the note's own evidence (without a floor).
    vibrato_hz, vibrato_cents : float
        Rate and amplitude (half the swing) of the fitted vibrato.
    frames : int
        Steady frames the centre was fitted to.
    """

    centre_semitones: float
    sd_cents: float
    vibrato_hz: float
    vibrato_cents: float
    frames: int


def steady_pitch(f0_hz: np.ndarray, *, hop_s: float) -> SteadyPitch:
    """Centre and precision of one sung note's pitch.

    Parameters
    ----------
    f0_hz : numpy.ndarray
        float, shape ``(n,)``: the pitch track over the note (0 = unvoiced, left out).
    hop_s : float
        Time between frames in seconds.

    Returns
    -------
    SteadyPitch
    """
    f0 = np.asarray(f0_hz, dtype=float)
    f0 = f0[f0 > 0]
    edge = int(f0.size * EDGE_SHARE) if f0.size > 10 else 0
    core = 1200.0 * np.log2(f0[edge:f0.size - edge] / 440.0) + 6900.0  # cents
    n = core.size
    if n < MIN_FRAMES:
        centre = float(np.median(core)) / 100.0 if n else float("nan")
        return SteadyPitch(centre, UNMEASURED_SD_CENTS, float("nan"), float("nan"), n)
    t = np.arange(n) * hop_s
    rates = VIBRATO_RATES_HZ[VIBRATO_RATES_HZ * n * hop_s >= MIN_CYCLES]
    if rates.size == 0:  # shorter than the cycles needed: its mean, as wide as its spread
        spread = max(float(np.ptp(core)) / (2.0 * np.sqrt(2.0)), float(np.std(core)))
        return SteadyPitch(float(np.mean(core)) / 100.0, spread, float("nan"),
                           float("nan"), n)
    best = None
    for rate in rates:
        design = np.column_stack([np.ones(n), np.sin(2 * np.pi * rate * t),
                                  np.cos(2 * np.pi * rate * t)])
        coef, *_ = np.linalg.lstsq(design, core, rcond=None)
        residual = core - design @ coef
        sum_sq = float(residual @ residual)
        if best is None or sum_sq < best[0]:
            best = (sum_sq, coef, design, residual, float(rate))
    sum_sq, coef, design, residual, rate = best
    variance = sum_sq / max(n - design.shape[1], 1)
    rho = float(np.clip(np.corrcoef(residual[:-1], residual[1:])[0, 1], 0.0, 0.95)) \
        if n > 4 and np.std(residual) > 0 else 0.0
    unscaled = np.linalg.pinv(design.T @ design)[0, 0]
    fit_sd = np.sqrt(max(variance * unscaled * (1 + rho) / (1 - rho), 0.0))
    amplitude = float(np.hypot(coef[1], coef[2]))
    part_cycle = amplitude / (np.sqrt(2.0) * np.pi * rate * n * hop_s)
    return SteadyPitch(float(coef[0]) / 100.0, float(np.hypot(fit_sd, part_cycle)), rate,
                       amplitude, n)
