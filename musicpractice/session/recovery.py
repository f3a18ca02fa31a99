"""Recording into a session, and recovering takes a crash left ``recording``: from their
capture (:func:`~musicpractice.audio.capture.finalise_capture`) or, when the FLAC file was
already complete, from that file."""

from __future__ import annotations

import shutil
from dataclasses import replace

from musicpractice.audio.capture import finalise_capture, has_capture
from musicpractice.audio.flac_copy import file_sha256
from musicpractice.audio.io import probe
from musicpractice.core.errors import MusicPracticeError
from musicpractice.core.progress import CancelToken, ProgressFn
from musicpractice.session.documents import AUDIO_FILE, new_id, utc_now
from musicpractice.session.errors import SessionError
from musicpractice.session.model import Take


class SessionRecovery:
    """The recording half of :class:`~musicpractice.session.store.Session` (a mixin)."""

    def _recover(self, *, progress: ProgressFn | None, cancel: CancelToken | None) -> None:
        for take in [t for t in self._takes.values() if t.status == "recording"]:
            if take.id in self._damaged_takes:
                continue
            saved = not has_capture(self.take_folder(take.id))
            if saved and not self.audio_path(take.id).is_file():
                continue
            try:
                if saved:  # the FLAC was complete; only take.json had not been updated
                    self._adopt_saved_audio(take)
                else:
                    self.finish_recording(take.id, recovered=True, progress=progress,
                                          cancel=cancel)
            except MusicPracticeError as error:
                self.problems.append(f"The interrupted take '{take.title or take.id}' could "
                                     f"not be recovered: {error}")
                continue
            recovered = self._takes[take.id]
            self.recovered_ids += (take.id,)
            self.problems.append(f"The take '{recovered.title or take.id}' was interrupted; "
                                 f"{recovered.duration_s:.1f} s of it were recovered.")

    def _adopt_saved_audio(self, take: Take) -> None:
        """Mark a take ``recovered`` whose ``audio.flac`` was written before a crash."""
        path = self.audio_path(take.id)
        info = probe(path)
        self._write_take(replace(take, status="recovered", sample_rate_hz=info.sample_rate_hz,
                                 channels=info.channels, frames=info.frames,
                                 audio_sha256=file_sha256(path)))
        self.save()

    def begin_recording(self, *, sample_rate_hz: int, channels: int, device: str = "",
                        title: str = "", performer: str = "", role: str = "student",
                        piece: str = "", notes: str = "") -> Take:
        """Create a take in state ``recording``; the recorder writes into its folder.

        Pass :meth:`take_folder` of the returned take to
        :meth:`musicpractice.audio.recorder.Recorder.start_recording`, then call
        :meth:`finish_recording`.
        """
        self._writable()
        started = utc_now()
        take = Take.from_json({
            "title": title or f"Take {len(self._takes) + 1}", "performer": performer,
            "role": role, "date": started[:10], "piece": piece, "notes": notes,
            "status": "recording", "sample_rate_hz": sample_rate_hz, "channels": channels,
            "device": device, "started_at": started}, new_id())
        self._write_take(take)
        self.save()
        return take

    def finish_recording(self, take_id: str, *, dropouts: int = 0, recovered: bool = False,
                         progress: ProgressFn | None = None,
                         cancel: CancelToken | None = None) -> Take:
        """Turn the take's capture into ``audio.flac`` and mark it complete (or recovered).

        ``dropouts`` is the recorder's final count; after a crash the count saved with the
        capture is used. A capture without audio removes the take again.
        """
        self._writable(take_id)
        take = self.take(take_id)
        folder = self.take_folder(take_id)
        summary = finalise_capture(folder, folder / AUDIO_FILE, progress=progress, cancel=cancel)
        if summary.frames == 0:
            shutil.rmtree(folder, ignore_errors=True)
            del self._takes[take_id]
            self.save()
            raise SessionError(f"The take '{take.title or take_id}' holds no audio; it was removed.")
        take = replace(take, status="recovered" if recovered else "complete",
                       sample_rate_hz=summary.sample_rate_hz, channels=summary.channels,
                       frames=summary.frames, started_at=take.started_at or summary.started_at,
                       dropouts=take.dropouts + max(int(dropouts), summary.dropouts),
                       audio_sha256=file_sha256(folder / AUDIO_FILE))
        self._write_take(take)
        self._fingerprints.remember(folder / AUDIO_FILE, take_id=take_id,
                                    digest=take.audio_sha256, writable=True)
        self.save()
        return take
