"""The import contracts (pyproject.toml, [tool.importlinter]) hold: layers point down, only
gui/ and app.py import Qt, only score/ imports music21, librosa only in analysis/ and
alignment/. Checked here so a plain pytest run catches an arrow pointing up."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _contracts() -> list[dict]:
    with PYPROJECT.open("rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]["contracts"]


def test_the_package_keeps_its_import_contracts(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"{len(_contracts())} kept, 0 broken" in out


def test_the_contracts_forbid_librosa_and_music21_in_the_window(tmp_path, monkeypatch, capsys):
    """The project's own forbidden-import contracts, applied to a small package whose gui
    imports librosa and whose app imports music21, break for both."""
    package = tmp_path / "probe"
    (package / "gui").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "gui" / "__init__.py").write_text("import librosa\n")
    (package / "app.py").write_text("import music21\n")
    blocks = []
    for contract in _contracts():
        sources = [m.replace("musicpractice.", "probe.") for m in contract.get("source_modules", ())
                   if m in ("musicpractice.gui", "musicpractice.app")]
        if contract["type"] == "forbidden" and set(contract["forbidden_modules"]) & {"librosa", "music21"}:
            assert sources == ["probe.app", "probe.gui"], contract["name"]
            blocks.append(f'[[tool.importlinter.contracts]]\nname = "{contract["name"]}"\n'
                          f'type = "forbidden"\nsource_modules = {sources!r}\n'
                          f'forbidden_modules = {contract["forbidden_modules"]!r}\n'
                          f'allow_indirect_imports = true\n')
    assert len(blocks) == 2
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.importlinter]\nroot_package = "probe"\n'
                      'include_external_packages = true\n\n' + "\n".join(blocks))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "probe", raising=False)
    status = lint_imports(config_filename=str(config), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert status == 1
    assert "probe.gui is not allowed to import librosa" in out
    assert "probe.app is not allowed to import music21" in out
