"""Sections of the profile page."""
