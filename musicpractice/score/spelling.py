"""The key note names are spelled in: the score's key signature when there is a score.

Only the direction of the signature matters for spelling a black key (sharps: F♯, C♯;
flats: B♭, E♭), so a signature is given as a major key with as many sharps or flats.
"""

from __future__ import annotations

from collections.abc import Sequence

from musicpractice.core.pitch import FLAT_NAMES, SHARP_NAMES


def signature_key(keys: Sequence, quarter: float = 0.0) -> tuple[str, str] | None:
    """(tonic, mode) of the key signature in force at ``quarter`` (quarter notes).

    Parameters
    ----------
    keys : sequence of KeySignature
        The score's key signatures (``onset_quarter``, ``sharps``; flats count negative).
    quarter : float
        Position in the score, quarter notes; before the first signature, the first.

    Returns
    -------
    tuple of str or None
        E.g. ``("D", "major")`` for two sharps, ``("Bb", "major")`` for two flats; None
        when the score writes no key signature.
    """
    ordered = sorted(keys, key=lambda k: k.onset_quarter)
    if not ordered:
        return None
    sharps = ordered[0].sharps
    for k in ordered:
        if k.onset_quarter <= quarter + 1e-6:
            sharps = k.sharps
    if abs(sharps) > 6:  # C# / Cb major: only the direction matters for spelling
        sharps = 1 if sharps > 0 else -1
    names = SHARP_NAMES if sharps >= 0 else FLAT_NAMES
    return names[(7 * sharps) % 12], "major"
