"""Standing contact lists: their members, inviting them, and the link to leave a list."""
