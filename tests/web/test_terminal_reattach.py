"""A terminal's shell outlives its socket for a while, so the next page takes it over (issue 6)."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import struct
import termios
from pathlib import Path

import pytest
from channels.db import database_sync_to_async

from tests.web.test_terminal_socket import PROMPT, Terminal, new_session, plain, sandbox_children
from tutorial.models import Sandbox
from tutorial.sandboxes import reset_sandboxes
from tutorial.terminal_registry import SCROLLBACK_CHARS, Scrollback, terminals

pytestmark = pytest.mark.django_db(transaction=True)

#: The close code browsers send when the page goes away (a reload, a link, the language switch).
GOING_AWAY = 1001


@pytest.fixture(autouse=True)
async def no_kept_terminals_outlive_the_test():
    kept_before = set(terminals)
    yield
    for terminal in set(terminals) - kept_before:
        await terminal.close()


async def open_terminal(session_key: str, lang: str = "en", tab: int = 1) -> Terminal:
    terminal = Terminal(session_key, lang=lang, tab=tab)
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    return terminal


async def leave_page(terminal: Terminal) -> None:
    await terminal.socket.disconnect(code=GOING_AWAY)


async def wait_until_gone(pid: int, timeout: float = 10) -> bool:
    for _ in range(int(timeout * 10)):
        if not Path(f"/proc/{pid}").exists():
            return True
        await asyncio.sleep(0.1)
    return False


def window_size(pid: int) -> tuple[int, int]:
    with open(os.readlink(f"/proc/{pid}/fd/0"), "rb", buffering=0) as tty:
        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(tty, termios.TIOCGWINSZ, b"\0" * 8))
    return rows, cols


async def test_it_gives_the_next_page_the_same_shell_with_its_screen_and_variables():
    session_key = await new_session()
    before = sandbox_children()
    first = await open_terminal(session_key)
    (pid,) = sandbox_children() - before
    await first.run("export X=1; alias hi='echo hello-from-alias'; echo set", "set\r\n")
    await first.run("echo screen-before-the-switch", "screen-before-the-switch\r\n")
    await leave_page(first)

    japanese = Terminal(session_key, lang="ja")
    assert await japanese.connect()
    await japanese.read_until("screen-before-the-switch\r\n")
    assert sandbox_children() - before == {pid}
    await japanese.socket.send_to(text_data=json.dumps(["resize", 30, 100]))
    assert "\n1\n" in plain(await japanese.run("echo $X", "1\r\n"))
    assert "hello-from-alias" in await japanese.run("hi", "hello-from-alias")
    assert window_size(pid) == (30, 100)
    await japanese.close()


async def test_it_replays_what_the_shell_printed_while_nobody_watched():
    session_key = await new_session()
    first = await open_terminal(session_key)
    await first.socket.send_to(text_data=json.dumps(["stdin", "sleep 1; echo printed-while-away\r"]))
    await first.read_until("\r\n")
    await leave_page(first)
    await asyncio.sleep(2)

    back = Terminal(session_key)
    assert await back.connect()
    await back.read_until("printed-while-away\r\n")
    await back.close()


async def test_it_ends_the_shell_when_nobody_comes_back_in_time(settings):
    settings.TERMINAL_REATTACH_SECONDS = 1
    session_key = await new_session()
    before = sandbox_children()
    first = await open_terminal(session_key)
    (pid,) = sandbox_children() - before
    await first.run("export X=kept; echo set", "set\r\n")
    await leave_page(first)
    await asyncio.sleep(0.3)
    assert Path(f"/proc/{pid}").exists()
    assert await wait_until_gone(pid)

    later = await open_terminal(session_key)
    assert "\nX=\n" in plain(await later.run("echo X=$X", "X="))
    await later.close()


async def test_it_ends_the_shell_with_a_socket_its_page_closed_on_purpose():
    session_key = await new_session()
    before = sandbox_children()
    terminal = await open_terminal(session_key)
    (pid,) = sandbox_children() - before
    await terminal.close()
    assert await wait_until_gone(pid, timeout=5)
    assert terminals.get((await sandbox_id_of(session_key), 1)) is None


async def test_it_gives_each_tab_its_own_shell():
    session_key = await new_session()
    first = await open_terminal(session_key, tab=1)
    await first.run("export X=tab-one; echo set", "set\r\n")
    await leave_page(first)
    second = await open_terminal(session_key, tab=2)
    assert "\nX=\n" in plain(await second.run("echo X=$X", "X="))
    await second.close()


async def test_the_newer_of_two_windows_takes_the_shell_and_the_older_is_told():
    session_key = await new_session()
    older = await open_terminal(session_key)
    await older.run("export X=shared; echo set", "set\r\n")
    newer = Terminal(session_key)
    assert await newer.connect()
    assert "another window" in await older.next_notice()
    closed = await older.socket.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    await newer.read_until("export X=shared; echo set")
    assert "\nshared\n" in plain(await newer.run("echo $X", "shared\r\n"))
    await newer.close()


async def test_a_reset_while_nobody_watches_ends_the_kept_shell():
    session_key = await new_session()
    before = sandbox_children()
    first = await open_terminal(session_key)
    (pid,) = sandbox_children() - before
    await first.run("export X=before-reset; echo set", "set\r\n")
    await leave_page(first)
    await database_sync_to_async(reset_sandboxes)([await sandbox_id_of(session_key)])
    assert await wait_until_gone(pid, timeout=5)

    back = await open_terminal(session_key)
    assert "before-reset" not in back.screen
    assert "\nX=\n" in plain(await back.run("echo X=$X", "X="))
    await back.close()


async def test_the_idle_timeout_still_ends_the_shell(settings):
    settings.SANDBOX_IDLE_TIMEOUT = 1
    session_key = await new_session()
    before = sandbox_children()
    terminal = await open_terminal(session_key)
    (pid,) = sandbox_children() - before
    assert "without input" in await terminal.next_notice(timeout=5)
    assert (await terminal.socket.receive_output(timeout=5))["type"] == "websocket.close"
    await leave_page(terminal)
    assert await wait_until_gone(pid, timeout=5)


async def test_a_shell_that_exited_is_not_taken_over():
    session_key = await new_session()
    first = await open_terminal(session_key)
    await first.run("exit 4", "[exit 4]")
    again = await open_terminal(session_key)
    assert "exit 4" not in again.screen
    await again.close()


@database_sync_to_async
def sandbox_id_of(session_key: str) -> int:
    return Sandbox.objects.get(session_key=session_key).pk


def test_the_scrollback_keeps_only_the_recent_output_from_a_line_start():
    scrollback = Scrollback(limit=100)
    for number in range(100):
        scrollback.add(f"line {number:03}\r\n")
    text = scrollback.text()
    assert len(text) <= 100
    assert text.startswith("line ") and text.endswith("line 099\r\n")


def test_the_scrollback_never_starts_inside_an_escape_sequence():
    scrollback = Scrollback(limit=50)
    scrollback.add("x" * 45 + "\x1b[0;32mgreen\x1b[0m" * 5)
    text = scrollback.text()
    assert text.startswith("\x1b[0;32m") and text.endswith("green\x1b[0m")


def test_a_clear_screen_starts_the_scrollback_afresh():
    scrollback = Scrollback()
    scrollback.add("old screen\r\n$ clear\r\n")
    scrollback.add("\x1b[H\x1b[2J\x1b[3J$ ")
    assert scrollback.text() == "\x1b[2J\x1b[3J$ "


def test_the_scrollback_stays_bounded_however_much_is_printed():
    scrollback = Scrollback()
    for _ in range(1000):
        scrollback.add("y" * 1023 + "\n")
    assert len(scrollback.text()) <= SCROLLBACK_CHARS
    assert scrollback.held_chars <= 2 * SCROLLBACK_CHARS
