"""Errors raised while reading a score."""

from musicpractice.core.errors import MusicPracticeError


class ScoreFileError(MusicPracticeError):
    """A score file is missing, of an unsupported type, broken or empty."""
