"""Audio files and devices: loading, probing, recording."""
