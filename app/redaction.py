"""Tokens kept out of every log line: a manage, invitation, account invitation or
password-reset link is a key to someone's place or account, and logs are kept, shipped
and read by others.

One filter, RedactTokens, rewrites a record's message and traceback before any handler
writes it. install() puts it on the app's loggers and on `flask run`'s request log
(Werkzeug's); gunicorn's own error and access logs get it from RedactingGunicornLogger,
named in deploy/gunicorn.conf.py, so a bad request line that gunicorn reports word for
word loses its token too."""

import logging
import re

from flask import Flask
from flask.logging import default_handler
from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "[token]"
# The addresses that carry a token (app/signup, app/invitations, app/auth, app/accounts'
# /join/ and /account/email/confirm/, app/lists' /lists/leave/, and after the event
# app/feedback's /feedback/ and app/followup's /materials/), also where they are
# percent-encoded inside another address (/language/fi?next=%2Fmanage%2F…); not a route's
# own rule (/manage/<token>), as Kutsu.log_exception names a failed request.
_SLASH = r"(?:/|%2F)"
_TOKEN_IN_A_PATH = re.compile(
    rf"({_SLASH}(?:manage|invitations|join|login{_SLASH}reset|email{_SLASH}confirm"
    rf"|lists{_SLASH}leave|feedback|materials){_SLASH})"
    r"(?!<token>)[^/?#&\s'\"%\\]+",
    re.IGNORECASE,
)
# A raw token (app.tokens: 43 characters of URL-safe base64) wherever else it appears: in
# a query string, a Referer, a header name gunicorn quotes in capitals. Runs in lower case
# only are left: those are slugs (/events/<slug>), which a token never is.
_URL_SAFE_RUN = re.compile(r"[A-Za-z0-9_-]{43,}")


def redact(text: str) -> str:
    """text with every token, and every path segment where a token goes, replaced."""
    in_paths = _TOKEN_IN_A_PATH.sub(rf"\1{REDACTED}", text)
    return _URL_SAFE_RUN.sub(_unless_lower_case, in_paths)


def _unless_lower_case(found: re.Match) -> str:
    run = found.group(0)
    return run if run == run.lower() else REDACTED


class RedactTokens(logging.Filter):
    """Rewrites a record's message (formatted once, here) and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


FILTER = RedactTokens()


def install(app: Flask) -> None:
    """The filter on the app's loggers (and its children's, such as the mail worker's,
    whose lines reach the app logger's handlers) and on Werkzeug's request log."""
    for handler in (default_handler, *app.logger.handlers):
        handler.addFilter(FILTER)
    app.logger.addFilter(FILTER)
    logging.getLogger("werkzeug").addFilter(FILTER)


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger, its error and access logs filtered (deploy/gunicorn.conf.py)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(FILTER)
            for handler in log.handlers:
                handler.addFilter(FILTER)
