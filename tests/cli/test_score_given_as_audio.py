"""A score (or MuseScore file) given where a recording belongs says what to do with it."""

from __future__ import annotations

import pytest

from musicpractice.cli import main


@pytest.mark.parametrize("name, expected", [
    ("song.mscz", "File > Export > MusicXML"),
    ("song.mscx", "File > Export > MusicXML"),
    ("performance.mid", "use it as the reference"),
    ("song.musicxml", "session import"),
])
def test_analyze_a_score_file(tmp_path, capsys, name, expected):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not audio" if name.endswith("z") else b"MThd not audio")
    assert main(["analyze", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0] and "not a recording" in err[0]


def test_session_import_of_a_musescore_file(tmp_path, capsys):
    session = tmp_path / "S.mpsession"
    assert main(["session", "new", str(session)]) == 0
    path = tmp_path / "song.mscz"
    path.write_bytes(b"PK\x03\x04 MuseScore")
    assert main(["session", "import", str(session), str(path)]) == 2
    err = capsys.readouterr().err
    assert "File > Export > MusicXML" in err and "Traceback" not in err
