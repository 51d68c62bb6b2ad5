"""Database models and helpers."""
