"""A monotonic time map between a take and its reference, from a warping path."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SPAN_TOLERANCE = 0.25
"""Reference positions this close (seconds or quarter notes) outside the aligned span
still map onto its ends (the last note's tail, a barline just after the last onset)."""


@dataclass(frozen=True)
class Alignment:
    """A take aligned to a reference (another take, or a score).

    Attributes
    ----------
    reference_kind : str
        ``"audio"`` (reference positions in seconds) or ``"score"`` (in quarter notes
        from the start of the score as written, repeats expanded).
    take_s : numpy.ndarray
        float64 warping path, take side, in seconds (non-decreasing).
    ref : numpy.ndarray
        float64 warping path, reference side (seconds or quarter notes, non-decreasing).
    confidence : numpy.ndarray
        float32 per path point in [0, 1]; low where the alignment is unsure.
    overall_confidence : float
        In [0, 1]; low when the reference is probably not what was played.
    transposition_semitones : int
        How many semitones the take sounds above the reference.
    take_tuning_cents : float
        Tuning of the take relative to A4 = 440 Hz, in cents.
    partial : bool
        Whether the take was matched to a stretch of the reference only.
    warnings : tuple of str
        Plain-language reasons to doubt the alignment.
    part : str or None
        The score part the take was followed as (named by the user or found, see
        :mod:`.score_parts`); None for all parts or a take reference.
    timed_by_parts : bool
        Whether the take followed as ``part`` was timed by the whole score: the other
        parts are heard in it (a mix), and their onsets place the written notes.
    """

    reference_kind: str
    take_s: np.ndarray
    ref: np.ndarray
    confidence: np.ndarray
    overall_confidence: float
    transposition_semitones: int
    take_tuning_cents: float
    partial: bool = False
    warnings: tuple[str, ...] = ()
    part: str | None = None
    timed_by_parts: bool = False

    @property
    def take_span_s(self) -> tuple[float, float]:
        """First and last take times that follow the reference (outside: before/after)."""
        first = np.searchsorted(self.ref, self.ref[0], side="right") - 1
        last = np.searchsorted(self.ref, self.ref[-1], side="left")
        return float(self.take_s[first]), float(self.take_s[last])

    @property
    def ref_span(self) -> tuple[float, float]:
        """First and last reference positions the take covers."""
        return float(self.ref[0]), float(self.ref[-1])

    def ref_at(self, take_s) -> np.ndarray:
        """Reference positions of take times (clamped to the aligned span)."""
        keys, values = _grouped(self.take_s, self.ref)
        return np.interp(np.asarray(take_s, dtype=float), keys, values)

    def take_at(self, ref) -> np.ndarray:
        """Take times of reference positions; NaN outside the span the take covers
        (give or take ``SPAN_TOLERANCE`` seconds or quarter notes, clamped)."""
        keys, values = _grouped(self.ref, self.take_s)
        ref = np.asarray(ref, dtype=float)
        out = np.interp(ref, keys, values)
        outside = (ref < keys[0] - SPAN_TOLERANCE) | (ref > keys[-1] + SPAN_TOLERANCE)
        return np.where(outside, np.nan, out)

    def unsure_regions(self, threshold: float = 0.3, min_s: float = 1.0) -> list[tuple[float, float]]:
        """Stretches of the take (start_s, end_s) of at least ``min_s`` where the path
        confidence is below ``threshold``."""
        low = self.confidence < threshold
        regions = []
        k = 0
        while k < low.size:
            if low[k]:
                end = k
                while end + 1 < low.size and low[end + 1]:
                    end += 1
                if self.take_s[end] - self.take_s[k] >= min_s:
                    regions.append((float(self.take_s[k]), float(self.take_s[end])))
                k = end + 1
            else:
                k += 1
        return regions

    def confidence_at(self, take_s) -> np.ndarray:
        """Path confidence at take times."""
        return np.interp(np.asarray(take_s, dtype=float), self.take_s, self.confidence)

    def timemap_pairs(self, step_s: float = 0.1) -> np.ndarray:
        """(n, 2) pairs ``[take_s, ref]`` about every ``step_s`` seconds of the take,
        strictly increasing in take time."""
        keys, values = _grouped(self.take_s, self.ref)
        keep = np.unique(np.searchsorted(keys, np.arange(keys[0], keys[-1], step_s)))
        keep = np.union1d(keep, [keys.size - 1])
        return np.column_stack([keys[keep], values[keep]])


def _grouped(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique ``keys`` with the mean of their ``values`` (a path's stairs averaged out)."""
    unique, inverse = np.unique(keys, return_inverse=True)
    mean = np.bincount(inverse, weights=values) / np.bincount(inverse)
    return unique, mean
