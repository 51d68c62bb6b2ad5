"""Sections of the admin page."""
