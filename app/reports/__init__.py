"""Reports: an event's sign-ups over time and its mix of people (on the event overview), and
the report for a period that a funder asks for, built from counts that survive the
retention purge and naming no one."""
