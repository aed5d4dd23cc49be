"""Approval of sign-ups: the event form's setting and the organisers' page of pending
sign-ups (the rules: app.places.approval)."""
