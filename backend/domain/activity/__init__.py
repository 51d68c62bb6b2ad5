"""Activity: the audit trail of every state change."""
