"""The heaviest test files first, so that the processes of `make test` finish together.

`make test` gives whole files to its processes (pytest-xdist --dist loadfile), each
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

# A file the table does not have (a new one) is taken to need its number of tests times
# the seconds a test of its folder took on average in the table (so on the same machine);
# with none measured there, these (journeys start servers: each takes many seconds).
FOLDERS = ("tests/journeys/", "tests/browser/", "tests/")
# Handed out before every other file, whatever they weigh: make run's journey starts a
# fresh clone's processes and stops them with Ctrl+C. Late in a run (after twenty minutes of
# other files in the same process) they stopped neither for Ctrl+C nor for the
# trap's kill; early in a run, where it ran before files were ordered by weight, they do.
FIRST = ("tests/journeys/test_make_run.py",)
TYPICAL_SECONDS = {"tests/journeys/": 15.0, "tests/browser/": 4.0, "tests/": 1.0}


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def folder_of(path: str) -> str:
    return next(folder for folder in FOLDERS if path.startswith(folder))


def read_table() -> dict[str, dict[str, float]]:
    """{path: {"seconds": s, "tests": n}}, as --record-weights wrote it."""
    try:
        return json.loads(TABLE.read_text())
    except FileNotFoundError:
        return {}


def seconds_per_test(table: dict[str, dict[str, float]]) -> dict[str, float]:
    seconds: Counter[str] = Counter()
    tests: Counter[str] = Counter()
    for path, measured in table.items():
        seconds[folder_of(path)] += measured["seconds"]
        tests[folder_of(path)] += measured["tests"]
    return {
        folder: seconds[folder] / tests[folder] if tests[folder] else TYPICAL_SECONDS[folder]
        for folder in FOLDERS
    }


def heaviest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items, their files' heaviest first; a file's own in their order."""
    table = read_table()
    typical = seconds_per_test(table)
    tests = Counter(file_of(item.nodeid) for item in items)

    def weight(path: str) -> float:
        if path in FIRST:
            return float("inf")
        if path in table:
            return table[path]["seconds"]
        return tests[path] * typical[folder_of(path)]

    order = {path: rank for rank, path in enumerate(sorted(tests, key=lambda p: -weight(p)))}
    return sorted(items, key=lambda item: order[file_of(item.nodeid)])  # stable


class WeightRecorder:
    """--record-weights: sums each file's setup, call and teardown seconds (as reported to
    the controlling process), and writes them into the table at the end."""

    def __init__(self):
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.tests: Counter[str] = Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[file_of(report.nodeid)] += report.duration
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.tests[file_of(report.nodeid)] += 1

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # A run cut short would give its last files a fraction of their seconds.
        if self.seconds and exitstatus != pytest.ExitCode.INTERRUPTED:
            write_table(self.seconds, self.tests)


def write_table(seconds: dict[str, float], tests: dict[str, int]) -> None:
    """The files measured replace their entries; files that are gone are dropped."""
    table = {path: entry for path, entry in read_table().items() if (ROOT / path).exists()}
    for path in seconds:
        table[path] = {"seconds": round(seconds[path], 1), "tests": tests[path]}
    ordered = sorted(table.items(), key=lambda entry: (-entry[1]["seconds"], entry[0]))
    lines = [f" {json.dumps(path)}: {json.dumps(entry)}" for path, entry in ordered]
    TABLE.write_text("{\n" + ",\n".join(lines) + "\n}\n")  # a file a line
