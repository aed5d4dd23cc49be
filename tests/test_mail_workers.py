"""The mail worker against real SMTP servers: crashes, several workers, outages, refusals,
TLS and servers that never answer.

Every server here is a real one, started in the test process (aiosmtpd, or a plain socket
that never answers); the worker is the real one, in this process or as `flask mail work`.
"""

import asyncio
import hashlib
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import clock
from app.extensions import db
from app.mail.worker import send_due_messages
from app.models import (
    EmailStatus,
    Event,
    OutboundEmail,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    Token,
)
from app.signup.services import register_for_event
from tests.conftest import Mailbox, deliver_mail, free_port
from tests.servers import app_environment, running_mail_worker, running_process

SENT = EmailStatus.SENT
PENDING = EmailStatus.PENDING
WAIT = 45  # seconds: how long a test here waits for the workers, unless it says


# --- SMTP servers -----------------------------------------------------------------------------


class Recorder(Mailbox):
    """Keeps each message with its envelope recipient; counts connections (one EHLO each).

    delay: seconds each DATA takes (an asyncio sleep: the server stays responsive)."""

    def __init__(self, *, delay: float = 0.0, parse: bool = True):
        super().__init__()
        self.delay = delay
        self.parse = parse
        self.recipients: list[str] = []
        self.connections = 0
        self.over_tls: list[bool] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # what aiosmtpd does itself when there is no hook
        with self.lock:
            self.connections += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = None
        if self.parse:
            message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.recipients.append(recipient)
                self.over_tls.append(session.ssl is not None)
                if message is not None:
                    self.messages.append(message)
        return "250 OK"

    def counts(self) -> Counter:
        with self.lock:
            return Counter(self.recipients)

    def received(self) -> int:
        with self.lock:
            return len(self.recipients)


@contextmanager
def smtp_server(handler, *, port: int | None = None, **options) -> Iterator[Controller]:
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), **options)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def mail_to(app):
    """Point the app's mail at another port (and TLS setting) for one test."""
    state = app.extensions["mail"]
    original = (state.port, state.use_tls)

    def point(port: int, *, use_tls: bool = False) -> None:
        state.port = port
        state.use_tls = use_tls
        app.config["MAIL_USE_TLS"] = use_tls

    yield point
    state.port, state.use_tls = original


# --- the queue ----------------------------------------------------------------------------


def sign_up_many(event: Event, count: int, *, prefix: str = "person") -> list[str]:
    """Real sign-ups, each queueing its confirmation; committed."""
    emails = [f"{prefix}{n:03d}@example.fi" for n in range(count)]
    for email in emails:
        register_for_event(
            event, name=email.split("@")[0], email=email, organisation="", answers={}, locale="en"
        )
    db.session.commit()
    return emails


def queue_confirmations(event: Event, count: int) -> list[str]:
    """count confirmed registrations with a due confirmation each, inserted in bulk."""
    now = clock.now()
    people = [
        {
            "event_id": event.id,
            "name": f"Osallistuja {n}",
            "email": f"bulk{n:04d}@example.fi",
            "email_normalised": f"bulk{n:04d}@example.fi",
            "organisation": "",
            "locale": "fi",
            "status": RegistrationStatus.CONFIRMED,
            "source": RegistrationSource.SIGNUP,
            "consent_at": now,
            "created_at": now,
            "updated_at": now,
            "sequence": 0,
        }
        for n in range(count)
    ]
    ids = db.session.scalars(
        sa.insert(Registration).returning(Registration.id, sort_by_parameter_order=True), people
    ).all()
    db.session.execute(
        sa.insert(OutboundEmail),
        [
            {
                "kind": "registration_confirmed",
                "recipient": person["email"],
                "locale": "fi",
                "event_id": event.id,
                "registration_id": registration_id,
                "payload": {},
                "dedupe_key": f"registration_confirmed:{registration_id}:0",
                "send_after": now,
                "status": PENDING,
                "attempts": 0,
                "last_error": "",
                "created_at": now,
            }
            for person, registration_id in zip(people, ids, strict=True)
        ],
    )
    db.session.execute(sa.update(Event).where(Event.id == event.id).values(confirmed_count=count))
    db.session.commit()
    return [person["email"] for person in people]


def outbox() -> list[OutboundEmail]:
    """The outbox but for reminders (due days later), as this session's transaction sees it."""
    return list(
        db.session.scalars(
            sa.select(OutboundEmail)
            .where(OutboundEmail.kind != "reminder")
            .order_by(OutboundEmail.id)
        )
    )


def fresh_statuses() -> Counter:
    """The outbox's statuses now: a new transaction, so what other processes committed."""
    db.session.rollback()
    try:
        return Counter(
            dict(
                db.session.execute(
                    sa.select(OutboundEmail.status, sa.func.count())
                    .where(OutboundEmail.kind != "reminder")
                    .group_by(OutboundEmail.status)
                ).all()
            )
        )
    finally:
        db.session.rollback()  # hold no snapshot (SQLite) or lock while the workers run


def wait_for(condition: Callable[[], bool], what: str, *, processes=(), timeout=WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            process.check_running()
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.02)


def travel_past_backoff() -> None:
    """Move the clock just past the latest retry time in the outbox."""
    latest = max(email.send_after for email in outbox() if email.status == PENDING)
    clock.travel(latest + timedelta(seconds=1))


def manage_token_hash(message) -> str:
    token = re.search(r"/manage/([A-Za-z0-9_-]{43})", Mailbox.text(message)).group(1)
    return hashlib.sha256(token.encode()).hexdigest()


# --- a worker killed mid-batch ------------------------------------------------------------


@contextmanager
def killable_mail_worker(database_url: str, *, smtp_port: int, config: dict):
    """`flask mail work` as running_mail_worker starts it, but one the test may kill."""
    settings = {"MAIL_PORT": smtp_port, "MAIL_SUPPRESS_SEND": False, **config}
    env = app_environment(database_url, settings) | {"FLASK_SKIP_DOTENV": "1"}
    args = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "work", "--interval", "0.2"]
    with running_process("mail worker (to be killed)", args, env) as process:
        yield process


@pytest.mark.slow
@pytest.mark.both_databases
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_only_what_it_held(
    app, database_url, make_event
):
    batch_size = 20
    # A short lease, so that the second worker takes over soon; a message is started only
    # while the lease has room for four replies of MAIL_TIMEOUT (here the first 2 s).
    config = {"MAIL_LEASE_SECONDS": 10, "MAIL_TIMEOUT": 2, "MAIL_BATCH_SIZE": batch_size}
    recorder = Recorder(delay=0.05)  # 20 messages a second at most: the kill lands mid-batch
    event = make_event()
    emails = sign_up_many(event, 60)
    db.session.close()

    with smtp_server(recorder) as server:
        with killable_mail_worker(database_url, smtp_port=server.port, config=config) as first:
            wait_for(lambda: recorder.received() >= 25, "25 messages", processes=[first])
            first.popen.send_signal(signal.SIGKILL)
            assert first.popen.wait(10) == -signal.SIGKILL

        db.session.rollback()
        held = {e.recipient for e in outbox() if e.status == PENDING and e.locked_until}
        sent_before = {e.recipient for e in outbox() if e.status == SENT}
        db.session.rollback()
        assert held, "the worker was killed with a batch in hand"
        assert 0 < len(sent_before) < len(emails)

        with running_mail_worker(database_url, smtp_port=server.port, config=config) as second:
            wait_for(
                lambda: fresh_statuses() == {SENT: len(emails)},
                "every row SENT",
                processes=[second],
            )
            wait_for(lambda: set(recorder.counts()) == set(emails), "every person's mail")

    counts = recorder.counts()
    duplicates = {email for email, times in counts.items() if times > 1}
    assert set(counts) == set(emails), "nobody's mail was lost"
    assert duplicates <= held, "only messages the killed worker held can arrive twice"
    assert len(duplicates) <= batch_size
    assert all(times <= 2 for times in counts.values())
    # Each message's manage link was stored before the message went: even the copies a
    # killed worker sent work.
    stored = set(db.session.scalars(sa.select(Token.hash)))
    assert all(manage_token_hash(message) in stored for message in recorder.messages)


# --- two workers sharing the queue --------------------------------------------------------


SENT_LINE = re.compile(r"^sent (\d+) message\(s\)$", re.M)


@pytest.mark.slow
@pytest.mark.postgresql
@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_workers_deliver_a_thousand_messages_each_exactly_once(app, database_url, make_event):
    count = 1000
    recorder = Recorder(parse=False)
    event = make_event()
    emails = queue_confirmations(event, count)
    db.session.close()
    config = {"MAIL_BATCH_SIZE": 25}

    started = time.monotonic()
    with smtp_server(recorder) as server, ExitStack() as workers:
        both = [
            workers.enter_context(
                running_mail_worker(database_url, smtp_port=server.port, config=config)
            )
            for _ in range(2)
        ]

        def sent_by() -> list[int]:
            """What each worker says it sent ("sent N message(s)" after each batch)."""
            return [
                sum(int(n) for n in SENT_LINE.findall(worker.output(limit=1_000_000)))
                for worker in both
            ]

        wait_for(
            lambda: fresh_statuses() == {SENT: count}, "every row SENT", processes=both, timeout=55
        )
        # A worker prints its line just after the commit that the test may have seen first.
        wait_for(lambda: sum(sent_by()) >= count, "the workers' reports", timeout=5)
        wait_for(lambda: recorder.received() >= count, "every message", timeout=5)
        reported = sent_by()
    elapsed = time.monotonic() - started

    assert recorder.counts() == Counter({email: 1 for email in emails}), "exactly once each"
    assert all(reported), f"both workers sent mail: {reported}"
    assert sum(reported) == count
    assert recorder.connections >= count // config["MAIL_BATCH_SIZE"]
    assert elapsed < 60


# --- an SMTP server that is down, then back ------------------------------------------------


def test_a_batch_queued_while_smtp_is_down_arrives_exactly_once_when_it_is_back(
    app, make_event, mail_to
):
    app.config["MAIL_BATCH_SIZE"] = 8  # three batches
    recorder = Recorder()
    port = free_port()
    mail_to(port)  # nothing listens there yet
    emails = sign_up_many(make_event(), 20)

    for _ in range(3):  # as the worker polls: each batch finds the server down
        assert send_due_messages() == 0
    waiting = outbox()
    assert [e.status for e in waiting] == [PENDING] * 20
    assert all("SMTP unavailable" in e.last_error for e in waiting)
    assert all(e.send_after > clock.now() for e in waiting), "retried later, with backoff"
    assert deliver_mail(app) == 0, "nothing is due before the backoff has passed"

    with smtp_server(recorder, port=port):
        travel_past_backoff()
        assert deliver_mail(app) == 20

    assert recorder.counts() == Counter({email: 1 for email in emails})
    # The outage used none of their tries: the one that reached the server is the first.
    assert [(e.status, e.attempts, e.last_error) for e in outbox()] == [(SENT, 1, "")] * 20


# --- temporary and permanent refusals -------------------------------------------------------


class Grumpy(Recorder):
    """Answers 421 or 451 the first time it sees some recipients, and 250 after that;
    refuses messages to spam… with 550 after the data."""

    def __init__(self):
        super().__init__()
        self.refused: Counter = Counter()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for code in ("421", "451"):
            if address.startswith(f"first{code}") and not self.refused[address]:
                self.refused[address] += 1
                return f"{code} 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(address.startswith("spam") for address in envelope.rcpt_tos):
            return "550 5.7.1 Message rejected as spam"
        return await super().handle_DATA(server, session, envelope)


def test_421_and_451_are_retried_and_delivered_once_and_550_after_data_fails_for_good(
    app, make_event, mail_to
):
    grumpy = Grumpy()
    event = make_event()
    emails = []
    for n in range(3):  # interleaved, so a 421 (which closes the connection) cuts batches
        emails += sign_up_many(event, 1, prefix=f"first421-{n}-")
        emails += sign_up_many(event, 1, prefix=f"first451-{n}-")
        emails += sign_up_many(event, 1, prefix=f"fine-{n}-")
    [spam] = sign_up_many(event, 1, prefix="spam")

    with smtp_server(grumpy) as server:
        mail_to(server.port)
        for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
            deliver_mail(app)
            if not any(e.status == PENDING for e in outbox()):
                break
            travel_past_backoff()

        by_recipient = {e.recipient: e for e in outbox()}
        assert grumpy.counts() == Counter({email: 1 for email in emails})
        assert all(by_recipient[email].status == SENT for email in emails)
        assert all(by_recipient[e].attempts >= 2 for e in emails if e.startswith("first"))
        assert set(grumpy.refused) == {e for e in emails if e.startswith("first")}
        spam = by_recipient[spam]
        assert spam.status == EmailStatus.FAILED
        assert spam.last_error == "550 5.7.1 Message rejected as spam"
        assert spam.attempts >= 1

        clock.travel(clock.now() + timedelta(days=1))
        assert deliver_mail(app) == 0, "a permanent refusal is not retried"
        assert outbox()[-1].status == EmailStatus.FAILED


# --- TLS ----------------------------------------------------------------------------------


def _openssl(*args: str, cwd) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    """A test CA, a server certificate from it for 127.0.0.1 and localhost, and another
    from it for a different name."""
    folder = tmp_path_factory.mktemp("tls")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Kutsu test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )  # fmt: skip
    for name, alt_names in {
        "server": "IP:127.0.0.1,DNS:localhost",
        "elsewhere": "DNS:mail.example.org",
    }.items():
        (folder / f"{name}.ext").write_text(
            f"subjectAltName={alt_names}\n"
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid,issuer\n"
        )
        _openssl(
            "req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={alt_names.split(',')[0].split(':')[1]}",
            cwd=folder,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.pem",
            cwd=folder,
        )  # fmt: skip
    return folder


def server_tls(certificates, name: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates / f"{name}.pem", certificates / f"{name}.key")
    return context


def test_starttls_refuses_a_certificate_it_cannot_verify_and_sends_with_the_right_ca(
    app, make_event, mail_to, certificates
):
    recorder = Recorder()
    [email] = sign_up_many(make_event(), 1)
    tls = server_tls(certificates, "server")

    with smtp_server(recorder, tls_context=tls, require_starttls=True) as server:
        mail_to(server.port, use_tls=True)
        app.config["MAIL_TLS_CA_FILE"] = None  # the system's CAs do not know ours

        assert deliver_mail(app) == 0
        [waiting] = outbox()
        assert waiting.status == PENDING
        assert "certificate verify failed" in waiting.last_error
        assert recorder.recipients == []

        app.config["MAIL_TLS_CA_FILE"] = str(certificates / "ca.pem")
        travel_past_backoff()
        assert deliver_mail(app) == 1

    assert recorder.recipients == [email]
    assert recorder.over_tls == [True]
    assert outbox()[0].status == SENT


def test_starttls_refuses_a_trusted_certificate_for_another_name(
    app, make_event, mail_to, certificates
):
    recorder = Recorder()
    sign_up_many(make_event(), 1)
    app.config["MAIL_TLS_CA_FILE"] = str(certificates / "ca.pem")
    tls = server_tls(certificates, "elsewhere")

    with smtp_server(recorder, tls_context=tls, require_starttls=True) as server:
        mail_to(server.port, use_tls=True)
        assert deliver_mail(app) == 0

    [waiting] = outbox()
    assert waiting.status == PENDING
    assert "certificate verify failed" in waiting.last_error
    assert "mismatch" in waiting.last_error
    assert recorder.recipients == []


# --- servers that never answer --------------------------------------------------------------


@contextmanager
def silent_server(greeting: bytes = b"") -> Iterator[int]:
    """Accepts connections, says `greeting` (or nothing), then never says anything more."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connection.sendall(greeting)
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stopping.set()
        thread.join(5)
        for connection in held:
            connection.close()
        listener.close()


class Sleepy(Recorder):
    """Takes every message in, then never confirms it."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(30)  # cancelled when the server stops
        return "250 OK"


@contextmanager
def hanging_at_data() -> Iterator[int]:
    with smtp_server(Sleepy()) as server:
        yield server.port


@pytest.mark.parametrize(
    "server",
    [
        pytest.param(lambda: silent_server(), id="never-greets"),
        pytest.param(lambda: silent_server(b"220 hello\r\n"), id="silent-after-greeting"),
        pytest.param(hanging_at_data, id="never-confirms-the-data"),
    ],
)
def test_a_server_that_stops_answering_times_out_and_the_mail_waits_for_a_retry(
    app, make_event, mail_to, server
):
    app.config["MAIL_TIMEOUT"] = 1
    sign_up_many(make_event(), 3)

    with server() as port:
        mail_to(port)
        started = time.monotonic()
        assert send_due_messages() == 0
        elapsed = time.monotonic() - started

    assert elapsed < 5, f"the worker waited {elapsed:.1f} s"
    waiting = outbox()
    assert [e.status for e in waiting] == [PENDING] * 3
    assert all("timed out" in e.last_error for e in waiting), [e.last_error for e in waiting]
    assert all(e.send_after > clock.now() for e in waiting)


# --- stopping mid-batch, and a batch of mixed fortunes ---------------------------------------


def test_a_stop_finishes_the_message_in_hand_and_hands_the_rest_back(app, make_event, mailbox):
    emails = sign_up_many(make_event(), 25)

    # Asked before each message: the twelfth is the last one sent.
    assert send_due_messages(should_stop=lambda: len(mailbox.messages) >= 12) == 12

    rows = outbox()
    assert [e.status for e in rows] == [SENT] * 12 + [PENDING] * 13
    assert all(e.locked_until is None and e.attempts == 0 for e in rows[12:]), "not tried"
    assert deliver_mail(app) == 13
    assert Counter(m["To"] for m in mailbox.messages) == Counter(emails)


class SlowToAccept(Mailbox):
    """A mail server that takes 100 seconds (by the app's clock) to accept each message."""

    async def handle_DATA(self, server, session, envelope):
        clock.travel(clock.now() + timedelta(seconds=100))
        return await super().handle_DATA(server, session, envelope)


def test_a_worker_starts_no_message_its_lease_may_not_cover_so_no_other_worker_repeats_it(
    app, make_event, mail_to
):
    # A lease of 300 s, and up to 4 × 30 s for one message: a message may be started
    # until 180 s after the claim. At 100 s a message, the second is the last.
    app.config.update(MAIL_LEASE_SECONDS=300, MAIL_TIMEOUT=30)
    emails = sign_up_many(make_event(), 5)
    slow = SlowToAccept()
    try:
        with smtp_server(slow) as server:
            mail_to(server.port)
            assert send_due_messages() == 2
            rows = outbox()
            assert [e.status for e in rows] == [SENT] * 2 + [PENDING] * 3
            # Handed back at once: another worker sends them now, not when the lease ends.
            assert all(e.locked_until is None and e.attempts == 0 for e in rows[2:])
            assert send_due_messages() == 2
            assert send_due_messages() == 1
    finally:
        clock.reset()
    assert Counter(m["To"] for m in slow.messages) == Counter(emails)


def test_skipped_and_unrenderable_messages_do_not_hold_up_the_rest_of_their_group(
    app, make_event, mailbox, monkeypatch
):
    from app.mail import worker
    from app.places.services import cancel_registration

    emails = sign_up_many(make_event(), 15)
    cancel_registration(db.session.scalar(sa.select(Registration).filter_by(email=emails[3])))
    db.session.commit()
    render = worker.render_message

    def broken_for_one(email):
        if email.recipient == emails[7]:
            raise RuntimeError("template fault")
        return render(email)

    monkeypatch.setattr(worker, "render_message", broken_for_one)

    assert deliver_mail(app) == 13 + 1  # 13 confirmations, one cancellation

    by_recipient = {}
    for e in outbox():
        by_recipient.setdefault(e.recipient, []).append((e.kind, e.status))
    assert by_recipient[emails[3]] == [
        ("registration_confirmed", EmailStatus.SKIPPED),
        ("registration_cancelled", SENT),
    ]
    assert by_recipient[emails[7]] == [("registration_confirmed", EmailStatus.FAILED)]
    others = set(emails) - {emails[3], emails[7]}
    assert all(by_recipient[e] == [("registration_confirmed", SENT)] for e in others)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(others | {emails[3]})
