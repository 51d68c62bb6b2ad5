"""OAuth 2.1 for the MCP endpoints: the API is both authorization server and resource server (Authlib)."""
