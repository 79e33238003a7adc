"""The sandbox shell in a real pty, as a browser tab drives it: keys in, screen out.

Each test starts ``python -m cluster_engine shell`` under ptyprocess with its state channel served
by the parent's own code (``serve_state_channel``) over a sandbox kept in memory, so what is
checked is the real line editor, signals and side channel, without the web server around them.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import select
import signal
import socket
import sys
import threading
import time

import pytest
from ptyprocess import PtyProcess

from cluster_engine.clock import FakeClock
from cluster_engine.script import run_script
from cluster_engine.state import SandboxState
from tutorial.sandbox_processes import sandbox_environment
from tutorial.state_channel import serve_state_channel

PROMPT = "learner@minikube-tutorial:~$ "
UP, HOME, END, LEFT = "\x1b[A", "\x1b[H", "\x1b[F", "\x1b[D"
CTRL_A, CTRL_C, CTRL_D, CTRL_E = "\x01", "\x03", "\x04", "\x05"
CTRL_K, CTRL_U, CTRL_W = "\x0b", "\x15", "\x17"


def plain(screen: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r", "")


class MemorySandbox:
    """The parent's state service over one sandbox kept in memory, with the sandbox's lock."""

    def __init__(self, state_json: str):
        self.state = state_json.encode()
        self.version = 1
        self.lock = asyncio.Lock()
        self.events: list[dict] = []

    async def begin(self, have_version):
        await self.lock.acquire()
        return self.version, None if have_version == self.version else self.state

    async def commit(self, state, object_count):
        self.state, self.version = state, self.version + 1
        self.lock.release()
        return self.version

    async def abort(self):
        self.lock.release()

    async def event(self, event):
        self.events.append(event)

    def saved_history(self) -> list[str]:
        return json.loads(self.state)["shell"].get("history", [])


@pytest.fixture
def loop():
    """An event loop in a thread: the parent's side, answering while the test types."""
    event_loop = asyncio.new_event_loop()
    thread = threading.Thread(target=event_loop.run_forever, daemon=True)
    thread.start()
    yield event_loop
    event_loop.call_soon_threadsafe(event_loop.stop)
    thread.join(5)
    event_loop.close()


class Terminal:
    """One terminal tab: a sandbox shell on a pty, its screen, and keys to type into it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sandbox: MemorySandbox):
        parent_end, child_end = socket.socketpair()
        self.channel = asyncio.run_coroutine_threadsafe(serve_state_channel(parent_end, sandbox),
                                                        loop)
        fd = child_end.fileno()
        os.set_inheritable(fd, True)
        self.process = PtyProcess.spawn(
            [sys.executable, "-m", "cluster_engine", "shell", "--state-fd", str(fd)],
            cwd="/", env=sandbox_environment(), dimensions=(24, 120), pass_fds=(fd,))
        child_end.close()
        self.screen = ""

    def type(self, keys: str) -> None:
        self.process.write(keys.encode())

    def read_until(self, text: str, since: int, timeout: float = 10) -> str:
        """The screen from ``since`` once ``text`` shows there; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while text not in self.screen[since:]:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._read(remaining):
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n"
                                     f"{self.screen[since:]}")
        return self.screen[since:]

    def watch_for(self, seconds: float) -> str:
        """Everything that appears on the screen in the next ``seconds``."""
        start = len(self.screen)
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            self._read(remaining)
        return self.screen[start:]

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.process.fd], [], [], timeout)
        if not ready:
            return False
        try:
            self.screen += os.read(self.process.fd, 65536).decode("utf-8", "replace")
        except OSError:
            return False
        return True

    def interrupt_until(self, text: str, since: int, timeout: float = 10) -> str:
        """Ctrl-C, again every half second until ``text`` shows.

        CPython looks at a signal only between bytecodes and when a blocking call is interrupted:
        one that lands in the instant before readline's select() or time.sleep() begins waits
        until that call returns. A learner hardly ever meets that instant; a test typing at
        machine speed, right after the output it waited for, does.
        """
        deadline = time.monotonic() + timeout
        while True:
            self.type(CTRL_C)
            try:
                return self.read_until(text, since, timeout=min(0.5, deadline - time.monotonic()))
            except AssertionError:
                if time.monotonic() >= deadline:
                    raise

    def hang_up(self, timeout: float = 10) -> int:
        """SIGHUP, as the pty session sends when the browser goes away; the shell's exit status.

        Sent again every half second, for the reason ``interrupt_until`` gives.
        """
        deadline = time.monotonic() + timeout
        while self.process.isalive() and time.monotonic() < deadline:
            self.process.kill(signal.SIGHUP)
            self.watch_for(0.5)
        return self.wait_for_exit()

    def mark(self) -> int:
        return len(self.screen)

    def run(self, line: str) -> str:
        """Type ``line`` and Enter; its output, once the next prompt shows."""
        start = self.mark()
        self.type(line + "\r")
        self.read_until("\r\n", start)
        output_start = self.screen.index("\r\n", start) + 2
        return plain(self.read_until(PROMPT, output_start)[:-len(PROMPT)])

    def wait_for_exit(self, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while self.process.isalive() and time.monotonic() < deadline:
            self._read(0.05)
        assert not self.process.isalive(), "the shell did not end"
        return self.channel.result(timeout)

    def close(self) -> None:
        """End the shell, and the parent's side of its channel with it."""
        if self.process.isalive():
            self.process.terminate(force=True)
        self.process.close()
        self.channel.result(10)


@pytest.fixture
def open_terminal(loop):
    terminals: list[Terminal] = []

    def start(sandbox: MemorySandbox) -> Terminal:
        terminal = Terminal(loop, sandbox)
        terminals.append(terminal)
        terminal.read_until(PROMPT, 0)
        return terminal

    yield start
    for terminal in terminals:
        terminal.close()


def fresh_sandbox() -> MemorySandbox:
    return MemorySandbox(SandboxState.fresh().to_json())


def sandbox_after(lines: list[str]) -> MemorySandbox:
    """A sandbox in the state ``lines`` leave it, run in scripted mode a few minutes ago."""
    backend = run_script(lines, io.StringIO(), FakeClock(time.time() - 300))
    return MemorySandbox(backend.state_json)


def sandbox_with_history(lines: list[str]) -> MemorySandbox:
    state = SandboxState.fresh()
    state.shell["history"] = lines
    return MemorySandbox(state.to_json())


def pod_names(sandbox: MemorySandbox) -> list[str]:
    return [key.partition("/")[2] for key in json.loads(sandbox.state)["objects"].get("pods", {})
            if key.startswith("default/")]


def test_it_runs_the_previous_command_again_on_up_arrow(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    assert terminal.run("echo first-line") == "first-line\n"
    assert terminal.run(UP) == "first-line\n"
    assert terminal.run("history") == "    1  echo first-line\n    2  history\n"


def test_it_keeps_the_history_of_a_sandbox_for_its_next_terminal(open_terminal):
    sandbox = fresh_sandbox()
    first = open_terminal(sandbox)
    first.run("echo one")
    first.run(" echo hidden-by-a-leading-space")
    first.run("echo two")
    first.run("echo two")
    first.type(CTRL_D)
    first.read_until("exit\r\n", 0)
    assert first.wait_for_exit() == 0
    assert sandbox.saved_history() == ["echo one", "echo two"]

    second = open_terminal(sandbox)
    assert second.run(UP) == "two\n"
    assert second.run(UP + UP) == "one\n"
    assert second.run("history") == ("    1  echo one\n    2  echo two\n    3  echo one\n"
                                     "    4  history\n")


def test_tabs_open_together_each_add_their_lines_to_the_saved_history(open_terminal):
    sandbox = sandbox_with_history(["echo saved-before"])
    first, second = open_terminal(sandbox), open_terminal(sandbox)
    first.run("echo from-the-first-tab")
    second.run("echo from-the-second-tab")
    assert first.hang_up() == 128 + signal.SIGHUP
    assert second.hang_up() == 128 + signal.SIGHUP
    assert sandbox.saved_history() == ["echo saved-before", "echo from-the-first-tab",
                                       "echo from-the-second-tab"]


def test_it_saves_the_history_when_the_browser_goes_away(open_terminal):
    sandbox = fresh_sandbox()
    terminal = open_terminal(sandbox)
    terminal.run("echo before-the-hang-up")
    assert terminal.hang_up() == 128 + signal.SIGHUP
    assert sandbox.saved_history() == ["echo before-the-hang-up"]


def test_tab_completes_a_pod_name_from_the_live_cluster(open_terminal):
    sandbox = sandbox_after(["minikube start", "kubectl create deployment hello --image=nginx"])
    (pod,) = pod_names(sandbox)
    terminal = open_terminal(sandbox)
    start = terminal.mark()
    terminal.type("kubectl get pod hel\t")
    terminal.read_until(pod, start)
    terminal.type("-o name\r")
    assert plain(terminal.read_until(PROMPT, start)).endswith(f"pod/{pod}\n{PROMPT}")


def test_tab_twice_lists_the_candidates_as_bash_does(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    start = terminal.mark()
    terminal.type("minikube st\t\t")
    listing = plain(terminal.read_until("stop", start))
    assert re.search(r"\nstart +status +stop", listing), listing
    terminal.type(CTRL_U)
    assert terminal.run("kubectl ver\t") == terminal.run("kubectl version")


def test_tab_gives_up_on_names_while_another_tab_holds_the_sandbox(open_terminal, loop):
    sandbox = sandbox_after(["minikube start", "kubectl create deployment hello --image=nginx"])
    terminal = open_terminal(sandbox)
    (pod,) = pod_names(sandbox)
    asyncio.run_coroutine_threadsafe(sandbox.lock.acquire(), loop).result(5)
    start = terminal.mark()
    terminal.type("kubectl get pod hel\t\t" + CTRL_U)
    assert terminal.run("echo still-answering") == "still-answering\n"
    assert pod not in terminal.screen[start:]
    loop.call_soon_threadsafe(sandbox.lock.release)
    start = terminal.mark()
    terminal.type("kubectl get pod hel\t")
    terminal.read_until(pod, start)


def test_ctrl_c_ends_a_running_command_with_status_130(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    start = terminal.mark()
    terminal.type("echo started; sleep 100\r")
    terminal.read_until("started\r\n", start)
    terminal.interrupt_until(PROMPT, start)
    assert terminal.run("echo $?") == "130\n"


def test_ctrl_c_ends_kubectl_get_watch_with_status_130(open_terminal):
    terminal = open_terminal(sandbox_after(["minikube start",
                                            "kubectl create deployment hello --image=nginx"]))
    start = terminal.mark()
    terminal.type("kubectl get pods -w\r")
    terminal.read_until("hello-", start)
    terminal.watch_for(0.5)
    assert PROMPT not in terminal.screen[start:], "kubectl get -w returned by itself"
    terminal.interrupt_until(PROMPT, start)
    assert terminal.run("echo $?") == "130\n"


def test_ctrl_c_on_the_prompt_abandons_the_line(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    start = terminal.mark()
    terminal.type("echo never-run")
    terminal.read_until("never-run", start)
    terminal.interrupt_until("^C\r\n" + PROMPT, start)
    assert "never-run\r\n" not in terminal.screen[start:]
    assert terminal.run("echo $?") == "130\n"


def test_ctrl_d_on_an_empty_line_exits(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    terminal.run("false")
    start = terminal.mark()
    terminal.type(CTRL_D)
    terminal.read_until("exit\r\n", start)
    assert terminal.wait_for_exit() == 1


def test_the_editing_keys_of_bash_work(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    assert terminal.run("cho X" + HOME + "e" + END + "Y") == "XY\n"
    assert terminal.run("cho X" + CTRL_A + "e" + CTRL_E + "Y") == "XY\n"
    assert terminal.run("echo okzzz" + LEFT * 3 + CTRL_K) == "ok\n"
    assert terminal.run("rm -rf everything" + CTRL_U + "echo ok") == "ok\n"
    assert terminal.run("echo ok junk" + CTRL_W) == "ok\n"


def test_ctrl_d_on_a_continuation_line_reports_the_open_quote_and_keeps_the_shell(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    start = terminal.mark()
    terminal.type('echo "unfinished\r')
    terminal.read_until("> ", start)
    terminal.type(CTRL_D)
    screen = plain(terminal.read_until(PROMPT, start))
    assert "bash: unexpected EOF while looking for matching `\"'" in screen
    assert terminal.run("echo still-here") == "still-here\n"


def type_after_start(terminal: Terminal, line: str) -> int:
    """Type ``line`` and Enter, and let the command start reading before anything else is typed:
    keys typed while readline still holds the terminal would reach the command unechoed."""
    start = terminal.mark()
    terminal.type(line + "\r")
    terminal.read_until(line + "\r\n", start)
    terminal.watch_for(0.3)
    return start


def test_cat_into_a_file_reads_the_keyboard_until_ctrl_d(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    start = type_after_start(terminal, "cat > notes.txt")
    terminal.type("first line\r")
    terminal.read_until("first line\r\n", start)
    terminal.type("二行目\r")
    terminal.read_until("二行目\r\n", start)
    terminal.type(CTRL_D)
    terminal.read_until(PROMPT, start)
    assert terminal.run("cat notes.txt; echo $?") == "first line\n二行目\n0\n"


def test_commands_without_a_file_read_the_keyboard_too(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    start = type_after_start(terminal, "grep -c o")
    terminal.type("one\rtwo\rthree\r" + CTRL_D)
    assert plain(terminal.read_until(PROMPT, start)).endswith("three\n2\n" + PROMPT)


def test_ctrl_c_ends_cat_reading_the_keyboard_with_status_130(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    start = type_after_start(terminal, "cat")
    terminal.type("typed but never ended\r")
    terminal.read_until("typed but never ended\r\n", start)
    terminal.interrupt_until(PROMPT, start)
    assert terminal.run("echo $?") == "130\n"


def test_ctrl_d_in_a_here_document_warns_on_a_line_of_its_own(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    start = terminal.mark()
    terminal.type("cat <<EOF\r")
    terminal.read_until("> ", start)
    terminal.type("a line\r")
    terminal.read_until("a line\r\n> ", start)
    terminal.type(CTRL_D)
    assert plain(terminal.read_until(PROMPT, start)).endswith(
        "a line\n> \nbash: warning: here-document at line 1 delimited by end-of-file "
        "(wanted `EOF')\na line\n" + PROMPT)


def test_bash_opens_a_nested_shell_with_the_same_prompt_until_exit(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    terminal.run("export SHLVL=1 SHARED=yes; LOCAL=yes")
    assert terminal.run("bash") == ""
    assert terminal.run('echo "$SHLVL [$SHARED] [$LOCAL]"') == "2 [yes] []\n"
    assert terminal.run("exit 7") == "exit\n"
    assert terminal.run("echo $? $SHLVL $LOCAL") == "7 1 yes\n"


def test_a_terminal_shows_its_own_process_id_as_dollar_dollar(open_terminal):
    terminal = open_terminal(fresh_sandbox())
    assert terminal.run("echo $$") == f"{terminal.process.pid}\n"


def test_closing_a_terminal_frees_the_ports_its_commands_held_and_no_others(open_terminal):
    sandbox = sandbox_after(["minikube start"])
    first, second = open_terminal(sandbox), open_terminal(sandbox)
    for terminal, command, port in ((first, "kubectl proxy", 8001),
                                    (second, "kubectl proxy --port=8002", 8002)):
        start = terminal.mark()
        terminal.run(command + " &")
        terminal.read_until(f"Starting to serve on 127.0.0.1:{port}", start)
    assert first.hang_up() == 128 + signal.SIGHUP
    third = open_terminal(sandbox)
    assert third.run("curl -s localhost:8001/version; echo $?") == "7\n"
    assert '"gitVersion"' in third.run("curl -s localhost:8002/version")
