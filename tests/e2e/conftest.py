"""Real Chromium through Playwright's sync API, against pytest-django's live_server.

Outside CI a missing Chromium (or playwright) skips these tests; with CI=true it fails them
(tests.services.require_chromium).
"""

import os
import re
from pathlib import Path

import pytest

from tests.services import missing, require_chromium

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (factories, assertions) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Open browser contexts (each one a separate 'device': own cookies); closed after."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context, live_server):
    """A desktop page in a fresh context; console errors and CSP reports are collected in
    `page.errors` so a test can assert there were none."""
    page = new_context().new_page()
    watch(page)
    return page


def watch(page):
    """Collect console errors, uncaught exceptions and failed responses in `page.errors`
    (the browser's own favicon probe aside)."""
    page.errors = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            page.errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", on_response)
    return page


@pytest.fixture
def axe_source() -> Path:
    if not AXE.exists():
        missing(f"needs axe-core at {AXE} (npm ci)")
    return AXE


@pytest.fixture
def base_url(live_server, settings):
    """The live server's address; the links in emails point to it."""
    settings.PARLEY_BASE_URL = live_server.url
    return live_server.url


def go_on(page) -> bool:
    """Press the questionnaire's "Next" (or, on its last page, "Review") and wait for the page
    it leads to; True once that is the review."""
    button = page.locator("button[name=action][value=next], button[name=action][value=review]")
    last = button.get_attribute("value") == "review"
    button.click()
    page.wait_for_url(re.compile(r"/review/$" if last else r"/topics/D\d+/$"))
    return last
