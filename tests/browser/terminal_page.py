"""What a browser test does with a module page: open it, read a terminal tab's screen, wait for
text on it, and keep screenshots in test-artifacts/ for a human to look at."""

import pytest
from live_site import REPO
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ARTIFACTS = REPO / "test-artifacts"


def screen_text(page, tab: int = 1) -> str:
    return page.inner_text(f"#terminal-panel-{tab} .xterm-rows")


def fail_with_context(page, message: str, tab: int = 1) -> None:
    try:
        screen = screen_text(page, tab)
    except PlaywrightTimeout:
        screen = "(no screen in this tab)"
    pytest.fail(f"{message}\n--- terminal {tab} ---\n{screen}\n"
                f"--- daphne log (tail) ---\n{page.live_site.log_tail()}")


def wait_for_screen(page, text: str, tab: int = 1, timeout: float = 20_000) -> None:
    try:
        page.wait_for_function(
            "([tab, text]) => {"
            "  const rows = document.querySelector(`#terminal-panel-${tab} .xterm-rows`);"
            "  return rows !== null && rows.innerText.includes(text);"
            "}", arg=[tab, text], timeout=timeout)
    except PlaywrightTimeout:
        fail_with_context(page, f"{text!r} never appeared on the screen of terminal {tab}", tab)


def wait_until_connected(page) -> None:
    """Waits until the shown tab's terminal is connected."""
    try:
        page.wait_for_selector("#terminal-status[data-state='connected']", timeout=15_000)
    except PlaywrightTimeout:
        fail_with_context(page, "the terminal never connected")


def open_module(page, site: str, slug: str = "cluster", lang: str = "ja") -> None:
    """Opens a module and waits, like a learner, until the first shell shows its prompt."""
    page.goto(f"{site}/{lang}/modules/{slug}/")
    wait_until_connected(page)
    wait_for_screen(page, "$")


def save_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def reset_module(page, notice: str = "Your sandbox was reset to the start of the module.") -> None:
    """Resets the shown module through its confirmation dialog, as a learner does to get the cluster
    the module starts from, and waits until the first terminal restarted on it."""
    page.click("button.reset-module")
    page.click("#reset-dialog button.confirm-reset")
    wait_for_screen(page, notice)
