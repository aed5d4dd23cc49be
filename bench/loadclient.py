"""A small HTTP/1.1 client on asyncio for the flows wrk cannot drive: the sign-up form.

A person opens the form (which sets the session cookie and holds the CSRF token) and then
sends it, as a browser does. One event loop drives hundreds of people at once with little
CPU of its own, so that the machine's cores go to the server being measured. Only what the
benchmark needs: Content-Length bodies, cookies by name, one connection per person.
"""

import asyncio
import contextlib
import math
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class HTTPError(Exception):
    """A response that was not what the flow expects, or a broken connection."""


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), [""])[0]


@dataclass
class Person:
    """One browser: its own cookies and, while it lasts, its own connection."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = urlencode(form).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept-Language: fi",
            "User-Agent: kutsu-bench",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        try:
            response = await self._read_response()
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            await self.close()
            raise HTTPError(f"{method} {path}: connection lost ({exc!r})") from exc
        for value in response.headers.get("set-cookie", []):
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        if response.header("connection").lower() == "close":
            await self.close()
        return response

    async def _read_response(self) -> Response:
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        headers: dict[str, list[str]] = {}
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        length = headers.get("content-length")
        if length is None:
            raise HTTPError(f"a response without Content-Length ({status})")
        body = await self.reader.readexactly(int(length[0]))
        return Response(status, headers, body)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def open_form(self, path: str) -> str:
        """GET a form page; its CSRF token."""
        page = await self.request("GET", path)
        if page.status != 200:
            raise HTTPError(f"GET {path}: {page.status}")
        match = CSRF_FIELD.search(page.body.decode())
        if match is None:
            raise HTTPError(f"GET {path}: no CSRF token on the page")
        return match.group(1)


def sign_up_form(token: str, number: int, answers: dict[str, str]) -> dict[str, str]:
    return answers | {
        "csrf_token": token,
        "name": f"Osallistuja {number} Äijälä",
        "email": f"bench{number:06d}@example.fi",
        "organisation": f"Yhdistys {number % 400} ry",
        "consent": "y",
    }


@dataclass
class Outcome:
    """What a run of sign-ups gave: latencies in seconds, statuses, failures by kind."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Answers per second."""
        return sum(self.statuses.values()) / self.seconds if self.seconds else 0.0

    async def record(self, what: str, person: Person, action) -> None:
        """Time one action (a coroutine function giving the last response), count its
        status or keep its failure; the person's connection is closed after it."""
        started = time.perf_counter()
        try:
            answer = await action()
        except (HTTPError, OSError) as exc:
            self.errors.append(f"{what}: {exc}")
            return
        finally:
            await person.close()
        self.latencies.append(time.perf_counter() - started)
        self.statuses[answer.status] = self.statuses.get(answer.status, 0) + 1


async def _sign_ups(
    host: str, port: int, path: str, answers: dict[str, str], people: int, concurrency: int
) -> Outcome:
    """`people` complete sign-ups, `concurrency` of them in progress at any time."""
    outcome = Outcome()
    numbers = iter(range(people))

    async def one_person_after_another() -> None:
        for number in numbers:
            person = Person(host, port)

            async def sign_up(person=person, number=number) -> Response:
                token = await person.open_form(path)
                return await person.request("POST", path, sign_up_form(token, number, answers))

            await outcome.record("signing up", person, sign_up)

    started = time.perf_counter()
    await asyncio.gather(*(one_person_after_another() for _ in range(concurrency)))
    outcome.seconds = time.perf_counter() - started
    return outcome


def sign_ups(
    host: str, port: int, path: str, answers: dict[str, str], *, people: int, concurrency: int
) -> Outcome:
    return asyncio.run(_sign_ups(host, port, path, answers, people, concurrency))


async def _burst(
    host: str, port: int, path: str, answers: dict[str, str], people: int, opening: int
) -> Outcome:
    """Everyone opens the form first (`opening` at a time); then all send it at once."""
    outcome = Outcome()
    crowd = [Person(host, port) for _ in range(people)]
    tokens: list[str | None] = [None] * people
    gate = asyncio.Semaphore(opening)

    async def open_form(number: int) -> None:
        async with gate:
            person = crowd[number]
            try:
                tokens[number] = await person.open_form(path)
            except (HTTPError, OSError) as exc:
                outcome.errors.append(f"opening the form: {exc}")
            finally:
                await person.close()  # everyone connects afresh for the burst

    await asyncio.gather(*(open_form(n) for n in range(people)))
    ready = [(n, token) for n, token in enumerate(tokens) if token is not None]

    async def send(number: int, token: str) -> None:
        person = crowd[number]
        form = sign_up_form(token, number, answers)
        await outcome.record("sending the form", person, lambda: person.request("POST", path, form))

    started = time.perf_counter()
    await asyncio.gather(*(send(n, token) for n, token in ready))
    outcome.seconds = time.perf_counter() - started
    return outcome


def burst(
    host: str, port: int, path: str, answers: dict[str, str], *, people: int, opening: int = 32
) -> Outcome:
    return asyncio.run(_burst(host, port, path, answers, people, opening))


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5 is the median); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]
