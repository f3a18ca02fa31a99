"""packaging/linux: the menu entry, AppStream metainfo and MIME types validate, install
for one user, make *.mpsz / *.mpsession recognisable, and uninstall cleanly."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import musicpractice

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
ID = "io.github.musicpractice.MusicPractice"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install desktop-file-utils appstream)")
    return path


def test_desktop_entry_validates():
    result = subprocess.run([_tool("desktop-file-validate"), str(LINUX / f"{ID}.desktop")],
                            check=False, capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout


def test_metainfo_validates_and_names_the_current_version():
    result = subprocess.run([_tool("appstreamcli"), "validate", "--no-net", str(LINUX / f"{ID}.metainfo.xml")],
                            check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (LINUX / f"{ID}.metainfo.xml").read_text()
    assert re.search(r'<release version="([^"]+)"', text).group(1) == musicpractice.__version__
    for image in re.findall(r"/packaging/screenshots/([\w.]+\.png)</image>", text):
        assert (ROOT / "packaging" / "screenshots" / image).is_file()


def test_changelog_names_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(r"^## \[(\d[^\]]*)\]", text, re.MULTILINE).group(1) == musicpractice.__version__


def test_install_for_one_user_then_uninstall(tmp_path):
    _tool("update-mime-database")
    home, data = tmp_path / "home", tmp_path / "home" / "share"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "musicpractice"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(data),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([str(LINUX / "install.sh")], env=env, check=True, capture_output=True)

    desktop = data / "applications" / f"{ID}.desktop"
    assert f'Exec="{exe}" %F' in desktop.read_text().splitlines()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / f"{ID}.svg").is_file()
    assert (data / "metainfo" / f"{ID}.metainfo.xml").is_file()
    script = ("from PySide6.QtCore import QMimeDatabase as D; d = D(); "
              "print(d.mimeTypeForFile('a/Choir.mpsz', D.MatchMode.MatchExtension).name(), "
              "d.mimeTypeForFile('a/Choir.mpsession', D.MatchMode.MatchExtension).name())")
    result = subprocess.run([sys.executable, "-c", script], env={**env, "XDG_DATA_DIRS": "/usr/share"},
                            capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["application/x-musicpractice-shared-session",
                                     "application/x-musicpractice-session"]

    subprocess.run([str(LINUX / "install.sh"), "--uninstall"], env=env, check=True, capture_output=True)
    assert not desktop.exists() and not (data / "mime" / "packages" / f"{ID}.xml").exists()


def test_install_refuses_a_folder_that_is_not_a_build(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "share")}
    result = subprocess.run([str(LINUX / "install.sh"), str(tmp_path)], env=env, check=False, capture_output=True, text=True)
    assert result.returncode == 2 and "is not a built application" in result.stderr
    assert not (tmp_path / "share" / "applications").exists()
