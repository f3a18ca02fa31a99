"""Listener agreement as text and as ``musicpractice.agreement/1`` JSON."""

from __future__ import annotations

import math

from musicpractice.session.agreement import Agreement, AlphaSet

AGREEMENT_SCHEMA = "musicpractice.agreement/1"


def _num(x: float):
    return None if not math.isfinite(x) else round(x, 4)


def _one(s: AlphaSet) -> dict:
    return {"raters": list(s.raters), "items": s.items, "alpha_character": _num(s.character),
            "alpha_arousal": _num(s.arousal), "alpha_valence": _num(s.valence)}


def agreement_json(agreement: Agreement) -> dict:
    """The ``musicpractice.agreement/1`` document: ``alpha`` is the character α (nominal),
    ``alpha_arousal`` and ``alpha_valence`` interval α; ``null`` = not computable."""
    o = agreement.overall
    return {"schema": AGREEMENT_SCHEMA, "alpha": _num(o.character),
            "alpha_arousal": _num(o.arousal), "alpha_valence": _num(o.valence),
            "annotations": agreement.annotations, "listeners": agreement.listeners,
            "items": agreement.items, "pairs": [_one(p) for p in agreement.pairs],
            "product": [_one(p) for p in agreement.product]}


def _fmt(x: float) -> str:
    return "  -  " if not math.isfinite(x) else f"{x:+.2f}"


MIN_ITEMS = 3
"""With fewer items rated by two or more listeners, α is given but not put into words."""


def describe_alpha(alpha: float, *, items: int = MIN_ITEMS) -> str:
    """Krippendorff's α in words (after Krippendorff's own rule of thumb); ``items`` is
    how many items two or more raters shared."""
    if not math.isfinite(alpha) or items < MIN_ITEMS:
        return "too few takes rated by two or more listeners to tell"
    if alpha >= 0.8:
        return "strong agreement"
    if alpha >= 0.667:
        return "fair agreement"
    if alpha > 0.2:
        return "partial agreement"
    if alpha > -0.1:
        return "about what chance would give"
    return "systematic disagreement"


def agreement_rows(agreement: Agreement) -> list[tuple[str, int, float, float, float]]:
    """``(who, items, α character, α arousal, α valence)`` rows: all, pairs, product."""
    o = agreement.overall
    rows = [("all listeners", o.items, o.character, o.arousal, o.valence)]
    rows += [(" & ".join(p.raters), p.items, p.character, p.arousal, p.valence) for p in agreement.pairs]
    rows += [(f"reading vs {p.raters[1]}", p.items, p.character, p.arousal, p.valence)
             for p in agreement.product]
    return rows


def agreement_text(agreement: Agreement) -> str:
    """A plain table of Krippendorff's α (how far listeners hear the same character)."""
    lines = [f"{agreement.annotations} annotation(s) by {agreement.listeners} listener(s) "
             f"on {agreement.items} take(s) or passage(s).",
             "Listeners agree on the character: "
             f"{describe_alpha(agreement.overall.character, items=agreement.overall.items)}.",
             "", f"{'Krippendorff alpha':32s} {'items':>5s} {'character':>9s} {'arousal':>8s} {'valence':>8s}"]
    for who, items, c, a, v in agreement_rows(agreement):
        lines.append(f"{who[:32]:32s} {items:5d} {_fmt(c):>9s} {_fmt(a):>8s} {_fmt(v):>8s}")
    lines += ["", "1 = full agreement, 0 = chance, '-' = not enough shared ratings. Listeners "
              "often hear music differently; disagreement is information, not an error."]
    return "\n".join(lines) + "\n"
