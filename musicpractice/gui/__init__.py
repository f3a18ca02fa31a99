"""The desktop window (PySide6 + pyqtgraph): sessions, recording, take views, playback.

The only package that imports Qt (besides :mod:`musicpractice.app`). Long work runs on
a :class:`~PySide6.QtCore.QThreadPool` through :mod:`musicpractice.gui.jobs`; the
window's thread only draws.
"""
