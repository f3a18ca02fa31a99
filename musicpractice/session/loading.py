"""Reading a session folder into a :class:`~musicpractice.session.store.Session`: its
``session.json`` and every take's ``take.json``; each damaged part becomes a sentence in
``problems`` (see the notes of :mod:`musicpractice.session.store`). Nothing is read through
a link that leaves the session folder."""

from __future__ import annotations

import shutil

from musicpractice.audio.capture import has_capture
from musicpractice.session.documents import (
    AUDIO_FILE, SESSION_FILE, TAKE_FILE, read_document)
from musicpractice.session.migrations import (
    SCHEMA_VERSION, SESSION_FORMAT, TAKE_FORMAT, NewerSchema)
from musicpractice.session.model import AlignmentRef, ScoreRef, Take, valid_id
from musicpractice.session.paths import leaves_folder


class SessionLoading:
    """The loading half of :class:`~musicpractice.session.store.Session` (a mixin)."""

    def _load(self) -> None:
        order: list[str] = []
        try:
            doc, self._migrated_from = read_document(self.path / SESSION_FILE, SESSION_FORMAT)
            order = self._load_session_fields(doc)
        except FileNotFoundError:
            self._make_read_only(f"{SESSION_FILE} is missing; the takes found are shown, "
                                 "read-only.")
        except NewerSchema as newer:
            self._make_read_only(
                f"This session was saved by a newer musicpractice (format version {newer}, "
                f"this one reads up to {SCHEMA_VERSION}); it opens read-only. Update "
                "musicpractice to change it.")
        except (ValueError, OSError, OverflowError, TypeError) as error:
            self._make_read_only(f"{SESSION_FILE} is damaged: {error}. The takes found are "
                                 "shown; the session opens read-only so nothing is overwritten.")
        self._load_takes(order)

    def _load_session_fields(self, doc: dict) -> list[str]:
        known = {"format", "schema_version", "title", "created_at", "modified_at",
                 "take_order", "scores", "alignments"}
        self.extra = {k: v for k, v in doc.items() if k not in known}
        for key in self.extra:
            self.problems.append(f"{SESSION_FILE} has a field this version does not know, "
                                 f"'{key}'; it is kept as it is.")
        for key in ("title", "created_at"):
            if not isinstance(doc.get(key, ""), str):
                raise ValueError(f"field '{key}' must be text")
        self.title, self.created_at = doc.get("title", ""), doc.get("created_at", "")
        order = doc.get("take_order", [])
        if not isinstance(order, list) or not all(isinstance(i, str) for i in order):
            raise ValueError("field 'take_order' must be a list of take ids")
        for key, cls, target in (("scores", ScoreRef, "scores"),
                                 ("alignments", AlignmentRef, "alignments")):
            items = doc.get(key, [])
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise ValueError(f"field '{key}' must be a list of objects")
            parsed = []
            for item in items:
                try:
                    parsed.append(cls.from_json(item))
                except ValueError as error:
                    raise ValueError(f"an entry of '{key}': {error}") from error
            setattr(self, target, tuple(parsed))
        self.scores = tuple(s for s in self.scores
                            if not leaves_folder(self.path, self.path / s.file))
        for score in self.scores:
            if not (self.path / score.file).is_file():
                self.problems.append(f"The score '{score.title or score.id}' is missing "
                                     f"({score.file}).")
        if self._migrated_from < SCHEMA_VERSION:
            self.problems.append(f"{SESSION_FILE} was in format version {self._migrated_from}; "
                                 f"it will be saved in version {SCHEMA_VERSION} (the old file "
                                 "is kept as a backup).")
        return order

    def _load_takes(self, order: list[str]) -> None:
        folder = self.path / "takes"
        if leaves_folder(self.path, folder):
            return
        found = sorted(p.name for p in folder.iterdir()
                       if p.is_dir() and not leaves_folder(self.path, p)) \
            if folder.is_dir() else []
        for take_id in order:
            if take_id not in found:
                self.problems.append(f"Take {take_id} is listed in {SESSION_FILE} but its "
                                     "folder is missing.")
        for take_id in [i for i in order if i in found] + [i for i in found if i not in order]:
            if take_id in self._takes:
                continue
            if not valid_id(take_id):
                self.problems.append(f"The folder takes/{take_id} has a name that is not a "
                                     "take id; it is ignored.")
                continue
            self._load_take(take_id)

    def _load_take(self, take_id: str) -> None:
        where = f"takes/{take_id}/{TAKE_FILE}"
        folder = self.path / "takes" / take_id
        if any(leaves_folder(self.path, folder / name) for name in (TAKE_FILE, AUDIO_FILE)):
            return
        try:
            doc, version = read_document(folder / TAKE_FILE, TAKE_FORMAT)
            take = Take.from_json(doc, take_id)
        except FileNotFoundError:
            self.problems.append(f"takes/{take_id} has no {TAKE_FILE}; it is ignored.")
            return
        except NewerSchema as newer:
            self.problems.append(f"{where} was saved by a newer musicpractice (format "
                                 f"version {newer}); that take is read-only.")
            take = Take(take_id, title=f"(take {take_id}, newer format)")
            self._damaged_takes.add(take_id)
        except (ValueError, OSError, OverflowError, TypeError) as error:
            self.problems.append(f"{where} is damaged: {error}. The take is shown read-only.")
            take = Take(take_id, title=f"(damaged take {take_id})")
            self._damaged_takes.add(take_id)
        else:
            for key in take.extra:
                self.problems.append(f"{where} has a field this version does not know, "
                                     f"'{key}'; it is kept as it is.")
            if version < SCHEMA_VERSION and not self.read_only:
                self._rewrite_migrated_take(take, migrated_from=version)
        if take.status == "recording" and self._busy:
            self.problems.append(f"The take '{take.title or take_id}' is being recorded by "
                                 "another musicpractice.")
        elif take.status == "recording" and self.read_only:
            self.problems.append(f"The take '{take.title or take_id}' was interrupted while "
                                 "recording; open the session for changes to recover it.")
        elif (take.status == "recording" and not has_capture(folder)
              and not (folder / AUDIO_FILE).is_file()):
            self.problems.append(f"The take '{take.title or take_id}' was interrupted before "
                                 "any audio was saved.")
        if take.status != "recording" and not (folder / AUDIO_FILE).is_file():
            self.problems.append(f"The audio of take '{take.title or take_id}' is missing "
                                 f"(takes/{take_id}/{AUDIO_FILE}).")
        self._takes[take_id] = take

    def _rewrite_migrated_take(self, take: Take, *, migrated_from: int) -> None:
        path = self.path / "takes" / take.id / TAKE_FILE
        shutil.copy2(path, path.with_name(f"{TAKE_FILE}.v{migrated_from}.bak"))
        self._write_take(take)
