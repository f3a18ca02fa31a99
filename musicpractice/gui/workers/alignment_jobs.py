"""The work behind the compare view, run on a worker: analyse, align, tabulate, load audio.

The tables come from :func:`musicpractice.compare.model.compare_takes` (the same
numbers the command line and the reports give), run in the score worker's child process
(:mod:`musicpractice.gui.workers.child_worker`) on the session opened read-only: it reads the
score with music21, whose garbage collections would freeze the window. Analyses missing
from the session cache are computed first through the window's analysis process and
cached. Every take is then loaded at :data:`PLAYBACK_RATE_HZ` for A/B playback, with its
waveform envelope on the musical axis.

Positions on the *musical axis* are grid coordinates: bar index plus the fraction of the
bar (0 = start of the first bar of the grid), the same for every take.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.voices import DEFAULT_RANGE
from musicpractice.audio.io import load_signal
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, sub_progress
from musicpractice.gui.workers.child_worker import ChildWorker
from musicpractice.compare.model import Comparison, TakeResult, compare_takes
from musicpractice.compare.differences import describe_differences
from musicpractice.workspace.derived import ensure_analysis
from musicpractice.session.store import Session

PLAYBACK_RATE_HZ = 44_100
"""Every compared take is played at this rate, so A/B switches never reopen the device."""
ENVELOPE_HOP_S = 0.02
"""Resolution of the waveform envelopes of the stacked takes (seconds)."""
CURVE_STEP_BARS = 0.25
"""Step of the tempo curves (bars); each point is the tempo over the bar around it."""


@dataclass(frozen=True)
class CompareData:
    """A comparison ready to show and play.

    Attributes
    ----------
    comparison : Comparison
    differences : tuple of str
        The differences between the takes, in words.
    audio : dict
        Take id -> mono float32 samples at :data:`PLAYBACK_RATE_HZ`.
    envelopes : dict
        Take id -> ``(grid x, peak)``: the waveform's peak envelope (0-1, the take's
        loudest moment 1) over the bars the take plays.
    """

    comparison: Comparison
    differences: tuple[str, ...]
    audio: dict
    envelopes: dict

    @property
    def n_bars(self) -> int:
        """Bars (or sections) on the musical axis."""
        return len(self.comparison.grid)

    def take(self, take_id: str) -> TakeResult:
        """One take's result."""
        return next(t for t in self.comparison.takes if t.take.id == take_id)

    def ref_of(self, x) -> np.ndarray:
        """Reference positions of grid coordinates."""
        edges = self.comparison.grid.edges
        return np.interp(x, np.arange(edges.size), edges)

    def grid_of(self, ref) -> np.ndarray:
        """Grid coordinates of reference positions."""
        edges = self.comparison.grid.edges
        return np.interp(ref, edges, np.arange(edges.size))

    def take_time(self, take_id: str, x: float) -> float:
        """Where grid coordinate ``x`` falls in a take (seconds), clamped into the take."""
        take = self.take(take_id)
        ref = float(self.ref_of(x))
        if take.alignment is None:
            return ref
        r0, r1 = take.alignment.ref_span
        return float(take.alignment.take_at(min(max(ref, r0), r1)))

    def grid_position(self, take_id: str, take_s) -> np.ndarray:
        """Grid coordinates of times in a take."""
        take = self.take(take_id)
        ref = take_s if take.alignment is None else take.alignment.ref_at(take_s)
        return self.grid_of(ref)

    def tempo_curve(self, take_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Tempo over one bar, every :data:`CURVE_STEP_BARS` bars: ``(grid x, percent of the
        reference's tempo)``."""
        take = self.take(take_id)
        covered = [r.index for r in take.bars if r.covered]
        if not covered:
            return np.zeros(0), np.zeros(0)
        first, last = covered[0], covered[-1] + 1
        x = np.arange(first, last + 1e-9, CURVE_STEP_BARS)
        x0, x1 = np.maximum(x - 0.5, first), np.minimum(x + 0.5, last)
        r0, r1 = self.ref_of(x0), self.ref_of(x1)
        if take.alignment is None:
            t0, t1 = r0, r1
        else:
            t0, t1 = take.alignment.take_at(r0), take.alignment.take_at(r1)
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = (r1 - r0) / (t1 - t0)
        grid = self.comparison.grid
        ref_speed = (grid.ref_tempo_bpm[np.minimum(x.astype(int), len(grid) - 1)] / 60.0
                     if grid.unit == "quarter" else 1.0)
        pct = 100.0 * speed / ref_speed
        keep = np.isfinite(pct) & (pct > 0)
        return x[keep], pct[keep]

    def bar_index(self, number: int, near_x: float = 0.0) -> int | None:
        """Grid index of written bar ``number`` (the pass nearest ``near_x``), or None."""
        hits = [k for k, n in enumerate(self.comparison.grid.numbers) if n == number]
        return min(hits, key=lambda k: abs(k - near_x)) if hits else None


def compare_in_child(session_path: str, reference_id: str, take_ids: list[str], *,
                     part: str | None, score_id: str | None,
                     progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> tuple[Comparison, tuple[str, ...]]:
    """The comparison and its differences in words (runs in the score worker's process)."""
    with Session.open(session_path, read_only=True) as session:
        comparison = compare_takes(session, reference_id, take_ids, part=part,
                                   score_id=score_id, progress=progress, cancel=cancel)
    return comparison, tuple(describe_differences(comparison))


def compare_job(session: Session, worker: ChildWorker, reference_id: str, take_ids: list[str],
                *, part: str | None = None, score_id: str | None = None, analyze=None,
                progress: ProgressFn | None = None,
                cancel: CancelToken | None = None) -> CompareData:
    """Compare takes with a reference (see :func:`~musicpractice.compare.model.compare_takes`).

    ``worker`` runs the comparison; ``analyze`` computes a missing analysis (the window
    passes :meth:`~musicpractice.gui.workers.analysis_process.AnalysisProcess.analyze`).
    """
    ids = [reference_id, *take_ids] if any(t.id == reference_id for t in session.takes) \
        else list(take_ids)
    steps = Steps(progress, [("analysing", 3 * len(ids)), ("aligning", 3 * len(take_ids)),
                             ("loading audio", len(ids))])
    analysing = steps.stage("analysing")
    for k, take_id in enumerate(ids):
        kwargs = {"analyze": analyze} if analyze is not None else {}
        ensure_analysis(session, take_id, voice=DEFAULT_RANGE, cancel=cancel,
                        progress=sub_progress(analysing, k / len(ids), (k + 1) / len(ids)),
                        **kwargs)
    comparison, differences = worker.run(
        compare_in_child, str(session.path), reference_id, list(take_ids), part=part,
        score_id=score_id, progress=steps.stage("aligning"), cancel=cancel)
    loading = steps.stage("loading audio")
    audio = {}
    for k, result in enumerate(comparison.takes):
        audio[result.take.id] = load_signal(
            session.audio_path(result.take.id), sr=PLAYBACK_RATE_HZ, cancel=cancel,
            progress=sub_progress(loading, k / len(comparison.takes),
                                  (k + 1) / len(comparison.takes))).samples
    data = CompareData(comparison, differences, audio, {})
    data.envelopes.update({t.take.id: _envelope(data, t.take.id) for t in comparison.takes})
    return data


def _envelope(data: CompareData, take_id: str) -> tuple[np.ndarray, np.ndarray]:
    samples = data.audio[take_id]
    hop = int(ENVELOPE_HOP_S * PLAYBACK_RATE_HZ)
    n = len(samples) // hop
    peaks = np.abs(samples[: n * hop]).reshape(n, hop).max(axis=1)
    times = (np.arange(n) + 0.5) * ENVELOPE_HOP_S
    covered = [r for r in data.take(take_id).bars if r.covered]
    if not covered or n == 0:
        return np.zeros(0), np.zeros(0)
    start = covered[0].take_start_s
    end = covered[-1].take_start_s + covered[-1].duration_s
    keep = (times >= start) & (times <= end)
    loudest = float(peaks.max()) or 1.0
    return data.grid_position(take_id, times[keep]), peaks[keep] / loudest
