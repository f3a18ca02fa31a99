"""Shared fixtures: the annotated recordings in ../shared/data and synthetic signals."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.comparison_fixtures"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real annotated recordings; skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"annotated recordings not found at {SHARED_DATA} (see ../shared/data/README.md)")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def private_file_cache(tmp_path_factory) -> Path:
    """Batch runs' file-analysis cache in a temporary folder, never the user's ~/.cache
    (set in the environment, so command-line subprocesses and Dask workers see it too)."""
    import os

    folder = tmp_path_factory.mktemp("file-cache")
    previous = os.environ.get("MUSICPRACTICE_CACHE")
    os.environ["MUSICPRACTICE_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("MUSICPRACTICE_CACHE", None)
    else:
        os.environ["MUSICPRACTICE_CACHE"] = previous


@pytest.fixture(scope="session", autouse=True)
def private_transcriptions(tmp_path_factory) -> Path:
    """Piano transcriptions (analysis/piano_transcription.py) kept in one temporary folder
    for the whole run, never the user's: each real take costs about its length in CPU time
    and is transcribed once however many tests compare it."""
    from musicpractice.analysis.piano_transcription import CACHE_ENV

    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("transcriptions")
        patch.setenv(CACHE_ENV, str(folder))
        yield folder
