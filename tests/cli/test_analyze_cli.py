"""``musicpractice analyze`` run as a user runs it: a subprocess on real files."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import PROJECT_ROOT
from tests.signals import SR, sung_phrase

EXAMPLE = PROJECT_ROOT / "resources" / "examples" / "twinkle_voice.flac"


def musicpractice(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "musicpractice", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def test_json_of_a_real_recording_follows_the_schema(shared_data, tmp_path):
    wav = shared_data / "melody" / "vocadito_1.wav"
    out = tmp_path / "result.json"
    done = musicpractice("analyze", wav, "--voice", "bass", "--json", "--out", out)
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text())
    assert doc["schema"] == "musicpractice.analysis/1"
    assert doc["duration_s"] == pytest.approx(sf.info(wav).duration, abs=0.01)
    assert 427.0 < doc["tuning_hz"] < 453.0
    key = doc["key"]
    assert re.fullmatch(r"[A-G][#b]?", key["tonic"])
    assert key["mode"] in ("major", "minor") and 0 <= key["confidence"] <= 1
    assert len(key["alternatives"]) >= 3
    tempo = doc["tempo"]
    assert 30 < tempo["bpm"] < 250 and np.all(np.diff(tempo["beats_s"]) > 0)
    melody = doc["melody"]
    assert melody["hop_s"] <= 0.01
    f0, prob = np.array(melody["f0_hz"]), np.array(melody["voiced_prob"])
    assert len(f0) == len(prob) == pytest.approx(doc["duration_s"] / melody["hop_s"], abs=3)
    assert np.all((f0 == 0) | ((f0 >= melody["fmin_hz"]) & (f0 <= melody["fmax_hz"])))
    assert np.all((prob >= 0) & (prob <= 1))
    notes = melody["notes"]
    assert len(notes) > 10
    assert all(n["onset_s"] < n["offset_s"] and -50 <= n["cents"] <= 50 for n in notes)
    loudness = doc["loudness"]
    assert -40 < loudness["integrated_lufs"] < 0 and loudness["lra_lu"] >= 0
    assert len(loudness["short_term"]) > 0
    cue_keys = {c["key"] for c in doc["cues"]}
    assert {"tempo_bpm", "level_lufs", "articulation_ratio", "brightness_hz", "attack_ms",
            "vibrato_rate_hz"} <= cue_keys
    assert all("method" in c and "unit" in c for c in doc["cues"])
    assert "not the performer" in doc["character"]["summary"]
    assert not _has_nan(doc)


def _has_nan(tree) -> bool:
    if isinstance(tree, float):
        return not math.isfinite(tree)
    if isinstance(tree, dict):
        return any(_has_nan(v) for v in tree.values())
    if isinstance(tree, list):
        return any(_has_nan(v) for v in tree)
    return False


def test_summary_of_the_bundled_example_names_its_key_and_tempo():
    done = musicpractice("analyze", EXAMPLE)
    assert done.returncode == 0, done.stderr
    assert "D major" in done.stdout
    bpm = float(done.stdout.split("Tempo")[1].split("BPM")[0])
    assert bpm == pytest.approx(84, abs=3)
    assert "half 42 BPM" in done.stdout  # the octave ambiguity is always spelled out
    assert "The cues suggest" in done.stdout and "not the performer" in done.stdout


def write_bytes(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "missing.wav", "not found"),
    (lambda d: write_bytes(d / "empty.wav", b""), "empty"),
    (lambda d: write_bytes(d / "notes.txt", b"Just a text file, not audio.\n" * 20), "not"),
    (lambda d: write_bytes(d / "cut.flac", EXAMPLE.read_bytes()[:300]), ""),
    (lambda d: sf.write(d / "short.wav", np.zeros(SR // 5), SR) or d / "short.wav", "short"),
])
def test_bad_input_is_one_line_and_exit_status_2(tmp_path, make, words):
    done = musicpractice("analyze", make(tmp_path), timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("musicpractice: error:"), done.stderr
    assert words in lines[0].lower()
    assert "Traceback" not in done.stderr


def test_unusable_range_is_refused(tmp_path):
    wav = tmp_path / "a.wav"
    sf.write(wav, sung_phrase((60, 62, 64)), SR)
    done = musicpractice("analyze", wav, "--fmin", "500", "--fmax", "100")
    assert done.returncode == 2 and "below the highest pitch" in done.stderr


def test_out_into_a_missing_folder_is_a_clear_error(tmp_path):
    done = musicpractice("analyze", EXAMPLE, "--json", "--out", tmp_path / "no" / "such" / "r.json")
    assert done.returncode == 2 and "folder" in done.stderr.lower(), done.stderr
