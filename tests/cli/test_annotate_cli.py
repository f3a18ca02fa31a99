"""``musicpractice annotate`` and ``musicpractice agreement`` through the real entry point."""

from __future__ import annotations

import json

import pytest

import musicpractice.cli as cli
from musicpractice.session.annotations import load_annotations
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes


@pytest.fixture
def lesson(tmp_path):
    path = session_with_takes(tmp_path, n=3)
    with Session.open(path, read_only=True) as session:
        return path, [t.id for t in session.takes]


def test_annotate_then_see_the_others_and_agreement(lesson, capsys):
    path, takes = lesson
    chars = {"Bob": ["sadness", "anger", "fear"], "Eve": ["sadness", "anger", "tenderness"]}
    for who, characters in chars.items():
        for take, character in zip(takes, characters):
            assert cli.main(["annotate", "--session", str(path), take, "--listener", who,
                             "--character", character, "--arousal", "0.5", "--valence", "-0.25"]) == 0
    out = capsys.readouterr().out
    assert "What the other listeners heard" in out and "Bob: sadness arousal +0.50" in out
    assert cli.main(["annotate", "--session", str(path), takes[0], "--listener", "Ann",
                     "--character", "fear", "--bars", "2-4", "--felt", "--note", "dark"]) == 0
    with Session.open(path, read_only=True) as session:
        ann = [a for a in load_annotations(session, takes[0]) if a.listener == "Ann"][0]
    assert ann.bars == (2, 4) and ann.felt and ann.note == "dark"
    capsys.readouterr()
    assert cli.main(["agreement", "--session", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # Bob and Eve agree on 2 of 3 characters: nominal alpha with codes (s,a,f) vs (s,a,t)
    # hand-computed: o_ss=2, o_aa=2, o_ft=o_tf=1; n=6, De = (36 - 4 - 4 - 1 - 1)/30 = 26/30,
    # Do = 2/6 -> alpha = 1 - (1/3) / (26/30) = 8/13
    assert doc["schema"] == "musicpractice.agreement/1"
    assert doc["alpha"] == pytest.approx(8 / 13, abs=1e-4)
    assert doc["annotations"] == 7 and doc["listeners"] == 3
    assert cli.main(["agreement", "--session", str(path)]) == 0
    assert "Bob & Eve" in capsys.readouterr().out
    assert cli.main(["session", "info", str(path), "--json"]) == 0
    counts = {t["id"]: t["annotations"] for t in json.loads(capsys.readouterr().out)["takes"]}
    assert counts == {takes[0]: 3, takes[1]: 2, takes[2]: 2}


@pytest.mark.parametrize("args, message", [
    (["--listener", "Bob", "--character", "fear", "--arousal", "2", "--valence", "0"], "from -1 to 1"),
    (["--listener", "Bob", "--arousal", "0.2"], "both arousal and valence"),
    (["--character", "fear"], "--listener"),
    (["--listener", "Bob", "--character", "fear", "--bars", "9-2"], "bar range"),
    (["--listener", "Bob", "--character", "fear", "--bars", "1-2", "--from-s", "0"], "either"),
])
def test_bad_annotations_exit_2_with_one_line(lesson, capsys, args, message):
    path, takes = lesson
    assert cli.main(["annotate", "--session", str(path), takes[0], *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_unknown_take_and_missing_session(lesson, tmp_path, capsys):
    path, _ = lesson
    assert cli.main(["annotate", "--session", str(path), "nope", "--listener", "Bob",
                     "--character", "fear"]) == 2
    assert cli.main(["agreement", "--session", str(tmp_path / "missing.mpsession")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_next_names_an_unannotated_take(lesson, capsys):
    path, takes = lesson
    assert cli.main(["annotate", "--session", str(path), takes[0], "--listener", "Bob",
                     "--character", "fear"]) == 0
    capsys.readouterr()
    assert cli.main(["annotate", "--session", str(path), "--next", "--listener", "Bob"]) == 0
    out = capsys.readouterr().out
    assert out.split("\t")[0] in takes[1:] and "2 take(s) not annotated yet" in out
    for take in takes[1:]:
        assert cli.main(["annotate", "--session", str(path), take, "--listener", "Bob",
                         "--character", "fear"]) == 0
    assert cli.main(["annotate", "--session", str(path), "--next", "--listener", "Bob"]) == 2
    assert "Every take of this session is annotated" in capsys.readouterr().err
