import json
import math

import numpy as np

from musicpractice.reports.json_values import number, numbers


def test_non_finite_values_become_null_and_json_stays_valid():
    doc = {"a": number(float("nan")), "b": number(-math.inf), "c": numbers([1.23456, np.nan, np.inf], 2)}
    assert json.loads(json.dumps(doc, allow_nan=False)) == {"a": None, "b": None, "c": [1.23, None, None]}


def test_numbers_are_rounded_and_ints_kept():
    assert number(np.float32(0.123456), 3) == 0.123
    assert number(np.int64(7)) == 7 and isinstance(number(np.int64(7)), int)
    assert number(np.bool_(True)) is True
