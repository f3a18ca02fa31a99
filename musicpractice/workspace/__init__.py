"""Application services shared by the window, the command line and batch runs: derived
results of a session's takes (analysis, alignment, score comparison) computed once and
cached (:mod:`.derived`), and the references takes are compared with (:mod:`.references`)."""
