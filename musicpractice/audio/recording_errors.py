"""Errors of the recording engine (devices, disk), in words a musician understands."""

from musicpractice.core.errors import MusicPracticeError


class AudioDeviceError(MusicPracticeError):
    """No sound device, PortAudio missing, a device not found, busy or unplugged."""


class RecordingStorageError(MusicPracticeError):
    """The recording could not be written (disk full, folder not writable)."""
