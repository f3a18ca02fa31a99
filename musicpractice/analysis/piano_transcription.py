"""Piano notes heard in a take, by a neural piano transcription model run on the CPU.

The model is Transkun (Yujia Yan and Zhiyao Duan, "Scoring intervals using non-hierarchical
transformer for automatic piano transcription", ISMIR 2024; MIT licence), whose weights
ship inside its Python package (``transkun/pretrained/2.0.pt``); nothing is downloaded.
It reads 44.1 kHz audio in 16 s segments advanced by 8 s and decodes each key's notes
with a semi-Markov CRF: every note comes out with its onset, offset and velocity. Its
onsets tell a key struck again from a key still sounding from an earlier stroke, and a
played key from a harmonic of a lower one, which the frame posteriors of Basic Pitch
(:mod:`musicpractice.analysis.note_model`) cannot.

The package is installed without its training dependencies (``./dev`` runs
``pip install --no-deps transkun``); it only needs ``torch``, ``pretty_midi`` and
``moduleconf`` to run. Its mel filter bank is built with ``torchaudio`` when the model is
constructed and then replaced by the copy stored in the weights, so when ``torchaudio`` is
missing a stand-in that gives the same filter bank (HTK mel, no normalisation) is lent to
the constructor.

When the model cannot run, :func:`piano_transcription_available` says why in one line and
the piano check reads Basic Pitch alone.

Transcriptions take about as long as the take on two cores. They are kept in memory for
the process and, when ``$MUSICPRACTICE_TRANSCRIPTIONS`` names a folder, on disk there
(one ``.npz`` per take content, checked against the model version).
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
import threading
import types
import warnings
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from musicpractice.analysis.signal import check_signal
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

MODEL_SR = 44100
MODEL_VERSION = "transkun-2.0.1"
"""Part of every cache key: a new model or weights never reads an old transcription."""
CACHE_ENV = "MUSICPRACTICE_TRANSCRIPTIONS"
MEMORY_ENTRIES = 8
"""Transcriptions kept in memory (a few hundred bytes per note)."""
THREADS = 2
"""CPU threads the model runs on."""


@dataclass(frozen=True)
class PianoNotes:
    """The notes a transcription heard.

    Attributes
    ----------
    onset_s, offset_s : numpy.ndarray
        Start and end of each note in seconds from the start of the take, shape (notes,).
    midi : numpy.ndarray
        int, MIDI number of each note, shape (notes,).
    velocity : numpy.ndarray
        int, MIDI velocity (1–127) the model reads for each note, shape (notes,).
    """

    onset_s: np.ndarray
    offset_s: np.ndarray
    midi: np.ndarray
    velocity: np.ndarray

    def __len__(self) -> int:
        return int(self.midi.size)

    def onsets_of(self, midi: int) -> np.ndarray:
        """Onsets in seconds of the notes at one key, sorted, shape (k,)."""
        return np.sort(self.onset_s[self.midi == midi])


def piano_transcription_available() -> str | None:
    """``None`` when the transcription model can run here, else why not (one line)."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return "the piano transcription model needs torch (./dev installs it)"
    try:
        import moduleconf  # noqa: F401
        import pretty_midi  # noqa: F401
        from importlib.resources import files

        weights = files("transkun") / "pretrained" / "2.0.pt"
    except ImportError as exc:
        return f"the piano transcription model is not installed ({exc.name} is missing)"
    if not weights.is_file():
        return "the piano transcription model's weights are missing from the transkun package"
    return None


def transcribe_piano(samples: np.ndarray, sr: int, *, progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> PianoNotes:
    """The notes of a mono piano take.

    Parameters
    ----------
    samples : numpy.ndarray
        Mono signal, shape (samples,).
    sr : int
        Its sample rate in Hz.

    Returns
    -------
    PianoNotes
        Sorted by onset; the pedal events the model also reads are left out.
    """
    y = check_signal(samples, sr)
    key = _content_key(y, sr)
    found = _memory_get(key)
    if found is None:
        found = _disk_get(key)
    if found is None:
        found = _run_model(y, sr, progress=progress, cancel=cancel)
        _disk_put(key, found)
    _memory_put(key, found)
    report(progress, 1.0, "Piano notes transcribed")
    return found


def _run_model(y: np.ndarray, sr: int, *, progress, cancel) -> PianoNotes:
    import torch
    from scipy.signal import resample_poly

    if sr != MODEL_SR:
        g = math.gcd(int(sr), MODEL_SR)
        y = resample_poly(y, MODEL_SR // g, int(sr) // g)
    model = _model()
    padding = 2 * (model.segmentSizeInSecond - model.segmentHopSizeInSecond)  # both ends
    segments = max(1, math.ceil((len(y) / MODEL_SR + padding) / model.segmentHopSizeInSecond))
    done = [0]
    inner = model.transcribeFrames

    def counted(*args, **kwargs):  # one call per segment: progress and cancel between them
        check_cancel(cancel)
        out = inner(*args, **kwargs)
        done[0] += 1
        report(progress, 0.98 * done[0] / segments, "Transcribing piano notes")
        return out

    with _RUN_LOCK, torch.inference_mode(), warnings.catch_warnings():
        # the model's checkpointing layers warn about training options at every segment
        warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.")
        torch.set_num_threads(THREADS)
        model.transcribeFrames = counted
        try:
            notes = model.transcribe(torch.from_numpy(np.ascontiguousarray(y, np.float32))
                                     .reshape(-1, 1), discardSecondHalf=False)
        finally:
            del model.transcribeFrames
    rows = np.array([(n.start, n.end, n.pitch, n.velocity) for n in notes if n.pitch > 0],
                    dtype=float).reshape(-1, 4)
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    return PianoNotes(onset_s=rows[:, 0].copy(), offset_s=rows[:, 1].copy(),
                      midi=rows[:, 2].astype(int), velocity=rows[:, 3].astype(int))


_RUN_LOCK = threading.Lock()
"""One transcription at a time: the model uses both cores already."""


@lru_cache(maxsize=1)
def _model():
    """The model with its weights (loaded once per process)."""
    import torch
    import moduleconf
    from importlib.resources import files

    folder = files("transkun") / "pretrained"
    conf = moduleconf.parseFromFile(str(folder / "2.0.conf"))["Model"]
    with _torchaudio_filter_bank():
        model = conf.module.TransKun(conf=conf.config)
    checkpoint = torch.load(str(folder / "2.0.pt"), map_location="cpu", weights_only=False)
    state = checkpoint.get("best_state_dict", checkpoint.get("state_dict"))
    model.load_state_dict(state, strict=False)
    model.eval()
    return model


class _torchaudio_filter_bank:
    """Lends the model's constructor ``torchaudio.functional.melscale_fbanks`` when
    torchaudio is not installed (the weights carry the filter bank it builds)."""

    def __enter__(self):
        self._lent = False
        try:
            import torchaudio  # noqa: F401
        except ImportError:
            module = types.ModuleType("torchaudio")
            module.functional = types.SimpleNamespace(melscale_fbanks=_melscale_fbanks)
            sys.modules["torchaudio"] = module
            self._lent = True
        return self

    def __exit__(self, *exc):
        if self._lent:
            sys.modules.pop("torchaudio", None)
        return False


def _melscale_fbanks(n_freqs, f_min, f_max, n_mels, sample_rate, norm=None, mel_scale="htk"):
    """Triangular HTK-mel filters, shape (n_freqs, n_mels), as torchaudio builds them."""
    import torch

    freqs = torch.linspace(0, sample_rate // 2, n_freqs)
    m_min, m_max = (2595.0 * math.log10(1.0 + f / 700.0) for f in (f_min, f_max))
    f_pts = 700.0 * (10 ** (torch.linspace(m_min, m_max, n_mels + 2) / 2595.0) - 1.0)
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts.unsqueeze(0) - freqs.unsqueeze(1)
    down = -slopes[:, :-2] / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    return torch.clamp(torch.minimum(down, up), min=0.0)


def _content_key(y: np.ndarray, sr: int) -> str:
    digest = hashlib.sha256(np.ascontiguousarray(y, np.float32).tobytes())
    digest.update(f"{int(sr)}:{MODEL_VERSION}".encode())
    return digest.hexdigest()[:40]


_MEMORY: OrderedDict = OrderedDict()
_MEMORY_LOCK = threading.Lock()


def _memory_get(key: str) -> PianoNotes | None:
    with _MEMORY_LOCK:
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            return _MEMORY[key]
    return None


def _memory_put(key: str, notes: PianoNotes) -> None:
    with _MEMORY_LOCK:
        _MEMORY[key] = notes
        while len(_MEMORY) > MEMORY_ENTRIES:
            _MEMORY.popitem(last=False)


def _disk_folder() -> Path | None:
    folder = os.environ.get(CACHE_ENV)
    return Path(folder) if folder else None


def _disk_get(key: str) -> PianoNotes | None:
    folder = _disk_folder()
    path = folder / f"{key}.npz" if folder else None
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["version"]) != MODEL_VERSION:
                return None
            return PianoNotes(onset_s=data["onset_s"], offset_s=data["offset_s"],
                              midi=data["midi"].astype(int),
                              velocity=data["velocity"].astype(int))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # a damaged entry is transcribed again


def _disk_put(key: str, notes: PianoNotes) -> None:
    folder = _disk_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{key}.{os.getpid()}.partial.npz"  # batch workers share it
        np.savez(partial, version=MODEL_VERSION, onset_s=notes.onset_s,
                 offset_s=notes.offset_s, midi=notes.midi, velocity=notes.velocity)
        partial.replace(folder / f"{key}.npz")
    except OSError:
        pass  # a full or read-only disk only costs the next run the transcription
