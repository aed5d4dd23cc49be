"""Organiser accounts and their parts in events: co-organisers, check-in helpers, owners."""
