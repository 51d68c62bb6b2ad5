"""Accounts: sign-up, login, tokens, the current user."""
