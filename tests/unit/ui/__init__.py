"""Unit tests of the UI's pure helpers (no browser, no server)."""
