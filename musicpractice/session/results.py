"""Derived results of a session's takes, keyed on each take's audio as it is now: the
cache part of :class:`~musicpractice.session.store.Session` (a mixin)."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import numpy as np

from musicpractice.session.cache import CachedResult, array_budget
from musicpractice.session.documents import utc_now
from musicpractice.session.model import Take
from musicpractice.session.paths import inside, leaves_folder


class SessionResults:
    """Cached results (see :class:`~musicpractice.session.store.Session`)."""

    def cache_get(self, take_id: str, stage: str, algo_version: str,
                  params: Mapping) -> CachedResult | None:
        """A cached result for the take's current audio, or ``None`` (compute it then)."""
        take = self.take(take_id)
        if leaves_folder(self.path, self.cache.root / take_id):
            return None
        return self.cache.get(take_id, stage, algo_version, params,
                              source=self._audio_source(take),
                              max_array_bytes=array_budget(frames=take.frames,
                                                           channels=take.channels))

    def _audio_source(self, take: Take) -> str:
        """What a take's cached results are keyed on: its audio's content as it is now."""
        return self._fingerprints.of(
            self.audio_path(take.id), take_id=take.id, fallback=take.audio_sha256,
            writable=not self.read_only and take.id not in self._damaged_takes
            and not leaves_folder(self.path, self.cache.root / take.id))

    def cache_put(self, take_id: str, stage: str, algo_version: str, params: Mapping, *,
                  data: Mapping, arrays: Mapping[str, np.ndarray] | None = None) -> Path | None:
        """Cache a result computed from the take's current audio.

        Returns the cache file, or ``None`` when the disk refused (full, no permission):
        the result is still good to use, it is only not kept; :attr:`problems` says why.
        """
        take = self.take(take_id)
        inside(self.path, self.cache.root / take_id)
        try:
            return self.cache.put(take_id, stage, algo_version, params,
                                  source=self._audio_source(take), data=data, arrays=arrays,
                                  created_at=utc_now())
        except OSError as error:
            self.problems.append(f"A result could not be kept in the session "
                                 f"({error.strerror or error}); it is computed again next time.")
            return None
