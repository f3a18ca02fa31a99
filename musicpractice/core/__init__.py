"""Plain data, units, errors and the progress/cancel protocol shared by every layer."""
