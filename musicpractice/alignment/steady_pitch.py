"""The pitch a sung note is heard at, and how precisely one take tells it.

A sung note's pitch swings with vibrato and may glide in from the note before. Its centre
is fitted as a constant plus one sinusoid (the vibrato) to the steady part of the note.
The constant is only told apart from the vibrato when the window holds at least
``MIN_CYCLES`` of it (with less, a part cycle fits the end of a glide and the constant
lands anywhere): rates slower than that are not tried, and a window too short for even
the fastest rate gives its mean, as uncertain as its own spread.

Without more to go on, the rate is searched over ``VIBRATO_RATES_HZ`` and the window is
the note's middle (its first and last ``EDGE_SHARE`` left out: the glide and the
release). When the singer's own rate is known from the whole take, only rates near it
are searched (``RATE_SPREAD``), and the glide and the release are left out where they
are rather than by a fixed share: a glide may take a third of a short note or none of it
(the note tracker may already have cut it off), so the fit is made on each window that
leaves out one of ``START_SHARES`` at the start and one of ``END_SHARES`` at the end,
and the window whose centre is most precise is kept (the middle fitted at any rate, as
without the singer's rate, among them). A glide left in shows as residual
the sinusoid cannot follow (a wider spread); a window cut too short holds fewer frames
and cycles (a wider spread too). A window whose best rate is only the slowest it allowed
is not used (the singer's may be slower, and the window holds less of it than it seems).
The precision of that centre comes from the note itself:

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
RATE_SPREAD = 0.15
"""A singer's vibrato rate stays within this share of its take-wide value from note to
note (about +-10 % in studies of trained voices): with that value known, only these
rates are searched."""
START_SHARES = (0.0, 0.1, 0.2, 0.3)
"""Shares of a note's voiced frames that may be left out at its start (the glide in),
when the singer's vibrato rate is known."""
END_SHARES = (0.0, 0.1, 0.2)
"""... at its end (the release, the glide to the next note)."""
EDGE_SHARE = 0.2
"""Share left out at each end otherwise, or when no window tells the vibrato apart."""
MIN_CYCLES = 1.5
"""Vibrato cycles the steady window must hold for a rate to be fitted."""
MIN_FRAMES = 4
"""Fewer steady frames than this: the note's centre is not measured."""
UNMEASURED_SD_CENTS = 40.0
"""Uncertainty given to a note too short to measure."""
RATE_NOTE_S = 0.5
"""Notes at least this long tell the singer's vibrato rate (their middle holds 1.5
cycles of the slowest rate searched)."""
RATE_NOTES = 3
"""Fewer such notes with a clear vibrato: the singer's rate is not known."""
CLEAR_VIBRATO_SHARE = 0.5
"""A note's vibrato is clear when the fitted sinusoid carries at least this share of
the pitch's variance around its centre (a straight tone's wander fits far less)."""


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


def steady_pitch(f0_hz: np.ndarray, *, hop_s: float,
                 vibrato_hz: float | None = None) -> SteadyPitch:
    """Centre and precision of one sung note's pitch.

    Parameters
    ----------
    f0_hz : numpy.ndarray
        float, shape ``(n,)``: the pitch track over the note (0 = unvoiced, left out).
    hop_s : float
        Time between frames in seconds.
    vibrato_hz : float, optional
        The singer's vibrato rate over the whole take (see
        :func:`singer_vibrato_hz`). Given, only rates within
        ``RATE_SPREAD`` of it are searched and the steady window is chosen per note
        (``START_SHARES`` x ``END_SHARES``), the middle of the note at any rate being
        one of the candidates; otherwise all ``VIBRATO_RATES_HZ`` are searched on the
        middle of the note (``EDGE_SHARE`` left out at each end).

    Returns
    -------
    SteadyPitch
    """
    f0 = np.asarray(f0_hz, dtype=float)
    f0 = f0[f0 > 0]
    cents = 1200.0 * np.log2(f0 / 440.0) + 6900.0
    edge = int(cents.size * EDGE_SHARE) if cents.size > 10 else 0
    best = _window_pitch(cents[edge:cents.size - edge], hop_s=hop_s, rates=VIBRATO_RATES_HZ,
                         strict=False)  # the middle of the note, any rate
    if vibrato_hz is not None and np.isfinite(vibrato_hz):
        rates = VIBRATO_RATES_HZ[(VIBRATO_RATES_HZ >= vibrato_hz / (1.0 + RATE_SPREAD))
                                 & (VIBRATO_RATES_HZ <= vibrato_hz * (1.0 + RATE_SPREAD))]
        for start in START_SHARES:
            for end in END_SHARES:
                a = int(round(start * cents.size))
                b = cents.size - int(round(end * cents.size))
                pitch = _window_pitch(cents[a:b], hop_s=hop_s, rates=rates, strict=True)
                if pitch is not None and pitch.sd_cents < best.sd_cents:
                    best = pitch
    return best


def singer_vibrato_hz(pieces: list[np.ndarray], *, hop_s: float) -> float | None:
    """The singer's vibrato rate over a take: the median rate fitted on the notes of at
    least ``RATE_NOTE_S`` whose vibrato is clear (``CLEAR_VIBRATO_SHARE``).

    Parameters
    ----------
    pieces : list of numpy.ndarray
        f0 (Hz, 0 = unvoiced) over each sung note, each of shape ``(n_i,)``.
    hop_s : float
        Time between frames in seconds.

    Returns
    -------
    float or None
        Rate in Hz; None when fewer than ``RATE_NOTES`` notes show a clear vibrato (a
        straight tone, or too few long notes).
    """
    rates = []
    for f0 in pieces:
        f0 = np.asarray(f0, dtype=float)
        f0 = f0[f0 > 0]
        if f0.size * hop_s < RATE_NOTE_S:
            continue
        cents = 1200.0 * np.log2(f0 / 440.0) + 6900.0
        edge = int(cents.size * EDGE_SHARE)
        core = cents[edge:cents.size - edge]
        pitch = _window_pitch(core, hop_s=hop_s, rates=VIBRATO_RATES_HZ, strict=False)
        spread = float(np.var(core))
        if (np.isfinite(pitch.vibrato_hz) and spread > 0
                and pitch.vibrato_cents ** 2 / 2.0 >= CLEAR_VIBRATO_SHARE * spread):
            rates.append(pitch.vibrato_hz)
    return float(np.median(rates)) if len(rates) >= RATE_NOTES else None


def _window_pitch(core: np.ndarray, *, hop_s: float, rates: np.ndarray,
                  strict: bool) -> SteadyPitch | None:
    """Centre and precision from one window of a note (``core``: cents, voiced frames).

    ``strict``: None unless the window tells the vibrato apart -- it holds
    ``MIN_CYCLES`` of the best rate, and that rate is not merely the slowest the window
    allowed (the singer's may be slower: the window then holds less than it seems).
    """
    n = core.size
    if strict and n < MIN_FRAMES:
        return None
    if n < MIN_FRAMES:
        centre = float(np.median(core)) / 100.0 if n else float("nan")
        return SteadyPitch(centre, UNMEASURED_SD_CENTS, float("nan"), float("nan"), n)
    t = np.arange(n) * hop_s
    searched = rates
    rates = rates[rates * n * hop_s >= MIN_CYCLES]
    if rates.size == 0:  # shorter than the cycles needed: its mean, as wide as its spread
        if strict:
            return None
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
    if strict and best[4] == rates[0] and rates[0] > searched[0]:
        return None
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
