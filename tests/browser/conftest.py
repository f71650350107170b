"""Browser tests: the bundled program built once, served on 127.0.0.1, driven in Debian's Chromium.

Under CI (CI=true) nothing here may skip: a missing Chromium is a failure. Elsewhere the
tests skip with one line saying why.

The program built is the bundled one, copied and built once per session by the
`bundled_site` fixture of tests/conftest.py.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT
CHROMIUM = Path(os.environ.get("RMKIT_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The bundled program's editions, for parametrizing while locales/editions.yml is being written.
EXPECTED_EDITIONS = ["en-GB", "fr-FR", "ja-JP", "en-IN", "en-SG", "ar-AE"]


def _edition_ids() -> list[str]:
    try:
        data = yaml.safe_load((PROJECT / "locales" / "editions.yml").read_text(encoding="utf-8"))
        ids = [e["id"] for e in data["editions"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return EXPECTED_EDITIONS
    return ids or EXPECTED_EDITIONS


EDITIONS = _edition_ids()


def _missing(what: str, how: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is missing under CI: {how}")
    pytest.skip(f"{what} is missing ({how})")


@pytest.fixture(scope="session")
def built_site(bundled_site: Path) -> Path:
    """Every edition of the bundled program, built once for the whole test session (tests/conftest.py)."""
    return bundled_site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(built_site) -> str:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing("Chromium", "bash scripts/setup.sh --test installs Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright", "bash scripts/setup.sh --test installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob", "about") or parts.hostname == "127.0.0.1"


class Visit:
    """A browser context that records console errors, and aborts and records every request
    to a host other than 127.0.0.1 (pages, frames and workers alike)."""

    def __init__(self, context):
        self.context = context
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        context.route("**/*", self._route)
        context.on("request", self._request)
        context.on("page", self._watch)

    def _watch(self, page):
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(_console_text(m)))
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        page.on("worker", lambda w: w.on("console", lambda m: m.type == "error"
                                         and self.console_errors.append(f"worker: {_console_text(m)}")))

    def _route(self, route):
        if _local(route.request.url):
            route.continue_()
        else:
            self._foreign(route.request.url)
            route.abort("blockedbyclient")

    def _request(self, request):
        # Requests the router does not see (if any) are still recorded.
        if not _local(request.url):
            self._foreign(request.url)

    def _foreign(self, url: str):
        if url not in self.foreign_requests:
            self.foreign_requests.append(url)

    def new_page(self):
        return self.context.new_page()

    def errors(self, *, allowed=lambda text: False) -> list[str]:
        return [e for e in self.console_errors if not allowed(e)]


def _console_text(message) -> str:
    where = (message.location or {}).get("url") or ""
    return f"{message.text} (at {where})" if where else message.text


@pytest.fixture
def visit(browser):
    """A fresh context (desktop viewport, English UI); every request off 127.0.0.1 fails the test."""
    opened: list[Visit] = []

    def open_context(**options) -> Visit:
        options = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US", **options}
        v = Visit(browser.new_context(**options))
        opened.append(v)
        return v

    yield open_context
    foreign = [url for v in opened for url in v.foreign_requests]
    for v in opened:
        v.context.close()
    assert foreign == [], f"requests left 127.0.0.1: {foreign}"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        _missing("axe-core", "bash scripts/setup.sh --test runs npm ci")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS
