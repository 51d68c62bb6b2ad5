"""Sections of the project page (one tab per module)."""
