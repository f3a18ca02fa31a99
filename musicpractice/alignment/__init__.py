"""Take-to-take and take-to-score alignment."""

from musicpractice.alignment.align import align_takes, align_to_score
from musicpractice.alignment.compare import (
    BarComparison,
    BeatTime,
    ExtraNote,
    NoteComparison,
    ScoreComparison,
    compare_with_score,
)
from musicpractice.alignment.timemap import Alignment

__all__ = ["Alignment", "BarComparison", "BeatTime", "ExtraNote", "NoteComparison",
           "ScoreComparison", "align_takes", "align_to_score", "compare_with_score"]
