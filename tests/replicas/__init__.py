"""Multi-replica tests: real API replicas on PostgreSQL (and Redis) behind a real nginx."""
