"""The key activation the piano check reads, and the calibration that goes with it.

Two representations say which keys sound when: the note model's ``note`` posteriorgram
(:mod:`musicpractice.analysis.note_model`, Basic Pitch run with onnxruntime) and the
harmonic-template NMF (:mod:`musicpractice.analysis.pitch_activation`), the fallback when
onnxruntime is missing or the take is tuned far from A4 = 440 Hz (the model knows no other
tuning). Each comes with its own :class:`Calibration`: the evidence of one is not the
evidence of the other. Both were fitted by ``benchmarks/piano_check_fit.py`` on the fit
performers of ``benchmarks/piano_takes.py`` only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.note_model import note_model_available, note_posteriors
from musicpractice.analysis.pitch_activation import PitchActivation, pitch_activation
from musicpractice.core.progress import CancelToken, ProgressFn

METHODS = ("auto", "model", "nmf")
MODEL_MAX_DETUNE_CENTS = 30.0
"""Beyond this distance of the take's tuning from A4 = 440 Hz, "auto" reads the NMF."""


@dataclass(frozen=True)
class Calibration:
    """Probabilities a piano check reads off its evidence (see ``piano_check``).

    Attributes
    ----------
    method : str
        ``"model"`` or ``"nmf"``.
    played : tuple of float
        P(a written key was played) at each of ``piano_check.KNOTS`` of ln(evidence).
    played_harmonic : tuple of float or None
        The same for a key that is a harmonic of a lower written note sounding at its onset
        (``piano_written.harmonic_of_sounding_note``); ``None``: such a key is never said to
        be missing (its evidence is hidden in the lower note's partials).
    wrong_key : tuple of float
        P(the key played instead of a written note judged not played is the neighbour with
        the strongest evidence) at each of ``KNOTS`` of that neighbour's ln(evidence).
    contrast : tuple of float
        P(a written key was played) at each of ``piano_check.CONTRAST_KNOTS`` of
        ln(its evidence / the clearest unwritten neighbour's).
    sure_probability : float
        A verdict is sure when its probability reaches this; otherwise ``unsure``.
    extra_evidence : float
        Evidence an unwritten key's rise needs to be reported as an extra note.
    played_weights : tuple of float or None
        Intercept and coefficients of a logistic P(played) over
        ``piano_check.played_features`` of a key that is not a harmonic of a lower sounding
        note; ``None``: ``played`` (and ``contrast``) alone.
    harmonic_weights : tuple of float or None
        The same for a key that is such a harmonic; ``None``: such a key is called
        missing only with ``played_harmonic``.
    neighbour_weights : tuple of tuple of float or None
        Where the clearest unwritten neighbour is struck (``piano_check.
        STRUCK_NEIGHBOUR_EVIDENCE``): a multinomial logistic over ``played_features`` and
        the neighbour's ln onset probability, rows (intercept, *coefficients), each row
        (missing, wrong at the neighbour) against ok; ``None``: P(played) and
        ``wrong_key``.
    harmonic_neighbour_weights : tuple of tuple of float or None
        The same for a key that is a harmonic of a lower sounding note; ``None``: such a
        key is judged by P(played) and ``wrong_key``.
    """

    method: str
    played: tuple
    played_harmonic: tuple | None
    wrong_key: tuple
    contrast: tuple
    sure_probability: float
    extra_evidence: float
    played_weights: tuple | None = None
    harmonic_weights: tuple | None = None
    neighbour_weights: tuple | None = None
    harmonic_neighbour_weights: tuple | None = None


NMF_CALIBRATION = Calibration(
    method="nmf",
    played=(0.095, 0.095, 0.095, 0.288, 0.288, 0.288, 0.288, 0.598, 0.773, 0.945, 0.995, 0.995,
            0.995, 0.995),  # 2585 notes
    played_harmonic=None,
    wrong_key=(0.014, 0.014, 0.014, 0.014, 0.014, 0.026, 0.026, 0.026, 0.135, 0.562, 0.833, 0.953,
               0.953, 0.953),  # 269 notes
    contrast=(0.042, 0.042, 0.167, 0.237, 0.5, 0.5, 0.821, 0.994, 0.994, 0.994, 0.994, 0.994,
              0.994, 0.994),  # 833 notes
    sure_probability=0.6, extra_evidence=0.35)
MODEL_CALIBRATION = Calibration(
    method="model",
    played=(0.038, 0.038, 0.113, 0.113, 0.113, 0.113, 0.113, 0.292, 0.573, 0.735, 0.898, 0.977,
            0.994, 0.999),  # 3718 notes
    played_harmonic=None,
    wrong_key=(0.029, 0.029, 0.029, 0.029, 0.029, 0.029, 0.03, 0.136, 0.136, 0.136, 0.594, 0.795,
               0.937, 0.943),  # 586 notes
    contrast=(0.041, 0.041, 0.144, 0.144, 0.5, 0.5, 0.839, 0.945, 0.994, 0.994, 0.997, 0.997,
              0.997, 0.997),  # 1267 notes
    sure_probability=0.6, extra_evidence=0.7,
    played_weights=(1.939, 0.356, 2.891, -2.386, -0.867, 0.919, 1.777),  # 3722 notes
    harmonic_weights=(0.988, 0.167, 2.276, -1.195, -1.041, 0.76, 1.859),  # 1730 notes
    neighbour_weights=((-5.526, -3.771), (-1.544, -1.64), (-0.247, -0.574), (-0.196, 0.917),
                       (-0.117, 0.25), (-0.485, -1.285), (-0.785, -0.84),
                       (-0.316, 1.083)),  # 279 notes
    harmonic_neighbour_weights=((-5.356, -3.115), (-1.513, -1.243), (-0.377, -0.539),
                                (-0.126, 0.148), (-0.079, -0.302), (-0.31, -0.152),
                                (-0.787, -1.898), (-0.016, 1.155)))  # 155 notes
"""Fitted on the fit performers (``piano_check_fit.py --method model``: the two takes per
performance of ``piano_verdicts.py``'s fit split, each chord placed on its own onset by
``piano_timing``); extra notes at ``extra_evidence`` 0.7 there: precision 0.62, recall
0.48 (0.8: 0.69, 0.41). ``played`` is fitted on the keys that are not a harmonic of a lower
note sounding with them (3718 notes). Those keys got
their own table too (fit performers, 883 notes: P(played) 0.2 at the lowest evidence); with
it ``piano_verdicts.py`` found 57 % instead of 43 % of the missing notes on the fit split,
but on the two real Chopin recordings (every note played) it called 5 such keys missing:
the FluidSynth renders do not teach what a real piano's octaves do, so, as with the NMF,
such a key is never said to be missing (``played_harmonic=None``; refitted with the chord
timing, only on keys whose lower note is held from before, it still called 20 played keys
missing for 24 left out on the benchmark takes). ``sure_probability``
0.5 called a note of a two-part synthetic take missing at 0.51; 0.6 as for the NMF (with
these tables 0.5 found 3 % more wrong notes on each split, but then a verdict half likely
wrong is stated as sure). ``played_weights`` and ``harmonic_weights`` (logistic, fitted by
the same script on the same notes) replace ``played`` and ``contrast`` for the model: of
the left-out keys that are not harmonics, 44 of 205 judged on the fit split still look
played (their key sounds as loud after the onset as a stroke would; most were struck
less than a second before and are held, the posterior recovering after a dip at the
other keys' onsets), which is what bounds missing recall there; the evidence relative to
the key's previous stroke added nothing. ``wrong_key`` as refitted with the weights
(0.007 up to ln evidence -3.5, 0.643 at -1) found 2 % more missing notes on the fit split,
none more held-out, and called 6 instead of 4 played keys missing on the real Chopin
takes: the table above is kept. ``neighbour_weights`` (same script, same takes: the 279
keys that are no harmonic of a lower sounding note whose clearest unwritten neighbour,
itself no partial of a written note, has evidence 0.2 or more) name more wrong notes:
replayed on the benchmark takes, wrong recall fit 0.74 -> 0.78, held-out 0.76 -> 0.78, the
rest unchanged, no verdict changed on the real Chopin takes. Fitted on all such keys
(harmonic ones included) held-out reached 0.80 but a played inner B3 (the octave of the
bass) of a real take became a sure wrong note.

Since then every logistic model reads a sixth feature of ``played_features``: the key's
level after its onset over its median level at the take's other written strokes of that
key (or of the nearest keys), as a log ratio (``piano_key_level``), and keys that are a
harmonic of a lower sounding note have a multinomial model of their own
(``harmonic_neighbour_weights``, 155 notes). All weights refitted on the same notes.
Offline replay of the cached benchmark takes, before -> after: fit wrong 0.777 -> 0.788,
missing 0.513 -> 0.538, false flags 45 -> 43 of 4937, sure-but-wrong 0.034 -> 0.032;
held-out wrong 0.779 -> 0.804, missing 0.535 -> 0.576, false flags 31 -> 29 of 4934,
sure-but-wrong 0.028 -> 0.027 (the harmonic neighbour model alone: 3 more wrong notes
named on each split). Real Chopin (``real_piano_verdicts.py --seeds 10``, both takes):
false "missing"/"wrong" on played keys 34 -> 14 of 3120 (Varsi's inner B1 in bar 5 no
longer called missing), sure verdicts wrong 39 -> 23, added keys found missing 136 -> 134
of 158; one played B3 of Igoshina (one of the 10 scores) becomes a sure wrong note at
A#3 with the harmonic neighbour model. Read as a difference of levels instead of a
ratio, the real takes' lower posteriors made quiet added keys look played. Measured on
the same notes and left out: the STFT rise of the key's own partials (those no other
written key sounding shares) over the trend of their decay in the 300 ms before (AUC
0.63-0.75 against played keys, nothing added to the logistic on the held-out split), the
onset probability over the key's median onset in the take (log-loss 0.067 -> 0.066).
About a quarter of the wrong notes still missed lie where the global alignment placed
the chord one beat off (found 0.08-0.12 of those against 0.83-0.85 elsewhere).

What bounds missing recall (fit split, 316 keys left out): of the 205 that are no harmonic
of a lower sounding note, 44 still read as played (P(played) median 0.88; two thirds of
them the same key struck less than a second before and held), 19 unsure, 11 called wrong;
of the 79 that are a harmonic of a lower note struck with them, 37 read as played and 14
unsure; of the 23 over a lower note held from before, 9 read as played; 9 lie where the
timing is not trusted. Measured on those notes and left out: a take-specific "ghost" of
each harmonic key struck with its lower key (the key's posterior and onset probability
over the lower key's at the take's other strokes of the lower key without it; alone AUC
0.85-0.88 against 0.91 for P(played); as features of ``harmonic_weights`` missing recall
fit 0.51 -> 0.53, held-out 0.53 -> 0.54, two more false flags), the NMF's evidence beside
the model's, the STFT rise of a held key's own partials (4 partials, 35 cents), and the
key's onset probability over its chord's other keys' (each moved its group's missing
recall by a few hundredths at most). Keys that are no harmonic of a lower note but whose
octave, twelfth or double octave above is struck with them are found far less often (fit
20 of 49 left out, held-out 13 of 38; the others 111 of 156 and 122 of 163): a logistic
of their own (with the upper key's onset and level) found 0.02-0.03 more of all missing
notes and called two more played keys of the real takes mistakes; the STFT rise of their
odd partials (which the upper key lacks) reads AUC 0.69-0.80 against 0.95."""


def key_activation(take: np.ndarray, sr: int, *, low_midi: int, high_midi: int,
                   tuning_hz: float = 440.0, method: str = "auto",
                   progress: ProgressFn | None = None, cancel: CancelToken | None = None
                   ) -> tuple[PitchActivation, Calibration, np.ndarray | None]:
    """The activation of keys ``low_midi`` to ``high_midi``, its calibration, and the
    model's onset probabilities of the same keys.

    Parameters
    ----------
    take : numpy.ndarray
        Mono take, shape (samples,).
    sr : int
        Sample rate in Hz.
    low_midi, high_midi : int
        Keys to return (inclusive, within 21-108).
    tuning_hz : float
        Reference A4 of the take in Hz.
    method : {"auto", "model", "nmf"}
        ``"auto"``: the note model when it can run here and the tuning is within
        ``MODEL_MAX_DETUNE_CENTS`` of 440 Hz, else the NMF.

    Returns
    -------
    activation : PitchActivation
        For the model, ``activation`` is the note posterior (0-1), shape (keys, frames).
    calibration : Calibration
    onset : numpy.ndarray or None
        The note model's onset probability (0-1) of the same keys and frames, shape like
        ``activation.activation``; ``None`` with the NMF.
    """
    if method not in METHODS:
        raise ValueError(f"unknown key activation method {method!r}")
    detune = abs(1200.0 * np.log2(tuning_hz / 440.0))
    if method == "model" or (method == "auto" and note_model_available() is None
                             and detune <= MODEL_MAX_DETUNE_CENTS):
        post = note_posteriors(take, sr, progress=progress, cancel=cancel)
        rows = slice(low_midi - int(post.midi[0]), high_midi - int(post.midi[0]) + 1)
        act = PitchActivation(times_s=post.times_s, midi=post.midi[rows].copy(),
                              activation=post.note[rows].copy(), energy=post.note.sum(axis=0),
                              hop_s=post.hop_s)
        return act, MODEL_CALIBRATION, post.onset[rows].copy()
    act = pitch_activation(take, sr, low_midi=low_midi, high_midi=high_midi,
                           tuning_hz=tuning_hz, progress=progress, cancel=cancel)
    return act, NMF_CALIBRATION, None
