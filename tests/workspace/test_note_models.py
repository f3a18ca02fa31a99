"""Where piano transcriptions are kept between runs, and the note models an installation
says it can run (About box, ``--smoke-test``)."""

from __future__ import annotations

import os
import sys

from musicpractice.analysis.piano_transcription import CACHE_ENV, piano_transcription_available
from musicpractice.workspace.note_models import keep_transcriptions, note_model_lines
from tests.ci import unavailable

PIANO_MODEL = "Piano transcription model (transkun-2.0.1, MIT)"


def test_transcriptions_are_kept_beside_the_file_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("MUSICPRACTICE_CACHE", str(tmp_path / "cache" / "files"))
    assert keep_transcriptions() == tmp_path / "cache" / "transcriptions"
    assert os.environ[CACHE_ENV] == str(tmp_path / "cache" / "transcriptions")


def test_by_default_in_the_users_cache_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.delenv("MUSICPRACTICE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert keep_transcriptions() == tmp_path / "musicpractice" / "transcriptions"


def test_a_folder_already_chosen_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert keep_transcriptions() == tmp_path / "mine"
    assert os.environ[CACHE_ENV] == str(tmp_path / "mine")


def test_the_command_line_keeps_transcriptions_on_disk(tmp_path, monkeypatch, capsys):
    """Any subcommand (here one refused at once) sets the folder before it runs, so a take
    compared again is not transcribed again."""
    from musicpractice.cli import main

    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("MUSICPRACTICE_CACHE", str(tmp_path / "files"))
    assert main(["analyze", str(tmp_path / "missing.wav")]) == 2
    assert os.environ[CACHE_ENV] == str(tmp_path / "transcriptions")
    assert "\n" == capsys.readouterr().err[-1:]  # one line, no traceback


def test_both_note_models_are_listed_with_their_availability():
    if piano_transcription_available() is not None:
        unavailable(piano_transcription_available())
    assert note_model_lines() == [(PIANO_MODEL, "available"),
                                  ("Piano note model (Basic Pitch, Apache-2.0)", "available")]


def test_without_torch_the_piano_model_says_why(monkeypatch):
    """What a build without torch (the one-folder application) shows."""
    monkeypatch.setitem(sys.modules, "torch", None)
    lines = dict(note_model_lines())
    assert lines[PIANO_MODEL] == ("not available: the piano transcription model needs torch "
                                  "(./dev installs it)")


def test_the_about_box_lists_the_note_models():
    from musicpractice.gui.dialogs import versions_text

    text = versions_text()
    for name, status in note_model_lines():
        assert f"{name}: {status}" in text
