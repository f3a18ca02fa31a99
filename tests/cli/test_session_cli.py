"""``musicpractice session ...`` through the real command-line entry point."""

from __future__ import annotations

import json

import numpy as np
import pytest

import musicpractice.cli as cli
from musicpractice.audio.capture import CaptureWriter
from musicpractice.session.store import Session
from tests.session.helpers import write_wav


def test_new_import_info_export_unpack(tmp_path, capsys):
    wav = tmp_path / "scale.wav"
    write_wav(wav, seconds=1.0, sr=22_050, channels=2)
    score = tmp_path / "scale.musicxml"
    score.write_text("<score-partwise/>")
    path = tmp_path / "Lesson.mpsession"
    assert cli.main(["session", "new", str(tmp_path / "Lesson"), "--title", "Lesson 1"]) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert cli.main(["session", "import", str(path), str(wav), str(score),
                     "--performer", "Ann", "--role", "teacher", "--piece", "Scales"]) == 0
    out = capsys.readouterr().out
    assert "1.0 s  scale" in out and out.count("score ") == 1
    assert cli.main(["session", "info", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "musicpractice.session-info/1" and doc["title"] == "Lesson 1"
    take = doc["takes"][0]
    assert (take["performer"], take["role"], take["piece"], take["channels"]) == \
        ("Ann", "teacher", "Scales", 2)
    assert take["duration_s"] == pytest.approx(1.0) and len(doc["scores"]) == 1
    assert cli.main(["session", "info", str(path)]) == 0
    assert "scale — Ann" in capsys.readouterr().out
    assert cli.main(["session", "export", str(path), str(tmp_path / "share.mpsz")]) == 0
    capsys.readouterr()
    assert cli.main(["session", "import", str(tmp_path / "Copy"),
                     str(tmp_path / "share.mpsz")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "Copy.mpsession")
    assert cli.main(["session", "info", str(tmp_path / "Copy.mpsession"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["takes"][0]["id"] == take["id"]


def test_recover(tmp_path, capsys):
    with Session.create(tmp_path / "s") as s:
        take = s.begin_recording(sample_rate_hz=8000, channels=1, device="Mic")
        writer = CaptureWriter(s.take_folder(take.id), sample_rate_hz=8000, channels=1)
        writer.write(np.zeros((16_000, 1), np.float32))
        writer.close()
        path = s.path
    assert cli.main(["session", "recover", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"take {take.id}  2.0 s  recovered" in captured.out
    assert "interrupted" in captured.err
    assert cli.main(["session", "info", str(path), "--json"]) == 0
    assert "recovered" in json.loads(capsys.readouterr().out)["takes"][0]["warnings"][0]
    assert cli.main(["session", "recover", str(path)]) == 0
    assert "No interrupted recordings." in capsys.readouterr().out


def test_errors_are_one_line_and_status_2(tmp_path, capsys):
    assert cli.main(["session", "info", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.startswith("musicpractice: error: No session found")
    path = tmp_path / "s.mpsession"
    Session.create(path).close()
    (tmp_path / "noise.wav").write_bytes(b"not audio")
    assert cli.main(["session", "import", str(path), str(tmp_path / "noise.wav")]) == 2
    assert "noise.wav" in capsys.readouterr().err
    with Session.open(path):
        assert cli.main(["session", "import", str(path), str(tmp_path / "noise.wav")]) == 2
        assert "being changed by another musicpractice" in capsys.readouterr().err
    (tmp_path / "bad.mpsz").write_bytes(b"zip?")
    assert cli.main(["session", "import", str(tmp_path / "o"), str(tmp_path / "bad.mpsz")]) == 2
    assert "not a musicpractice session archive" in capsys.readouterr().err
    assert cli.main(["session", "import", str(path), str(tmp_path / "bad.mpsz"),
                     str(tmp_path / "noise.wav")]) == 2
    assert "on its own" in capsys.readouterr().err
