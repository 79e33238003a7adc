"""The language switch keeps the terminals (issue 6), in a real Chromium against Daphne: the new
page's tabs take over the shells the old page left, with their screens, variables and jobs."""

import pytest
from playwright.sync_api import expect
from terminal_page import open_module, reset_module, save_screenshot, screen_text, wait_for_screen, wait_until_connected

pytestmark = pytest.mark.browser

PROXY_STARTED = "Starting to serve on 127.0.0.1:8001"
CURL_VERSION = "curl http://localhost:8001/version"


def test_switching_to_japanese_keeps_the_shells_their_screens_and_the_running_proxy(page, site):
    open_module(page, site, "deploy", lang="en")
    reset_module(page)
    page.click("button.run[data-command='kubectl proxy']")
    wait_for_screen(page, PROXY_STARTED, tab=2)
    page.click("#terminal-tab-1")
    page.click("#terminal-panel-1")
    page.keyboard.type("export X=1; echo typed before the switch")
    page.keyboard.press("Enter")
    wait_for_screen(page, "\ntyped before the switch", tab=1)

    page.click(".language-switch a[hreflang=ja]")
    wait_until_connected(page)
    assert page.evaluate("document.documentElement.lang") == "ja"
    # The page reopens the tabs the old page had, before anyone clicks them, so the proxy's
    # shell is taken over at once instead of ending unattended.
    expect(page.locator("#terminal-tab-2")).to_be_visible()
    expect(page.locator("#terminal-tab-2")).to_have_attribute("data-state", "open")
    wait_for_screen(page, "\ntyped before the switch", tab=1)
    page.click("#terminal-panel-1")
    page.keyboard.type("echo X is $X")
    page.keyboard.press("Enter")
    wait_for_screen(page, "\nX is 1", tab=1)

    page.click(f"button.run[data-command='{CURL_VERSION}']")
    wait_for_screen(page, '"gitVersion": "v1.32', tab=1)
    page.click("#terminal-tab-2")
    wait_for_screen(page, PROXY_STARTED, tab=2)
    expect(page.locator("#terminal-panel-2")).to_be_visible()
    assert screen_text(page, 2).count(PROXY_STARTED) == 1
    save_screenshot(page, "reattach-after-the-language-switch")
