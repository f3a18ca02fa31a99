"""``musicpractice record --session PATH``: record a take from a sound device.

Ctrl-C (or ``--seconds``) stops and saves the take. The audio reaches the disk every
half second while recording, so even a crash keeps all but the last moment; the next
``musicpractice session recover`` (or opening the session) saves it as a recovered take.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from musicpractice.audio.click import ClickSettings
from musicpractice.audio.devices import list_devices
from musicpractice.audio.recorder import Recorder
from musicpractice.cli.progress_bar import TerminalProgress
from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.model import ROLES
from musicpractice.session.store import Session

AUDIO_START_TIMEOUT_S = 10.0
"""Longest wait for the first audio before "Recording" is printed anyway."""
POLL_S = 0.1


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "record", help="record a take into a session (Ctrl-C stops and saves it)",
        description="Record from a sound device into a session; Ctrl-C stops and saves.")
    parser.add_argument("--session", type=Path, metavar="PATH",
                        help="session folder (created if it does not exist)")
    parser.add_argument("--list-devices", action="store_true", help="list sound devices and exit")
    parser.add_argument("--device", help="input device: number, name or part of the name")
    parser.add_argument("--output-device", help="device for the metronome click")
    parser.add_argument("--seconds", type=float, help="stop after this many seconds")
    parser.add_argument("--channels", type=int, choices=(1, 2), default=1, help="1 = mono, 2 = stereo")
    parser.add_argument("--rate", type=int, metavar="HZ", help="sample rate (default: the device's)")
    parser.add_argument("--count-in", type=int, default=0, metavar="BARS",
                        help="bars of metronome clicks before the take (needs --tempo)")
    parser.add_argument("--tempo", type=float, metavar="BPM", help="metronome tempo")
    parser.add_argument("--meter", type=int, default=4, metavar="BEATS", help="beats per bar")
    parser.add_argument("--click", action="store_true", help="keep clicking during the take")
    parser.add_argument("--title", default="")
    parser.add_argument("--performer", default="")
    parser.add_argument("--role", choices=ROLES, default="student")
    parser.add_argument("--piece", default="")
    parser.set_defaults(run=run)


def _click(args: argparse.Namespace) -> ClickSettings | None:
    if args.tempo is None:
        if args.count_in or args.click:
            raise InvalidParameterError("A count-in or click needs a tempo (--tempo BPM).")
        return None
    return ClickSettings(args.tempo, beats_per_bar=args.meter, count_in_bars=args.count_in,
                         during_take=args.click)


def _print_devices() -> None:
    for d in list_devices():
        default = (" (default input)" if d.is_default_input else "") + \
                  (" (default output)" if d.is_default_output else "")
        print(f"{d.index:3d}  {d.name}  [{d.host_api}]  in {d.input_channels}, "
              f"out {d.output_channels}, {d.default_sample_rate_hz} Hz{default}")


def run(args: argparse.Namespace) -> int:
    if args.list_devices:
        _print_devices()
        return 0
    if args.session is None:
        raise InvalidParameterError("Say where to save the take: --session PATH.")
    if args.seconds is not None and args.seconds <= 0:
        raise InvalidParameterError("--seconds must be more than 0.")
    click = _click(args)
    recorder = Recorder(device=args.device, sample_rate_hz=args.rate, channels=args.channels,
                        output_device=args.output_device)
    with Session.open_or_create(args.session) as session:
        take = session.begin_recording(
            sample_rate_hz=recorder.sample_rate_hz, channels=recorder.channels,
            device=recorder.device.name, title=args.title, performer=args.performer,
            role=args.role, piece=args.piece)
        try:
            recorder.start_recording(session.take_folder(take.id), click=click,
                                     max_seconds=args.seconds)
        except BaseException:
            recorder.stop()
            session.remove_take(take.id)
            raise
        _wait_for_audio(recorder)
        print(f"Recording take {take.id} from {recorder.device.name} "
              f"({recorder.sample_rate_hz} Hz, {recorder.channels} ch); Ctrl-C stops.",
              file=sys.stderr, flush=True)
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            status = _wait(recorder)
        finally:
            signal.signal(signal.SIGTERM, previous)
            final = recorder.stop()
            bar = TerminalProgress()
            try:
                take = session.finish_recording(take.id, dropouts=final.dropouts, progress=bar)
            finally:
                bar.close()
    if status.error:
        print(f"musicpractice: {status.error}", file=sys.stderr)
    dropouts = f", {take.dropouts} dropouts (gaps in the audio)" if take.dropouts else ""
    print(f"take {take.id}  {take.duration_s:.1f} s{dropouts}")
    return 1 if status.error else 0


def _wait_for_audio(recorder: Recorder, *, timeout_s: float = AUDIO_START_TIMEOUT_S) -> None:
    """Return once audio reaches the disk (or the count-in sounds), so "Recording" is
    printed when a musician who starts on it is really heard; at most ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = recorder.status()
        if status.frames > 0 or status.state in ("count-in", "full") or status.error:
            return
        time.sleep(0.005)


def _wait(recorder: Recorder):
    meter = sys.stderr.isatty()
    try:
        while True:
            time.sleep(POLL_S)
            status = recorder.status()
            if status.error or status.state == "full":
                return status
            if meter:
                level = recorder.level()
                bars = int(max(0.0, level.peak_dbfs + 60.0) / 2)
                sys.stderr.write(f"\r{status.state:<9} {status.seconds:7.1f} s "
                                 f"[{'#' * bars:<30}] {level.peak_dbfs:6.1f} dBFS"
                                 f"{' CLIP' if level.clipping else '     '}")
                sys.stderr.flush()
    except KeyboardInterrupt:
        return recorder.status()
    finally:
        if meter:
            sys.stderr.write("\n")
