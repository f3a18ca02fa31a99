"""The session's plain data: takes, comments, listener annotations, scores, alignments.

Everything here is a frozen dataclass of strings, numbers and tuples that converts to and
from the JSON of ``session.json`` / ``take.json`` (``to_json`` / ``from_json``).
``from_json`` validates each field and raises :class:`InvalidParameterError` (a
``ValueError``) naming the field; fields it does not know are kept in ``extra`` and
written back unchanged.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import PurePath

from musicpractice.core.errors import InvalidParameterError

ROLES = ("student", "teacher", "reference")
TAKE_STATUSES = ("recording", "complete", "recovered")
EMOTIONS = ("happiness", "sadness", "anger", "fear", "tenderness", "neutral")
"""Emotions of the cue model (Juslin & Laukka 2003), plus ``neutral``."""
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""Take and score ids are also folder/file names: no separators, no ``..``."""


def valid_id(value: str) -> bool:
    """Whether ``value`` is a safe take/score id."""
    return isinstance(value, str) and bool(ID_PATTERN.match(value)) and ".." not in value


def _text(doc: dict, key: str, default: str = "") -> str:
    value = doc.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidParameterError(f"field '{key}' must be text, not {type(value).__name__}")
    return value


def _number(doc: dict, key: str, default: float | None = 0.0, *, lo: float = -math.inf,
            hi: float = math.inf, integer: bool = False):
    value = doc.get(key, default)
    if value is None:
        if default is None:
            return None
        value = default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidParameterError(f"field '{key}' must be a number, not {value!r}")
    if integer and value != int(value):
        raise InvalidParameterError(f"field '{key}' must be a whole number, not {value!r}")
    if not lo <= value <= hi:
        raise InvalidParameterError(f"field '{key}' is {value!r}, outside {lo:g} to {hi:g}")
    return int(value) if integer else float(value)


def _choice(doc: dict, key: str, choices: tuple[str, ...], default: str) -> str:
    value = _text(doc, key, default) or default
    if value not in choices:
        raise InvalidParameterError(f"field '{key}' is {value!r}; expected one of {', '.join(choices)}")
    return value


def _items(doc: dict, key: str) -> list:
    value = doc.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidParameterError(f"field '{key}' must be a list")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidParameterError(f"item {i} of '{key}' must be an object")
    return value


def _extra(doc: dict, cls) -> dict:
    known = {f.name for f in fields(cls)}
    return {k: v for k, v in doc.items() if k not in known and k not in ("format", "schema_version")}



MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Comment:
    """A time-stamped comment on a take.

    Attributes
    ----------
    at_s : float
        Position in the take's audio, seconds.
    text : str
        The comment.
    author : str
        Who wrote it.
    created_at : str
        ISO 8601 UTC time it was written.
    """

    at_s: float
    text: str
    author: str = ""
    created_at: str = ""

    @classmethod
    def from_json(cls, doc: dict) -> "Comment":
        return cls(_number(doc, "at_s", lo=0.0), _text(doc, "text"), _text(doc, "author"),
                   _text(doc, "created_at"))


@dataclass(frozen=True)
class ListenerAnnotation:
    """A listener's impression of a take's character.

    Attributes
    ----------
    listener : str
        Who gave it.
    valence, arousal : float or None
        A point in the valence/arousal plane, each in [-1, 1]; ``None`` when not given.
    emotion : str
        One of :data:`EMOTIONS`, or "" when not given.
    at_s : float or None
        Position in the take (seconds) it refers to; ``None`` = the whole take.
    created_at : str
        ISO 8601 UTC time it was given.
    """

    listener: str
    valence: float | None = None
    arousal: float | None = None
    emotion: str = ""
    at_s: float | None = None
    created_at: str = ""

    def __post_init__(self) -> None:
        for name in ("valence", "arousal"):
            value = getattr(self, name)
            if value is not None and not -1.0 <= value <= 1.0:
                raise InvalidParameterError(f"field '{name}' is {value!r}, outside -1 to 1")
        if self.emotion and self.emotion not in EMOTIONS:
            raise InvalidParameterError(
                f"field 'emotion' is {self.emotion!r}; expected one of {', '.join(EMOTIONS)}")
        if (self.valence is None) != (self.arousal is None):
            raise InvalidParameterError("a valence/arousal point needs both 'valence' and 'arousal'")
        if self.valence is None and not self.emotion:
            raise InvalidParameterError("an annotation needs a valence/arousal point or an emotion")

    @classmethod
    def from_json(cls, doc: dict) -> "ListenerAnnotation":
        return cls(_text(doc, "listener"), _number(doc, "valence", None),
                   _number(doc, "arousal", None), _text(doc, "emotion"),
                   _number(doc, "at_s", None, lo=0.0), _text(doc, "created_at"))


@dataclass(frozen=True)
class Take:
    """One take: its audio's format and its musical description (``take.json``).

    Attributes
    ----------
    id : str
        Folder name under ``takes/``.
    title, performer, piece, notes : str
        Free text.
    role : str
        ``student``, ``teacher`` or ``reference``.
    date : str
        ISO date of the performance.
    status : str
        ``recording`` (unfinished), ``complete`` or ``recovered`` (after a crash).
    sample_rate_hz, channels, frames : int
        Format and length of ``audio.flac``.
    device : str
        Input device of a recording ("" for an imported file).
    source : str
        Name of the imported file ("" for a recording).
    started_at : str
        ISO 8601 UTC time recording started (or import time).
    dropouts : int
        Places where audio is missing (device overflows + blocks the disk lost).
    audio_sha256 : str
        Checksum of ``audio.flac``; derived results computed from other audio are stale.
    source_sha256 : str
        Checksum of the imported file's bytes ("" for a recording): finds analyses made
        of that file outside the session (batch runs).
    comments : tuple of Comment
    annotations : tuple of ListenerAnnotation
    extra : dict
        Fields this version does not know, kept as they were.
    """

    id: str
    title: str = ""
    performer: str = ""
    role: str = "student"
    date: str = ""
    piece: str = ""
    notes: str = ""
    status: str = "complete"
    sample_rate_hz: int = 0
    channels: int = 0
    frames: int = 0
    device: str = ""
    source: str = ""
    started_at: str = ""
    dropouts: int = 0
    audio_sha256: str = ""
    source_sha256: str = ""
    comments: tuple[Comment, ...] = ()
    annotations: tuple[ListenerAnnotation, ...] = ()
    extra: dict = field(default_factory=dict, hash=False)

    @property
    def display_name(self) -> str:
        """What to call the take: its title when someone gave it one; else the performer
        and the date ("Igoshina, 1 Mar 2025") rather than the file it was imported from."""
        named = self.title and self.title != PurePath(self.source).stem
        if named or not self.performer:
            return self.title or self.id
        try:
            year, month, day = (int(x) for x in (self.date or self.started_at)[:10].split("-"))
            return f"{self.performer}, {day} {MONTHS[month - 1]} {year}"
        except (ValueError, IndexError):
            return self.performer

    @property
    def duration_s(self) -> float:
        """Length of the audio in seconds (0 when unknown)."""
        return self.frames / self.sample_rate_hz if self.sample_rate_hz else 0.0

    @property
    def warnings(self) -> tuple[str, ...]:
        """Plain-language notes on the take's audio (dropouts, recovery, unfinished)."""
        notes = []
        if self.dropouts:
            notes.append(f"The recording has {self.dropouts} dropout(s): short gaps where the "
                         "computer missed audio; timing measured across them may be off.")
        if self.status == "recovered":
            notes.append("This take was recovered after the program stopped unexpectedly; "
                         "its last moment may be missing.")
        elif self.status == "recording":
            notes.append("This take was never finished.")
        return tuple(notes)

    @classmethod
    def from_json(cls, doc: dict, take_id: str) -> "Take":
        return cls(
            id=take_id, title=_text(doc, "title"), performer=_text(doc, "performer"),
            role=_choice(doc, "role", ROLES, "student"), date=_text(doc, "date"),
            piece=_text(doc, "piece"), notes=_text(doc, "notes"),
            status=_choice(doc, "status", TAKE_STATUSES, "complete"),
            sample_rate_hz=_number(doc, "sample_rate_hz", 0, lo=0, hi=1_000_000, integer=True),
            channels=_number(doc, "channels", 0, lo=0, hi=256, integer=True),
            frames=_number(doc, "frames", 0, lo=0, integer=True),
            device=_text(doc, "device"), source=_text(doc, "source"),
            started_at=_text(doc, "started_at"),
            dropouts=_number(doc, "dropouts", 0, lo=0, integer=True),
            audio_sha256=_text(doc, "audio_sha256"),
            source_sha256=_text(doc, "source_sha256"),
            comments=tuple(Comment.from_json(c) for c in _items(doc, "comments")),
            annotations=tuple(ListenerAnnotation.from_json(a) for a in _items(doc, "annotations")),
            extra=_extra(doc, cls),
        )

    def to_json(self) -> dict:
        doc = {k: v for k, v in asdict(self).items() if k not in ("id", "extra")}
        doc["comments"] = [asdict(c) for c in self.comments]
        doc["annotations"] = [asdict(a) for a in self.annotations]
        return {**self.extra, **doc}


@dataclass(frozen=True)
class ScoreRef:
    """A reference score copied into ``scores/``.

    Attributes
    ----------
    id : str
        Unique id; the file is ``scores/<id><ext>``.
    file : str
        Path relative to the session folder.
    title : str
        Display title.
    source : str
        Name of the imported file.
    """

    id: str
    file: str
    title: str = ""
    source: str = ""

    @classmethod
    def from_json(cls, doc: dict) -> "ScoreRef":
        ref = cls(_text(doc, "id"), _text(doc, "file"), _text(doc, "title"), _text(doc, "source"))
        if not valid_id(ref.id):
            raise InvalidParameterError(f"score id {ref.id!r} is not a valid id")
        parts = ref.file.split("/")
        if len(parts) != 2 or parts[0] != "scores" or parts[1] in ("", ".", "..") \
                or "\\" in ref.file:
            raise InvalidParameterError(f"score file {ref.file!r} is not inside scores/")
        return ref

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AlignmentRef:
    """An alignment of a take with a reference (another take or a score).

    The alignment itself is a derived result in the cache, under ``stage``,
    ``algo_version`` and ``params``; this record says that it exists and what it joins.

    Attributes
    ----------
    id : str
        Unique id.
    take_id : str
        The aligned take.
    reference_kind : str
        ``"take"`` or ``"score"``.
    reference_id : str
        Id of the reference take or score.
    stage, algo_version : str
        Cache key of the result.
    params : dict
        Parameters of the alignment.
    created_at : str
        ISO 8601 UTC time.
    """

    id: str
    take_id: str
    reference_kind: str
    reference_id: str
    stage: str
    algo_version: str
    params: dict = field(default_factory=dict, hash=False)
    created_at: str = ""

    @classmethod
    def from_json(cls, doc: dict) -> "AlignmentRef":
        params = doc.get("params", {})
        if not isinstance(params, dict):
            raise InvalidParameterError("field 'params' of an alignment must be an object")
        return cls(_text(doc, "id"), _text(doc, "take_id"),
                   _choice(doc, "reference_kind", ("take", "score"), "take"),
                   _text(doc, "reference_id"), _text(doc, "stage"), _text(doc, "algo_version"),
                   params, _text(doc, "created_at"))

    def to_json(self) -> dict:
        return asdict(self)
