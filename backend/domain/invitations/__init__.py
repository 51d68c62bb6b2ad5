"""Project invitations: people without an account join a project through a link."""
