"""The terminal WebSocket against the full ASGI application, with real sandbox processes."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from cluster_engine.clock import FakeClock
from cluster_engine.script import run_script
from cluster_engine.state import SandboxState
from config.asgi import application
from tutorial.models import Sandbox
from tutorial.sandboxes import reset_sandboxes

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = b"http://127.0.0.1:8000"
#: The end of the shell's prompt, as readline draws it.
PROMPT = ":~$"


@database_sync_to_async
def new_session() -> str:
    session = SessionStore()
    session.create()
    return session.session_key


@database_sync_to_async
def give_session_a_started_cluster(session_key: str) -> int:
    """Skip the seconds ``minikube start`` takes in real time: start it in scripted mode."""
    backend = run_script(["minikube start"], open(os.devnull, "w"), FakeClock(time.time() - 120))
    sandbox, _ = Sandbox.objects.update_or_create(
        session_key=session_key, defaults={"state": backend.state_json})
    return sandbox.pk


def plain(screen: str) -> str:
    """Terminal output without escape sequences and carriage returns."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r", "")


def sandbox_children() -> set[int]:
    """Sandbox shells started by this test run: direct children, or forked by its zygote."""
    processes: dict[int, tuple[int, bytes]] = {}
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if b"cluster_engine" in cmdline:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                processes[int(proc.name)] = (ppid, cmdline)
        except (OSError, ValueError, IndexError):
            continue
    ours = {pid for pid, (ppid, _) in processes.items() if ppid == os.getpid()}
    zygotes = {pid for pid in ours if b"zygote" in processes[pid][1]}
    return {pid for pid, (ppid, _) in processes.items()
            if (pid in ours and pid not in zygotes) or ppid in zygotes}


class Terminal:
    """A browser tab's side of the socket, for tests."""

    def __init__(self, session_key: str | None, origin: bytes = ORIGIN, lang: str = "en",
                 module: str | None = None, tab: int = 1):
        headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
        if session_key:
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
        path = f"/ws/terminal/?lang={lang}&tab={tab}" + (f"&module={module}" if module else "")
        self.socket = WebsocketCommunicator(application, path, headers=headers)
        self.screen = ""
        self.exit_status = None
        self.notices: list[str] = []
        self.events: list[dict] = []

    async def connect(self) -> bool:
        connected, _ = await self.socket.connect(timeout=10)
        return connected

    async def read_until(self, text: str, timeout: float = 15, since: int = 0) -> str:
        await self._receive_while(lambda: text not in self.screen[since:], text, timeout)
        return self.screen

    async def next_notice(self, timeout: float = 15) -> str:
        seen = len(self.notices)
        await self._receive_while(lambda: len(self.notices) == seen, "a notice", timeout)
        return self.notices[-1]

    async def event_where(self, wanted, since: int = 0, timeout: float = 15) -> dict:
        """The first event (from the ``since``-th on) for which ``wanted(event)`` holds."""
        def found():
            return next((event for event in self.events[since:] if wanted(event)), None)
        await self._receive_while(lambda: found() is None, "a matching event", timeout)
        return found()

    async def _receive_while(self, waiting, what: str, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while waiting():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"{what!r} never appeared; the screen shows:\n{self.screen}")
            message = await self.socket.receive_output(timeout=remaining)
            if message["type"] == "websocket.close":
                raise AssertionError(f"socket closed before {what!r}; screen:\n{self.screen}")
            kind, payload = json.loads(message["text"])
            if kind == "stdout":
                self.screen += payload
            elif kind == "notice":
                self.notices.append(payload)
                self.screen += payload
            elif kind == "exit":
                self.exit_status = payload
                self.screen += f"[exit {payload}]"
            elif kind == "event":
                self.events.append(payload)

    async def run(self, command: str, until: str) -> str:
        """Type ``command`` and Enter; wait for ``until`` in what follows the echoed line, then
        for the next prompt (unless the shell ended)."""
        start = len(self.screen)
        await self.socket.send_to(text_data=json.dumps(["stdin", command + "\r"]))
        await self.read_until("\r\n", since=start)
        output_start = self.screen.index("\r\n", start)
        await self.read_until(until, since=output_start)
        if self.exit_status is None:
            await self.read_until(PROMPT, since=self.screen.index(until, output_start) + len(until))
        return self.screen[start:]

    async def close(self):
        await self.socket.disconnect()


async def test_a_learner_starts_minikube_and_reads_the_node_table():
    session_key = await new_session()
    await give_session_a_started_cluster(session_key)
    terminal = Terminal(session_key)
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    output = plain(await terminal.run("kubectl get nodes", "v1.32.0"))
    lines = [line.rstrip() for line in output.splitlines()]
    header = next(line for line in lines if line.startswith("NAME"))
    assert header.split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    row = lines[lines.index(header) + 1].split()
    assert row[:3] == ["minikube", "Ready", "control-plane"] and row[4] == "v1.32.0"
    await terminal.close()


async def test_minikube_start_runs_for_real_in_the_terminal():
    terminal = Terminal(await new_session())
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    await terminal.run("minikube start", "Done! kubectl is now configured")
    output = await terminal.run("kubectl get nodes", "v1.32.0")
    assert "minikube   Ready    control-plane" in output
    await terminal.close()


async def test_a_foreign_origin_is_refused():
    terminal = Terminal(await new_session(), origin=b"http://evil.example")
    assert not await terminal.connect()


async def test_a_socket_without_a_session_is_refused():
    terminal = Terminal(None)
    assert not await terminal.connect()


async def test_closing_the_socket_ends_the_sandbox_process():
    before = sandbox_children()
    terminal = Terminal(await new_session())
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    (pid,) = sandbox_children() - before
    environment = Path(f"/proc/{pid}/environ").read_bytes().decode()
    assert settings.SECRET_KEY not in environment
    assert "DJANGO" not in environment and "TUTORIAL_DATA" not in environment
    await terminal.close()
    for _ in range(50):
        if not Path(f"/proc/{pid}").exists():
            break
        await asyncio.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists()


async def test_exit_ends_the_shell_and_reports_the_status():
    terminal = Terminal(await new_session())
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    await terminal.run("exit 3", "[exit 3]")
    assert terminal.exit_status == 3


async def test_the_cluster_survives_a_reload_and_another_session_gets_its_own():
    session_key = await new_session()
    await give_session_a_started_cluster(session_key)
    first = Terminal(session_key)
    assert await first.connect()
    await first.read_until(PROMPT)
    await first.run("minikube stop", "1 node stopped.")
    await first.close()

    reloaded = Terminal(session_key)
    assert await reloaded.connect()
    await reloaded.read_until(PROMPT)
    assert "host: Stopped" in await reloaded.run("minikube status", "kubeconfig:")
    await reloaded.close()

    stranger = Terminal(await new_session())
    assert await stranger.connect()
    await stranger.read_until(PROMPT)
    assert 'Profile "minikube" not found' in await stranger.run("minikube status", "minikube start")
    await stranger.close()


async def test_an_admin_reset_reaches_the_connected_learner():
    session_key = await new_session()
    sandbox_id = await give_session_a_started_cluster(session_key)
    terminal = Terminal(session_key, lang="ja")
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    await terminal.run("kubectl get nodes", "v1.32.0")
    await database_sync_to_async(reset_sandboxes)([sandbox_id])
    assert "管理者" in await terminal.next_notice()
    await terminal.read_until(PROMPT, since=len(terminal.screen))
    output = await terminal.run("kubectl get nodes", "was refused")
    assert "The connection to the server localhost:8080 was refused" in output
    fresh = await database_sync_to_async(Sandbox.objects.get)(pk=sandbox_id)
    assert SandboxState.from_json(fresh.state).object_count() == 0
    await terminal.close()


async def test_line_editing_history_and_ctrl_c_behave_like_a_terminal():
    terminal = Terminal(await new_session())
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    await terminal.run("echo first-line", "first-line\r\n")
    mark = len(terminal.screen)
    await terminal.socket.send_to(text_data=json.dumps(["stdin", "\x1b[A\r"]))
    await terminal.read_until("first-line\r\nfirst-line\r\n", since=mark)
    await terminal.read_until(PROMPT, since=mark)
    mark = len(terminal.screen)
    await terminal.socket.send_to(text_data=json.dumps(["stdin", "not-run-at-all\x03"]))
    await terminal.read_until("^C", since=mark)
    await terminal.run("echo after-$?", "after-")
    assert "not-run-at-all: command not found" not in terminal.screen
    assert "\nabc\n" in plain(await terminal.run("echo abX\x7fc", "\r\nabc\r\n"))
    mark = len(terminal.screen)
    await terminal.socket.send_to(text_data=json.dumps(["stdin", "\x0c"]))
    await terminal.read_until("\x1b[2J", since=mark)
    await terminal.close()


async def test_japanese_text_survives_the_round_trip_through_the_pty():
    terminal = Terminal(await new_session(), lang="ja")
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    output = await terminal.run("echo こんにちは、クラスター", "こんにちは、クラスター\r\n")
    assert "\ufffd" not in output
    await terminal.close()


async def test_resize_reaches_the_pty():
    import fcntl
    import struct
    import termios

    before = sandbox_children()
    terminal = Terminal(await new_session())
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    await terminal.socket.send_to(text_data=json.dumps(["resize", 40, 132]))
    await terminal.run("echo resized", "resized\r\n")
    (pid,) = sandbox_children() - before
    tty = os.readlink(f"/proc/{pid}/fd/0")
    with open(tty, "rb", buffering=0) as slave:
        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(slave, termios.TIOCGWINSZ, b"\0" * 8))
    assert (rows, cols) == (40, 132)
    await terminal.close()


async def test_a_paste_larger_than_the_pty_buffer_arrives_whole():
    terminal = Terminal(await new_session())
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    word = "x" * 300
    paste = "".join(f"v{index}={word}\r" for index in range(60))
    await terminal.socket.send_to(text_data=json.dumps(["stdin", paste]))
    lengths = " ".join(f"${{#v{index}}}" for index in range(60))
    await terminal.socket.send_to(text_data=json.dumps(["stdin", f"echo {lengths} end\r"]))
    await terminal.read_until(" ".join(["300"] * 60) + " end\r\n", timeout=30)
    await terminal.close()


async def test_ctrl_c_at_any_moment_never_ends_the_shell():
    terminal = Terminal(await new_session())
    assert await terminal.connect()
    await terminal.read_until(PROMPT)
    for _ in range(40):
        await terminal.socket.send_to(text_data=json.dumps(["stdin", "echo tick\r\x03"]))
        await asyncio.sleep(0.005)
    await asyncio.sleep(1)
    output = await terminal.run("echo still-here", "still-here\r\n")
    assert terminal.exit_status is None and "Traceback" not in terminal.screen, output
    await terminal.close()
