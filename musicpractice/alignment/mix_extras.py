"""Extra notes of a part sung inside a mix: the singer's, or another part the tracker followed.

Inside a mix the pitch tracker sometimes leaves the singer for a moment and follows
another part's note (or a partial of it) while the singer holds a note on. The piece it
cuts there belongs to no written note of the part and would be reported as an extra note.
A singer sings one note at a time: when another part's note (or its octave) sounds near
the extra piece's pitch and the pitch of the sung piece before it still sounds through it
at the level the singer sang that piece at, the singer was still singing that note, and
the extra piece is that part's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from musicpractice.alignment.mix_evidence import PartEvidence, relative_level_db
from musicpractice.alignment.note_placement import (
    PIECE_SEMITONES,
    WAY_IN_GAP_S,
    ExtraVerdict,
    sung_pitch,
)

STILL_SUNG_DB = -6.0
"""The pitch sung before an extra piece, its own partials through the extra piece's span
at most this much weaker than over its own span, is still being sung there (fit split,
6 dB mix: the singer's extra notes -6.2 to -17 dB, pieces of another part followed while
the singer held the note before -0.1 and +3.5 dB)."""
NEIGHBOUR_GAP_S = 0.3
"""The sung piece ending this close before an extra piece is the note it follows."""
MIN_COMMON_PARTIALS = 2
"""The levels are compared only on at least this many partials no other part shares and
that stand out as partials over the neighbour's own span (not the noise floor both would
share)."""
MIX_EXTRA_RIGHT = 0.5
"""Share of the extra notes kept inside a mix that the singer sang, on the fit split
(note_verdicts, other parts 6 dB below, fit chorales, 4 seeds: 12 of 24, and no better
among those stated 0.7 and up: 7 of 13): what a sung piece's length and steadiness say
alone is worth half that inside a mix, where the tracker follows other parts and the
note follower leaves written notes unmatched. An extra note's confidence there is scaled
by it: none is stated sure."""
WINDOW_S = 0.093
"""Window of the spectrum the levels are read on (2048 points at 22.05 kHz): the core of
an extra piece of a fifth of a second is read without the notes around it (the
evidence's own window, 186 ms, smears the note before into it)."""


def extras_in_mix(extras, sung, *, evidence: PartEvidence) -> list[ExtraVerdict]:
    """The extra notes of a part sung inside a mix that are the singer's.

    Parameters
    ----------
    extras : sequence of ExtraVerdict
        The extra notes found by the note check (``sung_index`` set).
    sung : sequence of Note
        The sung notes (pieces) they were found among.
    evidence : PartEvidence
        The part's own partials in the take, at the take's tuning.

    Returns
    -------
    list of ExtraVerdict
        All but those near another part's note sounding then
        (:meth:`PartEvidence.other_part_near`) through which the pitch sung before is
        sung on (see ``STILL_SUNG_DB``), and those that are the start of the sung note
        after them cut off (see ``_split_from_next``); one that cannot be measured is
        kept. Their confidence is scaled by ``MIX_EXTRA_RIGHT``.
    """
    short, out = None, []  # the short spectrum only when another part is near an extra
    for e in extras:
        if 0 <= e.sung_index < len(sung):
            piece, end = sung[e.sung_index], e.onset_s + e.duration_s
            if evidence.other_part_near(sung_pitch(piece), piece.onset_s, end):
                short = evidence.with_window(WINDOW_S) if short is None else short
                if _neighbour_still_sung(e, sung, short):
                    continue
            if _split_from_next(max(e.last_index, e.sung_index), sung, evidence):
                continue
        out.append(replace(e, confidence=e.confidence * MIX_EXTRA_RIGHT))
    return out


def _split_from_next(i: int, sung, evidence: PartEvidence) -> bool:
    """Whether sung piece ``i`` runs without a break (``WAY_IN_GAP_S``) into a piece
    within ``PIECE_SEMITONES`` of its pitch with no new attack of that pitch between them
    (:meth:`PartEvidence.reattacked`): one note the masked tracker cut in two where the
    other parts changed."""
    if i + 1 >= len(sung):
        return False
    piece, after = sung[i], sung[i + 1]
    pitch = sung_pitch(piece)
    return (after.onset_s - piece.offset_s < WAY_IN_GAP_S
            and abs(sung_pitch(after) - pitch) < PIECE_SEMITONES
            and not evidence.reattacked(pitch, piece.offset_s, until_s=after.onset_s))


def _neighbour_still_sung(extra: ExtraVerdict, sung, evidence: PartEvidence) -> bool:
    """Whether the sung piece just before ``extra`` sounds on through it at the level it
    was sung at: the singer has not left that note, the tracker has. (The piece after it
    is no such evidence: on a spectrum a tenth of a second long the attack of the next
    note reaches back into a short extra note.)"""
    i = extra.sung_index
    if not 1 <= i < len(sung):
        return False
    piece, before = sung[i], sung[i - 1]
    if piece.onset_s - before.offset_s > NEIGHBOUR_GAP_S:
        return False
    pitch, held = sung_pitch(piece), sung_pitch(before)
    through = evidence.partial_levels_db(held, extra.onset_s, extra.onset_s + extra.duration_s,
                                         besides=pitch, besides_all=False)
    own = evidence.partial_levels_db(held, before.onset_s, before.offset_s, besides=pitch,
                                     besides_all=False, peaks_only=True)
    drop = relative_level_db(through, [own], min_common=MIN_COMMON_PARTIALS)
    return bool(np.isfinite(drop) and drop >= STILL_SUNG_DB)
