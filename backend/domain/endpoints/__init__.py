"""MCP endpoints glue: credentials, the server directory, client sessions, client configs."""
