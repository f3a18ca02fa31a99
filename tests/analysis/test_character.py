import math

import pytest

from musicpractice.analysis.character import EMOTIONS, read_character
from musicpractice.analysis.cue_scales import SCALES

NAN = float("nan")

TENDER = dict(tempo_bpm=62, tempo_cv_pct=4, level_lufs=-32, hf_energy_pct=6, level_variability_lu=2,
              articulation_ratio=1.0, brightness_hz=600, attack_ms=70, timing_variability_pct=1.5,
              vibrato_rate_hz=NAN, vibrato_extent_cents=NAN, final_ritardando_pct=30, mode=0.8)
ANGRY = dict(tempo_bpm=160, tempo_cv_pct=2, level_lufs=-12, hf_energy_pct=45, level_variability_lu=5,
             articulation_ratio=0.55, brightness_hz=3200, attack_ms=8, timing_variability_pct=5,
             vibrato_rate_hz=NAN, vibrato_extent_cents=NAN, final_ritardando_pct=0, mode=-0.7)


def test_contributions_sum_to_each_reading():
    reading = read_character(ANGRY)
    for r in (*reading.emotions, reading.arousal, reading.valence):
        assert sum(c.contribution for c in r.contributions) == pytest.approx(r.value)


def test_calm_soft_legato_major_reads_as_tender_or_sad_and_low_arousal():
    reading = read_character(TENDER)
    assert reading.emotions[0].name in ("tenderness", "sadness")
    assert reading.arousal.value < -0.5
    assert reading.valence.value > 0
    assert "suggest" in reading.summary and "not the performer" in reading.summary


def test_fast_loud_sharp_minor_reads_as_anger_and_high_arousal():
    reading = read_character(ANGRY)
    assert reading.emotions[0].name == "anger"
    assert reading.arousal.value > 0.7
    assert reading.confidence > 0.3


def test_each_arousal_cue_moves_arousal_the_right_way():
    base = {k: v for k, v in TENDER.items()}
    a0 = read_character(base).arousal.value
    for key, higher in [("tempo_bpm", 140), ("hf_energy_pct", 40), ("articulation_ratio", 0.5),
                        ("brightness_hz", 2800), ("attack_ms", 10)]:
        assert read_character({**base, key: higher}).arousal.value > a0, key


def test_missing_cues_lower_coverage_and_are_not_counted():
    few = {k: NAN for k in TENDER}
    few["tempo_bpm"] = 70
    reading = read_character(few)
    assert reading.confidence == 0.0
    assert "Too few cues" in reading.summary
    assert all(c.cue == "tempo_bpm" for e in reading.emotions for c in e.contributions)


def test_all_five_emotions_are_reported():
    assert sorted(r.name for r in read_character(ANGRY).emotions) == sorted(EMOTIONS)


@pytest.mark.parametrize("key", sorted(SCALES))
def test_scales_map_their_ends_to_plus_minus_one(key):
    s = SCALES[key]
    assert s.score(s.low_value) == pytest.approx(-1)
    assert s.score(s.high_value) == pytest.approx(1)
    assert math.isnan(s.score(NAN))
    assert s.word(s.high_value) == s.high_word and s.word(s.low_value) == s.low_word


def test_the_sound_level_of_one_take_does_not_change_the_reading():
    # the same take recorded 20 dB quieter, or normalised: only level_lufs moves
    for level in (-55.0, -32.0, -10.0):
        quieter = read_character({**TENDER, "level_lufs": level})
        assert quieter == read_character(TENDER)
