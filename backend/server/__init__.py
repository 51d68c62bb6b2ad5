"""Application assembly."""
