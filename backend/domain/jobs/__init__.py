"""Jobs: status of background jobs for the UI's progress bars, and project-level job triggers."""
