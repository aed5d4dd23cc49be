"""Feedback after an event: the organisers' settings and results, and the personal form."""
