"""Errors a musician can read.

Every failure the program anticipates raises a subclass of :class:`MusicPracticeError`
whose message is one plain sentence naming the file or device and what to do about it.
The command line prints that message and exits with status 2; the GUI shows it in a
dialog. Anything else is a bug.
"""


class MusicPracticeError(Exception):
    """Base class of every anticipated, user-facing error."""


class AudioFileError(MusicPracticeError):
    """An audio file is missing, unreadable, of an unsupported type, corrupt or empty."""


class InvalidParameterError(MusicPracticeError, ValueError):
    """A parameter is out of its documented range (e.g. fmin above fmax)."""


class AudioTooShortError(AudioFileError, InvalidParameterError):
    """An audio file, or a signal handed to an analysis, is shorter than the analysis
    needs (empty included)."""


class Cancelled(MusicPracticeError):
    """The user cancelled a long-running job."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)
