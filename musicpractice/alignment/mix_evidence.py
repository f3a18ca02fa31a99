"""Is the singer there? The level of a part's own partials inside a mix.

Inside a mix the pitch tracker finds *something* in every frame: when the singer leaves a
note out, the other parts' partials (or what masking leaves of them) are followed
instead. The other parts' notes are known from the score and placed by the alignment,
so at a given pitch and moment the partials that no other sounding note shares can be
listed; their energy is the singer's alone. Compared with the same measure on the notes
the singer sang around it, it tells a sung note from a left-out one.
"""

from __future__ import annotations

from dataclasses import replace

import librosa
import numpy as np

from musicpractice.core.pitch import midi_to_hz

N_FFT = 4096
HOP_S = 0.01
HARMONICS = 8
SHARED_MIN_BINS = 2.5
"""A partial is shared when another sounding note's partial lies within its search
window widened by this many FFT bins (the window's main lobe)."""
SEARCH_CENTS = 30.0
"""A partial's energy is the strongest bin this close to its nominal frequency (vibrato)."""
CORE = (0.2, 0.8)
"""The part of a note's span measured (the glide into it and the release left out)."""
NEIGHBOURS = 4
"""Notes on each side a note's level is compared with."""
ABSENT_DB = -8.0
"""Own partials this much weaker than the neighbours': the singer is not singing it (sung
notes of the fit split reach -4.3 dB at worst, left-out ones -5 to -27)."""
PRESENT_DB = -4.0
"""... this close to the neighbours' or louder: the singer is singing it."""
ABSENT_CONFIDENCE = 0.95


class PartEvidence:
    """Levels of a part's own (unshared) partials in a mixed take.

    Parameters
    ----------
    take : numpy.ndarray
        Mono samples, shape ``(n,)``.
    sr : int
        Sample rate in Hz.
    others_midi, others_on_s, others_off_s : numpy.ndarray
        Shape ``(m,)``: the other parts' written pitches (MIDI, at A4 = 440 Hz) and their
        aligned start and end in the take (seconds; NaN where the take does not reach
        them).
    tuning_semitones : float
        The take's tuning (semitones from A4 = 440 Hz): the other parts sing at it.
    """

    def __init__(self, take: np.ndarray, sr: int, *, others_midi: np.ndarray,
                 others_on_s: np.ndarray, others_off_s: np.ndarray,
                 tuning_semitones: float = 0.0) -> None:
        self._hop = max(1, int(round(HOP_S * sr)))
        self._sr = sr
        self._power = np.abs(librosa.stft(np.asarray(take, dtype=np.float32), n_fft=N_FFT,
                                          hop_length=self._hop, center=True)) ** 2
        self._bin_hz = sr / N_FFT
        ok = np.isfinite(others_on_s) & np.isfinite(others_off_s)
        self._midi = np.asarray(others_midi, dtype=float)[ok] + tuning_semitones
        self._on = np.asarray(others_on_s, dtype=float)[ok]
        self._off = np.asarray(others_off_s, dtype=float)[ok]

    def partial_levels_db(self, pitch_midi: float, start_s: float, end_s: float) -> np.ndarray:
        """Power (dB) of each partial of ``pitch_midi`` over the core of a note's span,
        NaN where another part's note sounding then shares the partial.

        Parameters
        ----------
        pitch_midi : float
            Absolute pitch (MIDI number at A4 = 440 Hz, fractional).
        start_s, end_s : float
            The note's span in the take (seconds).

        Returns
        -------
        numpy.ndarray
            Shape ``(HARMONICS,)``, dB (arbitrary reference, comparable within a take);
            all NaN when the span holds no frame.
        """
        out = np.full(HARMONICS, np.nan)
        if not (np.isfinite(pitch_midi) and np.isfinite(start_s) and np.isfinite(end_s)):
            return out
        length = max(end_s - start_s, 0.05)
        t0, t1 = start_s + CORE[0] * length, start_s + CORE[1] * length
        a = max(int(np.floor(t0 * self._sr / self._hop)), 0)
        b = min(max(int(np.ceil(t1 * self._sr / self._hop)), a + 1), self._power.shape[1])
        if b <= a:
            return out
        sounding = (self._on < t1) & (self._off > t0)
        other_partials = (np.arange(1, HARMONICS + 1)[None, :]
                          * midi_to_hz(self._midi[sounding])[:, None]).ravel()
        f0 = float(midi_to_hz(pitch_midi))
        power = self._power[:, a:b]
        for h in range(1, HARMONICS + 1):
            centre = h * f0
            half = max(centre * (2 ** (SEARCH_CENTS / 1200.0) - 1.0), self._bin_hz)
            if centre + half + self._bin_hz >= self._sr / 2:
                break
            reach = half + SHARED_MIN_BINS * self._bin_hz
            if other_partials.size and np.min(np.abs(other_partials - centre)) < reach:
                continue
            lo = int(np.floor((centre - half) / self._bin_hz))
            hi = int(np.ceil((centre + half) / self._bin_hz)) + 1
            out[h - 1] = 10.0 * np.log10(float(np.mean(np.max(power[lo:hi], axis=0))) + 1e-20)
        return out


def relative_level_db(levels: np.ndarray, neighbours: list[np.ndarray]) -> float:
    """How much louder (dB) a note's own partials are than its neighbours' same partials.

    Parameters
    ----------
    levels : numpy.ndarray
        Shape ``(HARMONICS,)``: the note's partial levels (see
        :meth:`PartEvidence.partial_levels_db`).
    neighbours : list of numpy.ndarray
        The same for notes sung around it.

    Returns
    -------
    float
        Median over the neighbours of the mean difference on the partials both have
        unshared; NaN when no neighbour has one in common.
    """
    diffs = []
    for other in neighbours:
        common = np.isfinite(levels) & np.isfinite(other)
        if common.any():
            diffs.append(float(np.mean(levels[common] - other[common])))
    return float(np.median(diffs)) if diffs else float("nan")


def revised_in_mix(verdicts, *, written_midi: np.ndarray, durations_s: np.ndarray,
                   tuning_semitones: float, evidence: PartEvidence) -> tuple:
    """Verdicts of a part sung inside a mix, revised by the level of its own partials.

    A note is judged against the notes sung around it in the same attempt (up to
    ``NEIGHBOURS`` on each side): where the partials of the pitch found for a note are
    ``ABSENT_DB`` weaker than theirs, the singer did not sing it (the tracker followed
    another part) -- it is ``missing`` if the written pitch is absent too, else ``unsure``;
    a note given ``missing`` whose written pitch is there at the singer's level is
    ``unsure``.

    Parameters
    ----------
    verdicts : sequence of NoteVerdict
        From :func:`.note_check.check_sung_part`.
    written_midi : numpy.ndarray
        The written part's pitches (MIDI), indexed like ``NoteVerdict.index``.
    durations_s : numpy.ndarray
        The written notes' expected durations in the take (seconds), same indexing: the
        span of the last note of an attempt.
    tuning_semitones : float
        The take's tuning (semitones from A4 = 440 Hz).
    evidence : PartEvidence

    Returns
    -------
    tuple of NoteVerdict
    """
    rows = list(verdicts)
    at_found, at_written = levels_in_mix(rows, written_midi=written_midi,
                                         durations_s=durations_s,
                                         tuning_semitones=tuning_semitones, evidence=evidence)
    out = []
    for v, found, written in zip(rows, at_found, at_written):
        if np.isfinite(v.cents):
            if found < ABSENT_DB and written < ABSENT_DB:
                v = replace(v, status="missing", cents=float("nan"), played_midi=None,
                            confidence=ABSENT_CONFIDENCE)
            elif found < ABSENT_DB:  # the pitch found is not the singer's
                v = replace(v, status="unsure", confidence=min(v.confidence, 0.5))
        elif written < ABSENT_DB:
            v = replace(v, status="missing", confidence=max(v.confidence, ABSENT_CONFIDENCE))
        elif written > PRESENT_DB:
            v = replace(v, status="unsure", confidence=min(v.confidence, 0.5))
        out.append(v)
    return tuple(out)


def levels_in_mix(rows, *, written_midi: np.ndarray, durations_s: np.ndarray,
                  tuning_semitones: float, evidence: PartEvidence):
    """Per verdict row, the level of the pitch found and of the written pitch relative to
    the notes found around it (dB, see :func:`relative_level_db`; NaN when unknown).

    Parameters are those of :func:`revised_in_mix`.

    Returns
    -------
    at_found, at_written : numpy.ndarray
        Shape ``(len(rows),)``; ``at_found`` is NaN for rows without a pitch (missing).
    """
    spans = _slots(rows, durations_s)
    pitch = [written_midi[v.index] + tuning_semitones
             + (v.cents / 100.0 if np.isfinite(v.cents) else 0.0) for v in rows]
    found = [evidence.partial_levels_db(p, a, b) for p, (a, b) in zip(pitch, spans)]
    written = [evidence.partial_levels_db(written_midi[v.index] + tuning_semitones, a, b)
               for v, (a, b) in zip(rows, spans)]
    at_found = np.full(len(rows), np.nan)
    at_written = np.full(len(rows), np.nan)
    for k, v in enumerate(rows):
        near = [found[i] for i in range(max(0, k - NEIGHBOURS), min(len(rows), k + NEIGHBOURS + 1))
                if i != k and rows[i].attempt == v.attempt and np.isfinite(rows[i].cents)]
        at_written[k] = relative_level_db(written[k], near)
        if np.isfinite(v.cents):
            at_found[k] = relative_level_db(found[k], near)
    return at_found, at_written


def _slots(rows, durations_s) -> list[tuple[float, float]]:
    """Each row's span: from its onset to the next row's of the same attempt."""
    spans = []
    for k, v in enumerate(rows):
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        if nxt is not None and nxt.attempt == v.attempt and nxt.onset_s > v.onset_s:
            spans.append((v.onset_s, nxt.onset_s))
        else:
            spans.append((v.onset_s, v.onset_s + float(durations_s[v.index])))
    return spans
