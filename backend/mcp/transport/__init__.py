"""MCP transports: legacy HTTP+SSE and Streamable HTTP, mounted under ``/projects``."""
