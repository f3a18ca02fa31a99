"""The numeric core of the melody tracker: YIN candidates and a banded Viterbi.

Three stages, each over a block of frames at once:

1. :func:`cmndf_frames` — YIN's cumulative mean normalised difference function
   (de Cheveigné & Kawahara 2002) of every frame, from one batch of real FFTs.
2. :func:`pitch_candidates` — the troughs of each frame's CMNDF turned into pitch
   candidates with probabilities, as in pYIN (Mauch & Dixon 2014): a Beta(2, 18) prior
   over YIN thresholds, a Boltzmann prior favouring the first trough under a threshold,
   parabolic refinement of each trough's lag.
3. :func:`viterbi_banded` — the most likely path through voiced and unvoiced states on a
   log-frequency pitch grid, with a triangular transition band so a step costs
   O(states x band) instead of O(states^2).

Everything here works in samples and grid bins; :mod:`musicpractice.analysis.melody`
turns it into seconds and Hz.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.fft
import scipy.stats

N_THRESHOLDS = 100
BETA_PARAMETERS = (2.0, 18.0)
BOLTZMANN_PARAMETER = 2.0
NO_TROUGH_PROB = 0.01
MAX_CANDIDATES = 8

_THRESHOLDS = np.linspace(0.0, 1.0, N_THRESHOLDS + 1)
_BETA_PROBS = np.diff(scipy.stats.beta.cdf(_THRESHOLDS, *BETA_PARAMETERS))


def cmndf_frames(frames: np.ndarray, window: int, max_lag: int) -> np.ndarray:
    """CMNDF of each row of ``frames`` for lags 0..max_lag.

    Parameters
    ----------
    frames : numpy.ndarray, shape (n, window + max_lag)
        Audio frames; the first ``window`` samples are compared with every lagged copy.
    window : int
        Integration window in samples.
    max_lag : int
        Largest lag in samples.

    Returns
    -------
    numpy.ndarray, shape (n, max_lag + 1)
        d'(tau) with d'(0) = 1; values near 0 mean "periodic with period tau".
    """
    frames = np.asarray(frames, dtype=np.float64)
    n_fft = scipy.fft.next_fast_len(window + max_lag, real=True)
    spec_full = scipy.fft.rfft(frames, n=n_fft, axis=1)
    spec_head = scipy.fft.rfft(frames[:, :window], n=n_fft, axis=1)
    acf = scipy.fft.irfft(np.conj(spec_head) * spec_full, n=n_fft, axis=1)[:, : max_lag + 1]
    energy = np.cumsum(np.square(frames), axis=1)
    energy = np.concatenate([np.zeros((frames.shape[0], 1)), energy], axis=1)
    lags = np.arange(max_lag + 1)
    lagged_energy = energy[:, lags + window] - energy[:, lags]
    diff = energy[:, window:window + 1] + lagged_energy - 2.0 * acf
    np.maximum(diff, 0.0, out=diff)
    cumulative = np.cumsum(diff[:, 1:], axis=1)
    out = np.ones_like(diff)
    tiny = np.finfo(np.float64).tiny
    out[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(cumulative, tiny)
    silent = cumulative[:, -1] <= tiny
    out[silent, 1:] = 1.0
    return out


@numba.njit(cache=True, nogil=True)
def _candidates_kernel(cmndf, min_lag, thresholds, beta_probs, boltzmann, no_trough_prob,
                       max_candidates, out_lag, out_prob, out_min):
    n_frames, n_lags = cmndf.shape
    n_thr = beta_probs.shape[0]
    trough_lag = np.empty(n_lags, dtype=np.float64)
    trough_val = np.empty(n_lags, dtype=np.float64)
    trough_prob = np.empty(n_lags, dtype=np.float64)
    for f in range(n_frames):
        row = cmndf[f]
        n_tr = 0
        best = 1e300
        for k in range(min_lag, n_lags - 1):
            v = row[k]
            if v < best:
                best = v
            left = row[k - 1] if k > min_lag else 1e300
            if v < left and v <= row[k + 1]:
                # parabolic refinement of the trough position and depth
                a = row[k - 1] + row[k + 1] - 2.0 * v
                b = 0.5 * (row[k + 1] - row[k - 1])
                shift = 0.0
                if a > 0.0:
                    shift = -b / a
                    if shift > 0.5:
                        shift = 0.5
                    elif shift < -0.5:
                        shift = -0.5
                trough_lag[n_tr] = k + shift
                trough_val[n_tr] = v - 0.25 * b * shift
                trough_prob[n_tr] = 0.0
                n_tr += 1
        out_min[f] = best
        for c in range(max_candidates):
            out_lag[f, c] = 0.0
            out_prob[f, c] = 0.0
        if n_tr == 0:
            continue
        global_min = 0
        for i in range(n_tr):
            if trough_val[i] < trough_val[global_min]:
                global_min = i
        # for each threshold: Boltzmann prior over the troughs below it, in lag order
        for t in range(n_thr):
            thr = thresholds[t + 1]
            n_below = 0
            for i in range(n_tr):
                if trough_val[i] < thr:
                    n_below += 1
            if n_below == 0:
                trough_prob[global_min] += no_trough_prob * beta_probs[t]
                continue
            norm = (1.0 - np.exp(-boltzmann)) / (1.0 - np.exp(-boltzmann * n_below))
            pos = 0
            for i in range(n_tr):
                if trough_val[i] < thr:
                    trough_prob[i] += beta_probs[t] * norm * np.exp(-boltzmann * pos)
                    pos += 1
        # keep the most probable troughs
        for c in range(max_candidates):
            arg = -1
            p_best = 0.0
            for i in range(n_tr):
                if trough_prob[i] > p_best:
                    p_best = trough_prob[i]
                    arg = i
            if arg < 0:
                break
            out_lag[f, c] = trough_lag[arg]
            out_prob[f, c] = p_best
            trough_prob[arg] = 0.0


def pitch_candidates(cmndf: np.ndarray, min_lag: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """pYIN pitch candidates of each frame.

    Parameters
    ----------
    cmndf : numpy.ndarray, shape (n, max_lag + 1)
        From :func:`cmndf_frames`.
    min_lag : int
        Smallest lag (period of the highest pitch) in samples, >= 1.

    Returns
    -------
    lags : numpy.ndarray, shape (n, MAX_CANDIDATES)
        Candidate periods in (fractional) samples, most probable first; 0 = none.
    probs : numpy.ndarray, shape (n, MAX_CANDIDATES)
        Their probabilities; a row sums to at most 1 (the frame's voicing probability).
    min_cmndf : numpy.ndarray, shape (n,)
        Smallest CMNDF value in the lag range (0 = perfectly periodic, ~1 = noise).
    """
    cmndf = np.ascontiguousarray(cmndf, dtype=np.float64)
    n = cmndf.shape[0]
    lags = np.zeros((n, MAX_CANDIDATES))
    probs = np.zeros((n, MAX_CANDIDATES))
    min_cmndf = np.ones(n)
    _candidates_kernel(cmndf, max(1, int(min_lag)), _THRESHOLDS, _BETA_PROBS, BOLTZMANN_PARAMETER,
                       NO_TROUGH_PROB, MAX_CANDIDATES, lags, probs, min_cmndf)
    return lags, probs, min_cmndf


@numba.njit(cache=True, nogil=True)
def _viterbi_kernel(log_obs_voiced, log_obs_unvoiced, log_band, log_stay, log_switch, init_v,
                    init_u, back, path):
    n_frames, n_bins = log_obs_voiced.shape
    band = log_band.shape[0] - 1
    delta_v = init_v.copy()
    delta_u = init_u.copy()
    new_v = np.empty(n_bins)
    new_u = np.empty(n_bins)
    for t in range(n_frames):
        for j in range(n_bins):
            best_v = -np.inf
            arg_v = j
            best_u = -np.inf
            arg_u = j
            lo = j - band if j - band > 0 else 0
            hi = j + band + 1 if j + band + 1 < n_bins else n_bins
            for i in range(lo, hi):
                w = log_band[abs(i - j)]
                s = delta_v[i] + w
                if s > best_v:
                    best_v = s
                    arg_v = i
                s = delta_u[i] + w
                if s > best_u:
                    best_u = s
                    arg_u = i
            # into voiced bin j
            if best_v + log_stay >= best_u + log_switch:
                new_v[j] = best_v + log_stay + log_obs_voiced[t, j]
                back[t, j] = arg_v
            else:
                new_v[j] = best_u + log_switch + log_obs_voiced[t, j]
                back[t, j] = arg_u + n_bins
            # into unvoiced bin j
            if best_u + log_stay >= best_v + log_switch:
                new_u[j] = best_u + log_stay + log_obs_unvoiced[t]
                back[t, n_bins + j] = arg_u + n_bins
            else:
                new_u[j] = best_v + log_switch + log_obs_unvoiced[t]
                back[t, n_bins + j] = arg_v
        top = -np.inf
        for j in range(n_bins):
            if new_v[j] > top:
                top = new_v[j]
            if new_u[j] > top:
                top = new_u[j]
        for j in range(n_bins):
            delta_v[j] = new_v[j] - top
            delta_u[j] = new_u[j] - top
    state = 0
    top = -np.inf
    for j in range(n_bins):
        if delta_v[j] > top:
            top = delta_v[j]
            state = j
        if delta_u[j] > top:
            top = delta_u[j]
            state = n_bins + j
    for t in range(n_frames - 1, -1, -1):
        path[t] = state
        state = back[t, state]


def viterbi_banded(log_obs_voiced: np.ndarray, log_obs_unvoiced: np.ndarray, *, band: int,
                   switch_prob: float) -> np.ndarray:
    """Most likely state path over voiced/unvoiced pitch-grid states.

    Parameters
    ----------
    log_obs_voiced : numpy.ndarray, shape (n, n_bins)
        Log-likelihood of each voiced pitch bin in each frame.
    log_obs_unvoiced : numpy.ndarray, shape (n,)
        Log-likelihood of "unvoiced" in each frame (shared by every unvoiced bin).
    band : int
        Largest pitch move between frames, in bins; moves are weighted by a triangle.
    switch_prob : float
        Probability of switching between voiced and unvoiced from one frame to the next.

    Returns
    -------
    numpy.ndarray of int, shape (n,)
        State per frame: ``bin`` when voiced, ``n_bins + bin`` when unvoiced.
    """
    n, n_bins = log_obs_voiced.shape
    weights = (band + 1.0 - np.arange(band + 1)) / (band + 1.0) ** 2
    log_band = np.log(weights)
    back = np.empty((n, 2 * n_bins), dtype=np.int32 if 2 * n_bins > 32767 else np.int16)
    path = np.zeros(n, dtype=np.int64)
    init = np.full(n_bins, -np.log(2 * n_bins))
    if n:
        _viterbi_kernel(np.ascontiguousarray(log_obs_voiced, dtype=np.float64),
                        np.ascontiguousarray(log_obs_unvoiced, dtype=np.float64), log_band,
                        np.log1p(-switch_prob), np.log(switch_prob), init, init.copy(), back, path)
    return path
