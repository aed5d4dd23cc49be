"""Who signed up, as the event's organisers see and change it: the attendee list, the door
list, check-in and the attendee downloads."""
