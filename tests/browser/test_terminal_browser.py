"""A learner's first minutes, in a real Chromium against the real ASGI app served by Daphne.

Everything between the key press and the glyphs on screen is real here: xterm.js, terminal.js, the
WebSocket, the consumer, the sandbox process and the simulated minikube. Screenshots go to
test-artifacts/ for a human to look at.
"""

import time
from pathlib import Path

import pytest
from live_site import REPO, LiveSite, prepare

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)


class Site:
    current: LiveSite | None = None

    @classmethod
    def log_tail(cls) -> str:
        return cls.current.log_tail() if cls.current else ""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The base URL of a Daphne serving config.asgi on a free port, with its own data directory."""
    live = LiveSite(tmp_path_factory.mktemp("site-data"))
    prepare(live.env)
    try:
        Site.current = live.start()
        yield live.url
    finally:
        live.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site):
    """A fresh browser context (so a fresh session and sandbox) that records requests leaving the site."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.foreign_requests = []
    page.on("request", lambda request: None if request.url.startswith((site, site.replace("http", "ws", 1)))
            else page.foreign_requests.append(request.url))
    yield page
    context.close()


def screen_text(page) -> str:
    return page.inner_text(".xterm-rows")


def wait_for_screen(page, text: str, timeout: float = 20_000) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("(text) => document.querySelector('.xterm-rows').innerText.includes(text)",
                               arg=text, timeout=timeout)
    except PlaywrightTimeout:
        pytest.fail(f"{text!r} never appeared on the terminal screen:\n{screen_text(page)}\n"
                    f"--- daphne log (tail) ---\n{Site.log_tail()}")


def wait_until_connected(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector("#terminal-status[data-state='connected']", timeout=15_000)
    except PlaywrightTimeout:
        pytest.fail(f"the terminal never connected:\n{screen_text(page)}\n"
                    f"--- daphne log (tail) ---\n{Site.log_tail()}")


def open_module(page, site: str, lang: str = "ja") -> None:
    """Opens module 1 and waits, like a learner, until the shell shows its prompt."""
    page.goto(f"{site}/{lang}/modules/cluster/")
    wait_until_connected(page)
    wait_for_screen(page, "$")


def test_a_learner_types_minikube_version_in_the_japanese_page(page, site):
    open_module(page, site)
    page.click("#terminal")
    page.keyboard.type("minikube version")
    page.keyboard.press("Enter")
    try:
        wait_for_screen(page, "minikube version: v1.35.0")
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "terminal-ja-minikube-version.png"))
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert page.foreign_requests == []


def test_a_run_button_types_its_command_into_the_terminal(page, site):
    open_module(page, site, lang="en")
    page.click("button.run[data-command='minikube version']")
    wait_for_screen(page, "minikube version: v1.35.0")
    assert page.evaluate("document.activeElement.classList.contains('xterm-helper-textarea')")


def test_an_ended_session_comes_back_on_enter(page, site):
    open_module(page, site)
    page.click("#terminal")
    page.keyboard.type("exit")
    page.keyboard.press("Enter")
    wait_for_screen(page, "Enter キーを押すと再接続します")
    assert page.get_attribute("#terminal-status", "data-state") == "disconnected"
    page.keyboard.press("Enter")
    wait_until_connected(page)
    wait_for_screen(page, "$")
    page.keyboard.type("minikube version")
    page.keyboard.press("Enter")
    wait_for_screen(page, "minikube version: v1.35.0")
