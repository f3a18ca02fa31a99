"""Take-to-take and take-to-score alignment."""
