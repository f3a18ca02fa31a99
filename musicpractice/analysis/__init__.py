"""Pure numpy/librosa analyses of a mono signal: tuning, key, tempo, melody, loudness, cues."""
