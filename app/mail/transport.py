"""The SMTP connection: Flask-Mail's, with certificate checks and timeouts added.

Flask-Mail 0.10 opens SMTP without a timeout and calls STARTTLS without an SSL context, so
a hung server would hang the worker and a forged certificate would be accepted. This is the
one place that closes both gaps."""

import smtplib
import ssl
import time
from email.utils import parseaddr
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message, sanitize_address

from app.text import check_mail_can_carry

# An address as it goes into a header or the envelope; the sender's is the same in every
# message, and encoding it (Flask-Mail's way, with its checks) was a tenth of writing one.
encoded_address = lru_cache(maxsize=1024)(sanitize_address)


def tls_context() -> ssl.SSLContext:
    """Verify the server's certificate and name; an operator may name their own CA file."""
    return ssl.create_default_context(cafile=current_app.config.get("MAIL_TLS_CA_FILE"))


class VerifiedConnection(Connection):
    def configure_host(self) -> smtplib.SMTP:
        settings = self.mail
        timeout = current_app.config["MAIL_TIMEOUT"]
        if settings.use_ssl:
            host = smtplib.SMTP_SSL(
                settings.server, settings.port, timeout=timeout, context=tls_context()
            )
        else:
            host = smtplib.SMTP(settings.server, settings.port, timeout=timeout)
        try:
            host.set_debuglevel(int(settings.debug))
            if settings.use_tls:
                host.starttls(context=tls_context())
            if settings.username and settings.password:
                host.login(settings.username, settings.password)
        except BaseException:
            host.close()  # a refused STARTTLS or login would leave the socket open
            raise
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        """QUIT; a connection that already broke (a timeout, a 421 reply) is just closed.

        Flask-Mail's QUIT on a broken connection raises "please run connect() first", which
        would replace the error that broke it."""
        if self.host is None:
            return
        try:
            self.host.quit()
        except (OSError, smtplib.SMTPException):
            self.host.close()


def connect() -> VerifiedConnection:
    """One connection for a whole batch of messages."""
    return VerifiedConnection(current_app.extensions["mail"])


class Envelope(NamedTuple):
    """A message as SMTP carries it: made beside the app, sent from anywhere."""

    sender: str
    recipients: list[str]
    data: bytes


def envelope(message: Message) -> Envelope:
    """The message checked and written out as Flask-Mail's own send would do it."""
    if message.has_bad_headers():
        raise BadHeaderError
    if message.date is None:
        message.date = time.time()
    for address in message.send_to:  # forms refuse these now; older rows may have them
        check_mail_can_carry(parseaddr(address)[1])
    recipients = [encoded_address(address) for address in message.send_to]
    return Envelope(encoded_address(message.sender), recipients, message.as_bytes())


def send(connection: VerifiedConnection, envelope: Envelope) -> None:
    """Only SMTP, so a thread of its own can send while the app renders the next messages.
    Nothing is sent when sending is suppressed (Flask-Mail's MAIL_SUPPRESS_SEND)."""
    if connection.host is not None:
        connection.host.sendmail(envelope.sender, envelope.recipients, envelope.data)
