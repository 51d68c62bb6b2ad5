"""Personal access tokens: scoped, expiring credentials for REST automation."""
