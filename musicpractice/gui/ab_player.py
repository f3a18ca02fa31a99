"""A/B playback of aligned takes: switch takes at the same musical position while playing.

Every take is loaded at the same rate, so a switch only swaps the samples the open output
stream reads (no device reopen) and seeks to the aligned time: the new take continues
within one audio block (about 12 ms) of where the musical position maps into it. A loop
is a span of bars (17-32), so it covers the same music in every take. Positions are grid
coordinates (:mod:`musicpractice.gui.workers.alignment_jobs`).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, QTimer, Signal

from musicpractice.audio.playback import Player
from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.workers.alignment_jobs import PLAYBACK_RATE_HZ, CompareData

TICK_MS = 30


class ABPlayer(QObject):
    """Plays one take of a comparison at a time.

    Signals
    -------
    position_changed(str, float, float)
        Take id, position in the take (seconds) and musical position (grid coordinate),
        about 30 times a second while playing and after every jump.
    take_changed(str)
        The take now loaded.
    error(str)
        Playback is impossible (no output device...).
    """

    position_changed = Signal(str, float, float)
    take_changed = Signal(str)
    error = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player: Player | None = None
        self.data: CompareData | None = None
        self.take_id = ""
        self.loop_bars: tuple[float, float] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def set_data(self, data: CompareData | None) -> None:
        """Play the takes of a comparison (the first one loaded, paused)."""
        self.pause()
        self.data, self.take_id, self.loop_bars = data, "", None
        if data is not None:
            self._load(data.comparison.takes[0].take.id)

    @property
    def available(self) -> bool:
        """Whether a take is loaded on an output device (False without a device)."""
        return self.player is not None and bool(self.take_id)

    @property
    def playing(self) -> bool:
        """Whether a take is playing."""
        return self.player is not None and self.player.playing

    @property
    def position_s(self) -> float:
        """Position in the current take (seconds)."""
        return self.player.position_s if self.player is not None else 0.0

    @property
    def musical_position(self) -> float:
        """Grid coordinate of the playing point (NaN without a take)."""
        if self.data is None or not self.take_id:
            return math.nan
        return float(self.data.grid_position(self.take_id, self.position_s))

    def _load(self, take_id: str) -> bool:
        try:
            if self.player is None:
                self.player = Player()
            self.player.load(self.data.audio[take_id], PLAYBACK_RATE_HZ)
        except MusicPracticeError as error:
            self.player, self.take_id = None, ""
            self.error.emit(f"Playback is not available: {error}")
            return False
        self.take_id = take_id
        self._apply_loop()
        self.take_changed.emit(take_id)
        return True

    def switch_to(self, take_id: str) -> None:
        """Continue in another take at the same musical position (playing if it was)."""
        if self.data is None or take_id == self.take_id:
            return
        position, source, x = self.position_s, self.take_id, self.musical_position
        playing = self.playing
        if not self._load(take_id):
            return
        target = self.data.comparison.same_moment(source, position, take_id) if source else math.nan
        if not math.isfinite(target) and math.isfinite(x):
            target = self.data.take_time(take_id, x)  # outside the take: its nearest end
        if math.isfinite(target):
            self.player.seek(target)
        if playing:
            self.play()
        self._emit()

    def switch_next(self) -> None:
        """Switch to the next take (the A/B key)."""
        if self.data is None or not self.take_id:
            return
        ids = [t.take.id for t in self.data.comparison.takes]
        self.switch_to(ids[(ids.index(self.take_id) + 1) % len(ids)])

    def play_from(self, take_id: str, x: float) -> None:
        """Play a take from grid position ``x`` (a clicked bar, cell or row)."""
        if self.data is None:
            return
        if (take_id != self.take_id or self.player is None) and not self._load(take_id):
            return
        if self.loop_bars is not None and not self.loop_bars[0] <= x < self.loop_bars[1]:
            self.set_loop(None)
        self.player.seek(self.data.take_time(take_id, x))
        self.play()

    def set_loop(self, span: tuple[float, float] | None) -> None:
        """Loop grid span ``(x0, x1)`` (e.g. the start of bar 17 to the end of bar 32) in
        every take; None plays through."""
        self.loop_bars = span
        if self.player is None or self.data is None:
            return
        self._apply_loop()
        if span is not None:
            start = self.data.take_time(self.take_id, span[0])
            end = self.data.take_time(self.take_id, span[1])
            if not start <= self.player.position_s < end:
                self.player.seek(start)
        self._emit()

    def loop_s(self) -> tuple[float, float] | None:
        """The looped stretch of the current take, seconds."""
        return self.player.loop_s if self.player is not None else None

    def _apply_loop(self) -> None:
        if self.loop_bars is None:
            self.player.set_loop(None)
            return
        start, end = (self.data.take_time(self.take_id, x) for x in self.loop_bars)
        try:
            self.player.set_loop((start, end))
        except MusicPracticeError as error:  # the take hardly covers those bars
            self.player.set_loop(None)
            self.error.emit(f"{self.data.take(self.take_id).name}: {error}")

    def play(self) -> None:
        """Start playing the current take."""
        if self.player is None or not self.take_id:
            return
        self.player.play()
        self.timer.start()

    def pause(self) -> None:
        """Pause (keeps the position)."""
        if self.player is not None:
            self.player.pause()
        self._emit()

    def toggle(self) -> None:
        """Play or pause."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def close(self) -> None:
        """Release the output device."""
        self.timer.stop()
        if self.player is not None:
            self.player.close()
            self.player = None

    def _emit(self) -> None:
        if self.take_id and self.player is not None:
            self.position_changed.emit(self.take_id, self.position_s, self.musical_position)

    def _tick(self) -> None:
        self._emit()
        if not self.playing:
            self.timer.stop()
