"""The framework's ceiling: a bare Flask app that answers "pong", and a form that does nothing.

`make bench` serves it with the same gunicorn settings as Kutsu, in the same run, so that
each of Kutsu's figures can be read as a share of what Flask and gunicorn alone reach on
this machine at that moment. The form lets the sign-up client run its own flow (GET a page
with a CSRF field, POST it back, get a 303) against the ceiling too.
"""

from flask import Flask, redirect, request

app = Flask(__name__)

FORM = '<form method="post"><input type="hidden" name="csrf_token" value="pong"></form>'


@app.get("/")
def pong() -> str:
    return "pong"


@app.route("/form", methods=["GET", "POST"])
def form():
    if request.method == "POST":
        return redirect("/", code=303)
    return FORM
