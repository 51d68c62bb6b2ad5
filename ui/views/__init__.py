"""Sections of pages (one screen part per module)."""
