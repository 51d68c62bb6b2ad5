"""The proxy core: one MCP low-level ``Server`` per endpoint view, independent of the transport."""
