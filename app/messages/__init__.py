"""Organisers' messages to the people of an event, and the event's outbox."""
