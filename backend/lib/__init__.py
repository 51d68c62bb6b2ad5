"""Shared infrastructure: settings, security, errors, dependency helpers."""
