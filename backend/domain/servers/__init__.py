"""Servers: the per-project registry of MCP servers, their catalogue, control and REST tool calls."""
