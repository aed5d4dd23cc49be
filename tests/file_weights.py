"""The heaviest test files first, so that both processes of `make test` finish together.

`make test` gives whole files to its two processes (pytest-xdist --dist loadfile), each
the next file in the order collected when it runs low. A long file handed out last keeps
one process busy while the other waits; handed out first, the many short files fill in
around it. So tests/conftest.py collects files heaviest first: by the seconds each took in
a whole run (tests/file_weights.json), or, for a file not measured yet, by its number of
tests times a typical test of its kind (a journey starts servers and takes seconds; most
tests take a fraction of one). Within a file, tests keep their order.

Refresh the table after files were added or grew: `make test PYTEST_ARGS=--record-weights`
(the seconds of the files that ran replace theirs; files gone are dropped). The figures
are relative: a busy machine makes all of them larger.
"""

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

TABLE = Path(__file__).with_name("file_weights.json")
ROOT = Path(__file__).parent.parent

# Seconds a test of a file not in the table is taken to need, by the folder it is in.
TYPICAL_SECONDS = {"tests/journeys/": 15.0, "tests/browser/": 4.0}
TYPICAL_OTHER = 1.0


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def read_table() -> dict[str, float]:
    try:
        return json.loads(TABLE.read_text())
    except FileNotFoundError:
        return {}


def typical_seconds(path: str) -> float:
    for folder, seconds in TYPICAL_SECONDS.items():
        if path.startswith(folder):
            return seconds
    return TYPICAL_OTHER


def heaviest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items, their files' heaviest first; a file's own in their order."""
    table = read_table()
    tests = Counter(file_of(item.nodeid) for item in items)

    def weight(path: str) -> float:
        return table.get(path, tests[path] * typical_seconds(path))

    order = {path: rank for rank, path in enumerate(sorted(tests, key=lambda p: -weight(p)))}
    return sorted(items, key=lambda item: order[file_of(item.nodeid)])  # stable


class WeightRecorder:
    """--record-weights: sums each file's setup, call and teardown seconds (as reported to
    the controlling process), and writes them into the table at the end."""

    def __init__(self):
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[file_of(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.seconds:
            return
        table = {path: s for path, s in read_table().items() if (ROOT / path).exists()}
        table |= {path: round(s, 1) for path, s in self.seconds.items()}
        ordered = dict(sorted(table.items(), key=lambda entry: (-entry[1], entry[0])))
        TABLE.write_text(json.dumps(ordered, indent=1) + "\n")
