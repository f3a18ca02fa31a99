"""Built-in voices: a clear vowel-like singer per voice range and a plain piano-like tone.

A sung note is additive: harmonics of a glottal-like source (falling 6 dB per octave)
shaped by the five formants of an open "ah" for the voice range (soprano, alto, tenor,
bass; the classic Csound formant table), with a light vibrato (5.5 Hz, 15 cents) that
fades in after a quarter second, a 15 ms attack and a short release, so every note starts
clearly and repeated notes are heard as separate notes. The piano-like tone decays and
loses its upper harmonics. Each note reads one period of its harmonic sum from a table
(wavetable), so rendering costs the same at any pitch; no harmonic lies above 0.45 * sr.

The note sounds at exactly its pitch on average (A4 = ``a4_hz``), from ``onset`` on.
"""

from __future__ import annotations

import numpy as np

from musicpractice.core.errors import InvalidParameterError

TIMBRES = ("soprano", "alto", "tenor", "bass", "piano")
VIBRATO_HZ = 5.5
VIBRATO_CENTS = 15.0
ATTACK_S = 0.015
RELEASE_S = 0.04
MAX_HARMONIC_HZ = 6000.0
TABLE_SIZE = 4096

# (centre Hz, bandwidth Hz, level dB) of the formants of "a" (Csound manual, Appendix D)
_FORMANTS = {
    "soprano": ((800, 80, 0), (1150, 90, -6), (2900, 120, -32), (3900, 130, -20), (4950, 140, -50)),
    "alto": ((800, 80, 0), (1150, 90, -4), (2800, 120, -20), (3500, 130, -36), (4950, 140, -60)),
    "tenor": ((650, 80, 0), (1080, 90, -6), (2650, 120, -7), (2900, 130, -8), (3250, 140, -22)),
    "bass": ((600, 60, 0), (1040, 70, -7), (2250, 110, -9), (2450, 120, -9), (2750, 130, -20)),
}


def midi_hz(midi: float, *, a4_hz: float = 440.0) -> float:
    """Frequency in Hz of a (fractional) MIDI pitch."""
    return float(a4_hz * 2.0 ** ((midi - 69.0) / 12.0))


def timbre_for(part: str, mean_midi: float) -> str:
    """The built-in timbre for a part: from its name, else from its register."""
    name = part.lower()
    if any(word in name for word in ("piano", "keyboard", "organ", "pf", " rh", " lh", "klavier")):
        return "piano"
    for timbre, words in (("soprano", ("sopran", "treble", "descant")), ("alto", ("alt", "contra")),
                          ("tenor", ("tenor",)), ("bass", ("bass", "bariton"))):
        if any(word in name for word in words):
            return timbre
    if mean_midi >= 67:
        return "soprano"
    if mean_midi >= 60:
        return "alto"
    return "tenor" if mean_midi >= 52 else "bass"


def _harmonic_levels(f0_hz: float, timbre: str, n: int) -> np.ndarray:
    k = np.arange(1, n + 1)
    f = k * f0_hz
    if timbre == "piano":
        return (1.0 / k ** 1.2).astype(float)
    envelope = np.full(n, 0.05)
    for centre, bandwidth, level_db in _FORMANTS[timbre]:
        envelope += 10.0 ** (level_db / 20.0) / np.sqrt(1.0 + ((f - centre) / (bandwidth / 2.0)) ** 2)
    levels = envelope / k
    return levels / np.sqrt(np.sum(levels ** 2))


def render_note(midi: float, duration_s: float, *, sr: int, timbre: str = "soprano",
                a4_hz: float = 440.0) -> np.ndarray:
    """One note as mono float32 samples, ``duration_s`` long (peak about 0.3).

    Parameters
    ----------
    midi : float
        Sounding pitch (60 = middle C).
    duration_s : float
        Length in seconds (> 0); the release ends with the note.
    sr : int
        Sample rate, Hz.
    timbre : str
        One of :data:`TIMBRES`.
    a4_hz : float
        Tuning of A4.

    Returns
    -------
    numpy.ndarray, shape (round(duration_s * sr),)
    """
    if timbre not in TIMBRES:
        raise InvalidParameterError(f"Unknown voice {timbre!r}; choose one of {', '.join(TIMBRES)}.")
    if not 8000 <= sr <= 192_000:
        raise InvalidParameterError(f"The sample rate must be 8000-192000 Hz (got {sr}).")
    n = max(1, int(round(duration_s * sr)))
    t = np.arange(n) / sr
    f0 = midi_hz(midi, a4_hz=a4_hz)
    if timbre == "piano":
        cents = np.zeros(n)
    else:
        depth = VIBRATO_CENTS * np.clip((t - 0.25) / 0.3, 0.0, 1.0)
        cents = depth * np.sin(2 * np.pi * VIBRATO_HZ * t)
    cycles = np.cumsum(f0 * 2.0 ** (cents / 1200.0)) / sr
    top = min(MAX_HARMONIC_HZ, 0.45 * sr)
    n_harmonics = max(1, int(top // (f0 * 2 ** (VIBRATO_CENTS / 1200.0))))
    levels = _harmonic_levels(f0, timbre, n_harmonics)
    if timbre == "piano":  # bright attack fading to a duller tone, decaying
        bright = np.exp(-3.0 * t)
        y = (bright * _read(_table(levels), cycles)
             + (1 - bright) * _read(_table(levels[:3]), cycles)) * np.exp(-1.2 * t)
    else:
        y = _read(_table(levels), cycles)
    return (0.3 * y * _envelope(n, sr) / max(1e-9, np.max(np.abs(y)))).astype(np.float32)


def _table(levels: np.ndarray) -> np.ndarray:
    """One period of the harmonic sum, ``TABLE_SIZE + 1`` samples (wraps)."""
    x = 2 * np.pi * np.arange(TABLE_SIZE + 1) / TABLE_SIZE
    return np.sum(levels[:, None] * np.sin(np.arange(1, len(levels) + 1)[:, None] * x), axis=0)


def _read(table: np.ndarray, cycles: np.ndarray) -> np.ndarray:
    """The table read at phase ``cycles`` (in periods), linearly interpolated."""
    pos = (cycles % 1.0) * TABLE_SIZE
    i = pos.astype(int)
    frac = pos - i
    return table[i] * (1 - frac) + table[i + 1] * frac


def _envelope(n: int, sr: int) -> np.ndarray:
    attack = max(1, min(int(ATTACK_S * sr), n // 3))
    release = max(1, min(int(RELEASE_S * sr), n // 4))
    env = np.ones(n)
    env[:attack] = 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    env[n - release:] = 0.5 + 0.5 * np.cos(np.pi * (np.arange(release) + 1) / release)
    return env
