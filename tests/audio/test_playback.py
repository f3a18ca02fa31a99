import time

import numpy as np
import pytest

from musicpractice.audio.playback import Player
from musicpractice.audio.recording_errors import AudioDeviceError
from musicpractice.core.errors import InvalidParameterError

SR = 8000


@pytest.fixture
def player(monkeypatch):
    """A player whose output stream is not opened: render() is driven by the test."""
    monkeypatch.setattr(Player, "_open", lambda self: None)
    p = Player(block_frames=64)
    p.load(np.arange(SR * 2, dtype=np.float32) / SR, SR)  # sample value = its time in s
    return p


def _render(p, frames):
    out = np.empty(frames, np.float32)
    p.render(out)
    return out


def test_paused_player_outputs_silence_and_keeps_its_place(player):
    assert not np.any(_render(player, 100))
    assert player.position_s == 0.0


def test_play_seek_and_stop_at_the_end(player):
    player.seek(1.5)
    player._stream = object()  # any stream: play() only needs one to exist
    player.play()
    out = _render(player, 400)
    assert out[0] == pytest.approx(1.5) and player.position_s == pytest.approx(1.55)
    out = _render(player, SR)
    assert not player.playing and player.position_s == pytest.approx(2.0)
    assert not np.any(out[4000 - 400:])  # silence after the end
    player.play()  # from the start again
    assert player.position_s == 0.0


def test_loop_wraps_inside_the_region(player):
    player._stream = object()
    player.set_loop((0.5, 0.6))
    player.seek(0.55)
    player.play()
    out = _render(player, 3 * 800)
    assert out.min() >= 0.5 - 1e-6 and out.max() < 0.6
    assert player.playing


def test_slower_rendition_keeps_the_musical_position(player):
    player.seek(1.0)
    slow = np.repeat(np.arange(SR * 2, dtype=np.float32) / SR, 2)  # twice as long
    player.set_rendition(slow, 0.5)
    assert player.position_s == pytest.approx(1.0)
    assert player.duration_s == pytest.approx(2.0)
    player._stream = object()
    player.play()
    out = _render(player, 800)
    assert out[0] == pytest.approx(1.0) and out[-1] == pytest.approx(1.05, abs=1e-3)
    assert player.position_s == pytest.approx(1.05)


def test_bad_arguments(player):
    with pytest.raises(InvalidParameterError):
        player.set_loop((0.1, 0.11))
    with pytest.raises(InvalidParameterError):
        player.set_rendition(np.zeros(10, np.float32), 0.3)
    with pytest.raises(InvalidParameterError):
        player.load(np.zeros((10, 2), np.float32), SR)
    with pytest.raises(InvalidParameterError):
        player.load(np.zeros(10, np.float32), 100)
    with pytest.raises(InvalidParameterError):
        Player(block_frames=1)


def test_play_without_a_take_is_an_error():
    with pytest.raises(AudioDeviceError):
        Player().play()


def test_real_device_plays_through_the_null_sink(null_sink_env):
    p = Player()
    try:
        p.load(np.zeros(22050 * 3, np.float32), 22050)
        p.play()
        deadline = time.monotonic() + 5
        while p.position_s == 0.0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert p.position_s > 0.0
    finally:
        p.close()
