"""The SMTP connection: Flask-Mail's, with certificate checks and timeouts added.

Flask-Mail 0.10 opens SMTP without a timeout and calls STARTTLS without an SSL context, so
a hung server would hang the worker and a forged certificate would be accepted. This is the
one place that closes both gaps."""

import smtplib
import ssl

from flask import current_app
from flask_mail import Connection


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
