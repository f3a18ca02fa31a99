"""Annotation files other programs open: Audacity label tracks, Sonic Visualiser CSV
layers, and the time map of an alignment.

- Audacity (File > Import > Labels): one label per line, ``start<TAB>end<TAB>label``,
  times in seconds; a point label has ``start == end``.
- Sonic Visualiser (File > Import Annotation Layer): ``time,value,label`` per line, no
  header, times in seconds; the value is the MIDI pitch of a note, the number of a bar,
  the count of a beat.
- Time map: ``take_s`` against the reference position (``ref_quarter`` of a score,
  ``ref_s`` of a take) about every 0.1 s of the take, as CSV or as the
  ``musicpractice.alignment/1`` JSON document.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from musicpractice.alignment import Alignment
from musicpractice.analysis.take import TakeAnalysis
from musicpractice.core.pitch import note_name
from musicpractice.compare.bar_grid import BarGrid


@dataclass(frozen=True)
class Event:
    """A labelled point or region of a take: ``start_s``..``end_s`` (seconds), a numeric
    ``value`` (pitch, bar or beat number) and a ``label``."""

    start_s: float
    end_s: float
    value: float
    label: str


def note_events(analysis: TakeAnalysis) -> list[Event]:
    """The transcribed notes as regions labelled with their names."""
    return [Event(n.onset_s, n.offset_s, n.midi, note_name(n.midi)) for n in analysis.notes]


def beat_events(analysis: TakeAnalysis) -> list[Event]:
    """The tracked beats as points, counted from 1."""
    return [Event(float(t), float(t), k + 1, f"beat {k + 1}")
            for k, t in enumerate(analysis.tempo.beats_s)]


def bar_events(grid: BarGrid, alignment: Alignment) -> list[Event]:
    """The barlines of a score grid as they fall in a take aligned to that score."""
    times = alignment.take_at(grid.edges[:-1])
    return [Event(float(t), float(t), number, f"bar {number}")
            for t, number in zip(times, grid.numbers) if math.isfinite(t)]


def audacity_labels(events: list[Event]) -> str:
    """An Audacity label track (sorted by start time)."""
    lines = [f"{e.start_s:.6f}\t{e.end_s:.6f}\t{_clean(e.label)}"
             for e in sorted(events, key=lambda e: (e.start_s, e.end_s))]
    return "\n".join(lines) + ("\n" if lines else "")


def sonic_visualiser_csv(events: list[Event]) -> str:
    """A Sonic Visualiser annotation layer (``time,value,label``, sorted by time)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for e in sorted(events, key=lambda e: e.start_s):
        writer.writerow([f"{e.start_s:.6f}", f"{e.value:g}", _clean(e.label)])
    return buffer.getvalue()


def timemap_csv(alignment: Alignment) -> str:
    """The time map as CSV with a header: ``take_s`` and ``ref_quarter`` or ``ref_s``."""
    column = "ref_quarter" if alignment.reference_kind == "score" else "ref_s"
    pairs = alignment.timemap_pairs()
    lines = [f"take_s,{column}"] + [f"{t:.3f},{r:.4f}" for t, r in pairs
                                     if np.isfinite(t) and np.isfinite(r)]
    return "\n".join(lines) + "\n"


def _clean(label: str) -> str:
    """A label on one line without tabs (both formats are line- and tab-separated)."""
    return " ".join(label.split())
