"""A vowel-like singing voice for a list of notes: vibrato, portamento, soft attacks.

Used to hear a score part sung, and to build sung takes with exact truth (every note's
time and pitch known to the cent) for tests and benchmarks. The tone is a harmonic
series shaped by the formants of a vowel; each note has its own vibrato (rate and extent
drawn around the given values, starting after the attack), legato notes glide into each
other (portamento), and a repeated pitch is re-articulated by a short dip in level (a
consonant).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.core.errors import InvalidParameterError

VOWEL_FORMANTS_HZ = {
    "a": ((800.0, 80.0, 1.0), (1150.0, 90.0, 0.5), (2900.0, 120.0, 0.25)),
    "o": ((450.0, 70.0, 1.0), (800.0, 80.0, 0.35), (2830.0, 100.0, 0.1)),
    "u": ((325.0, 50.0, 1.0), (700.0, 60.0, 0.16), (2530.0, 170.0, 0.05)),
    "e": ((400.0, 60.0, 1.0), (1600.0, 80.0, 0.3), (2700.0, 120.0, 0.2)),
    "i": ((270.0, 60.0, 1.0), (2140.0, 90.0, 0.2), (2950.0, 100.0, 0.15)),
}
"""Formant (centre Hz, bandwidth Hz, relative gain) of each vowel (soprano-like values)."""
LEGATO_GAP_S = 0.05
"""Notes closer than this are sung legato: the pitch glides from one to the next."""
ATTACK_S = 0.04
RELEASE_S = 0.05
VIBRATO_DELAY_S = 0.15
"""Vibrato fades in over this long after each note starts."""
MAX_PARTIAL_HZ = 5000.0
CONSONANT_S = 0.06


@dataclass(frozen=True)
class VoiceNote:
    """One note to sing.

    Attributes
    ----------
    onset_s, offset_s : float
        Start and end in seconds.
    midi : float
        Pitch as a (fractional) MIDI number at A4 = ``tuning_hz`` of the rendering:
        61.3 is 30 cents above C#4.
    level : float
        Relative loudness (1 = normal).
    """

    onset_s: float
    offset_s: float
    midi: float
    level: float = 1.0


def render_voice(notes, *, sr: int, vowel: str = "a", vibrato_cents: float = 35.0,
                 vibrato_hz: float = 5.5, portamento_s: float = 0.08,
                 tuning_hz: float = 440.0, breath_db: float = -45.0, seed: int = 0,
                 tail_s: float = 0.5, jitter_cents: float = 0.0,
                 consonant_db: float | None = None) -> np.ndarray:
    """Sing ``notes`` with a vowel-like voice.

    Parameters
    ----------
    notes : sequence of VoiceNote
        Non-overlapping notes, in any order.
    sr : int
        Sample rate in Hz (8 000 - 192 000).
    vowel : str
        One of ``VOWEL_FORMANTS_HZ`` (``"a"``, ``"o"``, ``"u"``, ``"e"``, ``"i"``).
    vibrato_cents : float
        Typical vibrato extent (half the peak-to-peak swing) in cents; each note draws
        its own within +-30 % of it. 0 for none.
    vibrato_hz : float
        Typical vibrato rate in Hz; each note draws its own within +-10 %.
    portamento_s : float
        Time a legato pitch change takes to settle, in seconds (0 for none).
    tuning_hz : float
        A4 in Hz of the rendering.
    breath_db : float
        Level of the breath noise under the tone, dB below the voice.
    seed : int
        Seed of the per-note variations (the same seed gives the same audio).
    tail_s : float
        Silence after the last note, in seconds.
    jitter_cents : float
        Standard deviation of a slow random wander of the pitch (below about 3 Hz), in
        cents; 0 for none. The mean over a note stays where it was written.
    consonant_db : float or None
        Level of a short noise burst (a sung consonant, ``CONSONANT_S`` long) just
        before each attack that follows a silence, dB relative to the voice; None for none.

    Returns
    -------
    numpy.ndarray
        float32 mono samples, shape ``(n,)``, peak about 0.3.

    Raises
    ------
    InvalidParameterError
        For an unknown vowel, a bad sample rate or no notes.
    """
    if vowel not in VOWEL_FORMANTS_HZ:
        raise InvalidParameterError(f"Unknown vowel {vowel!r}; use one of "
                                    f"{', '.join(VOWEL_FORMANTS_HZ)}.")
    if not 8_000 <= int(sr) <= 192_000:
        raise InvalidParameterError("The sample rate must be between 8 and 192 kHz.")
    ordered = sorted(notes, key=lambda n: n.onset_s)
    if not ordered:
        raise InvalidParameterError("There are no notes to sing.")
    rng = np.random.default_rng(seed)
    n = int(np.ceil((max(x.offset_s for x in ordered) + tail_s) * sr))
    pitch = np.zeros(n)
    gain = np.zeros(n)
    previous = None
    for note in ordered:
        a, b = max(0, int(round(note.onset_s * sr))), min(n, int(round(note.offset_s * sr)))
        if b - a < 2:
            continue
        t = np.arange(b - a) / sr
        extent = vibrato_cents * rng.uniform(0.7, 1.3) / 100.0
        rate = vibrato_hz * rng.uniform(0.9, 1.1)
        depth = extent * np.clip(t / VIBRATO_DELAY_S - 0.5, 0.0, 1.0)
        contour = note.midi + depth * np.sin(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi))
        if jitter_cents > 0:
            wander = _wander(t.size, sr, rng)
            contour = contour + (wander - wander.mean()) * jitter_cents / 100.0
        legato = previous is not None and note.onset_s - previous.offset_s < LEGATO_GAP_S
        if legato and portamento_s > 0 and previous.midi != note.midi:
            contour += (previous.midi - note.midi) * np.exp(-t / (portamento_s / 3.0))
        pitch[a:b] = contour
        length = t[-1] + 1.0 / sr
        envelope = np.minimum(1.0, t / ATTACK_S) * np.minimum(1.0, (length - t) / RELEASE_S)
        if legato and previous.midi == note.midi:  # re-articulated: a consonant's dip
            envelope = envelope * (1.0 - 0.8 * np.exp(-((t - 0.02) / 0.025) ** 2))
        elif legato:
            envelope = np.maximum(envelope, np.minimum(1.0, t / 0.01) * 0.7)
        gain[a:b] = note.level * envelope
        previous = note
    out = _synthesise(pitch, gain, sr=sr, formants=VOWEL_FORMANTS_HZ[vowel],
                      tuning_hz=tuning_hz, breath_db=breath_db, rng=rng)
    if consonant_db is not None:
        _add_consonants(out, ordered, sr=sr, level_db=consonant_db, rng=rng)
    return out


def _wander(n: int, sr: int, rng) -> np.ndarray:
    """Slow random pitch wander of ``n`` samples: noise below about 3 Hz, sd 1."""
    step = max(1, sr // 100)  # 100 points a second, then interpolated
    points = rng.standard_normal(n // step + 3)
    kernel = np.hanning(33)  # ~0.3 s: keeps what varies slower than about 3 Hz
    slow = np.convolve(points, kernel / kernel.sum(), mode="same")
    slow = slow - slow.mean()
    slow = slow / max(float(np.std(slow)), 1e-9)
    return np.interp(np.arange(n) / step, np.arange(slow.size), slow)


def _add_consonants(out: np.ndarray, ordered, *, sr: int, level_db: float, rng) -> None:
    """A band of noise just before each attack after a silence (in place)."""
    rms = float(np.sqrt(np.mean(out.astype(np.float64) ** 2))) or 1e-3
    previous_end = -np.inf
    length = int(CONSONANT_S * sr)
    for note in ordered:
        if note.onset_s - previous_end >= LEGATO_GAP_S:
            b = max(0, int(round(note.onset_s * sr)))
            a = max(0, b - length)
            if b > a:
                burst = np.diff(rng.standard_normal(b - a + 1))  # bright: a sibilant
                burst *= np.hanning(b - a) * rms * 10 ** (level_db / 20.0) * 2.0
                out[a:b] += burst.astype(out.dtype)
        previous_end = note.offset_s


def _synthesise(pitch, gain, *, sr, formants, tuning_hz, breath_db, rng) -> np.ndarray:
    """Harmonic series along the pitch contour (MIDI), shaped by the formants."""
    sounding = gain > 0
    f0 = np.where(sounding, tuning_hz * 2.0 ** ((pitch - 69.0) / 12.0), 0.0)
    f0 = _hold_through_silence(f0, sounding)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    out = np.zeros(pitch.size)
    n_partials = int(min(MAX_PARTIAL_HZ, 0.45 * sr) // max(np.min(f0[f0 > 0], initial=80.0), 50.0))
    for h in range(1, n_partials + 1):
        freq = h * f0
        weight = sum(g / (1.0 + ((freq - fc) / bw) ** 2) for fc, bw, g in formants)
        weight = (0.15 + weight) * h ** -0.7 * (freq < 0.45 * sr)
        out += weight * np.sin(h * phase)
    out *= gain
    breath = rng.standard_normal(pitch.size) * np.convolve(gain, np.ones(64) / 64, mode="same")
    out += breath * 10 ** (breath_db / 20.0) * np.sqrt(np.mean(out ** 2) + 1e-12) / max(
        np.sqrt(np.mean(gain ** 2)), 1e-9)
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    return (out * (0.3 / peak) if peak > 0 else out).astype(np.float32)


def _hold_through_silence(f0: np.ndarray, sounding: np.ndarray) -> np.ndarray:
    """f0 carried over silent stretches (the phase stays continuous, nothing is heard)."""
    if not sounding.any():
        return np.full(f0.shape, 220.0)
    index = np.where(sounding, np.arange(f0.size), 0)
    np.maximum.accumulate(index, out=index)
    first = int(np.argmax(sounding))
    index[:first] = first
    return f0[index]
