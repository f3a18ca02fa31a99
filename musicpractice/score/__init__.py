"""Reference scores: loading through music21 into a plain score model."""
