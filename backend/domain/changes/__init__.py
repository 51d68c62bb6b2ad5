"""Change events: what a committed change means for the running parts of every API replica."""
