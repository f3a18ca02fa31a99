"""What takes are compared with: the session's scores and takes as references, the
session's score read once, and opening a session to cache results."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from musicpractice.core.errors import InvalidParameterError
from musicpractice.score import Score, load_score
from musicpractice.session.errors import SessionLockedError, SessionNotWritableError
from musicpractice.session.model import ScoreRef
from musicpractice.session.store import Session


@dataclass(frozen=True)
class Reference:
    """What takes are compared with: a score or a take of the session.

    Attributes
    ----------
    kind : str
        ``"score"`` or ``"take"``.
    id : str
        The score's or take's id.
    title : str
        How to name it to a person.
    """

    kind: str
    id: str
    title: str


def open_for_results(path) -> Session:
    """Open a session to read it and cache results; read-only (nothing cached) when
    another musicpractice is writing to it. See :attr:`Session.problems` for notes."""
    try:
        return Session.open(path)
    except SessionLockedError:
        session = Session.open(path, read_only=True)
        session.problems.append("The session is open in another musicpractice; results "
                                "are computed but not saved in it.")
        return session
    except SessionNotWritableError as error:
        session = Session.open(path, read_only=True)
        session.problems.append(f"{error} Results are computed but not saved in it.")
        return session


def _match(text: str, items: list[tuple[str, str]], what: str) -> str | None:
    """The id among ``items`` (id, title) that ``text`` names: the id itself, else the one
    id starting with ``text``, else the one title equal to it (case ignored), else the one
    title starting with it. ``None`` when nothing matches.

    Raises
    ------
    InvalidParameterError
        ``text`` names more than one of them.
    """
    wanted = text.strip().casefold()
    for by in (lambda i, t: i == text,
               lambda i, t: i.startswith(text),
               lambda i, t: t.casefold() == wanted,
               lambda i, t: t.casefold().startswith(wanted)):
        found = [i for i, t in items if wanted and by(i, t)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(f"{i} ({t})" if t else i for i, t in items if i in found)
            raise InvalidParameterError(f"{text!r} names more than one {what}: {names}. "
                                        "Give more of the id or the title.")
    return None


def resolve_take_id(session: Session, text: str) -> str:
    """The id of the take ``text`` names: its id, a unique start of it, or its title.

    Raises
    ------
    InvalidParameterError
        No take, or more than one, matches.
    """
    found = _match(text, [(t.id, t.title) for t in session.takes], "take")
    if found is None:
        known = [f"{t.id} ({t.title})" if t.title else t.id for t in session.takes]
        raise InvalidParameterError(
            f"This session has no take {text!r}"
            + (f" (it has: {', '.join(known)})." if known else "; it has no takes."))
    return found


def find_reference(session: Session, ref_id: str) -> Reference:
    """The score or take that ``ref_id`` names: an id, a unique start of one, or a title
    (scores first).

    Raises
    ------
    InvalidParameterError
        Neither a score nor a take of the session matches, or several do.
    """
    score_id = _match(ref_id, [(s.id, s.title) for s in session.scores], "score")
    if score_id is not None:
        score = score_ref(session, score_id)
        return Reference("score", score.id, score.title or score.id)
    take_id = _match(ref_id, [(t.id, t.title) for t in session.takes], "take")
    if take_id is not None:
        take = session.take(take_id)
        return Reference("take", take.id, take.display_name)
    known = [s.id for s in session.scores] + [t.id for t in session.takes]
    raise InvalidParameterError(
        f"This session has no score or take {ref_id!r}"
        + (f" (it has: {', '.join(known)})." if known else "; it is empty."))


def score_ref(session: Session, score_id: str) -> ScoreRef:
    """The session's record of score ``score_id`` (raises InvalidParameterError if none)."""
    for score in session.scores:
        if score.id == score_id:
            return score
    raise InvalidParameterError(f"This session has no score {score_id!r}.")


def session_score(session: Session, score_id: str) -> Score:
    """The session's score ``score_id``, read through music21 (repeats expanded); kept in
    memory while its file is unchanged (reading a score takes about a second)."""
    path = session.path / score_ref(session, score_id).file
    try:
        stat = path.stat()
    except OSError:
        return load_score(path)  # raises ScoreFileError naming the missing file
    return _loaded_score(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _loaded_score(path: str, mtime_ns: int, size: int) -> Score:
    return load_score(path)
