"""Defaults; instance/config.py and FLASK_* environment variables override them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{ROOT / 'instance' / 'kutsu.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # PostgreSQL: a pooled connection unused this long is checked before use (app.database).
    DATABASE_CHECK_AFTER_IDLE_SECONDS = 1.0
    # PostgreSQL: seconds one statement may run before the server cancels it (None: no
    # limit). deploy/gunicorn.conf.py sets it for the app servers; migrations, backups and
    # the mail worker keep none.
    DATABASE_STATEMENT_TIMEOUT_SECONDS: float | None = None
    # Absolute links in emails: the worker sends outside any request.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Sites that may show the public calendar's embed (/calendar/embed) in a frame, as
    # origins: ["https://www.jarjesto.fi"]. Empty: no site may (docs/calendar-feeds.md).
    CALENDAR_EMBED_ORIGINS: list[str] = []
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Kutsu <kutsu@localhost>"
    MAIL_TIMEOUT = 30  # seconds for connecting and for each SMTP reply
    MAIL_TLS_CA_FILE = None  # None: the system's certificate authorities
    MAIL_BATCH_SIZE = 50
    # Tries of a message the mail server answers with a temporary refusal (4xx), 1, 2, 4 …
    # minutes apart and then every MAIL_RETRY_MAX_DELAY_SECONDS: 21 span more than three
    # days. A connection that cannot be made uses up no message's tries (app.mail.worker).
    MAIL_MAX_ATTEMPTS = 21
    MAIL_RETRY_MAX_DELAY_SECONDS = 6 * 3600
    # While the mail server cannot be reached, due mail waits this long before the next
    # connection, doubling up to the most.
    MAIL_OUTAGE_FIRST_DELAY_SECONDS = 30
    MAIL_OUTAGE_MAX_DELAY_SECONDS = 900
    # The worker's wait after the database failed it (locked, unreachable), doubling.
    MAIL_WORKER_DATABASE_RETRY_MAX_SECONDS = 60
    # Mail that a public form sends (sign-up, nomination, password reset) to one address
    # within an hour; more is not sent, and marked failed with the reason (0: no limit).
    MAIL_PUBLIC_FORM_LIMIT_PER_HOUR = 5
    MAIL_LEASE_SECONDS = 300
    # Where `flask mail catch` keeps caught messages; the /dev/mail page reads them.
    DEV_MAIL_DIR = str(ROOT / "instance" / "caught-mail")
    DEV_MAIL_PAGE = False
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    LANGUAGES = ("fi", "sv", "en")
    # Who runs this Kutsu, named on the accessibility statement and the privacy notice,
    # and where feedback goes (empty: the address mail is sent from).
    SERVICE_OPERATOR = ""
    SERVICE_CONTACT_EMAIL = ""
    # When the accessibility statement was last checked against the service.
    ACCESSIBILITY_REVIEWED = "2026-11-23"
    MANAGE_TOKEN_DAYS_AFTER_EVENT = 90
    # The audit log's lines, which name organisers and whose data was exported or erased.
    AUDIT_LOG_RETENTION_DAYS = 730
    # Rate limits: in this process's memory by default; with several app servers, Redis
    # (e.g. "redis://127.0.0.1:6379/0") so that they share the counts.
    RATELIMIT_STORAGE_URI = "memory://"
    # When Redis does not answer, each process counts in its own memory until it does,
    # rather than every form failing.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Every public form together (sign-up, answers, cancelling, nominating, replying to an
    # invitation), per client address: generous enough for an office behind one address.
    RATELIMIT_PUBLIC_FORMS = "30 per minute; 300 per hour"
    # Signing in: per client address; per account from one address (someone guessing from
    # elsewhere does not lock the owner out); per account from every address together, a
    # ceiling against guessing spread over many. The owner is mailed when either account
    # limit is reached (app.auth.alerts), once in ALERT_INTERVAL.
    RATELIMIT_LOGIN = "10 per minute; 100 per hour"
    RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS = "10 per 15 minutes"
    RATELIMIT_LOGIN_PER_ACCOUNT = "100 per 15 minutes; 300 per day"
    # Invitations to make an account, per admin or organiser sending them; and the posts
    # of the page where an invited person makes their account, per client address.
    RATELIMIT_ACCOUNT_INVITATIONS = "30 per hour"
    RATELIMIT_ACCEPT_INVITATION = "10 per 15 minutes; 50 per day"
    # Organisers' sign-in sessions (app.auth.sessions): one unused this long ends, and none
    # lasts longer than the maximum; ended ones are kept this many days, then deleted.
    SIGN_IN_IDLE_MINUTES = 8 * 60
    SIGN_IN_MAX_DAYS = 7
    SIGN_IN_SESSION_RETENTION_DAYS = 30
    # Mail with no event (password resets, wrong-password alerts, and the forgot-password
    # requests for unknown addresses, which are queued and skipped): deleted this many days
    # after it was queued, long after its last retry (three days).
    ACCOUNT_MAIL_RETENTION_DAYS = 30
    # Contact lists (app.lists): a member who left a list is erased this many days after
    # leaving (the list shows who left and when until then); a list not invited to
    # anything for this many months is flagged on the Lists page; a member's link to leave
    # a list is valid this many days after the mail that carried it (and only while they
    # are on the list).
    LIST_MEMBER_DAYS_AFTER_LEAVING = 30
    LIST_UNUSED_MONTHS = 12
    # An event's materials (app.followup): one uploaded file at most, and all of an
    # event's files together. Files are kept in the database (docs/followup.md).
    MATERIAL_MAX_FILE_BYTES = 10 * 1024 * 1024
    MATERIAL_MAX_EVENT_BYTES = 50 * 1024 * 1024
    LIST_LEAVE_LINK_DAYS = 365
    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto/-Host (0: none).
    PROXY_FIX_X_FOR = 0
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    # Tests only: a file whose offset in seconds moves the clock of every process that
    # reads it (app.clock); `flask check` refuses it outside testing.
    CLOCK_OFFSET_FILE = None
