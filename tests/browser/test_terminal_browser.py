"""A learner's first minutes, in a real Chromium against the real ASGI app served by Daphne.

Everything between the key press and the glyphs on screen is real here: xterm.js, terminal.js, the
WebSocket, the consumer, the sandbox process and the simulated minikube. Screenshots go to
test-artifacts/ for a human to look at.
"""

import pytest
from terminal_page import open_module, save_screenshot, wait_for_screen, wait_until_connected

pytestmark = pytest.mark.browser


def test_a_learner_types_minikube_version_in_the_japanese_page(page, site):
    open_module(page, site)
    page.click("#terminal-panel-1")
    page.keyboard.type("minikube version")
    page.keyboard.press("Enter")
    try:
        wait_for_screen(page, "minikube version: v1.35.0")
    finally:
        save_screenshot(page, "terminal-ja-minikube-version")
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert page.foreign_requests == []


def test_a_run_button_types_its_command_into_the_terminal(page, site):
    open_module(page, site, lang="en")
    page.click("button.run[data-command='minikube version']")
    wait_for_screen(page, "minikube version: v1.35.0")
    assert page.evaluate("document.activeElement.classList.contains('xterm-helper-textarea')")


def test_an_ended_session_comes_back_on_enter(page, site):
    open_module(page, site)
    page.click("#terminal-panel-1")
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
