"""What listeners heard: per-take annotations of the perceived character, versioned.

Each take keeps its annotations in ``takes/<id>/annotations.json`` (format
``musicpractice.annotations``, its own ``schema_version``), so they travel with the take
in a ``.mpsz`` export. An annotation is a listener's character (one of
:data:`CHARACTERS`), a point on the arousal/valence plane, or both, for the whole take
or one passage (seconds or bars), perceived (default) or felt. A listener who annotates
the same take and passage again makes a new *version*: the old one stays in the file
(nothing is lost) and the newest counts. The older ``annotations`` field of
``take.json`` is read as version-1 annotations of the whole take.

A listener sees the others' annotations of a take only after giving their own
(:func:`visible_to`), so nobody is swayed before they have listened.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from musicpractice.audio.atomic_file import write_json_atomic
from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.errors import SessionError, SessionReadOnlyError
from musicpractice.session.store import Session, utc_now

ANNOTATIONS_FILE = "annotations.json"
ANNOTATIONS_FORMAT = "musicpractice.annotations"
ANNOTATIONS_SCHEMA_VERSION = 1
CHARACTERS = ("happiness", "sadness", "tenderness", "anger", "fear")
"""The characters a listener can choose (Juslin & Laukka 2003's basic emotions)."""
MAX_NOTE_CHARS = 2000


@dataclass(frozen=True)
class Annotation:
    """One listener's impression of a take or passage.

    Attributes
    ----------
    id : str
        Unique id of this version.
    take_id : str
    listener : str
        Who listened (a name, not graded).
    character : str
        One of :data:`CHARACTERS`, or "" when only a point was given.
    arousal, valence : float or None
        The point on the plane, each in [-1, 1] (calm..energetic, negative..positive);
        ``None`` when only a character was given.
    from_s, to_s : float or None
        The passage in seconds; ``None`` for the whole take.
    bars : tuple of int or None
        The passage as first and last bar, when chosen by bars.
    felt : bool
        ``True`` for the emotion the listener felt, ``False`` (default) for what they
        heard the music express.
    note : str
        Free text.
    created_at : str
        ISO 8601 UTC time.
    version : int
        1 for the first annotation of this listener, take and passage, then 2, 3, ...
    """

    id: str
    take_id: str
    listener: str
    character: str = ""
    arousal: float | None = None
    valence: float | None = None
    from_s: float | None = None
    to_s: float | None = None
    bars: tuple[int, int] | None = None
    felt: bool = False
    note: str = ""
    created_at: str = ""
    version: int = 1

    @property
    def passage(self) -> tuple:
        """What the annotation is about: ``("take",)``, ``("bars", a, b)`` or ``("s", x, y)``."""
        if self.bars is not None:
            return ("bars", *self.bars)
        if self.from_s is not None:
            return ("s", round(self.from_s, 2), round(self.to_s, 2))
        return ("take",)

    @property
    def unit(self) -> tuple:
        """The rated item: take, passage and perceived/felt (what agreement compares over)."""
        return (self.take_id, self.passage, self.felt)

    def passage_label(self) -> str:
        """The passage in words: "whole take", "bars 3-8" or "12.0-20.5 s"."""
        kind = self.passage[0]
        if kind == "bars":
            return f"bars {self.bars[0]}-{self.bars[1]}"
        if kind == "s":
            return f"{self.from_s:.1f}-{self.to_s:.1f} s"
        return "whole take"

    def to_json(self) -> dict:
        doc = asdict(self)
        doc["bars"] = list(self.bars) if self.bars else None
        return doc


def _unit_value(name: str, value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not -1.0 <= value <= 1.0:
        raise InvalidParameterError(f"{name} must be a number from -1 to 1, not {value!r}.")
    return float(value)


def validated(annotation: Annotation, *, duration_s: float = math.inf) -> Annotation:
    """``annotation`` with its fields checked (a clear message for each bad one).

    Raises
    ------
    InvalidParameterError
    """
    a = annotation
    if not a.listener.strip():
        raise InvalidParameterError("Give the listener's name.")
    if a.character and a.character not in CHARACTERS:
        raise InvalidParameterError(
            f"Unknown character {a.character!r}; choose one of {', '.join(CHARACTERS)}.")
    arousal, valence = _unit_value("Arousal", a.arousal), _unit_value("Valence", a.valence)
    if (arousal is None) != (valence is None):
        raise InvalidParameterError("Give both arousal and valence (a point on the plane), or neither.")
    if not a.character and arousal is None:
        raise InvalidParameterError("An annotation needs a character or an arousal/valence point.")
    if (a.from_s is None) != (a.to_s is None):
        raise InvalidParameterError("A passage needs both its start and its end.")
    if a.from_s is not None:
        if not (math.isfinite(a.from_s) and math.isfinite(a.to_s) and 0 <= a.from_s < a.to_s):
            raise InvalidParameterError(
                f"The passage {a.from_s:g}-{a.to_s:g} s is not a range of the take.")
        if a.from_s >= duration_s:
            raise InvalidParameterError(
                f"The passage starts at {a.from_s:g} s, after the take's end ({duration_s:.1f} s).")
    if a.bars is not None:
        first, last = a.bars
        if not (isinstance(first, int) and isinstance(last, int) and 0 <= first <= last):
            raise InvalidParameterError(f"The bars {first}-{last} are not a range of bars.")
    if len(a.note) > MAX_NOTE_CHARS:
        raise InvalidParameterError(f"The note is longer than {MAX_NOTE_CHARS} characters.")
    return replace(a, listener=a.listener.strip(), arousal=arousal, valence=valence)


def parse_bars(text: str) -> tuple[int, int]:
    """``"3-8"`` (or ``"5"``) -> ``(3, 8)``; a clear message otherwise."""
    parts = text.strip().split("-")
    try:
        first, last = (int(parts[0]), int(parts[-1])) if len(parts) in (1, 2) else (None, None)
    except ValueError:
        first = last = None
    if first is None or first < 0 or last < first:
        raise InvalidParameterError(f"--bars {text!r} is not a bar range like 3-8.")
    return first, last


def _from_json(doc: dict, take_id: str) -> Annotation:
    bars = doc.get("bars")
    if bars is not None:
        if not (isinstance(bars, list) and len(bars) == 2):
            raise InvalidParameterError("field 'bars' must be [first, last]")
        bars = (bars[0], bars[1])
    version = doc.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidParameterError("field 'version' must be a whole number from 1")
    texts = {k: doc.get(k, "") or "" for k in ("id", "listener", "character", "note", "created_at")}
    if not all(isinstance(v, str) for v in texts.values()):
        raise InvalidParameterError("an annotation's id, listener, character, note and time must be text")
    numbers = {k: doc.get(k) for k in ("arousal", "valence", "from_s", "to_s")}
    for k, v in numbers.items():
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise InvalidParameterError(f"field '{k}' must be a number")
    return validated(Annotation(
        take_id=take_id, bars=bars, felt=bool(doc.get("felt", False)), version=version,
        **texts, **{k: (None if v is None else float(v)) for k, v in numbers.items()}))


def _legacy(session: Session, take_id: str) -> list[Annotation]:
    """The older ``take.json`` annotations, as version-1 annotations of the whole take."""
    out = []
    for i, old in enumerate(session.take(take_id).annotations):
        character = old.emotion if old.emotion in CHARACTERS else ""
        if not character and old.valence is None:
            continue  # "neutral" alone has no place among the characters
        out.append(Annotation(f"legacy-{i}", take_id, old.listener, character, old.arousal,
                              old.valence, created_at=old.created_at))
    return out


def _path(session: Session, take_id: str) -> Path:
    return session.take_folder(take_id) / ANNOTATIONS_FILE


def load_annotations(session: Session, take_id: str) -> tuple[Annotation, ...]:
    """Every version of every annotation of a take, oldest first.

    Raises
    ------
    SessionError
        The take's annotations file is damaged or from a newer version (it is left as it is).
    """
    path = _path(session, take_id)
    found = _legacy(session, take_id)
    if not path.exists():
        return tuple(found)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != ANNOTATIONS_FORMAT:
            raise ValueError("not an annotations file")
        if doc.get("schema_version", 0) > ANNOTATIONS_SCHEMA_VERSION:
            raise SessionError(f"The annotations of take {take_id} were written by a newer "
                               "musicpractice; update it to read or change them.")
        items = doc.get("annotations", [])
        if not isinstance(items, list):
            raise ValueError("'annotations' is not a list")
        found += [_from_json(item, take_id) for item in items]
    except (OSError, ValueError) as error:
        raise SessionError(f"The annotations of take {take_id} cannot be read ({error}); "
                           "the file is left as it is.") from error
    return tuple(found)


def add_annotation(session: Session, annotation: Annotation) -> Annotation:
    """Validate ``annotation``, give it the next version for its listener and passage,
    and append it to the take's annotations file (atomically).

    Raises
    ------
    InvalidParameterError
        A bad field, or an unknown take.
    SessionReadOnlyError
        The session is open read-only.
    SessionError
        The file cannot be read or written (the previous file is intact).
    """
    if session.read_only:
        raise SessionReadOnlyError(f"The session {session.path.name} is open read-only.")
    take = session.take(annotation.take_id)
    annotation = validated(annotation, duration_s=take.duration_s or math.inf)
    existing = load_annotations(session, take.id)
    same = [a for a in existing if a.listener == annotation.listener and a.unit == annotation.unit]
    annotation = replace(annotation, id=uuid.uuid4().hex[:12], created_at=utc_now(),
                         version=1 + max((a.version for a in same), default=0))
    stored = [a.to_json() for a in existing if not a.id.startswith("legacy-")]
    doc = {"format": ANNOTATIONS_FORMAT, "schema_version": ANNOTATIONS_SCHEMA_VERSION,
           "annotations": [*stored, annotation.to_json()]}
    try:
        write_json_atomic(_path(session, take.id), doc)
    except OSError as error:
        raise SessionError(f"The annotation could not be saved ({error.strerror}); the earlier "
                           "annotations are intact.") from error
    return annotation


def current(annotations) -> list[Annotation]:
    """The newest version per listener and rated item, in the order first given."""
    latest: dict[tuple, Annotation] = {}
    for a in annotations:
        key = (a.listener, a.unit)
        if key not in latest or a.version >= latest[key].version:
            latest[key] = a
    return list(latest.values())


def session_annotations(session: Session) -> list[Annotation]:
    """The current annotations of every take of the session."""
    out: list[Annotation] = []
    for take in session.takes:
        out += current(load_annotations(session, take.id))
    return out


def visible_to(annotations, viewer: str, take_id: str) -> list[Annotation]:
    """What ``viewer`` may see of a take: their own annotations, and the others' only
    once they have given one of their own for that take."""
    mine = [a for a in annotations if a.take_id == take_id and a.listener == viewer]
    if not mine:
        return []
    return [a for a in annotations if a.take_id == take_id]


def annotation_count(session: Session, take_id: str) -> int | None:
    """How many current annotations a take has (``None`` when its file cannot be read)."""
    try:
        return len(current(load_annotations(session, take_id)))
    except SessionError:
        return None
