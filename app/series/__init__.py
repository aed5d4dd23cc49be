"""Series: copying events, repeating them, and signing up for several occurrences at once."""
