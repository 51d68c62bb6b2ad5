"""MCP Orchestrator: a self-hosted hub for MCP servers."""

__version__ = "0.1.0"
