"""Browser end-to-end tests: the real product driven through Chromium."""
