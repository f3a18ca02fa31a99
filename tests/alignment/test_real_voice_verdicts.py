"""Note verdicts on a real singer (the shared vocadito recording, never used to choose a
constant): its annotated notes written as a score, some moved 1-3 semitones (sung wrong by
a known amount) and some written into its rests (left out). The score builder and the
scoring are the benchmark's (benchmarks/real_voice_verdicts.py), so the floor here and the
number in the README are one measurement."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from musicpractice.audio.io import load_signal

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "real_voice_verdicts.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("real_voice_verdicts", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_real_singers_wrong_and_left_out_notes_are_found_and_sure_verdicts_hold(
        bench, shared_data, tmp_path):
    folder = shared_data / "melody"
    signal = load_signal(folder / "vocadito_1.wav")
    a1 = bench._annotation(folder, "vocadito_1_notesA1.csv")
    agreed = bench._agreed(a1, bench._annotation(folder, "vocadito_1_notesA2.csv"))
    tuning = bench.singer_tuning(a1[:, 1])
    total: dict = {}
    for seed in (0, 1):
        written, truth = bench.build_truth(a1, agreed, tuning, seed=seed)
        counts = bench.evaluate(signal.samples, signal.sr, written, truth, tmp_path)
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    assert total["wrong"] >= 6 and total["missing"] >= 4 and total["good"] >= 60, total
    assert total["wrong_found"] >= 0.8 * total["wrong"], total
    assert total["missing_found"] >= 0.8 * total["missing"], total
    assert total["false"] <= 0.05 * total["good"], total
    assert total["sure_bad"] <= 0.05 * total["sure"], total
