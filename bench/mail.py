"""Mail benchmark: N queued confirmations delivered by one worker to a local SMTP sink.

    .venv/bin/python bench/mail.py [--messages 10000] [--database-url URL] [--profile FILE]
                                   [--aiosmtpd]

One event with N confirmed registrations and one queued "registration_confirmed" message
each (bulk-inserted, as the sign-up would leave them). One worker - the worker's own
`send_due_messages`, in a loop, as `flask mail work` runs it - renders each message (text,
HTML, calendar invitation, a fresh manage link) and sends it to an SMTP sink in another
process that only counts messages and connections (EHLO/HELO). Reports messages per
second (target: 200), SMTP connections and the elapsed time; fails if a message is not sent
exactly once, or if the worker has not finished after --time-limit seconds.

--database-url: an empty PostgreSQL database to use (its tables are dropped and created);
by default a temporary SQLite file. --profile FILE: run the worker under cProfile, write
the stats to FILE and print the top functions. --aiosmtpd: the sink is aiosmtpd, as in the
tests, rather than the lean one below.
"""

import argparse
import asyncio
import cProfile
import json
import pstats
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402

TARGET = 200  # messages per second
CHUNK = 5_000  # rows per bulk insert


# --- the SMTP sink (runs in a process of its own: `bench/mail.py --sink PORT`) -------------
#
# As little of an SMTP server as takes mail: it answers each command, reads a message's data
# up to the closing dot in whatever pieces it arrives, and counts the message. aiosmtpd, which
# the tests use, reads the data line by line, at 1.7 ms of a processor per message: on a
# machine of two processors, shared with the worker it is meant to measure, a third of what
# the worker spends. A mail server written in C spends a small part of that. `--aiosmtpd`
# uses it all the same.


class Sink(asyncio.Protocol):
    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        self.pending = b""
        self.in_data = False
        self.recipients = 0

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.pending += data
        while True:
            if self.in_data:
                end = self.pending.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.pending = self.pending[end + 5 :]
                self.in_data = False
                self.counts["messages"] += self.recipients
                self.transport.write(b"250 OK\r\n")
                continue
            line, found, rest = self.pending.partition(b"\r\n")
            if not found:
                return
            self.pending = rest
            self.answer(line[:4].upper())

    def answer(self, verb: bytes) -> None:
        reply = b"250 OK\r\n"
        if verb in (b"EHLO", b"HELO"):
            self.counts["connections"] += 1
        elif verb == b"MAIL":
            self.recipients = 0
        elif verb == b"RCPT":
            self.recipients += 1
        elif verb == b"DATA":
            self.in_data = True
            reply = b"354 End data with <CR><LF>.<CR><LF>\r\n"
        elif verb == b"QUIT":
            reply = b"221 Bye\r\n"
        self.transport.write(reply)
        if verb == b"QUIT":
            self.transport.close()


def sink(port: int) -> None:
    counts = {"messages": 0, "connections": 0}
    loop = asyncio.new_event_loop()
    loop.run_until_complete(loop.create_server(lambda: Sink(counts), "127.0.0.1", port))
    serving = threading.Thread(target=loop.run_forever)
    serving.start()

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        serving.join()

    _count_until_stdin_closes(counts, stop)


class Counter:
    """aiosmtpd's handler for the same counts."""

    def __init__(self):
        self.counts = {"messages": 0, "connections": 0}

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.counts["connections"] += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.counts["connections"] += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_DATA(self, server, session, envelope):
        self.counts["messages"] += len(envelope.rcpt_tos)
        return "250 OK"


def aiosmtpd_sink(port: int) -> None:
    from aiosmtpd.controller import Controller

    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    _count_until_stdin_closes(counter.counts, controller.stop)


def _count_until_stdin_closes(counts: dict[str, int], stop) -> None:
    """Say it is ready, serve until stdin closes, then print the counts as JSON."""
    print("ready", flush=True)
    sys.stdin.read()
    stop()
    print(json.dumps(counts))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sink(port: int, kind: str = "sink") -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, f"--{kind}", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if process.stdout.readline().strip() != "ready":
        process.kill()
        raise SystemExit("the SMTP sink did not start")
    return process


def stop_sink(process: subprocess.Popen) -> dict:
    out, _ = process.communicate(timeout=60)
    return json.loads(out.strip().splitlines()[-1])


# --- the queue ------------------------------------------------------------------------------


def make_app(url: str, smtp_port: int = 25):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "PUBLIC_BASE_URL": "https://kutsu.example.fi",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_DEFAULT_SENDER": "Kutsu <kutsu@example.fi>",
        }
    )


def fill(url: str, count: int) -> None:
    """One published event, `count` confirmed registrations, one due confirmation each."""
    import sqlalchemy as sa

    from app.auth.services import create_organiser
    from app.models import (
        EmailStatus,
        Event,
        EventFormat,
        OutboundEmail,
        Registration,
        RegistrationSource,
        RegistrationStatus,
    )
    from app.organiser.services import EventDetails, create_event, publish_event

    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        owner = create_organiser("bench@example.fi", "Bench", "bench-password-1")
        starts = (clock.now() + timedelta(days=30)).replace(second=0, microsecond=0)
        event = create_event(
            owner,
            EventDetails(
                title="Järjestöjen kevätseminaari",
                starts_at=starts,
                ends_at=starts + timedelta(hours=6),
                format=EventFormat.HYBRID,
                venue_name="Säätytalo",
                venue_address="Snellmaninkatu 9, Helsinki",
                join_link="https://teams.example.invalid/l/meetup-join/bench",
            ),
        )
        publish_event(event)
        db.session.commit()
        event_id = event.id
        now = clock.now()
        for start in range(0, count, CHUNK):
            numbers = range(start, min(start + CHUNK, count))
            people = [
                {
                    "event_id": event_id,
                    "name": f"Osallistuja {n} Äijälä",
                    "email": f"person{n}@example.fi",
                    "email_normalised": f"person{n}@example.fi",
                    "organisation": f"Yhdistys {n % 400} ry",
                    "locale": ("fi", "sv", "en")[n % 3],
                    "status": RegistrationStatus.CONFIRMED,
                    "source": RegistrationSource.SIGNUP,
                    "consent_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "sequence": 0,
                }
                for n in numbers
            ]
            ids = db.session.scalars(
                sa.insert(Registration).returning(Registration.id, sort_by_parameter_order=True),
                people,
            ).all()
            db.session.execute(
                sa.insert(OutboundEmail),
                [
                    {
                        "kind": "registration_confirmed",
                        "recipient": person["email"],
                        "locale": person["locale"],
                        "event_id": event_id,
                        "registration_id": registration_id,
                        "payload": {},
                        "dedupe_key": f"registration_confirmed:{registration_id}:0",
                        "send_after": now,
                        "status": EmailStatus.PENDING,
                        "attempts": 0,
                        "last_error": "",
                        "created_at": now,
                    }
                    for person, registration_id in zip(people, ids, strict=True)
                ],
            )
        db.session.execute(sa.update(Event).values(confirmed_count=count))
        db.session.commit()
        db.engine.dispose()


def status_counts(url: str) -> dict[str, int]:
    import sqlalchemy as sa

    from app.models import OutboundEmail

    app = make_app(url)
    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboundEmail.status, sa.func.count()).group_by(OutboundEmail.status)
        ).all()
        db.session.remove()
        db.engine.dispose()
    return {str(status): number for status, number in rows}


# --- the worker -----------------------------------------------------------------------------


def deliver(url: str, smtp_port: int, time_limit: float) -> tuple[int, float, bool]:
    """Run the worker until nothing is due or time runs out: (sent, seconds, finished)."""
    from app.mail.worker import send_due_messages

    app = make_app(url, smtp_port)
    with app.app_context():
        started = time.perf_counter()
        deadline = started + time_limit
        sent = 0
        finished = False
        while time.perf_counter() < deadline:
            batch = send_due_messages()
            db.session.remove()  # as `flask mail work` does after each batch
            if not batch:
                finished = True
                break
            sent += batch
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    return sent, elapsed, finished


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds")
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    parser.add_argument("--aiosmtpd", action="store_true", help="send to aiosmtpd, as the tests do")
    parser.add_argument("--sink", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--aiosmtpd-sink", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        sink(args.sink)
        return
    if args.aiosmtpd_sink:
        aiosmtpd_sink(args.aiosmtpd_sink)
        return

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        database = url.split(":", 1)[0]
        started = time.perf_counter()
        fill(url, args.messages)
        print(
            f"queued {args.messages} messages on {database} in "
            f"{time.perf_counter() - started:.1f} s"
        )

        port = free_port()
        sink_process = start_sink(port, "aiosmtpd-sink" if args.aiosmtpd else "sink")
        try:
            if args.profile:
                profiler = cProfile.Profile()
                sent, elapsed, finished = profiler.runcall(deliver, url, port, args.time_limit)
                profiler.dump_stats(args.profile)
            else:
                sent, elapsed, finished = deliver(url, port, args.time_limit)
        finally:
            received = stop_sink(sink_process)
        statuses = status_counts(url)

    rate = sent / elapsed if elapsed else 0.0
    print(
        f"sent {sent} messages in {elapsed:.1f} s: {rate:.0f} messages/s "
        f"over {received['connections']} SMTP connection(s); "
        f"the sink received {received['messages']}; outbox {statuses}"
    )
    if args.profile:
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(25)
    print(f"target {TARGET} messages/s: {'met' if rate >= TARGET else 'NOT MET'}")
    if args.json:
        figures = {
            "messages": sent,
            "seconds": round(elapsed, 1),
            "rate": round(rate, 1),
            "connections": received["connections"],
            "received": received["messages"],
            "exactly_once": statuses == {"sent": args.messages}
            and received["messages"] == args.messages,
        }
        Path(args.json).write_text(json.dumps(figures))
    if not finished:
        raise SystemExit(f"gave up after {args.time_limit:g} s")
    if statuses != {"sent": args.messages} or received["messages"] != args.messages:
        raise SystemExit("not every message was sent exactly once")


if __name__ == "__main__":
    main()
