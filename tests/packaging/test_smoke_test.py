"""``musicpractice --smoke-test`` (what packaging/smoke_test.sh runs on the frozen build),
here on a machine without PortAudio: the window starts, the record panel says how to
enable recording, the demo opens and a take is analysed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_PORTAUDIO = '''raise OSError("PortAudio library not found")  # what sounddevice raises without it\n'''


def test_smoke_test_without_portaudio(tmp_path):
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sounddevice.py").write_text(NO_PORTAUDIO)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONPATH": os.pathsep.join([str(shim), str(ROOT)])}
    result = subprocess.run([sys.executable, "-m", "musicpractice", "--smoke-test"], cwd=tmp_path, env=env,
                            check=False, capture_output=True, text=True, timeout=400)
    lines = [line for line in result.stdout.splitlines() if line.startswith("smoke test: ")]
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines[-1] == "smoke test: OK"
    assert any("Recording is not available" in line and "libportaudio2" in line for line in lines)
    assert any(line.startswith("smoke test: demo take shown: Twinkle - reference") for line in lines)
    analysed = next(line for line in lines if "analysed twinkle_voice.flac" in line)
    assert " notes" in analysed and "BPM" in analysed
    assert not (tmp_path / "config" / "musicpractice").exists()  # the user's settings are not touched


FAILING_CHECK = """
import sys
from musicpractice import app
from musicpractice.core.resources import ResourceMissingError
from musicpractice.gui import smoke_test

def missing(*parts):
    raise ResourceMissingError("The resource examples/twinkle_voice.flac is missing from X.")

smoke_test.resource_path = missing
sys.exit(app.main(["--smoke-test"]))
"""


def test_a_failing_check_exits_with_1_and_says_why(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", FAILING_CHECK], cwd=ROOT, env=env,
                            check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "smoke test: FAILED: The resource examples/twinkle_voice.flac is missing" in result.stdout
