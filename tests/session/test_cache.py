"""The derived-results cache: exact round trips, stale and damaged entries are misses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.cache import DerivedCache, params_hash
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes

json_leaf = st.none() | st.booleans() | st.integers(-10**9, 10**9) | \
    st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
json_values = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4) |
                           st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
params_st = st.dictionaries(st.text(max_size=10), json_values, max_size=5)


@settings(max_examples=40, deadline=None)
@given(params=params_st, data=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
       shape=st.lists(st.integers(0, 5), min_size=0, max_size=3),
       dtype=st.sampled_from(["float32", "float64", "int16", "int64", "bool", "complex64"]))
def test_round_trip_of_json_and_arrays(tmp_path_factory, params, data, shape, dtype):
    cache = DerivedCache(tmp_path_factory.mktemp("derived"))
    array = (np.arange(int(np.prod(shape)) if shape else 1) % 3).astype(dtype).reshape(shape)
    cache.put("t1", "melody", "2", params, source="abc", data=data, arrays={"f0_hz": array})
    got = cache.get("t1", "melody", "2", dict(reversed(list(params.items()))), source="abc")
    assert got is not None and got.data == data
    np.testing.assert_array_equal(got.arrays["f0_hz"], array)
    assert got.arrays["f0_hz"].dtype == array.dtype and got.arrays["f0_hz"].shape == array.shape


def test_json_only_entries(tmp_path):
    cache = DerivedCache(tmp_path)
    path = cache.put("t1", "key", "1.0", {"profile": "temperley"}, source="s",
                     data={"key": "A major", "confidence": 0.8})
    assert path.suffix == ".json" and path.name.startswith("key-1.0-")
    assert cache.get("t1", "key", "1.0", {"profile": "temperley"}, source="s").data["key"] == "A major"


@pytest.mark.parametrize("change", [
    {"algo_version": "2"}, {"params": {"hop": 256}}, {"source": "other audio"},
    {"take_id": "t2"}, {"stage": "tempo"}])
def test_anything_different_is_a_miss(tmp_path, change):
    cache = DerivedCache(tmp_path)
    key = {"take_id": "t1", "stage": "key", "algo_version": "1", "params": {"hop": 512},
           "source": "s"}
    cache.put(key["take_id"], key["stage"], key["algo_version"], key["params"],
              source=key["source"], data={"k": 1}, arrays={"x": np.ones(3)})
    key.update(change)
    assert cache.get(key["take_id"], key["stage"], key["algo_version"], key["params"],
                     source=key["source"]) is None


def test_a_stale_entry_is_deleted_so_it_is_recomputed(tmp_path):
    cache = DerivedCache(tmp_path)
    path = cache.put("t1", "key", "1", {}, source="old audio", data={"k": 1})
    assert cache.get("t1", "key", "1", {}, source="new audio") is None
    assert not path.exists()


@pytest.mark.parametrize("damage", [b"", b"garbage", b"PK\x03\x04broken zip"])
def test_a_damaged_entry_is_a_miss(tmp_path, damage):
    cache = DerivedCache(tmp_path)
    for arrays in (None, {"x": np.ones(2)}):
        path = cache.put("t1", "key", "1", {}, source="s", data={}, arrays=arrays)
        path.write_bytes(damage)
        assert cache.get("t1", "key", "1", {}, source="s") is None


def test_a_hash_collision_or_hand_edit_cannot_return_other_params(tmp_path):
    cache = DerivedCache(tmp_path)
    path = cache.put("t1", "key", "1", {"a": 1}, source="s", data={"k": 1})
    path.rename(path.with_name(f"key-1-{params_hash({'a': 2})}.json"))
    assert cache.get("t1", "key", "1", {"a": 2}, source="s") is None


@pytest.mark.parametrize("kwargs", [
    {"take_id": "../x"}, {"stage": "a-b"}, {"stage": ""}, {"algo_version": "1/2"},
    {"params": {"x": object()}}, {"data": {"x": float("nan")}},
    {"arrays": {"x": np.array([object()])}}, {"arrays": {"bad name": np.ones(1)}}])
def test_bad_keys_and_values(tmp_path, kwargs):
    args = {"take_id": "t1", "stage": "key", "algo_version": "1", "params": {}, "source": "s",
            "data": {}, "arrays": None, **kwargs}
    with pytest.raises(InvalidParameterError):
        DerivedCache(tmp_path).put(args.pop("take_id"), args.pop("stage"),
                                   args.pop("algo_version"), args.pop("params"), **args)


def test_the_session_keys_results_by_the_take_audio(tmp_path):
    path = session_with_takes(tmp_path, 1)
    with Session.open(path) as session:
        take = session.takes[0]
        assert session.cache_get(take.id, "key", "1", {}) is None
        session.cache_put(take.id, "key", "1", {}, data={"key": "C"}, arrays={"c": np.ones(12)})
        assert session.cache_get(take.id, "key", "1", {}).data == {"key": "C"}
    with Session.open(path, read_only=True) as session:
        assert session.cache_get(take.id, "key", "1", {}).created_at.endswith("Z")
        with pytest.raises(InvalidParameterError, match="read-only"):
            session.cache_put(take.id, "key", "1", {}, data={})
