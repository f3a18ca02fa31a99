"""Exports: JSON, CSV, HTML/PDF, MIDI, MusicXML."""
