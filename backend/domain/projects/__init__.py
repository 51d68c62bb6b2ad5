"""Projects: the unit that owns servers, members and keys."""
