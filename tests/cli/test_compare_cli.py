"""``musicpractice compare``: summary, JSON, report and CSV from a session; errors exit 2."""

from __future__ import annotations

import csv
import json
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from musicpractice.cli import main
from tests.compare.melody_files import write_melody


@pytest.fixture(scope="module")
def sung(tmp_path_factory):
    """A session made with ``musicpractice session``: the synthetic melody and its score."""
    folder = tmp_path_factory.mktemp("compare_cli")
    score_path, take_path = write_melody(folder)
    path = folder / "study.mpsession"
    assert main(["session", "new", str(path), "--title", "Study"]) == 0
    assert main(["session", "import", str(path), str(take_path), "--title", "Monday"]) == 0
    assert main(["session", "import", str(path), str(score_path), "--title", "Melody"]) == 0
    assert main(["session", "import", str(path), str(take_path), "--title", "Tuesday"]) == 0
    return SimpleNamespace(path=path, folder=folder)


def _ids(sung, capsys):
    capsys.readouterr()
    assert main(["session", "info", str(sung.path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    return [t["id"] for t in info["takes"]], info["scores"][0]["id"]


def test_compare_with_score_writes_report_csv_and_json(sung, capsys):
    (monday, tuesday), score = _ids(sung, capsys)
    report, tables = sung.folder / "report.pdf", sung.folder / "tables"
    assert main(["compare", "--session", str(sung.path), "--ref", score, monday, tuesday,
                 "--part", "Alto", "--report", str(report), "--csv", str(tables), "--json"]) == 0
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert doc["schema"] == "musicpractice.comparison/1" and doc["part"] == "Alto"
    assert [t["title"] for t in doc["takes"]] == ["Monday", "Tuesday"]
    # the same audio twice: no differences in tempo, loudness or articulation
    assert doc["differences"][0] == "Over bars 1–5, Tuesday and Monday take about the same time."
    wrong = [b["bar"] for b in doc["bars"] if b["wrong"]]
    assert wrong == [2, 2]
    for take in doc["takes"]:
        statuses = [n["status"] for n in doc["notes"] if n["take_id"] == take["id"]]
        assert take["note_counts"] == {s: statuses.count(s) for s in sorted(set(statuses))}
        assert take["note_counts"]["wrong"] >= 1
    assert f"report: {report}" in out.err
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(report).pages).split())
    assert "Notes to listen to again" in text
    assert "Monday, bar 2" in text and "cents, sharp)" in text
    with open(tables / "bars.csv", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 2 * 5


def test_compare_summary_and_html(sung, capsys, tmp_path):
    (monday, tuesday), _ = _ids(sung, capsys)
    report = tmp_path / "r.html"
    assert main(["compare", "--session", str(sung.path), "--ref", monday, tuesday,
                 "--report", str(report), "--no-score"]) == 0
    out = capsys.readouterr().out
    assert "Monday (reference)" in out and "section" in out
    # by default the session's score numbers the bars
    assert main(["compare", "--session", str(sung.path), "--ref", monday, tuesday]) == 0
    captured = capsys.readouterr()
    assert "Bar" in captured.out and "section" not in captured.out
    assert "bars are numbered from the score Melody" in captured.err
    assert "<svg" in report.read_text()


@pytest.mark.parametrize("args, message", [
    (["--ref", "nope", "X"], "no score or take 'nope'"),
    (["--ref", "{score}", "nope"], "no take 'nope'"),
    (["--ref", "{monday}", "{monday}"], "cannot also be one of the compared takes"),
    (["--ref", "{score}", "{monday}", "--part", "Bass"], "no part called 'Bass'"),
    (["--ref", "{score}", "{monday}", "--report", "r.docx"], ".html or .pdf"),
    (["--ref", "{score}", "{monday}", "--report", "/no/such/folder/r.pdf"], "does not exist"),
    (["--ref", "{score}", "{monday}", "--csv", "/no/such/folder/tables"], "does not exist"),
])
def test_errors_exit_2_with_one_line(sung, capsys, args, message):
    (monday, _), score = _ids(sung, capsys)
    args = [a.format(score=score, monday=monday) for a in args]
    assert main(["compare", "--session", str(sung.path), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_progress_of_the_performer(sung, capsys):
    (monday, tuesday), score = _ids(sung, capsys)
    assert main(["compare", "--session", str(sung.path), "--ref", score, tuesday,
                 "--part", "Alto", "--progress", "--json"]) == 0
    progress = json.loads(capsys.readouterr().out)["progress"]
    assert [t["take_id"] for t in progress["takes"]] == [monday, tuesday]  # same date: import order
    first, second = progress["takes"]
    assert first["tempo_pct"] == second["tempo_pct"]  # the same recording twice
    assert main(["compare", "--session", str(sung.path), "--ref", score, tuesday,
                 "--progress"]) == 0
    assert "Progress over time" in capsys.readouterr().out


def test_missing_session(tmp_path, capsys):
    assert main(["compare", "--session", str(tmp_path / "none"), "--ref", "a", "b"]) == 2
    assert "No session found" in capsys.readouterr().err


def test_takes_and_references_by_title_and_progress_checked_before_the_work(sung, capsys):
    from musicpractice.session.store import Session

    (monday, tuesday), score = _ids(sung, capsys)
    with Session.open(sung.path) as session:
        ana = session.import_audio(sung.folder / "take.wav" if (sung.folder / "take.wav").exists()
                                   else session.audio_path(monday), title="Ana's Wednesday",
                                   performer="Ana").id
    # takes of two performers: refused at once, before anything is aligned
    assert main(["compare", "--session", str(sung.path), "--ref", "Melody", "Monday",
                 "Ana's Wed", "--progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Progress follows one performer" in err[0]
    assert not list((sung.path / "derived" / ana).glob("alignment*"))  # nothing aligned
    # titles and unique id starts name takes and references
    assert main(["compare", "--session", str(sung.path), "--ref", "melody", "monday",
                 "--part", "Alto", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [t["title"] for t in doc["takes"]] == ["Monday"]
    with Session.open(sung.path) as session:
        session.remove_take(ana)
