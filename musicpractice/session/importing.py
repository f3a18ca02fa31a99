"""Copying audio and scores into a session, and deleting takes: the file-handling part of
:class:`~musicpractice.session.store.Session` (a mixin). Every path is checked to stay
inside the session folder; a refusing disk leaves nothing half-added."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

from musicpractice.audio.flac_copy import copy_as_flac, file_sha256
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.file_kinds import file_kind, is_regular_file
from musicpractice.core.progress import CancelToken, ProgressFn
from musicpractice.session.documents import AUDIO_FILE, SCORE_EXTENSIONS, new_id, utc_now
from musicpractice.session.errors import SessionError
from musicpractice.session.model import ScoreRef, Take
from musicpractice.session.paths import inside


class SessionFiles:
    """Importing and deleting (see :class:`~musicpractice.session.store.Session`)."""

    def remove_take(self, take_id: str) -> None:
        """Delete a take, its audio and its derived results."""
        self._writable(take_id)
        folder = self.take_folder(take_id)
        inside(self.path, self.cache.root / take_id)
        self.cache.clear(take_id)
        try:
            shutil.rmtree(folder)
        except OSError as error:
            raise SessionError(f"The take {take_id} could not be deleted "
                               f"({error.strerror}).") from error
        del self._takes[take_id]
        self.alignments = tuple(a for a in self.alignments
                                if take_id not in (a.take_id, a.reference_id))
        self.save()

    def import_audio(self, source: str | os.PathLike, *, title: str = "", performer: str = "",
                     role: str = "student", date: str = "", piece: str = "", notes: str = "",
                     progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> Take:
        """Copy an audio file into the session as a new take (FLAC, all channels, native rate).

        Raises
        ------
        AudioFileError
            The file is missing, not audio, damaged or empty.
        RecordingStorageError
            The copy cannot be written.
        """
        self._writable()
        source = Path(source)
        take = Take.from_json({"title": title or source.stem, "performer": performer,
                               "role": role, "date": date, "piece": piece, "notes": notes},
                              new_id())
        folder = inside(self.path, self.path / "takes" / take.id)
        try:
            folder.mkdir(parents=True)
        except OSError as error:
            raise SessionError(f"{source.name} could not be imported: the take folder cannot "
                               f"be made ({error.strerror}).") from error
        try:
            info = copy_as_flac(source, folder / AUDIO_FILE, progress=progress, cancel=cancel)
            take = replace(take, sample_rate_hz=info.sample_rate_hz, channels=info.channels,
                           frames=info.frames, source=source.name, started_at=utc_now(),
                           audio_sha256=file_sha256(folder / AUDIO_FILE, cancel=cancel),
                           source_sha256=file_sha256(source, cancel=cancel))
            self._write_take(take)
            self._fingerprints.remember(folder / AUDIO_FILE, take_id=take.id,
                                        digest=take.audio_sha256, writable=True)
        except OSError as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise SessionError(f"{source.name} could not be imported ({error.strerror or error}"
                               "); nothing was added.") from error
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self.save()
        return take

    def import_score(self, source: str | os.PathLike, *, title: str = "") -> ScoreRef:
        """Copy a score file (MusicXML, MIDI, kern, ABC, MEI) into ``scores/``.

        Raises
        ------
        InvalidParameterError
            Not a score file type.
        SessionError
            It cannot be read or copied.
        """
        self._writable()
        source = Path(source)
        ext = source.suffix.lower()
        if ext not in SCORE_EXTENSIONS:
            raise InvalidParameterError(
                f"{source.name} is not a score file ({', '.join(sorted(SCORE_EXTENSIONS))}).")
        if source.exists() and not is_regular_file(source):
            raise SessionError(f"{source.name} is {file_kind(source)}, not a score file.")
        score_id = new_id()
        ref = ScoreRef(score_id, f"scores/{score_id}{ext}", title or source.stem, source.name)
        target = inside(self.path, self.path / ref.file)
        try:
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(source, target)
        except OSError as error:
            target.unlink(missing_ok=True)
            raise SessionError(f"The score {source.name} could not be copied "
                               f"({error.strerror or error}).") from error
        self.scores += (ref,)
        self.save()
        return ref
