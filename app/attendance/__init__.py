"""Who came to an event: marked by hand, from check-in, or from a Teams attendance report."""
