"""Teams: groups of users with roles, attachable to projects as a whole."""
