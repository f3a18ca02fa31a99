"""The comparison model and its builders: takes against a score or a reference take, per
bar (:mod:`.bar_grid`, :mod:`.model`), per note, progress by date (:mod:`.progress`) and
the differences in words (:mod:`.differences`)."""
