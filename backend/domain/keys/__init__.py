"""Project API keys: create (shown once), list, revoke; per-key rate limits."""
