"""UI state, one module per feature."""
