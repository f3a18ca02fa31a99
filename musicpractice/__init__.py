"""musicpractice: a practice assistant for musicians and teachers."""

__version__ = "0.1.0"
