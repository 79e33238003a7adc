"""The browser tests' shared set-up: one Daphne serving the real ASGI app per test module, one
headless Debian Chromium, and a fresh browser context (so a fresh session and sandbox) per test.
Module scope, not session: Playwright's sync API keeps an event loop running in the main thread
while it lives, which the asyncio tests that run after these cannot share.

Chromium and the CJK fonts come from ``scripts/ensure-browser.sh``; without Chromium the tests are
skipped, not failed.
"""

from pathlib import Path

import pytest
from live_site import LiveSite, prepare

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (run scripts/ensure-browser.sh)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """A Daphne serving config.asgi on a free port, with its own data directory."""
    live = LiveSite(tmp_path_factory.mktemp("site-data"))
    prepare(live.env)
    try:
        yield live.start()
    finally:
        live.stop()


@pytest.fixture(scope="module")
def site(live_site) -> str:
    """The site's base URL."""
    return live_site.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_site):
    """A page in a fresh context that records requests leaving the site and keeps the server's log
    at hand for failure messages."""
    site = live_site.url
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.live_site = live_site
    page.foreign_requests = []
    page.on("request", lambda request: None if request.url.startswith((site, site.replace("http", "ws", 1)))
            else page.foreign_requests.append(request.url))
    yield page
    context.close()
