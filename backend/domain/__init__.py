"""Business domains: one package per bounded context."""
