"""The PyInstaller spec leaves out only modules that musicpractice never loads: a wrong
exclude breaks the frozen application at start, which only the slow build would show."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMPORT_ALL = """
import json, pkgutil, importlib, sys
import musicpractice
for module in pkgutil.walk_packages(musicpractice.__path__, "musicpractice."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


def _excludes() -> list[str]:
    tree = ast.parse((ROOT / "packaging" / "musicpractice.spec").read_text())
    node = next(n for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "EXCLUDES")
    return ast.literal_eval(node.value)


def test_importing_every_module_loads_nothing_the_spec_excludes():
    excludes = _excludes()
    assert "tkinter" in excludes  # the list was found
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=ROOT, check=False, capture_output=True,
                            text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=300)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert "musicpractice.gui.main_window" in loaded and "PySide6.QtWidgets" in loaded
    assert [name for name in loaded for ex in excludes if name == ex or name.startswith(ex + ".")] == []
