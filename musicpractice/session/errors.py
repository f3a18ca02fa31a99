"""Errors of the session store, in words a musician understands."""

from musicpractice.core.errors import MusicPracticeError


class SessionError(MusicPracticeError):
    """A session folder cannot be created, opened or saved."""


class SessionLockedError(SessionError):
    """Another musicpractice process is writing to the session."""


class SessionNotWritableError(SessionError):
    """The session folder cannot be written (permissions, read-only disk)."""


class SessionReadOnlyError(SessionError):
    """A change was asked of a session (or take) opened read-only."""


class ArchiveError(SessionError):
    """A ``.mpsz`` file is not a valid, safe session archive."""
