"""Peer worker: synctoolbox MrMsDTW (chroma + DLNCO), run inside its own virtualenv.

synctoolbox pins music21 < 10, so it cannot live in the project's environment;
``align_bench.py`` creates ``/tmp/peer-venv`` on first use and runs this file there.
Usage: python align_peer_synctoolbox.py JOBS.json OUT.json
JOBS.json holds a list of [take, reference, minutes]; OUT.json receives a list of
{"take_s", "ref_s", "seconds", "peak_mb"} (synctoolbox prints progress on stdout).
"""

import json
import resource
import sys
import time

import numpy as np
import soundfile as sf
from synctoolbox.dtw.mrmsdtw import sync_via_mrmsdtw
from synctoolbox.dtw.utils import compute_optimal_chroma_shift, make_path_strictly_monotonic
from synctoolbox.feature.chroma import pitch_to_chroma, quantize_chroma
from synctoolbox.feature.dlnco import pitch_onset_features_to_DLNCO
from synctoolbox.feature.pitch import audio_to_pitch_features
from synctoolbox.feature.pitch_onset import audio_to_pitch_onset_features
from synctoolbox.feature.utils import estimate_tuning, shift_chroma_vectors

FS = 22050
RATE = 50


def load(path, minutes):
    y, sr = sf.read(path, dtype="float32")
    if y.ndim > 1:
        y = y.mean(axis=1)
    if sr != FS:
        import scipy.signal
        y = scipy.signal.resample_poly(y, FS, sr).astype(np.float32)
    if isinstance(minutes, str):  # "xN": played N times over, whole (the long pair)
        y = np.tile(y, int(minutes[1:]))
    elif minutes:
        y = np.resize(y, int(minutes * 60 * FS))
    return y.astype(np.float64)


def features(audio):
    tuning = estimate_tuning(audio, FS)
    pitch = audio_to_pitch_features(f_audio=audio, Fs=FS, tuning_offset=tuning, feature_rate=RATE)
    chroma = quantize_chroma(f_chroma=pitch_to_chroma(f_pitch=pitch))
    onsets = audio_to_pitch_onset_features(f_audio=audio, Fs=FS, tuning_offset=tuning)
    dlnco = pitch_onset_features_to_DLNCO(f_peaks=onsets, feature_rate=RATE,
                                          feature_sequence_length=chroma.shape[1])
    return chroma, dlnco


def align(take_path, ref_path, minutes):
    start = time.perf_counter()
    a, b = load(take_path, minutes), load(ref_path, minutes)
    chroma_a, dlnco_a = features(a)
    chroma_b, dlnco_b = features(b)
    shift = compute_optimal_chroma_shift(chroma_a, chroma_b)
    chroma_b = shift_chroma_vectors(chroma_b, shift)
    dlnco_b = shift_chroma_vectors(dlnco_b, shift)
    wp = sync_via_mrmsdtw(f_chroma1=chroma_a, f_onset1=dlnco_a, f_chroma2=chroma_b,
                          f_onset2=dlnco_b, input_feature_rate=RATE,
                          step_weights=np.array([1.5, 1.5, 2.0]))
    wp = make_path_strictly_monotonic(wp)
    seconds = time.perf_counter() - start
    return {"take_s": (wp[0] / RATE).tolist(), "ref_s": (wp[1] / RATE).tolist(),
            "seconds": seconds}


if __name__ == "__main__":
    results = []
    for take, ref, minutes in json.load(open(sys.argv[1])):
        result = align(take, ref, minutes)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results.append(result)
    with open(sys.argv[2], "w") as out:
        json.dump(results, out)
