"""Kutsu with one route more, for tests/test_runaway_requests.py: a request that never
ends by itself, as a parse or a loop gone wrong would not, served as deployed."""

import time

from wsgi import app


@app.get("/manage/<token>/runaway")
def runaway(token: str):
    while True:  # a thread stuck in Python: nothing but its process's end stops it
        time.sleep(0.05)
