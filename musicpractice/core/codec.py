"""Lossless conversion of result dataclasses to JSON-able dicts plus named numpy arrays.

Results are frozen dataclasses of numbers, strings, tuples, nested dataclasses and numpy
arrays. :func:`encode` splits one into a JSON-able tree and a flat ``{name: array}``
mapping (for ``numpy.savez`` with ``allow_pickle=False``); :func:`decode` rebuilds it
from the dataclass's type hints. Nothing is pickled, so a cache file from another
program can't execute code. Non-finite floats are written as the strings "nan",
"inf" and "-inf" because JSON has no such numbers.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from typing import Any

import numpy as np

ARRAY_TAG = "__array__"


def encode(obj: Any) -> tuple[Any, dict[str, np.ndarray]]:
    """Return ``(tree, arrays)`` for a dataclass instance (or any supported value)."""
    arrays: dict[str, np.ndarray] = {}
    return _encode(obj, "r", arrays), arrays


def _encode(obj: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _encode(getattr(obj, f.name), f"{path}.{f.name}", arrays)
                for f in dataclasses.fields(obj)}
    if isinstance(obj, np.ndarray):
        arrays[path] = obj
        return {ARRAY_TAG: path}
    if isinstance(obj, (tuple, list)):
        return [_encode(item, f"{path}.{i}", arrays) for i, item in enumerate(obj)]
    if isinstance(obj, dict):
        return {str(k): _encode(v, f"{path}.{k}", arrays) for k, v in obj.items()}
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else str(value)
    if obj is None or isinstance(obj, str):
        return obj
    raise TypeError(f"cannot encode {type(obj).__name__} at {path}")


def decode(cls: type, tree: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Rebuild an instance of ``cls`` from :func:`encode`'s output.

    Raises
    ------
    ValueError
        When the tree does not match ``cls`` (a stale or foreign cache entry).
    """
    try:
        return _decode(cls, tree, arrays)
    except (KeyError, TypeError, IndexError, AttributeError) as error:
        raise ValueError(f"data does not match {getattr(cls, '__name__', cls)}: {error}") from error


@functools.lru_cache(maxsize=256)
def _type_hints(cls: type) -> dict[str, Any]:
    """The resolved field types of a dataclass (resolving them compiles every annotation
    string: once per class, not once per decoded instance)."""
    return typing.get_type_hints(cls)


def _decode(tp: Any, value: Any, arrays: dict[str, np.ndarray]) -> Any:
    origin = typing.get_origin(tp)
    if isinstance(value, dict) and ARRAY_TAG in value:
        return np.asarray(arrays[value[ARRAY_TAG]])
    if dataclasses.is_dataclass(tp):
        hints = _type_hints(tp)
        fields = [f for f in dataclasses.fields(tp) if f.init]
        return tp(**{f.name: _decode(hints[f.name], value[f.name], arrays)
                     for f in fields if f.name in value})
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, arrays) for v in value)
        return tuple(_decode(a, v, arrays) for a, v in zip(args, value))
    if origin is dict:
        _, value_type = typing.get_args(tp)
        return {k: _decode(value_type, v, arrays) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(options[0], value, arrays)
    if tp is float:
        return float(value)
    if tp is int:
        return int(value)
    if tp is bool:
        return bool(value)
    if tp is str:
        if not isinstance(value, str):
            raise TypeError(f"expected text, found {type(value).__name__}")
        return value
    if tp is np.ndarray:
        raise TypeError("expected an array reference")
    return value
