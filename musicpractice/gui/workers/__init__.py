"""The window's Qt-free jobs: preparing a take for the take view, the comparison job,
the child-process worker and the analysis process on it, engraving scores, the overview
spectrogram and the live pitch tracker.

Nothing here imports Qt (an import contract checks it); the widgets in :mod:`musicpractice.gui`
run these on worker threads or child processes and show their results.
"""
