"""The module page in a real Chromium: terminal tabs, run buttons that type into the right tab,
live ✓ of passed steps, the module reset, and the Japanese page's fonts.

The server is the real one (Daphne, consumer, sandbox shells); screenshots go to test-artifacts/.
"""

import json
import time

import pytest
from playwright.sync_api import expect
from terminal_page import (fail_with_context, open_module, reset_module, save_screenshot, screen_text, wait_for_screen,
                           wait_until_connected)

pytestmark = pytest.mark.browser

PROXY_STARTED = "Starting to serve on 127.0.0.1:8001"


def selected_tabs(page) -> list[str]:
    return page.eval_on_selector_all("[role=tab][aria-selected=true]", "tabs => tabs.map(tab => tab.id)")


def test_the_second_tabs_run_button_starts_kubectl_proxy_there_while_terminal_one_stays_usable(page, site):
    open_module(page, site, "deploy", lang="en")
    reset_module(page)
    expect(page.locator("#terminal-panel-2 .xterm")).to_have_count(0)

    page.click("button.run[data-command='kubectl proxy']")
    assert selected_tabs(page) == ["terminal-tab-2"]
    expect(page.locator("#terminal-panel-1")).to_be_hidden()
    wait_for_screen(page, PROXY_STARTED, tab=2)
    wait_until_connected(page)
    save_screenshot(page, "lesson-page-proxy-in-terminal-2")

    page.click("#terminal-tab-1")
    assert selected_tabs(page) == ["terminal-tab-1"]
    page.click("#terminal-panel-1")
    page.keyboard.type("echo terminal one answers")
    page.keyboard.press("Enter")
    wait_for_screen(page, "\nterminal one answers", tab=1)
    assert PROXY_STARTED not in screen_text(page, 1)

    page.click("button.run[data-command='curl http://localhost:8001/version']")
    wait_for_screen(page, '"gitVersion": "v1.32', tab=1)
    save_screenshot(page, "lesson-page-curl-through-the-proxy")
    assert "curl http://localhost:8001/version" not in screen_text(page, 2)
    assert PROXY_STARTED in screen_text(page, 2)
    assert page.foreign_requests == []


def test_a_run_button_of_a_command_that_interrupts_presses_ctrl_c_first(page, site):
    open_module(page, site, "deploy", lang="en")
    page.click("button.run[data-command='kubectl proxy']")
    wait_for_screen(page, PROXY_STARTED, tab=2)
    page.evaluate("""() => {
        const button = document.querySelector("button.run[data-command='kubectl proxy']");
        button.dataset.command = "echo the proxy stopped";
        button.setAttribute("data-interrupt", "");
    }""")
    page.click("#terminal-tab-1")
    page.click("button.run[data-command='echo the proxy stopped']")
    wait_for_screen(page, "\nthe proxy stopped", tab=2)
    assert selected_tabs(page) == ["terminal-tab-2"]
    assert "^C" in screen_text(page, 2)


def test_a_multi_line_command_is_typed_one_line_at_a_time(page, site):
    open_module(page, site, "cluster", lang="en")
    page.evaluate("window.Tutorial.terminals.run(1, 'cat <<EOF\\nfirst line\\nsecond line\\nEOF')")
    wait_for_screen(page, "> EOF")
    wait_for_screen(page, "\nfirst line\nsecond line\n")
    assert screen_text(page).count("first line") == 2


def test_a_step_shows_its_check_mark_as_soon_as_its_command_ran(page, site):
    open_module(page, site, "cluster", lang="en")
    step = page.locator("#step-minikube-version")
    expect(step.locator(".step-check")).to_be_hidden()
    page.click("button.run[data-command='minikube version']")
    expect(step).to_have_class("step passed", timeout=15_000)
    expect(step.locator(".step-check")).to_be_visible()
    expect(page.locator(".step.passed")).to_have_count(1)
    expect(page.locator("#progress-announcer")).to_have_text("Step passed: Check that minikube is there")
    save_screenshot(page, "lesson-page-step-passed")

    page.reload()
    wait_until_connected(page)
    expect(page.locator("#step-minikube-version")).to_have_class("step passed")


def test_progress_events_mark_exactly_the_steps_they_list_for_this_module(page, site):
    open_module(page, site, "cluster", lang="en")

    def progress(module: str, passed: list[str]) -> None:
        event = {"type": "progress", "module": module, "passed": passed}
        page.evaluate("""(detail) => document.getElementById("terminal-panel-1").dispatchEvent(
            new CustomEvent("terminal:event", {detail: detail, bubbles: true}))""", event)

    progress("cluster", ["minikube-version", "get-nodes"])
    expect(page.locator(".step.passed")).to_have_count(2)
    expect(page.locator("#step-get-nodes .step-check")).to_be_visible()
    progress("deploy", ["minikube-version", "minikube-start", "get-nodes"])
    expect(page.locator(".step.passed")).to_have_count(2)
    progress("cluster", ["minikube-version"])
    assert page.eval_on_selector_all(".step.passed", "steps => steps.map(step => step.id)") == [
        "step-minikube-version"]


def test_the_plus_button_opens_up_to_four_terminals_and_arrow_keys_move_between_tabs(page, site):
    open_module(page, site, "cluster", lang="en")
    add = page.locator("button.terminal-add")
    expect(page.locator("#terminal-tab-3")).to_be_hidden()
    add.click()
    assert selected_tabs(page) == ["terminal-tab-3"]
    wait_for_screen(page, "$", tab=3)
    page.keyboard.type("echo in terminal three")
    page.keyboard.press("Enter")
    wait_for_screen(page, "\nin terminal three", tab=3)
    add.click()
    assert selected_tabs(page) == ["terminal-tab-4"]
    expect(add).to_be_hidden()
    wait_for_screen(page, "$", tab=4)
    assert "in terminal three" not in screen_text(page, 4)
    save_screenshot(page, "lesson-page-four-terminals")

    page.focus("#terminal-tab-4")
    page.keyboard.press("ArrowRight")
    assert selected_tabs(page) == ["terminal-tab-1"]
    assert page.evaluate("document.activeElement.id") == "terminal-tab-1"
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    assert selected_tabs(page) == ["terminal-tab-3"]
    assert "in terminal three" in screen_text(page, 3)
    assert page.eval_on_selector_all("[role=tab]", "tabs => tabs.map(tab => tab.tabIndex)") == [-1, -1, 0, -1]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('terminal-add')") is False


def test_the_copy_button_puts_the_command_on_the_clipboard(page, site):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    open_module(page, site, "cluster", lang="en")
    button = page.locator("button.copy[data-command='kubectl get nodes']")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "kubectl get nodes"
    expect(button).to_have_text("Copy", timeout=5_000)


def test_reset_asks_first_then_restarts_the_terminals_on_the_modules_start(page, site):
    open_module(page, site, "deploy", lang="en")
    page.click("button.run[data-command='kubectl proxy']")
    wait_for_screen(page, PROXY_STARTED, tab=2)
    requests = []
    page.on("request", lambda request: requests.append(request.url) if request.method == "POST" else None)

    page.click("button.reset-module")
    dialog = page.locator("#reset-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Reset this module?")
    save_screenshot(page, "lesson-page-reset-dialog")
    dialog.locator("button.cancel").click()
    expect(dialog).to_be_hidden()
    assert requests == []

    page.click("button.reset-module")
    with page.expect_response(f"{site}/en/modules/deploy/reset/") as answer:
        dialog.locator("button.confirm-reset").click()
    assert json.loads(answer.value.text()) == {"ok": True}
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('reset-module')")
    wait_for_screen(page, "Your sandbox was reset to the start of the module.", tab=2)
    page.click("#terminal-tab-1")
    wait_for_screen(page, "Your sandbox was reset to the start of the module.", tab=1)
    page.click("#terminal-panel-1")
    page.keyboard.type("kubectl get nodes")
    page.keyboard.press("Enter")
    wait_for_screen(page, "minikube   Ready", tab=1)


def test_a_failed_reset_says_so_and_keeps_the_dialog_open(page, site):
    open_module(page, site, "cluster", lang="ja")
    page.route(f"{site}/ja/modules/cluster/reset/", lambda route: route.fulfill(status=500, body="oops"))
    page.click("button.reset-module")
    page.locator("#reset-dialog button.confirm-reset").click()
    expect(page.locator("#reset-dialog .dialog-error")).to_have_text(
        "モジュールをリセットできませんでした。もう一度お試しください。")
    expect(page.locator("#reset-dialog")).to_be_visible()


def platform_fonts(page, selector: str) -> set[str]:
    """The font families Chromium really drew the element's text with (not what the CSS asked)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in fonts}


def test_the_japanese_page_is_drawn_with_a_cjk_font_and_fits_a_tablet(page, site):
    page.set_viewport_size({"width": 1024, "height": 768})
    open_module(page, site, "cluster", lang="ja")
    expect(page.locator("#terminal-tab-1")).to_have_text("ターミナル 1")
    expect(page.locator("button.reset-module")).to_have_text("このモジュールをリセット")
    page.click("button.terminal-add")
    page.click("button.terminal-add")
    page.click("#terminal-tab-1")
    page.click("button.run[data-command='minikube version']")
    wait_for_screen(page, "minikube version: v1.35.0")
    expect(page.locator("#step-minikube-version")).to_have_class("step passed", timeout=15_000)
    save_screenshot(page, "lesson-page-ja")
    assert page.eval_on_selector(".terminal-bar", "bar => bar.scrollWidth <= bar.clientWidth")
    assert page.eval_on_selector("#terminal-status", "status => status.getBoundingClientRect().right") <= 1024
    assert any("CJK" in family for family in platform_fonts(page, "#lesson-title"))
    assert any("CJK" in family for family in platform_fonts(page, "#step-minikube-version .step-title"))
    page.click("button.reset-module")
    expect(page.locator("#reset-dialog")).to_contain_text("このモジュールをリセットしますか？")
    save_screenshot(page, "lesson-page-ja-reset-dialog")


def run_and_wait_for_prompt(page, button, tab: int = 1, timeout: float = 30.0) -> None:
    """Clicks a run button and waits until the command finished: the screen changed, ends with the
    shell's prompt and stays still for a moment."""
    before = screen_text(page, tab)
    button.click()
    deadline = time.monotonic() + timeout
    last, still_since = None, time.monotonic()
    while time.monotonic() < deadline:
        text = screen_text(page, tab)
        if text != last:
            last, still_since = text, time.monotonic()
        lines = [line.rstrip() for line in text.split("\n") if line.strip()]
        if text != before and lines and lines[-1].endswith("$") and time.monotonic() - still_since > 0.4:
            return
        page.wait_for_timeout(100)
    fail_with_context(page, f"{button.get_attribute('data-command')!r} did not finish within {timeout} s", tab)


def test_module_six_in_japanese_turns_every_step_passed_across_a_language_switch(page, site):
    open_module(page, site, "update", lang="ja")
    reset_module(page, notice="モジュールの開始時の状態にリセットしました")
    steps = page.eval_on_selector_all(".step[data-step]", "steps => steps.map(step => step.dataset.step)")
    for number, step_id in enumerate(steps):
        if number == len(steps) // 2:
            page.click(".language-switch a[hreflang=en]")
            wait_until_connected(page)
            assert page.evaluate("document.documentElement.lang") == "en"
            for earlier in steps[:number]:
                expect(page.locator(f"#step-{earlier}")).to_have_class("step passed")
            save_screenshot(page, "lesson-page-module-six-en")
        step = page.locator(f"#step-{step_id}")
        buttons = step.locator("button.run")
        for index in range(buttons.count()):
            # `kubectl delete pod` waits out the Pod's 30 s grace period, as the real one does.
            run_and_wait_for_prompt(page, buttons.nth(index), timeout=60.0)
        # A step whose Pods are still starting passes on a later command, as it does for a learner
        # who looks again.
        for _ in range(10):
            if "passed" in (step.get_attribute("class") or ""):
                break
            page.wait_for_timeout(1_000)
            run_and_wait_for_prompt(page, buttons.nth(buttons.count() - 1))
        expect(step).to_have_class("step passed", timeout=10_000)
        if number == len(steps) // 2 - 1:
            save_screenshot(page, "lesson-page-module-six-ja")
    expect(page.locator(".step.passed")).to_have_count(len(steps))
