"""Starting the window where no screen exists says what to do instead of aborting in Qt."""

from __future__ import annotations

import os
import subprocess
import sys


def test_no_display_prints_how_to_run_and_exits_2(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "musicpractice"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "no screen" in result.stderr and "xvfb-run" in result.stderr
    assert "musicpractice analyze FILE" in result.stderr
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr
