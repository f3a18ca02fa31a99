"""Reference scores: loading through music21 into a plain score model."""

from musicpractice.score.errors import ScoreFileError
from musicpractice.score.load import load_score
from musicpractice.score.model import KeySignature, Measure, Score, ScoreNote, TempoMark

__all__ = ["KeySignature", "Measure", "Score", "ScoreFileError", "ScoreNote", "TempoMark",
           "load_score"]
