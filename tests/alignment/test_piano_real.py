"""Piano verdicts on real recordings: two professional takes of Chopin Op. 10/3, bars 1-8,
in which every written note was played. A verdict of "missing" or "wrong" there is false;
almost all notes must be found, and the rest left unsure rather than called mistakes."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
import soundfile as sf

from musicpractice.alignment.pipeline import align_file
from musicpractice.reports.alignment_json import alignment_document
from musicpractice.reports.alignment_text import alignment_summary


@pytest.mark.parametrize("who", ["Igoshina", "Varsi"])
def test_a_professional_take_is_not_marked_wrong(shared_data, who):
    folder = shared_data / "alignment"
    result = align_file(folder / f"Chopin_Op010-03-Measures1-8_{who}.wav",
                        folder / "vienna4x22" / "musicxml" / "Chopin_op10_no3.musicxml")
    counts = Counter(n.status for n in result.comparison.notes)
    total = sum(counts.values())
    assert total > 150
    # the score starts with a pickup B3 the pianist holds (Igoshina for 1.6 s): it is the
    # take's first sound, where the level first rises 12 dB above the silence before it
    y, sr = sf.read(folder / f"Chopin_Op010-03-Measures1-8_{who}.wav", always_2d=True)
    level = 20 * np.log10(np.sqrt(np.convolve(y.mean(axis=1) ** 2, np.ones(441) / 441)) + 1e-9)
    first_sound = np.argmax(level > np.median(level[:sr // 4]) + 12.0) / sr
    pickup = result.comparison.notes[0]
    assert (pickup.measure, pickup.ref_quarter, pickup.midi) == (1, 0.0, 59)
    assert pickup.status == "ok" and abs(pickup.take_onset_s - first_sound) < 0.12
    # its ornaments are not checked, and the align command's document says so; a grace
    # note played as written is no extra note either (Igoshina's A#4 in bar 8 was one)
    ornaments = {(o.measure, o.midi) for o in result.score.ornaments}
    assert len(ornaments) == 4  # A#4 in bars 8 and 9, F#4 and G#4 in bar 22
    assert not [e for e in result.comparison.extra_notes if (e.measure, e.midi) in ornaments]
    doc = alignment_document(result.alignment, take="take", reference="score",
                             comparison=result.comparison, part=result.part,
                             score_model=result.score)
    assert any("grace notes are not checked" in w for w in doc["warnings"])
    # the summary lists each key once; one written in two voices says so, so the lines
    # a pianist reads add up to the count of wrong and missing notes above them
    listed = [line for line in alignment_summary(doc).splitlines()
              if line.startswith("  bar ") and ("not heard" in line or "played" in line)]
    assert len(set(listed)) == len(listed)
    voices = [int(re.search(r"written in (\d) voices", line)[1]) if " voices" in line else 1
              for line in listed]
    assert sum(voices) == counts["missing"] + counts["wrong"]
    assert counts["missing"] + counts["wrong"] <= 0.03 * total, counts
    assert counts["ok"] >= 0.8 * total, counts


def test_mistakes_written_into_the_score_are_found_on_a_real_take(shared_data, tmp_path):
    """The score gets the mistakes (benchmarks/real_piano_verdicts.py: keys moved a step,
    keys added that the pianist did not play); the real take is then checked against it.
    The builder and the scoring are the benchmark's, so this floor and the README's
    number are one measurement."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "real_piano_verdicts.py"
    spec = importlib.util.spec_from_file_location("real_piano_verdicts", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    folder = shared_data / "alignment"
    source = folder / "vienna4x22" / "musicxml" / "Chopin_op10_no3.musicxml"
    total: dict = {}
    for seed in (0, 1, 2):
        score = tmp_path / f"chopin_{seed}.musicxml"
        truth = bench.mistaken_score(source, score, seed=seed)
        counts = bench.evaluate(folder / "Chopin_Op010-03-Measures1-8_Varsi.wav", score, truth)
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    assert total["missing"] >= 10 and total["good"] >= 300, total
    assert total["missing_found"] >= 0.7 * total["missing"], total
    # the ceiling (5 %): the transcription finds left-out keys the key activation
    # hears as played, and on this real take also misses a few soft inner B3s that the
    # activation hears (stated below 90 % sure: piano_transcribed.RELIABILITY)
    assert total["false"] <= 0.05 * total["good"], total
    assert total["sure_bad"] <= 0.05 * total["sure"], total
