"""``musicpractice export``: each format from a session, read back; errors exit 2."""

from __future__ import annotations

import json

import music21
import pytest

from musicpractice.cli import main
from tests.compare.melody_files import PITCHES, SHARP, SILENT, write_melody


@pytest.fixture(scope="module")
def sung(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export_cli")
    score_path, take_path = write_melody(folder)
    path = folder / "study.mpsession"
    assert main(["session", "new", str(path)]) == 0
    assert main(["session", "import", str(path), str(take_path), str(score_path)]) == 0
    return path, folder


@pytest.fixture()
def ids(sung, capsys):
    capsys.readouterr()
    assert main(["session", "info", str(sung[0]), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    return info["takes"][0]["id"], info["scores"][0]["id"]


def test_melody_exports_read_back(sung, ids, capsys):
    path, folder = sung
    take, _ = ids
    sung_pitches = [p + (1 if k == SHARP else 0) for k, p in enumerate(PITCHES) if k != SILENT]
    for what, name in (("midi", "m.mid"), ("musicxml", "m.musicxml")):
        assert main(["export", "--session", str(path), take, "--what", what,
                     "--out", str(folder / name)]) == 0
        assert capsys.readouterr().out.strip() == str(folder / name)
        notes = music21.converter.parse(folder / name).stripTies().flatten().notes
        assert [n.pitch.midi for n in notes] == sung_pitches


def test_labels_sv_timemap(sung, ids, capsys):
    path, folder = sung
    take, score = ids
    out = folder / "labels.txt"
    assert main(["export", "--session", str(path), take, "--what", "labels", "--ref", score,
                 "--out", str(out)]) == 0
    labels = [line.split("\t")[2] for line in out.read_text().splitlines()]
    assert [lab for lab in labels if lab.startswith("bar")] == [f"bar {k}" for k in range(1, 6)]
    out = folder / "beats.csv"
    assert main(["export", "--session", str(path), take, "--what", "sv", "--layer", "beats",
                 "--out", str(out)]) == 0
    assert out.read_text().splitlines()[0].endswith(",1,beat 1")
    out = folder / "map.json"
    assert main(["export", "--session", str(path), take, "--what", "timemap", "--ref", score,
                 "--out", str(out)]) == 0
    assert json.loads(out.read_text())["reference_kind"] == "score"


@pytest.mark.parametrize("args, message", [
    (["--what", "timemap", "--out", "{folder}/m.csv"], "needs a reference"),
    (["--what", "midi", "--out", "{folder}/no/such/m.mid"], "does not exist"),
    (["--what", "sv", "--layer", "bars", "--out", "{folder}/b.csv"], "score as the reference"),
    (["--what", "labels", "--ref", "nope", "--out", "{folder}/l.txt"], "no score or take 'nope'"),
])
def test_errors_exit_2(sung, ids, capsys, args, message):
    path, folder = sung
    take, _ = ids
    args = [a.format(folder=folder) for a in args]
    assert main(["export", "--session", str(path), take, *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_unknown_take(sung, capsys):
    path, folder = sung
    assert main(["export", "--session", str(path), "nope", "--what", "midi",
                 "--out", str(folder / "x.mid")]) == 2
    assert "no take 'nope'" in capsys.readouterr().err
