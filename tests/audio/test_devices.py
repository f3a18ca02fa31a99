"""Device listing and choice: with the real null sink, and without PortAudio or devices."""

from __future__ import annotations

import sys
import types

import pytest

from musicpractice.audio import devices
from musicpractice.audio.recording_errors import AudioDeviceError
from musicpractice.core.errors import InvalidParameterError
from tests.audio.pulse import INPUT_DEVICE


def test_lists_the_null_sink_device(null_sink_env):
    inputs = devices.list_devices(kind="input")
    names = [d.name for d in inputs]
    assert INPUT_DEVICE in names
    assert all(d.input_channels > 0 for d in inputs)
    assert all(d.output_channels > 0 for d in devices.list_devices(kind="output"))
    pulse = devices.find_device(INPUT_DEVICE)
    assert pulse.default_sample_rate_hz >= 8000
    assert devices.find_device(pulse.index) == pulse
    assert devices.find_device(str(pulse.index)) == pulse


def _fake_sounddevice(monkeypatch, device_list, default=(0, 1)):
    fake = types.ModuleType("sounddevice")

    class PortAudioError(Exception):
        pass

    fake.PortAudioError = PortAudioError
    fake.query_devices = lambda: device_list
    fake.query_hostapis = lambda: [{"name": "ALSA"}]
    fake.default = types.SimpleNamespace(device=default)
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    return fake


def _device(index, name, ins, outs):
    return {"index": index, "name": name, "hostapi": 0, "max_input_channels": ins,
            "max_output_channels": outs, "default_samplerate": 48000.0}


def test_find_by_exact_name_part_of_name_and_default(monkeypatch):
    _fake_sounddevice(monkeypatch, [_device(0, "USB Mic", 1, 0), _device(1, "Speakers", 0, 2),
                                    _device(2, "USB Mic 2", 2, 0)])
    assert devices.find_device("USB Mic").index == 0
    assert devices.find_device("mic 2").index == 2
    assert devices.find_device(None).index == 0
    assert devices.find_device(None, kind="output").index == 1
    assert devices.find_device("speak", kind="output").name == "Speakers"
    assert [d.name for d in devices.list_devices(kind="output")] == ["Speakers"]


@pytest.mark.parametrize("name, words", [("usb", "several"), ("Piano", "not a device"),
                                         ("Speakers", "not a device"), (7, "not a device")])
def test_unknown_or_ambiguous_device_names_the_choices(monkeypatch, name, words):
    _fake_sounddevice(monkeypatch, [_device(0, "USB Mic", 1, 0), _device(1, "Speakers", 0, 2),
                                    _device(2, "USB Mic 2", 2, 0)])
    with pytest.raises(AudioDeviceError, match=words) as error:
        devices.find_device(name)
    assert "0: USB Mic" in str(error.value)


def test_no_input_device_at_all(monkeypatch):
    _fake_sounddevice(monkeypatch, [_device(0, "Speakers", 0, 2)], default=(-1, 0))
    with pytest.raises(AudioDeviceError, match="No sound device for recording"):
        devices.find_device(None)


def test_missing_portaudio_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioDeviceError, match="libportaudio2"):
        devices.list_devices()


def test_sound_system_failure_is_a_device_error(monkeypatch):
    fake = _fake_sounddevice(monkeypatch, [])

    def broken():
        raise fake.PortAudioError("Error querying device -1")

    fake.query_devices = broken
    with pytest.raises(AudioDeviceError, match="could not list"):
        devices.list_devices()


def test_bad_kind():
    with pytest.raises(InvalidParameterError):
        devices.list_devices(kind="both")
