"""axe-core in the browser, and a record of which of the app's pages it has checked.

`AxeAudit.check` runs axe on the page the tab shows and files what it found. It also asks
the live server which endpoint and templates produced that page (`ServedPages` listens to
Flask's signals), so tests/browser/test_accessibility.py can prove that every page of the
app had an axe check in every language, and name any that did not.
"""

import os
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from flask import Flask, has_request_context, request, request_finished, template_rendered
from playwright.sync_api import Page

from tests.browser.language import expect_language

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}

# Set KUTSU_SCREENSHOTS=/tmp to keep full-page pictures of a few pages to look at.
SCREENSHOTS = os.environ.get("KUTSU_SCREENSHOTS")

_TEMPLATES_KEY = "kutsu.tests.templates"


@dataclass(frozen=True)
class Served:
    """One response of the live server."""

    method: str
    path: str
    endpoint: str | None
    status: int
    html: bool
    templates: tuple[str, ...]


class ServedPages:
    """Every response the live server gives while connected, in order."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.responses: list[Served] = []

    def connect(self) -> None:
        template_rendered.connect(self._template_rendered, self.app)
        request_finished.connect(self._request_finished, self.app)

    def disconnect(self) -> None:
        template_rendered.disconnect(self._template_rendered, self.app)
        request_finished.disconnect(self._request_finished, self.app)

    def _template_rendered(self, sender, template, context, **extra) -> None:
        # Kept in the request's own environ: emails rendered in the test's thread have a
        # request context of their own and never reach _request_finished.
        if has_request_context():
            request.environ.setdefault(_TEMPLATES_KEY, []).append(template.name)

    def _request_finished(self, sender, response, **extra) -> None:
        served = Served(
            method=request.method,
            path=request.path,
            endpoint=request.url_rule.endpoint if request.url_rule else None,
            status=response.status_code,
            html=response.mimetype == "text/html",
            templates=tuple(request.environ.get(_TEMPLATES_KEY, ())),
        )
        with self.lock:
            self.responses.append(served)

    def document_at(self, url: str) -> Served:
        """The HTML page the server last gave for the URL a tab shows."""
        path = urlsplit(url).path
        with self.lock:
            for served in reversed(self.responses):
                if served.html and served.path == path:
                    return served
        raise AssertionError(
            f"the live server gave no HTML page for {url}: did the app fail? (see its log)"
        )


# What axe checked, per language, over the whole session: the proof of coverage.
AUDITED: dict[str, list[Served]] = defaultdict(list)


@dataclass
class AxeAudit:
    """Runs axe page after page and keeps what it found; `assert_clean` fails on any.

    A violation the app is known to have goes in `known` ({(page name, rule id): why}):
    it then makes the test xfail at the end, after every page was checked, instead of
    failing it, and the test fails once the violation is gone, so the mark is removed.
    """

    page: Page
    language: str
    served: ServedPages
    known: dict[tuple[str, str], str] = field(default_factory=dict)
    found: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    seen_known: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        # axe-core (as axe-playwright-python ships it) in every document this tab opens:
        # quicker than injecting it anew before each check.
        self.page.context.add_init_script(script=AXE_SCRIPT)

    def check(self, name: str) -> None:
        self.page.wait_for_load_state()
        served = self.served.document_at(self.page.url)
        assert served.status < 500, f"{name}: the app failed with {served.status}"
        # The page is in the language under test: else three runs would check one language.
        expect_language(self.page, self.language)
        results = self.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        AUDITED[self.language].append(served)
        for violation in results["violations"]:
            targets = "\n".join(
                f"      {' '.join(map(str, node['target']))}" for node in violation["nodes"]
            )
            report = (
                f"{name} ({self.page.url}): {violation['id']} [{violation['impact']}] "
                f"{violation['help']}\n{targets}"
            )
            if (name, violation["id"]) in self.known:
                self.seen_known.add((name, violation["id"]))
                self.expected.append(report)
            else:
                self.found.append(report)

    def assert_clean(self) -> None:
        report = "\n".join(self.found + self.expected)
        print(report)
        assert not self.found, f"axe found {len(self.found)} violation(s):\n{report}"
        gone = set(self.known) - self.seen_known
        assert not gone, f"known violations no longer found, remove them from `known`: {gone}"
        if self.known:
            pytest.xfail("; ".join(f"{n}: {rule}: {why}" for (n, rule), why in self.known.items()))


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=Path(SCREENSHOTS) / f"kutsu-{name}.png", full_page=True)
