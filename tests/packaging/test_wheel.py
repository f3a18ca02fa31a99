"""The wheel built from a clean copy of the project carries resources/ and the locator
finds them in the installed copy."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """``pip wheel --no-deps`` of a copy of the sources (never builds in the checkout)."""
    source = tmp_path_factory.mktemp("source")
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".lock")
    for folder in ("musicpractice", "resources"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
                            check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return next(out.glob("musicpractice-*.whl"))


def test_wheel_contains_the_resources_but_not_their_build_scripts(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"musicpractice/resources/" + str(p.relative_to(ROOT / "resources"))
                for p in (ROOT / "resources").rglob("*")
                if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts}
    assert {"musicpractice/resources/icons/musicpractice.svg",
            "musicpractice/resources/demo/Demo.mpsession/session.json",
            "musicpractice/resources/examples/twinkle_voice.flac"} <= expected
    assert expected <= names
    assert not [n for n in names if n.startswith("musicpractice/resources/") and n.endswith(".py")]


def test_installed_wheel_finds_its_own_resources(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = ("import json, musicpractice.core.resources as r; "
              "print(json.dumps([str(r.resources_dir()), str(r.resource_path('demo', 'Demo.mpsession'))]))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    folder, demo = json.loads(result.stdout)
    assert Path(folder) == site / "musicpractice" / "resources"
    assert (Path(demo) / "session.json").is_file()
