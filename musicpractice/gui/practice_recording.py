"""Singing along in the practice panel: playing the parts while recording, following the bar,
the device's measured latency, and the takes each pass leaves (mixed into
:class:`PracticePanel`)."""

from __future__ import annotations

import numpy as np
from musicpractice.audio.duplex import measure_latency
from musicpractice.audio.leak_removal import remove_leak
from musicpractice.core.errors import MusicPracticeError
from musicpractice.score.render import mix_tracks


SR = 44_100
"""Sample rate of the practice audio (rendering, playback and recording), Hz."""


class PracticeRecordingMixin:
    """Singing along in the practice panel: playing the parts while recording, following the
    bar, the device's measured latency, and the takes each pass leaves (mixed into
    :class:`PracticePanel`)."""

    # -- transport ---------------------------------------------------------------------
    def start(self, *, record: bool) -> None:
        """Play (or sing along) from the first bar chosen; waits for the rendering."""
        if self.score is None:
            return
        if self.tracks is None:
            self._pending_start = {"record": record}
            return
        self.engine.stop()
        self._recording_schedule = self.full_schedule
        self.settings_when_started = self.settings(singing=record)
        gains = {p: self.settings_when_started.part_gain(p) for p in self.score.parts}
        pans = {p: self.settings_when_started.part_pan(p) for p in self.score.parts}
        self.audio = mix_tracks(self.tracks, self.full_schedule, sr=SR, gains=gains, pans=pans)
        self.engine.load(self.audio, SR)
        try:
            self.engine.start(record=record, loop=self.loop.isChecked())
        except MusicPracticeError as error:
            self._fail(str(error))
            return
        self._was_playing = True
        self.status.setText("Singing along… (Stop ends; each pass is a take)" if record
                            else "Playing…")

    def stop(self) -> None:
        """Stop; a sing-along's complete passes become takes, checked and saved."""
        recording = self.engine.recording_input and self._was_playing
        self.engine.stop()
        self._was_playing = False
        if self.score_view is not None:
            self.score_view.highlight_bar(None)
        self._last_bar = None
        if recording:
            self._collect_takes()
        elif self.score is not None:
            self.status.setText("")

    def _follow(self) -> None:
        if not self._was_playing:
            return
        if self.engine.done:
            self.stop()
            return
        sched = self.full_schedule
        bar = sched.bar_at(self.engine.position_s) if sched is not None else None
        if bar != self._last_bar:
            self._last_bar = bar
            if self.score_view is not None:
                self.score_view.highlight_bar(bar)

    @property
    def current_bar(self) -> int | None:
        """The bar being played (None in the count-in or when stopped)."""
        return self._last_bar

    def set_input_device(self, name: str | None) -> None:
        """Record sing-along takes from input device ``name`` (the Record panel's choice;
        None or "": the system default), from the next start on; the latency shown is
        then this device pair's."""
        self.engine.input_device = name or None
        self._measured = None  # a measurement made this run was of the other device
        self.input_label.setText(f"Microphone: {name}" if name else
                                 "Microphone: the system's default input")
        self._show_latency()

    def stored_latency(self):
        """This device pair's stored measurement, if any."""
        if self._measured is not None:
            return self._measured
        if self.latency_store is None:
            return None
        try:
            from musicpractice.audio.devices import find_device
            names = (find_device(self.engine.input_device, kind="input").name,
                     find_device(self.engine.output_device, kind="output").name)
        except MusicPracticeError:
            return None
        return self.latency_store.get(f"{names[0]} | {names[1]} @ {SR}")

    def _show_latency(self) -> None:
        latency = self.stored_latency()
        self.latency_label.setText(
            f"Latency {latency.round_trip_s * 1000:.0f} ms (measured)" if latency is not None
            else "Latency not measured yet")

    def measure_latency(self) -> None:
        """Measure the round trip of the devices in the background (clicks, loopback)."""
        self.status.setText("Measuring the latency: keep the microphone near the speaker…")
        self.jobs.submit("latency", lambda progress=None, cancel=None: measure_latency(
            input_device=self.engine.input_device, output_device=self.engine.output_device,
            sr=SR))

    def _collect_takes(self) -> None:
        sched = self._recording_schedule
        clicks = [c.time_s for c in sched.clicks]
        heard = self.engine.heard_latency(clicks)
        stored = self.stored_latency()
        latency_s = heard if heard is not None else (
            stored.round_trip_s if stored is not None else sum(self.engine.reported_latency()))
        delays = self.engine.heard_delays(clicks)
        delays = delays[np.isfinite(delays)]
        if heard is None and len(delays) >= 2:
            self.status.setText(
                f"The sound system's delay wandered by {np.ptp(delays) * 1000:.0f} ms during "
                "the count-in: the takes' timing may be off by as much.")
        elif heard is None and stored is None:
            self.status.setText("The latency is not measured: the takes may lag by the "
                                "device's latency (Measure latency…).")
        if self.engine.dropouts:
            self.status.setText(f"{self.engine.dropouts} audio block(s) were lost: timing "
                                "after them may be off (close other programs).")
        guided = self.settings_when_started.part_gain(self.my_part.currentData()) > 0
        for take in self.engine.takes(latency_s):
            drift = self.engine.delay_drift(take)
            if drift is not None and abs(drift) > 0.005:
                self.status.setText(f"The sound system's delay moved by {drift * 1000:+.0f} ms "
                                    "during the take: its timing may be off by as much.")
            if not guided:  # the accompaniment the microphone heard is not the singer
                take = remove_leak(take, self.audio, SR)[0]
            self.attempts.add(take, sr=SR, score=self.score, sched=sched,
                              part=self.my_part.currentData(), latency_s=latency_s,
                              bars=self.settings_when_started.bars,
                              count_in_bars=self.settings_when_started.count_in_bars,
                              session=self.session,
                              score_id=self.score_id)
