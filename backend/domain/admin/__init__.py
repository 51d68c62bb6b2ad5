"""Administration: every user, every project, instance-wide counters."""
