from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given, strategies as st

from musicpractice.core.codec import decode, encode


@dataclass(frozen=True)
class Inner:
    name: str
    weight: float
    beats_s: np.ndarray


@dataclass(frozen=True)
class Outer:
    bpm: float
    count: int
    polyphonic: bool
    inners: tuple[Inner, ...]
    label: str | None = None
    notes: tuple[str, ...] = field(default=())


def _outer(bpm=92.5):
    return Outer(bpm, 3, True, (Inner("a", float("nan"), np.arange(4.0)),
                                Inner("b", float("-inf"), np.zeros((2, 3), np.float32))),
                 None, ("x", "y"))


def test_round_trip_keeps_values_arrays_and_nan():
    tree, arrays = encode(_outer())
    back = decode(Outer, tree, arrays)
    assert back.bpm == 92.5 and back.count == 3 and back.polyphonic is True
    assert np.isnan(back.inners[0].weight) and back.inners[1].weight == float("-inf")
    np.testing.assert_array_equal(back.inners[0].beats_s, np.arange(4.0))
    assert back.inners[1].beats_s.dtype == np.float32
    assert back.notes == ("x", "y") and back.label is None


def test_tree_is_strict_json():
    import json
    tree, _ = encode(_outer())
    json.dumps(tree, allow_nan=False)


def test_mismatched_data_raises_value_error():
    tree, arrays = encode(_outer())
    del tree["inners"][0]["name"]
    with pytest.raises(ValueError):
        decode(Outer, tree, arrays)


@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**9, 10**9), st.text())
def test_any_scalar_round_trips(x, n, s):
    obj = Outer(x, n, False, (Inner(s, x, np.array([x])),))
    back = decode(Outer, *encode(obj))
    assert (np.isnan(back.bpm) and np.isnan(x)) or back.bpm == x
    assert back.count == n and back.inners[0].name == s
