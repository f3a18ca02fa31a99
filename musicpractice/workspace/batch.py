"""Batch analysis of an archive on a Dask cluster: one table row per audio file.

:func:`run_batch` finds the audio files, skips those the table already holds unchanged
(same size, modification time, analysis version and parameters), and hands the rest to a
``dask.distributed`` cluster: a :class:`~distributed.LocalCluster` of worker processes by
default, or a running scheduler. Each task (:func:`analyse_file_row`) hashes its file,
takes the analysis from the file cache (:mod:`musicpractice.workspace.file_cache`) when the
same content was analysed before, or analyses it and stores it there, and returns a flat row
(:mod:`musicpractice.workspace.batch_rows`). A file that cannot be analysed is a row with its
error, never a crash; a worker that dies mid-task has its tasks re-run by Dask on another
worker. Rows are appended to the table as they finish (:mod:`.batch_table`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from musicpractice.core.errors import InvalidParameterError, MusicPracticeError
from musicpractice.core.progress import ProgressFn
from musicpractice.workspace.batch_rows import BASE_COLUMNS, TRAILING_COLUMNS, failed_row
from musicpractice.workspace.batch_table import BatchTable

DEFAULT_MEMORY_LIMIT = "4GiB"
"""Memory per local worker: a one-hour take needs about 1.3 GB to analyse."""


@dataclass(frozen=True)
class BatchOptions:
    """What every file of a batch is analysed with.

    Attributes
    ----------
    voice : str
        Pitch-range preset of the melody (see ``analysis.voices.VOICE_RANGES``).
    reference : str or None
        A score or recording every file is aligned with (absolute path), or None.
    cache_root : str or None
        The file-analysis cache folder (None: the default, see ``file_cache``).
    """

    voice: str
    reference: str | None = None
    cache_root: str | None = None

    @property
    def params(self) -> str:
        """The options as one table cell; a file analysed with others is analysed again."""
        text = f"voice={self.voice}"
        if self.reference:
            text += f";ref={Path(self.reference).name}:{_reference_sha(self.reference)[:12]}"
        return text


@functools.lru_cache(maxsize=4)
def _reference_sha(path: str) -> str:
    from musicpractice.audio.flac_copy import file_sha256

    return file_sha256(path)


def analysis_version() -> str:
    """The version of the analysis (and aligner) a row was made with."""
    from musicpractice.alignment import ALGORITHM_VERSION as ALIGNER_VERSION
    from musicpractice.analysis.take import ALGORITHM_VERSION

    return f"{ALGORITHM_VERSION}.{ALIGNER_VERSION}"


def find_audio_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Every audio file under ``paths``, searched recursively, sorted and without duplicates.

    A file named directly is taken whatever its name (a non-audio file becomes a failed
    row); in folders, files with an audio ending
    (:data:`musicpractice.audio.io.AUDIO_EXTENSIONS`) are taken and hidden ones skipped.

    Raises
    ------
    InvalidParameterError
        A path does not exist.
    """
    from musicpractice.audio.io import AUDIO_EXTENSIONS

    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_file():
            found.add(path.resolve())
        elif path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.update((Path(folder) / f).resolve() for f in files
                             if not f.startswith(".") and Path(f).suffix.lower() in AUDIO_EXTENSIONS)
        else:
            raise InvalidParameterError(f"{path}: no such file or folder.")
    return sorted(found)


def _stat_cells(path: Path) -> dict:
    stat = path.stat()
    return {"size_bytes": str(stat.st_size), "mtime_ns": str(stat.st_mtime_ns)}


def is_done(row: dict | None, path: Path, options: BatchOptions, version: str) -> bool:
    """Whether the table's ``row`` for ``path`` still holds (same file, analysis, options)."""
    if row is None:
        return False
    try:
        cells = _stat_cells(path)
    except OSError:
        return False
    return (row.get("analysis_version") == version and row.get("params") == options.params
            and all(row.get(k) == v for k, v in cells.items()))


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "local"


@functools.lru_cache(maxsize=2)
def _reference(path: str):
    """The reference, read once per worker process: a Score, or a Signal at 22.05 kHz."""
    from musicpractice.alignment.pipeline import is_score_file
    from musicpractice.audio.io import load_signal
    from musicpractice.score import load_score

    return load_score(path) if is_score_file(path) else load_signal(path)


def _reference_columns(file: str, reference_path: str) -> dict:
    from musicpractice.alignment.pipeline import align_signal
    from musicpractice.audio.io import load_signal
    from musicpractice.score import Score

    reference = _reference(reference_path)
    take = load_signal(file, sr=None if isinstance(reference, Score) else reference.sr)
    alignment = align_signal(take, reference)
    (t0, t1), (r0, r1) = alignment.take_span_s, alignment.ref_span
    if isinstance(reference, Score):
        ref_seconds = float(reference.seconds_at(r1) - reference.seconds_at(r0))
        bars = [m.number for m in reference.measures if r0 - 1e-6 <= m.start_quarter < r1]
    else:
        ref_seconds, bars = r1 - r0, []
    return {"ref_confidence": round(float(alignment.overall_confidence), 3),
            "ref_tempo_ratio": round(ref_seconds / (t1 - t0), 3) if t1 > t0 else None,
            "ref_first_bar": bars[0] if bars else None,
            "ref_last_bar": bars[-1] if bars else None,
            "ref_partial": bool(alignment.partial)}


def analyse_file_row(file: str, options: BatchOptions, version: str) -> dict:
    """Analyse one file (on a worker) and return its table row; never raises for a bad file."""
    from musicpractice.analysis.take import analyze_file
    from musicpractice.audio.flac_copy import file_sha256
    from musicpractice.workspace.batch_rows import analysis_columns
    from musicpractice.workspace.file_cache import FileAnalysisCache

    path = Path(file)
    trailing = {"worker": _worker_address(), "analysis_version": version,
                "params": options.params, "analysed_at": dt.datetime.now(dt.UTC).isoformat()}
    try:
        trailing.update(_stat_cells(path))
        sha = file_sha256(path)
        trailing["content_sha256"] = sha
        cache = FileAnalysisCache(options.cache_root)
        analysis = cache.get(sha, voice=options.voice)
        if analysis is None:
            analysis = analyze_file(path, voice=options.voice)
            try:
                cache.put(sha, analysis, created_at=trailing["analysed_at"])
            except (OSError, MusicPracticeError):
                pass  # a full or read-only cache costs the next open time, not this row
        row = {"file": file, "status": "ok", "error": None, **analysis_columns(analysis)}
        if options.reference:
            row.update(_reference_columns(file, options.reference))
    except MemoryError:
        row = failed_row(file, "not enough memory to analyse this file on its worker")
    except (MusicPracticeError, OSError) as error:
        row = failed_row(file, str(error))
    except Exception as error:  # an unforeseen bug in one file must not stop an archive
        row = failed_row(file, f"internal error ({type(error).__name__}: {error})")
    return {**row, **trailing}


@dataclass(frozen=True)
class BatchSummary:
    """How a batch run went: files found, skipped (already in the table), analysed, failed."""

    found: int
    skipped: int
    analysed: int
    failed: int
    table_rows: int


def run_batch(paths: Iterable[str | os.PathLike], table_path: str | os.PathLike, *,
              options: BatchOptions, workers: int = 2, scheduler: str | None = None,
              memory_limit: str = DEFAULT_MEMORY_LIMIT,
              progress: ProgressFn | None = None) -> BatchSummary:
    """Analyse every audio file under ``paths`` into the table at ``table_path``.

    Parameters
    ----------
    paths : iterable of path-like
        Files and folders (searched recursively).
    table_path : path-like
        ``.csv`` or ``.parquet``; an existing table is resumed (unchanged files skipped).
    options : BatchOptions
    workers : int
        Worker processes of the local cluster (ignored with ``scheduler``).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``) instead of a local cluster.
    memory_limit : str
        Memory per local worker (Dask's notation, e.g. ``"4GiB"``).
    progress : callable, optional
        Called with the finished fraction, 0-1.
    """
    if workers < 1:
        raise InvalidParameterError("--workers must be at least 1.")
    table = BatchTable(table_path, last_columns=TRAILING_COLUMNS)
    files = find_audio_files(paths)
    version = analysis_version()
    done = table.latest()
    todo = [f for f in files if not is_done(done.get(str(f)), f, options, version)]
    failed = 0
    if todo:
        failed = _run_on_cluster(todo, table, options, version, workers=workers,
                                 scheduler=scheduler, memory_limit=memory_limit,
                                 progress=progress)
    elif progress is not None:
        progress(1.0)
    rows = table.finish()
    return BatchSummary(found=len(files), skipped=len(files) - len(todo),
                        analysed=len(todo) - failed, failed=failed, table_rows=rows)


def _run_on_cluster(files: list[Path], table: BatchTable, options: BatchOptions, version: str,
                    *, workers: int, scheduler: str | None, memory_limit: str,
                    progress: ProgressFn | None) -> int:
    from distributed import Client, LocalCluster, as_completed

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise InvalidParameterError(
                f"No Dask scheduler answers at {scheduler} ({error}).") from error
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               memory_limit=memory_limit, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    failed = 0
    try:
        futures = {client.submit(analyse_file_row, str(f), options, version, pure=False,
                                 key=f"analyse-{i}-{f.name}"): str(f)
                   for i, f in enumerate(files)}
        for count, future in enumerate(as_completed(futures), start=1):
            try:
                row = future.result()
            except Exception as error:  # e.g. KilledWorker: the file killed workers repeatedly
                row = {**failed_row(futures[future], f"{type(error).__name__}: {error}"),
                       "analysis_version": version, "params": options.params}
            ordered = {c: row.get(c) for c in BASE_COLUMNS}
            ordered.update({k: v for k, v in row.items() if k not in TRAILING_COLUMNS})
            ordered.update({c: row.get(c) for c in TRAILING_COLUMNS})
            table.append(ordered)
            failed += row.get("status") != "ok"
            if progress is not None:
                progress(count / len(futures), f"{count}/{len(futures)} files")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return failed
