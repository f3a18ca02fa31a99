"""Packaging tests: the wheel, the resource locator, the smoke test, a first start."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
