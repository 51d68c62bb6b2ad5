"""System endpoints: liveness and readiness."""
