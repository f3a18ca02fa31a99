"""Batch analysis on a real Dask LocalCluster: rows, failures, resuming, a killed worker,
Parquet, and the file cache a session picks up."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from musicpractice.session.store import Session
from musicpractice.workspace.batch import BatchOptions, find_audio_files, run_batch
from musicpractice.workspace.derived import ensure_analysis
from musicpractice.workspace.file_cache import FileAnalysisCache
from tests.signals import SR, sung_phrase

D_MAJOR = [62, 64, 66, 67, 69, 71, 73, 74]
G_MINOR = [67, 69, 70, 72, 74, 75, 78, 79]


def _write_takes(folder: Path, count: int, *, repeats: int = 1) -> list[Path]:
    """``count`` short sung scales (alternately D major and G minor, each ``repeats``
    times) in nested folders."""
    paths = []
    for i in range(count):
        sub = folder / ("lessons" if i % 2 else "rehearsals") / f"week{i}"
        sub.mkdir(parents=True, exist_ok=True)
        y = sung_phrase(D_MAJOR if i % 2 == 0 else G_MINOR, bpm=100 + 10 * i, repeats=repeats)
        path = sub / f"take{i}.flac"
        sf.write(path, y, SR)
        paths.append(path)
    return paths


def _rows(table: Path) -> list[dict]:
    with open(table, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cluster():
    """One real LocalCluster of two worker processes for the tests in this module."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local:
        yield local


@pytest.fixture
def archive(tmp_path) -> tuple[Path, list[Path]]:
    root = tmp_path / "archive"
    takes = _write_takes(root, 3)
    (root / "lessons" / "notes.txt").write_text("not audio, not taken")
    broken = root / "rehearsals" / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    (root / ".hidden.wav").write_bytes(b"hidden files are skipped")
    return root, takes + [broken]


def test_finds_audio_recursively_and_refuses_missing_paths(archive, tmp_path):
    root, files = archive
    assert find_audio_files([root]) == sorted(p.resolve() for p in files)
    with pytest.raises(Exception, match="no such file"):
        find_audio_files([tmp_path / "nowhere"])


def test_a_broken_file_is_a_row_and_the_good_ones_are_analysed(archive, tmp_path, cluster):
    root, files = archive
    table = tmp_path / "table.csv"
    summary = run_batch([root], table, options=BatchOptions(voice="wide", cache_root=str(tmp_path / "c")),
                        scheduler=cluster.scheduler_address)
    assert (summary.found, summary.analysed, summary.failed) == (4, 3, 1)
    rows = {Path(r["file"]).name: r for r in _rows(table)}
    assert set(rows) == {"take0.flac", "take1.flac", "take2.flac", "broken.wav"}
    assert rows["broken.wav"]["status"] == "failed"
    assert "broken.wav" in rows["broken.wav"]["error"]
    for name, tonic in (("take0.flac", "D major"), ("take1.flac", "G minor"), ("take2.flac", "D major")):
        row = rows[name]
        assert row["status"] == "ok" and row["error"] == ""
        assert row["key"] == tonic
        assert abs(float(row["duration_s"]) - sf.info(root.rglob(name).__next__()).duration) < 0.05
        assert row["worker"].startswith("tcp://127.0.0.1:")
        assert len(row["content_sha256"]) == 64
        assert row["cue_tempo_bpm"] != ""
    # the table's bookkeeping columns come after the results
    header = list(_rows(table)[0])
    assert header[:3] == ["file", "status", "error"] and header[-1] == "analysed_at"


def test_resume_after_a_killed_run_analyses_only_what_is_missing(tmp_path, cluster):
    root = tmp_path / "archive"
    _write_takes(root, 4)
    table = tmp_path / "table.csv"
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "musicpractice", "batch", str(root), "--out", str(table),
               "--workers", "1", "--cache", str(cache)]
    process = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if table.exists() and len(_rows(table)) >= 1:
            break
        time.sleep(0.2)
    finished_early = process.poll() is not None
    os.killpg(process.pid, signal.SIGKILL)  # the whole run, workers included
    process.wait()
    written = len(_rows(table))
    assert written >= 1
    if finished_early:
        pytest.skip("the run finished before it could be interrupted")
    # a file changed since: analysed again; unchanged rows are kept
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"{written} unchanged" in result.stderr
    rows = _rows(table)
    assert sorted(Path(r["file"]).name for r in rows) == [f"take{i}.flac" for i in range(4)]
    assert all(r["status"] == "ok" for r in rows)
    # a third run has nothing to do; a touched file with the same content comes from the cache
    os.utime(next(root.rglob("take0.flac")), None)
    summary = run_batch([root], table, options=BatchOptions(voice="wide", cache_root=str(cache)),
                        scheduler=cluster.scheduler_address)
    assert (summary.analysed, summary.failed, summary.skipped) == (1, 0, 3)
    assert len(_rows(table)) == 4


def test_parquet_table_has_typed_columns(tmp_path, cluster):
    pq = pytest.importorskip("pyarrow.parquet")
    root = tmp_path / "archive"
    files = _write_takes(root, 2)
    table = tmp_path / "table.parquet"
    run_batch([root], table, options=BatchOptions(voice="wide", cache_root=str(tmp_path / "c")),
              scheduler=cluster.scheduler_address)
    data = pq.read_table(table).to_pylist()
    assert [r["file"] for r in data] == sorted(str(p.resolve()) for p in files)
    assert all(isinstance(r["tempo_bpm"], float) for r in data)
    assert not list(tmp_path.glob(".table.parquet.journal*"))


def test_a_session_takes_the_batch_analysis_of_an_imported_file(tmp_path, cluster):
    root = tmp_path / "archive"
    (path,) = _write_takes(root, 1)
    cache = FileAnalysisCache(tmp_path / "cache")
    run_batch([root], tmp_path / "t.csv",
              options=BatchOptions(voice="wide", cache_root=str(cache.root)),
              scheduler=cluster.scheduler_address)
    session = Session.create(tmp_path / "S.mpsession")
    take = session.import_audio(path)

    def must_not_analyse(*args, **kwargs):
        raise AssertionError("the batch analysis should have been used")

    analysis = ensure_analysis(session, take.id, voice="wide", analyze=must_not_analyse,
                               file_cache=cache)
    assert f"{analysis.key.tonic} {analysis.key.mode}" == "D major"
    # and it is now in the session's own cache
    again = ensure_analysis(session, take.id, voice="wide", analyze=must_not_analyse,
                            file_cache=FileAnalysisCache(tmp_path / "empty"))
    assert again.key == analysis.key
    np.testing.assert_array_equal(again.melody.f0_hz, analysis.melody.f0_hz)
    # another pitch range is not the same analysis
    with pytest.raises(AssertionError):
        ensure_analysis(session, take.id, voice="bass", analyze=must_not_analyse, file_cache=cache)


def test_bad_arguments_are_one_line_errors(tmp_path):
    for args, message in (([str(tmp_path), "--out", str(tmp_path / "t.xlsx")], ".csv or .parquet"),
                          ([str(tmp_path / "missing"), "--out", str(tmp_path / "t.csv")], "no such"),
                          ([str(tmp_path), "--out", str(tmp_path / "t.csv"), "--workers", "0"],
                           "at least 1")):
        result = subprocess.run([sys.executable, "-m", "musicpractice", "batch", *args],
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr
        assert np.count_nonzero([line for line in result.stderr.splitlines() if line]) == 1


def test_a_worker_killed_mid_run_is_retried_and_the_batch_completes(tmp_path, cluster):
    from distributed import Client

    root = tmp_path / "archive"
    files = _write_takes(root, 4, repeats=4)  # long enough to be killed mid-task
    table = tmp_path / "table.csv"
    with Client(cluster) as client:
        pids = client.run(os.getpid)
        outcome = {}

        def batch():
            outcome["summary"] = run_batch([root], table, options=BatchOptions(voice="wide"),
                                           scheduler=cluster.scheduler_address)

        thread = threading.Thread(target=batch)
        thread.start()
        deadline = time.monotonic() + 120
        busy = []
        while not busy and time.monotonic() < deadline:
            busy = [address for address, keys in client.processing().items() if keys]
            time.sleep(0.05)
        assert busy, "no task ever started"
        os.kill(pids[busy[0]], signal.SIGKILL)
        thread.join(timeout=300)
    assert not thread.is_alive()
    summary = outcome["summary"]
    assert (summary.analysed, summary.failed) == (4, 0)
    rows = _rows(table)
    assert sorted(Path(r["file"]).name for r in rows) == sorted(p.name for p in files)
    assert all(r["status"] == "ok" for r in rows)
