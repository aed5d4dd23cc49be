"""Timed waiting-list offers and the waiting list's order: the event form's setting, the
organiser's waiting-list page, and the participant's answer to an offer. The rules are in
app.places.offers and app.places.waiting_order."""
