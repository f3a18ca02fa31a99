"""Sound devices through PortAudio (python-sounddevice), imported lazily.

sounddevice needs the system PortAudio library; when it is missing, every function here
raises :class:`AudioDeviceError` saying how to install it, and the rest of the program
(analysis, sessions) keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from musicpractice.audio.recording_errors import AudioDeviceError
from musicpractice.core.errors import InvalidParameterError

INSTALL_HINT = ("Debian/Ubuntu: sudo apt install libportaudio2; macOS: brew install portaudio; "
                "Windows: pip install sounddevice")


@dataclass(frozen=True)
class DeviceInfo:
    """One sound device.

    Attributes
    ----------
    index : int
        PortAudio device number (valid until the device list is refreshed).
    name : str
        Device name as the system reports it.
    host_api : str
        Sound system, e.g. ``"ALSA"``, ``"Core Audio"``, ``"WASAPI"``.
    input_channels, output_channels : int
        Maximum channel counts (0 = cannot record / play).
    default_sample_rate_hz : int
        The device's preferred sample rate in Hz.
    is_default_input, is_default_output : bool
        Whether the system uses it by default.
    """

    index: int
    name: str
    host_api: str
    input_channels: int
    output_channels: int
    default_sample_rate_hz: int
    is_default_input: bool
    is_default_output: bool


def sounddevice() -> ModuleType:
    """The ``sounddevice`` module, or :class:`AudioDeviceError` if PortAudio is missing."""
    try:
        import sounddevice as sd
    except (OSError, ImportError) as error:
        raise AudioDeviceError(
            f"Recording and playback need the PortAudio library, which is missing ({INSTALL_HINT})."
        ) from error
    return sd


def refresh() -> None:
    """Re-scan the system's devices (after plugging one in or out)."""
    sd = sounddevice()
    sd._terminate()
    sd._initialize()


def list_devices(*, kind: str | None = None, rescan: bool = False) -> tuple[DeviceInfo, ...]:
    """The system's sound devices.

    Parameters
    ----------
    kind : {None, "input", "output"}
        Only devices that can record (``"input"``) or play (``"output"``).
    rescan : bool
        Re-scan first (see :func:`refresh`).

    Raises
    ------
    AudioDeviceError
        PortAudio missing or failing.
    InvalidParameterError
        Unknown ``kind``.
    """
    if kind not in (None, "input", "output"):
        raise InvalidParameterError(f"Device kind must be 'input' or 'output' (got {kind!r}).")
    sd = sounddevice()
    try:
        if rescan:
            refresh()
        raw = sd.query_devices()
        default_in, default_out = (int(i) for i in sd.default.device)
        host_apis = [api["name"] for api in sd.query_hostapis()]
    except sd.PortAudioError as error:
        raise AudioDeviceError(f"The sound system could not list its devices ({error}).") from error
    devices = tuple(
        DeviceInfo(int(d["index"]), str(d["name"]), host_apis[d["hostapi"]],
                   int(d["max_input_channels"]), int(d["max_output_channels"]),
                   int(round(d["default_samplerate"])),
                   int(d["index"]) == default_in, int(d["index"]) == default_out)
        for d in raw
    )
    if kind == "input":
        return tuple(d for d in devices if d.input_channels > 0)
    if kind == "output":
        return tuple(d for d in devices if d.output_channels > 0)
    return devices


def find_device(name: str | int | None = None, *, kind: str = "input") -> DeviceInfo:
    """Choose a device by number, exact name or unique part of its name.

    Parameters
    ----------
    name : str, int or None
        ``None`` = the system default; an int (or digits) = the device number; otherwise
        the exact name, or a case-insensitive part of exactly one device's name.
    kind : {"input", "output"}
        What the device must be able to do.

    Raises
    ------
    AudioDeviceError
        No such device, an ambiguous name, or no device of that kind at all.
    """
    devices = list_devices(kind=kind)
    what = "recording (input)" if kind == "input" else "playback (output)"
    if not devices:
        raise AudioDeviceError(
            f"No sound device for {what} was found; connect one (or check that it is not "
            "muted or used by another program) and try again.")
    available = "; ".join(f"{d.index}: {d.name}" for d in devices)
    if name is None:
        default = [d for d in devices if (d.is_default_input if kind == "input" else d.is_default_output)]
        return default[0] if default else devices[0]
    if isinstance(name, int) or str(name).strip().isdigit():
        matches = [d for d in devices if d.index == int(name)]
    else:
        matches = [d for d in devices if d.name == name] or \
            [d for d in devices if str(name).casefold() in d.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    problem = "matches several devices" if matches else "is not a device for " + what
    raise AudioDeviceError(f"{name!r} {problem}. Available: {available}.")
