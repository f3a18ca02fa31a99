"""Cache of derived results: ``derived/<take>/<stage>-<algo_version>-<param_hash>.json|npz``.

A result is a JSON-able dict plus named numpy arrays; the cache does not know what they
mean (the analysis modules and ``reports/analysis_json.py`` do). Next to the data every
entry records what it was computed from -- take, stage, algorithm version, the full
parameters and a fingerprint of the source audio -- and :meth:`DerivedCache.get` returns it
only when all of these match. Anything else (stale, damaged, foreign) is a miss: the entry
is deleted and the caller recomputes. Arrays are stored with ``allow_pickle=False``.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from musicpractice.audio.atomic_file import atomic_writer, write_json_atomic
from musicpractice.audio.flac_copy import file_sha256
from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.model import valid_id

CACHE_FORMAT = "musicpractice.derived"
META_KEY = "__meta__"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.]{1,64}$")
MAX_ARRAY_BYTES = 1 << 30
"""No cached entry may hold more array bytes than this, whatever its header claims."""
MAX_META_BYTES = 64 << 20
"""Largest JSON part of an entry."""
STAMP_NAME = "audio-fingerprint.json"
"""The audio fingerprint kept beside a take's derived results."""
BYTES_PER_SAMPLE = 16
MIN_ARRAY_BUDGET = 16 << 20


def read_npz_checked(path: Path, *, max_bytes: int) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` written by :meth:`DerivedCache.put`, checked before any is
    loaded: plain numeric dtypes, and a shape whose size is exactly what the member holds
    and, all arrays together, at most ``max_bytes`` (the metadata member at most
    :data:`MAX_META_BYTES`). A forged header (shape of four
    billion, wrong dtype) is refused as ``ValueError`` without allocating anything.
    """
    arrays: dict[str, np.ndarray] = {}
    total = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy") or info.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"unexpected member {info.filename!r}")
            with archive.open(info) as handle:
                version = np.lib.format.read_magic(handle)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
                elif version == (2, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
                else:
                    raise ValueError(f"unsupported array format {version}")
                if dtype.hasobject or dtype.kind not in "biufc":
                    raise ValueError(f"array {info.filename!r} is not numeric")
                count = 1
                for dim in shape:
                    count *= int(dim)
                nbytes = count * dtype.itemsize
                is_meta = info.filename == f"{META_KEY}.npy"
                if (nbytes != info.file_size - handle.tell()
                        or (is_meta and nbytes > MAX_META_BYTES)
                        or (not is_meta and total + nbytes > max_bytes)):
                    raise ValueError(f"array {info.filename!r} does not match its size")
                total += 0 if is_meta else nbytes
                flat = np.empty(count, dtype=dtype)
                if nbytes and handle.readinto(memoryview(flat).cast("B")) != nbytes:
                    raise ValueError(f"array {info.filename!r} is cut short")
            arrays[info.filename[:-4]] = flat.reshape(shape, order="F" if fortran else "C")
    return arrays


@dataclass(frozen=True)
class CachedResult:
    """A derived result read back from the cache.

    Attributes
    ----------
    data : dict
        The JSON part, as it was stored.
    arrays : dict of str to numpy.ndarray
        The named arrays, as they were stored.
    created_at : str
        ISO 8601 UTC time it was computed.
    """

    data: dict
    arrays: dict = field(default_factory=dict, hash=False)
    created_at: str = ""


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def canonical_json(value) -> str:
    """``value`` as compact JSON with sorted keys (what the parameter hash is taken of)."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidParameterError(
            f"Cache parameters and data must be plain JSON values ({error}).") from error


def params_hash(params: Mapping) -> str:
    """16 hex digits of the SHA-256 of the canonical JSON of ``params``."""
    return hashlib.sha256(canonical_json(dict(params)).encode()).hexdigest()[:16]


def array_budget(*, frames: int, channels: int) -> int:
    """Most array bytes a cached result of a take of ``frames`` x ``channels`` samples may
    hold: :data:`BYTES_PER_SAMPLE` per sample (analysis results are far smaller than the
    audio), at least :data:`MIN_ARRAY_BUDGET`, at most :data:`MAX_ARRAY_BYTES`."""
    samples = max(int(frames), 0) * max(int(channels), 1)
    return min(MAX_ARRAY_BYTES, max(MIN_ARRAY_BUDGET, BYTES_PER_SAMPLE * samples))


class AudioFingerprints:
    """SHA-256 of audio files as they are now, computed once per file version.

    Caches are keyed on what the audio file holds, not on what ``take.json`` says it held,
    so audio replaced by hand (or by a shared archive) never meets stale results. A file
    is hashed again only when its size, modification time or inode change; the last
    fingerprint is kept in ``derived/<take>/`` (:data:`STAMP_NAME`) so that opening a
    session does not read every take's audio. An archive cannot forge it: unpacked files
    get new inodes.

    Parameters
    ----------
    root : pathlib.Path
        The session's ``derived`` folder.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._known: dict[Path, tuple[list[int], str]] = {}

    def of(self, path: Path, *, take_id: str, fallback: str, writable: bool) -> str:
        """The fingerprint of ``path`` (the take ``take_id``'s audio), or ``fallback``
        when it cannot be read; the stamp is written only when ``writable``."""
        try:
            info = path.stat()
        except OSError:
            return fallback
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read for ever
            return fallback
        key = [info.st_size, info.st_mtime_ns, info.st_ino]
        known = self._known.get(path) or self._stamp(take_id)
        if known is not None and known[0] == key:
            return known[1]
        try:
            digest = file_sha256(path)
        except OSError:
            return fallback
        self.remember(path, take_id=take_id, digest=digest, writable=writable, key=key)
        return digest

    def remember(self, path: Path, *, take_id: str, digest: str, writable: bool,
                 key: list[int] | None = None) -> None:
        """Record ``digest`` as the fingerprint of ``path`` as it is now (its SHA-256,
        just computed while writing it), so it is not read again to key a result."""
        if key is None:
            try:
                info = path.stat()
            except OSError:
                return
            key = [info.st_size, info.st_mtime_ns, info.st_ino]
        self._known[path] = (key, digest)
        if writable and valid_id(take_id):
            try:
                (self.root / take_id).mkdir(parents=True, exist_ok=True)
                write_json_atomic(self.root / take_id / STAMP_NAME,
                                  {"stat": key, "sha256": digest})
            except OSError:
                pass

    def _stamp(self, take_id: str) -> tuple[list[int], str] | None:
        stamp = self.root / take_id / STAMP_NAME
        try:
            if not valid_id(take_id) or stamp.is_symlink() or not stamp.is_file() \
                    or stamp.stat().st_size > 4096:
                return None
            doc = json.loads(stamp.read_text(encoding="utf-8"))
            return [int(v) for v in doc["stat"]], str(doc["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return None


class DerivedCache:
    """The ``derived/`` folder of a session.

    Parameters
    ----------
    root : path-like
        The ``derived`` folder (created on the first :meth:`put`).
    read_only : bool
        Never write or delete (a session opened read-only).
    """

    def __init__(self, root: str | Path, *, read_only: bool = False) -> None:
        self.root = Path(root)
        self.read_only = read_only

    def _paths(self, take_id: str, stage: str, algo_version: str,
               params: Mapping) -> tuple[Path, Path]:
        """The ``.json`` and ``.npz`` file an entry may have."""
        if not valid_id(take_id):
            raise InvalidParameterError(f"{take_id!r} is not a take id.")
        for what, value in (("stage", stage), ("algorithm version", algo_version)):
            if not isinstance(value, str) or not NAME_PATTERN.match(value):
                raise InvalidParameterError(
                    f"The cache {what} {value!r} must be 1-64 letters, digits, '_' or '.'.")
        stem = f"{stage}-{algo_version}-{params_hash(params)}"
        return self.root / take_id / f"{stem}.json", self.root / take_id / f"{stem}.npz"

    def put(self, take_id: str, stage: str, algo_version: str, params: Mapping, *,
            source: str, data: Mapping, arrays: Mapping[str, np.ndarray] | None = None,
            created_at: str = "") -> Path:
        """Store a result; returns its file (``.npz`` with arrays, else ``.json``).

        Parameters
        ----------
        take_id : str
            The take it was computed from.
        stage : str
            What it is, e.g. ``"key"``, ``"melody"``, ``"align_score1"``.
        algo_version : str
            Version of the algorithm; bump it whenever results change.
        params : mapping
            Every parameter that influences the result (JSON values).
        source : str
            Fingerprint of the inputs (e.g. the take's ``audio_sha256``).
        data : mapping
            JSON part of the result.
        arrays : mapping of str to numpy.ndarray, optional
            Numeric arrays (no object arrays); names as for ``stage``.
        created_at : str
            When it was computed.

        Raises
        ------
        InvalidParameterError
            Bad names, non-JSON params/data, object arrays, or a read-only cache.
        """
        if self.read_only:
            raise InvalidParameterError("This session is open read-only; results are not cached.")
        json_path, npz_path = self._paths(take_id, stage, algo_version, params)
        meta = {"format": CACHE_FORMAT, "take_id": take_id, "stage": stage,
                "algo_version": algo_version, "params": dict(params), "source": source,
                "created_at": created_at, "data": dict(data)}
        meta_text = canonical_json(meta)
        json_path.parent.mkdir(parents=True, exist_ok=True)
        for old in (json_path, npz_path):
            old.unlink(missing_ok=True)
        if not arrays:
            write_json_atomic(json_path, meta)
            return json_path
        checked = {}
        for name, array in arrays.items():
            array = np.asarray(array)
            if not NAME_PATTERN.match(name) or array.dtype.hasobject:
                raise InvalidParameterError(
                    f"Cached array {name!r} needs a plain name and a numeric dtype.")
            checked[name] = array
        checked[META_KEY] = np.frombuffer(meta_text.encode(), dtype=np.uint8)
        with atomic_writer(npz_path) as handle:
            np.savez(handle, **checked)
        return npz_path

    def get(self, take_id: str, stage: str, algo_version: str, params: Mapping, *,
            source: str, max_array_bytes: int = MAX_ARRAY_BYTES) -> CachedResult | None:
        """The stored result if it matches all of its inputs exactly, else ``None``.

        A stale or damaged entry is deleted (unless read-only) and ``None`` returned; so is
        one whose arrays together hold more than ``max_array_bytes`` bytes.
        """
        for path in reversed(self._paths(take_id, stage, algo_version, params)):
            if path.is_symlink() or (path.exists() and not path.is_file()):
                return None  # never read through a link or from a FIFO; never written by put
            if path.exists():
                result = self._read(path, take_id, stage, algo_version, params, source,
                                    max_array_bytes)
                if result is None and not self.read_only:
                    path.unlink(missing_ok=True)
                return result
        return None

    @staticmethod
    def _read(path: Path, take_id, stage, algo_version, params, source,
              max_array_bytes: int) -> CachedResult | None:
        arrays: dict[str, np.ndarray] = {}
        try:
            if path.stat().st_size > max_array_bytes + MAX_META_BYTES:
                return None
            if path.suffix == ".json":
                meta = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
            else:
                arrays = read_npz_checked(path, max_bytes=max_array_bytes)
                meta = json.loads(arrays.pop(META_KEY).tobytes().decode("utf-8"),
                                  parse_constant=_no_constant)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, UnicodeDecodeError,
                RecursionError, MemoryError):
            return None
        expected = {"format": CACHE_FORMAT, "take_id": take_id, "stage": stage,
                    "algo_version": algo_version, "source": source}
        if not isinstance(meta, dict) or any(meta.get(k) != v for k, v in expected.items()):
            return None
        if canonical_json(meta.get("params")) != canonical_json(dict(params)):
            return None
        if not isinstance(meta.get("data"), dict):
            return None
        return CachedResult(meta["data"], arrays, str(meta.get("created_at", "")))

    def clear(self, take_id: str) -> None:
        """Delete every cached result of ``take_id``."""
        if self.read_only or not valid_id(take_id):
            return
        folder = self.root / take_id
        if folder.is_symlink():
            folder.unlink()  # the link only, never what it points at
        elif folder.is_dir():
            for path in folder.iterdir():
                path.unlink(missing_ok=True)
            folder.rmdir()
