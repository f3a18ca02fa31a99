"""The window's session lifecycle: creating and opening sessions (read-only, with a
message, when another program has one), the demo copy, saving, closing, and the
recent-sessions list kept in QSettings. The window connects its widgets to
:attr:`SessionController.opened` and :attr:`SessionController.closed`; it stops its own
recording and jobs before it asks the controller to close.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Signal

from musicpractice.core.errors import MusicPracticeError
from musicpractice.core.resources import resource_path
from musicpractice.session.store import SESSION_SUFFIX, Session

DEMO_SESSION = resource_path("demo", "Demo.mpsession")
MAX_RECENT = 8


class SessionController(QObject):
    """Owns the open session (at most one).

    Signals
    -------
    opened(Session)
        A session is now open (it is :attr:`session`).
    closed()
        The session was closed; :attr:`session` is None.
    """

    opened = Signal(object)
    closed = Signal()

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session: Session | None = None

    # -- where sessions live -------------------------------------------------------
    @staticmethod
    def music_folder() -> Path:
        """Where new sessions go by default (``~/Music/musicpractice``)."""
        music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
        return Path(music or Path.home()) / "musicpractice"

    @staticmethod
    def next_practice_path(folder: Path) -> Path:
        """``folder/Practice N.mpsession`` with the first N not taken."""
        index = 1
        while (folder / f"Practice {index}{SESSION_SUFFIX}").exists():
            index += 1
        return folder / f"Practice {index}{SESSION_SUFFIX}"

    @staticmethod
    def unpack_path(archive: Path, folder: Path) -> Path:
        """Where a shared ``.mpsz`` session is unpacked: ``folder/NAME.mpsession``, or
        ``NAME 2``, ``NAME 3``… when taken."""
        target, index = folder / f"{archive.stem}{SESSION_SUFFIX}", 2
        while target.exists():
            target, index = folder / f"{archive.stem} {index}{SESSION_SUFFIX}", index + 1
        return target

    @staticmethod
    def demo_copy() -> Path:
        """A copy of the bundled demo session in the application's data folder (made on
        first use; the copy keeps the user's changes)."""
        data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        target = Path(data or Path.home() / ".musicpractice") / "Demo.mpsession"
        if not target.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(DEMO_SESSION, target, ignore=shutil.ignore_patterns(".lock"))
        return target

    # -- recent sessions -----------------------------------------------------------
    def recent_sessions(self) -> list[str]:
        """Recent session folders, newest first."""
        value = self.settings.value("recent_sessions", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _remember(self, path: str) -> None:
        recent = [path] + [p for p in self.recent_sessions() if p != path]
        self.settings.setValue("recent_sessions", recent[:MAX_RECENT])
        self.settings.setValue("last_session", path)

    # -- lifecycle -------------------------------------------------------------------
    def create(self, path: str | Path) -> Session:
        """Create a session folder and make it the open session (close the old one first).

        Raises
        ------
        MusicPracticeError
            The folder cannot be created (exists, no permission...).
        """
        return self._opened(Session.create(path))

    def open(self, path: str | Path) -> Session:
        """Open a session folder; read-only, with the reason first in its ``problems``,
        when it cannot be opened for writing (another musicpractice has it).

        Raises
        ------
        MusicPracticeError
            It cannot be opened even read-only (the first error is raised).
        """
        try:
            session = Session.open(path)
        except MusicPracticeError as error:
            try:
                session = Session.open(path, read_only=True)
            except MusicPracticeError:
                raise error from None
            session.problems.insert(0, f"{error} It is open read-only.")
        return self._opened(session)

    def _opened(self, session: Session) -> Session:
        self.session = session
        self._remember(str(session.path))
        self.opened.emit(session)
        return session

    def save(self) -> bool:
        """Write the session file; False when there is nothing to write (no session, or
        read-only). Raises MusicPracticeError when the write fails."""
        if self.session is None or self.session.read_only:
            return False
        self.session.save()
        return True

    def close(self) -> None:
        """Close the open session (its lock is released) and tell the window."""
        if self.session is None:
            return
        session, self.session = self.session, None
        session.close()
        self.closed.emit()
