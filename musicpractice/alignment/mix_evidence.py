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

from musicpractice.alignment.note_check import SURE, _prob_within
from musicpractice.core.pitch import midi_to_hz

N_FFT = 4096
HOP_S = 0.01
HARMONICS = 8
SHARED_MIN_BINS = 2.5
"""A partial is shared when another sounding note's partial lies within its search
window widened by this many FFT bins (the window's main lobe)."""
SEARCH_CENTS = 30.0
"""A partial's energy is the strongest bin this close to its nominal frequency (vibrato)."""
PITCH_REACH_CENTS = 70.0
"""A partial's peak is looked for this far from where the pitch found puts it (vibrato)."""
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
SCAN_SEMITONES, SCAN_STEP_CENTS = 4.0, 20.0
SILENT_DB = -6.0
"""A note is left out only when no pitch within ``SCAN_SEMITONES`` of the written one
(the largest mistakes are a few semitones) comes within this of the neighbours' level
(sung notes of the fit split: -4.2 dB at worst; left-out ones in silence -6.5 to -12)."""
FAR_CENTS = 100.0
"""A wrong pitch this far from the written one leaves the written pitch's partials free."""
AGREE_CENTS = 10.0
"""The own-partials pitch and the tracker's agreeing this closely ..."""
AGREE_SD_CENTS = 6.0
"""... are trusted to this (the fit split's such notes: 95th percentile error 9.5 cents)."""


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

    def partial_levels_db(self, pitch_midi: float, start_s: float, end_s: float, *,
                          besides: float | None = None) -> np.ndarray:
        """Power (dB) of each partial of ``pitch_midi`` over the core of a note's span,
        NaN where another part's note sounding then (or a note at ``besides``) shares the
        partial.

        Parameters
        ----------
        pitch_midi : float
            Absolute pitch (MIDI number at A4 = 440 Hz, fractional).
        start_s, end_s : float
            The note's span in the take (seconds).
        besides : float, optional
            A pitch (MIDI) heard there too whose partials are left out as well (the pitch
            the singer was found at, when the written one is measured).

        Returns
        -------
        numpy.ndarray
            Shape ``(HARMONICS,)``, dB (arbitrary reference, comparable within a take);
            all NaN when the span holds no frame.
        """
        out = np.full(HARMONICS, np.nan)
        frames = self._frames(start_s, end_s)
        if frames is None or not np.isfinite(pitch_midi):
            return out
        a, b, t0, t1 = frames
        other_partials = self._other_partials(t0, t1)
        if besides is not None and np.isfinite(besides):
            other_partials = np.concatenate([other_partials, np.arange(1, HARMONICS + 1)
                                             * float(midi_to_hz(besides))])
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

    def own_pitch(self, pitch_midi: float, start_s: float, end_s: float) -> float:
        """The pitch (MIDI, fractional) within ``PITCH_REACH_CENTS`` of ``pitch_midi``
        read from the partials no other sounding note comes near: per frame the
        power-weighted mean of their peaks' frequencies divided by the harmonic number,
        averaged over the note's core (the vibrato averages out). NaN when no partial
        is free.

        Parameters
        ----------
        pitch_midi : float
            Absolute pitch searched around (MIDI number at A4 = 440 Hz).
        start_s, end_s : float
            The note's span in the take (seconds).

        Returns
        -------
        float
        """
        frames = self._frames(start_s, end_s)
        if frames is None or not np.isfinite(pitch_midi):
            return float("nan")
        a, b, t0, t1 = frames
        others = self._other_partials(t0, t1)
        f0 = float(midi_to_hz(pitch_midi))
        power = self._power[:, a:b]
        estimates, weights = [], []
        for h in range(1, HARMONICS + 1):
            centre = h * f0
            half = max(centre * (2 ** (PITCH_REACH_CENTS / 1200.0) - 1.0), 2 * self._bin_hz)
            if centre + half + self._bin_hz >= self._sr / 2:
                break
            if others.size and np.min(np.abs(others - centre)) < half + SHARED_MIN_BINS * self._bin_hz:
                continue
            lo = int(np.floor((centre - half) / self._bin_hz))
            hi = int(np.ceil((centre + half) / self._bin_hz)) + 1
            band = power[lo:hi]
            peak = np.clip(np.argmax(band, axis=0), 1, band.shape[0] - 2)
            cols = np.arange(band.shape[1])
            la, lb, lc = (np.log(band[peak + d, cols] + 1e-20) for d in (-1, 0, 1))
            denom = la - 2 * lb + lc
            shift = np.where(np.abs(denom) > 1e-12, 0.5 * (la - lc) / np.where(denom == 0, 1, denom), 0.0)
            freq = (lo + peak + np.clip(shift, -0.5, 0.5)) * self._bin_hz / h
            estimates.append(12.0 * np.log2(np.maximum(freq, 1e-6) / 440.0) + 69.0)
            weights.append(band[peak, cols])
        if not estimates:
            return float("nan")
        est, w = np.array(estimates), np.array(weights)
        per_frame = np.sum(est * w, axis=0) / np.maximum(np.sum(w, axis=0), 1e-30)
        return float(np.mean(per_frame))

    def _frames(self, start_s: float, end_s: float):
        """(first frame, end frame, core start s, core end s) of a note's core, or None."""
        if not (np.isfinite(start_s) and np.isfinite(end_s)):
            return None
        length = max(end_s - start_s, 0.05)
        t0, t1 = start_s + CORE[0] * length, start_s + CORE[1] * length
        a = max(int(np.floor(t0 * self._sr / self._hop)), 0)
        b = min(max(int(np.ceil(t1 * self._sr / self._hop)), a + 1), self._power.shape[1])
        return None if b <= a else (a, b, t0, t1)

    def _other_partials(self, t0: float, t1: float) -> np.ndarray:
        """Frequencies (Hz) of the partials of the other parts' notes sounding in a span."""
        sounding = (self._on < t1) & (self._off > t0)
        return (np.arange(1, HARMONICS + 1)[None, :]
                * midi_to_hz(self._midi[sounding])[:, None]).ravel()


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
                   tuning_semitones: float, tolerance_cents: float,
                   evidence: PartEvidence) -> tuple:
    """Verdicts of a part sung inside a mix, revised by the part's own partials.

    A note is judged against the notes sung around it in the same attempt (up to
    ``NEIGHBOURS`` on each side):

    - where the partials of the pitch found for a note are ``ABSENT_DB`` weaker than
      theirs, the singer did not sing it (the tracker followed another part): it is
      ``missing`` if the written pitch is absent too, else ``unsure``;
    - a note given ``missing`` whose written pitch is there at the singer's level is
      ``unsure``; one given a wrong pitch ``FAR_CENTS`` or more from the written one while
      the written pitch is there at the singer's level is ``unsure`` too;
    - where the singer's partials are there, the pitch read from the partials no other
      part comes near (:meth:`PartEvidence.own_pitch`) checks the tracker's: agreeing
      within ``AGREE_CENTS`` the two together are trusted to ``AGREE_SD_CENTS`` (on the
      fit split such notes were measured within 16 cents of the truth, 134 of 134), and
      the verdict is taken afresh at that precision; disagreeing, a sure verdict the
      own-partials pitch would not give is ``unsure``.

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
    tolerance_cents : float
        Intonation tolerance: further than this from the written pitch is wrong.
    evidence : PartEvidence

    Returns
    -------
    tuple of NoteVerdict
    """
    rows = list(verdicts)
    at_found, at_written, near = levels_in_mix(
        rows, written_midi=written_midi, durations_s=durations_s,
        tuning_semitones=tuning_semitones, evidence=evidence)
    spans = _slots(rows, durations_s)
    out = []
    for k, (v, found, written, (start, end)) in enumerate(zip(rows, at_found, at_written,
                                                              spans)):
        centre = written_midi[v.index] + tuning_semitones

        def silent():  # no pitch near the written one is sung at the singer's level
            return _loudest_near(evidence, centre, start, end, near[k]) < SILENT_DB

        if np.isfinite(v.cents):
            if found < ABSENT_DB and silent():
                v = replace(v, status="missing", cents=float("nan"), played_midi=None,
                            confidence=ABSENT_CONFIDENCE)
            elif found < ABSENT_DB:  # the pitch found is not the singer's
                v = _unsure(v)
            elif found >= PRESENT_DB:
                pitch = written_midi[v.index] + tuning_semitones + v.cents / 100.0
                v = _remeasured(v, 100.0 * (evidence.own_pitch(pitch, start, end) - pitch),
                                written_midi[v.index], tolerance_cents)
            if v.status == "wrong" and abs(v.cents) >= FAR_CENTS and written > PRESENT_DB:
                v = _unsure(v)  # the written pitch is sung there: the wrong one is not sure
        elif written > PRESENT_DB:
            v = _unsure(v)
        elif written < ABSENT_DB and v.status != "missing" and silent():
            v = replace(v, status="missing", confidence=ABSENT_CONFIDENCE)
        out.append(v)
    return tuple(out)


def _loudest_near(evidence: PartEvidence, centre: float, start: float, end: float,
                  near: list) -> float:
    """The highest level (dB, relative to the neighbours ``near``) of any pitch within
    ``SCAN_SEMITONES`` of ``centre`` (MIDI) on a ``SCAN_STEP_CENTS`` grid; -inf when none
    can be measured."""
    best = -np.inf
    for pitch in centre + np.arange(-SCAN_SEMITONES, SCAN_SEMITONES + 1e-9,
                                    SCAN_STEP_CENTS / 100.0):
        level = relative_level_db(evidence.partial_levels_db(pitch, start, end), near)
        if np.isfinite(level):
            best = max(best, level)
    return best


def _unsure(v):
    return replace(v, status="unsure", confidence=min(v.confidence, 0.5))


def _remeasured(v, own_minus_found_cents: float, written: int, tolerance: float):
    """The verdict with the tracker's pitch checked by the own-partials pitch."""
    d = own_minus_found_cents
    if not np.isfinite(d):
        return v
    if abs(d) <= AGREE_CENTS:
        cents = v.cents + 0.5 * d
        p_ok = _prob_within(cents, float(np.hypot(AGREE_SD_CENTS, d)), tolerance)
        status, confidence = ("ok", p_ok) if p_ok >= 0.5 else ("wrong", 1.0 - p_ok)
        if confidence < SURE:
            status = "unsure"
        played = int(round(written + cents / 100.0)) if status == "wrong" else None
        return replace(v, status=status, cents=float(cents), confidence=float(confidence),
                       played_midi=played)
    if v.status in ("ok", "wrong"):
        p_ok = _prob_within(v.cents + d, abs(d), tolerance)
        if (p_ok >= 0.5) != (v.status == "ok") or max(p_ok, 1.0 - p_ok) < SURE:
            return _unsure(v)
    return v


def levels_in_mix(rows, *, written_midi: np.ndarray, durations_s: np.ndarray,
                  tuning_semitones: float, evidence: PartEvidence):
    """Per verdict row, the level of the pitch found and of the written pitch relative to
    the notes found around it (dB, see :func:`relative_level_db`; NaN when unknown).

    Parameters are those of :func:`revised_in_mix`.

    Returns
    -------
    at_found, at_written : numpy.ndarray
        Shape ``(len(rows),)``; ``at_found`` is NaN for rows without a pitch (missing).
    neighbours : list of list of numpy.ndarray
        Per row, the partial levels of the pitches found around it (the reference).
    """
    spans = _slots(rows, durations_s)
    pitch = [written_midi[v.index] + tuning_semitones
             + (v.cents / 100.0 if np.isfinite(v.cents) else 0.0) for v in rows]
    found = [evidence.partial_levels_db(p, a, b) for p, (a, b) in zip(pitch, spans)]
    written = [evidence.partial_levels_db(  # without the partials of a wrong pitch found
        written_midi[v.index] + tuning_semitones, a, b,
        besides=p if np.isfinite(v.cents) and abs(v.cents) >= FAR_CENTS / 2 else None)
        for v, p, (a, b) in zip(rows, pitch, spans)]
    at_found = np.full(len(rows), np.nan)
    at_written = np.full(len(rows), np.nan)
    neighbours = []
    for k, v in enumerate(rows):
        near = [found[i] for i in range(max(0, k - NEIGHBOURS), min(len(rows), k + NEIGHBOURS + 1))
                if i != k and rows[i].attempt == v.attempt and np.isfinite(rows[i].cents)]
        neighbours.append(near)
        at_written[k] = relative_level_db(written[k], near)
        if np.isfinite(v.cents):
            at_found[k] = relative_level_db(found[k], near)
    return at_found, at_written, neighbours


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
