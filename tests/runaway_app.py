"""Kutsu with two routes more, for tests/test_runaway_requests.py: a request that never
ends by itself, as a parse or a loop gone wrong would not, and one whose database statement
runs long; served as deployed."""

import time

import sqlalchemy as sa

from app.extensions import db
from wsgi import app


@app.get("/manage/<token>/runaway")
def runaway(token: str):
    while True:  # a thread stuck in Python: nothing but its process's end stops it
        time.sleep(0.05)


@app.get("/slow-statement")
def slow_statement():
    db.session.execute(sa.text("SELECT pg_sleep(10)"))
    return "the statement finished"
