"""A session folder on disk (see DESIGN.md, "Session on disk").

::

    Name.mpsession/
      session.json               title, take order, scores, alignments
      takes/<id>/take.json       one take's metadata (:class:`~musicpractice.session.model.Take`)
      takes/<id>/audio.flac      its audio
      scores/<id>.<ext>          imported scores
      derived/<take>/...         cached analysis results (:mod:`musicpractice.session.cache`)
      .lock                      held by the one process that may write

Opening never fails because of one bad part: a damaged or hand-edited ``session.json``,
a damaged ``take.json``, missing audio or unknown fields each become a plain sentence in
:attr:`Session.problems`; what can be read is shown. A damaged document is never written
back (the session, or that take, is read-only), so a failed load cannot destroy what a
person could still repair by hand. A file from a newer musicpractice opens read-only.

Takes left ``recording`` by a crash are finalised from their capture when the session is
opened for writing, and marked ``recovered``; temporaries a killed process left behind are
removed then (:mod:`~musicpractice.session.cleanup`).

Nothing under the folder is read, written or deleted through a link that leads outside it
(:mod:`~musicpractice.session.paths`): such a session opens read-only, naming the links.
The work is shared with mixins: :mod:`~musicpractice.session.loading`,
:mod:`~musicpractice.session.recovery`, :mod:`~musicpractice.session.importing`,
:mod:`~musicpractice.session.results`.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

from musicpractice.audio.atomic_file import write_json_atomic
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn
from musicpractice.session.cache import AudioFingerprints, DerivedCache
from musicpractice.session.documents import (  # noqa: F401  (names importers use)
    AUDIO_FILE, MAX_DOCUMENT_BYTES, SCORE_EXTENSIONS, SESSION_FILE, SESSION_SUFFIX, TAKE_FILE,
    new_id, read_document, session_folder, utc_now)
from musicpractice.session.errors import SessionError, SessionReadOnlyError
from musicpractice.session.lock import SessionLock, is_locked
from musicpractice.session.migrations import (
    SCHEMA_VERSION, SESSION_FORMAT, TAKE_FORMAT)
from musicpractice.session.model import (
    AlignmentRef, Comment, ListenerAnnotation, ScoreRef, Take)
from musicpractice.session.cleanup import remove_stale_temporaries
from musicpractice.session.loading import SessionLoading
from musicpractice.session.importing import SessionFiles
from musicpractice.session.paths import describe_links, inside, outside_links
from musicpractice.session.recovery import SessionRecovery
from musicpractice.session.results import SessionResults


class Session(SessionLoading, SessionRecovery, SessionFiles, SessionResults):
    """An open session. Create with :meth:`create` or :meth:`open`; :meth:`close` when done.

    Attributes
    ----------
    path : pathlib.Path
        The session folder.
    read_only : bool
        Changes raise :class:`SessionReadOnlyError`; nothing is written.
    problems : list of str
        What was wrong when opening (plain sentences), and what was recovered.
    title, created_at : str
    scores : tuple of ScoreRef
    alignments : tuple of AlignmentRef
    cache : DerivedCache
        Derived results; prefer :meth:`cache_get` / :meth:`cache_put`.
    """

    def __init__(self, path: Path, *, read_only: bool, lock: SessionLock | None) -> None:
        self.path = path
        self.read_only = read_only
        self.problems: list[str] = []
        self.title = ""
        self.created_at = ""
        self.scores: tuple[ScoreRef, ...] = ()
        self.alignments: tuple[AlignmentRef, ...] = ()
        self.extra: dict = {}
        self.cache = DerivedCache(path / "derived", read_only=read_only)
        self._takes: dict[str, Take] = {}
        self._damaged_takes: set[str] = set()
        self._migrated_from = SCHEMA_VERSION
        self._lock = lock
        self._busy = False
        self._fingerprints = AudioFingerprints(path / "derived")
        self._read_only_because = ""
        self.recovered_ids: tuple[str, ...] = ()
        """Takes recovered from an interrupted recording while this session was opened."""

    # -- creating and opening --------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike, *, title: str = "") -> "Session":
        """Make a new, empty session folder (``.mpsession`` is added to a bare name).

        Raises
        ------
        SessionError
            The folder exists and is not empty, or cannot be created.
        """
        path = Path(path)
        if not path.suffix and path.name:
            path = path.with_name(path.name + SESSION_SUFFIX)
        if path.is_symlink() or (path.exists() and (not path.is_dir() or any(path.iterdir()))):
            raise SessionError(f"{path} already exists; choose a new name for the session.")
        made = not path.exists()
        session = None
        try:
            for sub in ("takes", "scores", "derived"):
                (path / sub).mkdir(parents=True, exist_ok=True)
            session = cls(path, read_only=False, lock=SessionLock(path))
            session.title = title or path.stem
            session.created_at = utc_now()
            session.save()
        except (OSError, SessionError) as error:
            if session is not None:
                session.close()
            shutil.rmtree(path, ignore_errors=True) if made else None
            if isinstance(error, SessionError):
                raise SessionError(f"The session {path} could not be created: {error}") from error
            raise SessionError(f"The session folder {path} cannot be created "
                               f"({error.strerror}).") from error
        return session

    @classmethod
    def open_or_create(cls, path: str | os.PathLike, *, title: str = "") -> "Session":
        """Open the session at ``path`` for changes, creating it if there is none."""
        folder = session_folder(path)
        return cls.open(folder) if folder.exists() else cls.create(folder, title=title)

    @classmethod
    def open(cls, path: str | os.PathLike, *, read_only: bool = False,
             progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> "Session":
        """Open a session folder; see the module notes for what happens to damaged parts.

        Parameters
        ----------
        path : path-like
            The ``.mpsession`` folder (the suffix may be left out), or its ``session.json``.
        read_only : bool
            Do not take the write lock; never write anything.
        progress, cancel
            Reported while interrupted recordings are recovered.

        Raises
        ------
        SessionError
            Not a session folder.
        SessionLockedError
            Another process is writing to it.
        """
        path = session_folder(path)
        if not path.is_dir():
            raise SessionError(f"No session found at {path}.")
        if not (path / SESSION_FILE).exists() and not (path / "takes").is_dir():
            raise SessionError(f"{path} is not a musicpractice session (it has no {SESSION_FILE}).")
        lock = None if read_only else SessionLock(path)
        session = cls(path, read_only=read_only, lock=lock)
        session._busy = read_only and is_locked(path)
        try:
            links = outside_links(path)
            if links:
                session._make_read_only(
                    f"The session holds links that lead outside its folder: "
                    f"{describe_links(links)}. Nothing is read or written through them, and "
                    "the session opens read-only; remove the links to change it.")
            if not session.read_only:
                for removed in remove_stale_temporaries(path):
                    session.problems.append(f"A temporary file left by an interrupted save "
                                            f"was removed ({removed}).")
            session._load()
            if not session.read_only:
                session._recover(progress=progress, cancel=cancel)
        except BaseException:
            session.close()
            raise
        return session

    def _make_read_only(self, problem: str) -> None:
        self.problems.append(problem)
        self._read_only_because = self._read_only_because or problem
        self.read_only = True
        self.cache.read_only = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # -- reading ---------------------------------------------------------------------
    @property
    def takes(self) -> tuple[Take, ...]:
        """All takes, in the session's order."""
        return tuple(self._takes.values())

    def take(self, take_id: str) -> Take:
        """The take ``take_id``; :class:`InvalidParameterError` if there is none."""
        try:
            return self._takes[take_id]
        except KeyError:
            raise InvalidParameterError(f"This session has no take {take_id!r}.") from None

    def take_folder(self, take_id: str) -> Path:
        """Folder of a take.

        Raises
        ------
        SessionLinkError
            It is (or leads through) a link out of the session folder.
        """
        return inside(self.path, self.path / "takes" / self.take(take_id).id)

    def audio_path(self, take_id: str) -> Path:
        """The take's ``audio.flac`` (which may be missing; see :attr:`problems`).

        Raises
        ------
        SessionLinkError
            It is (or leads through) a link out of the session folder.
        """
        return inside(self.path, self.take_folder(take_id) / AUDIO_FILE)

    def score_path(self, score_id: str) -> Path:
        """The file of the session's score ``score_id`` (checked like :meth:`audio_path`)."""
        for score in self.scores:
            if score.id == score_id:
                return inside(self.path, self.path / score.file)
        raise InvalidParameterError(f"This session has no score {score_id!r}.")

    # -- writing ---------------------------------------------------------------------
    def _writable(self, take_id: str | None = None) -> None:
        if self.read_only:
            raise SessionReadOnlyError(f"The session {self.path.name} is open read-only"
                                       + (f": {self._read_only_because[:1].lower()}"
                                          f"{self._read_only_because[1:]}"
                                          if self._read_only_because else "."))
        if take_id is not None and take_id in self._damaged_takes:
            raise SessionReadOnlyError(
                f"The take {take_id} could not be read safely, so it is not changed.")

    def save(self) -> None:
        """Write ``session.json`` atomically (take changes are written as they happen).

        Raises
        ------
        SessionReadOnlyError
            The session is read-only.
        SessionError
            The disk refused (full, no permission); the previous file is intact.
        """
        self._writable()
        target = self.path / SESSION_FILE
        if self._migrated_from < SCHEMA_VERSION and target.exists():
            shutil.copy2(target, target.with_name(f"{SESSION_FILE}.v{self._migrated_from}.bak"))
            self._migrated_from = SCHEMA_VERSION
        doc = {**self.extra, "format": SESSION_FORMAT, "schema_version": SCHEMA_VERSION,
               "title": self.title, "created_at": self.created_at, "modified_at": utc_now(),
               "take_order": list(self._takes),
               "scores": [s.to_json() for s in self.scores],
               "alignments": [a.to_json() for a in self.alignments]}
        try:
            write_json_atomic(target, doc)
        except OSError as error:
            raise SessionError(f"The session could not be saved ({error.strerror}); the last "
                               "saved version is intact.") from error

    def _write_take(self, take: Take) -> None:
        folder = self.path / "takes" / take.id
        doc = {"format": TAKE_FORMAT, "schema_version": SCHEMA_VERSION, **take.to_json()}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_json_atomic(folder / TAKE_FILE, doc)
        except OSError as error:
            raise SessionError(f"The take '{take.title or take.id}' could not be saved "
                               f"({error.strerror}).") from error
        self._takes[take.id] = take

    def update_take(self, take_id: str, **changes) -> Take:
        """Change a take's description (title, performer, role, date, piece, notes...).

        Raises
        ------
        InvalidParameterError
            Unknown take, a field that cannot be changed, or an invalid value.
        SessionReadOnlyError
            Read-only session or damaged take.
        """
        self._writable(take_id)
        editable = {"title", "performer", "role", "date", "piece", "notes"}
        unknown = set(changes) - editable
        if unknown:
            raise InvalidParameterError(
                f"Cannot change {', '.join(sorted(unknown))}; editable: {', '.join(sorted(editable))}.")
        take = replace(self.take(take_id), **changes)
        Take.from_json(take.to_json(), take.id)
        self._write_take(take)
        return take

    def set_practice_link(self, take_id: str, link: dict) -> Take:
        """Link a sung-along take to what it was sung against: ``take.json`` field
        ``"practice"`` (score id, part, tempo, bars, transposition, attempt, latency)."""
        self._writable(take_id)
        take = replace(self.take(take_id), extra={**self.take(take_id).extra,
                                                  "practice": dict(link)})
        self._write_take(take)
        return take

    def add_comment(self, take_id: str, *, at_s: float, text: str, author: str = "") -> Comment:
        """Add a time-stamped comment (``at_s`` seconds into the take)."""
        self._writable(take_id)
        comment = Comment.from_json({"at_s": at_s, "text": text, "author": author,
                                     "created_at": utc_now()})
        take = self.take(take_id)
        self._write_take(replace(take, comments=take.comments + (comment,)))
        return comment

    def add_annotation(self, take_id: str, *, listener: str, valence: float | None = None,
                       arousal: float | None = None, emotion: str = "",
                       at_s: float | None = None) -> ListenerAnnotation:
        """Record a listener's perceived character of the take (see ListenerAnnotation)."""
        self._writable(take_id)
        annotation = ListenerAnnotation.from_json({
            "listener": listener, "valence": valence, "arousal": arousal, "emotion": emotion,
            "at_s": at_s, "created_at": utc_now()})
        take = self.take(take_id)
        self._write_take(replace(take, annotations=take.annotations + (annotation,)))
        return annotation

    def add_alignment(self, alignment: AlignmentRef) -> None:
        """Record that an alignment result exists in the cache (replaces one with its id)."""
        self._writable()
        self.take(alignment.take_id)
        self.alignments = tuple(a for a in self.alignments if a.id != alignment.id) + (alignment,)
        self.save()

    # -- closing ---------------------------------------------------------------------
    def close(self) -> None:
        """Release the write lock (idempotent). Changes are already on disk."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

