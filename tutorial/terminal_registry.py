"""Terminal shells that outlive their socket, so a page change does not cost the learner a shell.

A language switch, a reload or the next module loads a new page, and the new page opens new
sockets. Without this module each would start a new shell: variables, aliases, the screen and a
``kubectl proxy`` running in Terminal 2 would be gone. Here a tab's shell is kept per server
process under (sandbox, tab number). When its socket closes, the shell is held, detached, for
``TERMINAL_REATTACH_SECONDS``; a socket for the same sandbox and tab within that time takes it over
and is first sent the recent screen output. Nobody coming back ends the shell as a closed socket
always did. A socket landing on another server process finds nothing here and starts a new shell:
reattachment across processes needs sticky sessions in front of them.

While attached, the consumer hears of sandbox resets through its channel-layer group; a detached
shell listens to the group itself, so a reset never leaves a stale shell waiting to be taken over.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Protocol

from channels.layers import get_channel_layer

from .models import sandbox_group
from .pty_session import PtySession
from .sandboxes import DatabaseStateService, spawner

log = logging.getLogger("tutorial.terminal_registry")

#: Characters of recent output replayed to a socket that takes a shell over.
SCROLLBACK_CHARS = 64 * 1024
#: Output after one of these draws on an empty screen: what came before need not be replayed.
SCREEN_CLEARS = ("\x1b[2J", "\x1bc")


class Scrollback:
    """The last ``limit`` characters a shell printed, cut where a replay may safely start."""

    def __init__(self, limit: int = SCROLLBACK_CHARS):
        self._limit = limit
        self._chunks: deque[str] = deque()
        self._size = 0

    def add(self, text: str) -> None:
        cleared = max(text.rfind(clear) for clear in SCREEN_CLEARS)
        if cleared >= 0:
            self.clear()
            text = text[cleared:]
        self._chunks.append(text)
        self._size += len(text)
        if self._size > 2 * self._limit:
            kept = self.text()
            self._chunks = deque([kept])
            self._size = len(kept)

    @property
    def held_chars(self) -> int:
        """What the buffer holds now: compacted to ``limit`` once it passes twice that."""
        return self._size

    def clear(self) -> None:
        self._chunks.clear()
        self._size = 0

    def text(self) -> str:
        """The recent output, starting at a line or an escape sequence, never inside one."""
        text = "".join(self._chunks)
        if len(text) <= self._limit:
            return text
        text = text[-self._limit:]
        line_start = text.find("\n") + 1
        if line_start:
            return text[line_start:]
        escape = text.find("\x1b")
        return text[escape:] if escape >= 0 else text


class TerminalOwner(Protocol):
    """The socket showing a kept terminal (``TerminalConsumer``)."""

    async def terminal_output(self, text: str) -> None: ...
    async def terminal_exited(self, status: int) -> None: ...
    async def terminal_command(self, line: str | None) -> None: ...
    async def terminal_taken_over(self) -> None: ...


Key = tuple[int, int]


class KeptTerminal:
    """One tab's shell and its recent screen, shown by at most one socket at a time."""

    def __init__(self, registry: TerminalRegistry, key: Key, lang: str):
        self._registry = registry
        self.key = key
        self.lang = lang
        self.pty: PtySession | None = None
        self.scrollback = Scrollback()
        self.owner: TerminalOwner | None = None
        #: Orders output: a replay always reaches a new owner before what the shell prints next.
        self._send_lock = asyncio.Lock()
        self._expiry: asyncio.TimerHandle | None = None
        self._reset_listener: asyncio.Task | None = None

    @property
    def sandbox_id(self) -> int:
        return self.key[0]

    async def start(self, rows: int = 24, cols: int = 80) -> None:
        service = DatabaseStateService(self.sandbox_id, on_command=self._command_ran)
        self.pty = PtySession(spawner(), service, on_output=self._output, on_exit=self._exited, lang=self.lang)
        await self.pty.start(rows, cols)

    async def restart(self) -> None:
        """A new shell in the same size on a clean screen (after the sandbox was reset)."""
        rows, cols = self.pty.size if self.pty else (24, 80)
        if self.pty is not None:
            old, self.pty = self.pty, None
            await old.close()
        self.scrollback.clear()
        await self.start(rows, cols)

    async def attach(self, owner: TerminalOwner) -> None:
        """Make ``owner`` the socket showing this shell and replay the screen to it; a socket that
        showed it until now (another window) is told and let go."""
        self._stop_waiting()
        async with self._send_lock:
            previous, self.owner = self.owner, owner
            if previous is not None:
                await previous.terminal_taken_over()
            replay = self.scrollback.text()
            if replay:
                await owner.terminal_output(replay)

    async def release(self, owner: TerminalOwner, keep_seconds: float) -> None:
        """``owner``'s socket closed: hold the shell for a new socket that long, or end it now."""
        if self.owner is not owner:
            return
        self.owner = None
        if keep_seconds <= 0 or self.pty is None:
            await self.close()
            return
        loop = asyncio.get_running_loop()
        self._expiry = loop.call_later(keep_seconds, lambda: asyncio.ensure_future(self.close()))
        self._reset_listener = asyncio.ensure_future(self._close_on_reset())

    def write(self, text: str) -> None:
        if self.pty is not None:
            self.pty.write(text)

    def resize(self, rows: int, cols: int) -> None:
        if self.pty is not None:
            self.pty.resize(rows, cols)

    async def close(self) -> None:
        """End the shell (SIGHUP first, so it saves its history) and forget it."""
        self._stop_waiting()
        self._registry.forget(self)
        self.owner = None
        if self.pty is not None:
            pty, self.pty = self.pty, None
            await pty.close()

    def _stop_waiting(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        if self._reset_listener is not None:
            self._reset_listener.cancel()
            self._reset_listener = None

    async def _close_on_reset(self) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        channel = await layer.new_channel()
        group = sandbox_group(self.sandbox_id)
        await layer.group_add(group, channel)
        try:
            while (await layer.receive(channel)).get("type") != "sandbox.reset":
                pass
        finally:
            await layer.group_discard(group, channel)
        log.debug("sandbox %s was reset: its detached terminal %s ends", self.sandbox_id, self.key)
        self._reset_listener = None
        await self.close()

    async def _output(self, text: str) -> None:
        async with self._send_lock:
            self.scrollback.add(text)
            if self.owner is not None:
                await self.owner.terminal_output(text)

    async def _command_ran(self, line: str | None) -> None:
        if self.owner is not None:
            await self.owner.terminal_command(line)

    async def _exited(self, status: int) -> None:
        """The shell ended by itself (``exit``): tell the socket; free the pty afterwards."""
        owner, self.owner = self.owner, None
        self._registry.forget(self)
        self._stop_waiting()
        try:
            if owner is not None:
                await owner.terminal_exited(status)
        finally:
            asyncio.ensure_future(self.close())


class TerminalRegistry:
    """This server process's kept terminals, by (sandbox id, tab number)."""

    def __init__(self):
        self._terminals: dict[Key, KeptTerminal] = {}

    async def attach(self, key: Key, owner: TerminalOwner, lang: str) -> KeptTerminal:
        """The tab's kept shell, now shown by ``owner``; a new one if none is kept."""
        terminal = self._terminals.get(key)
        if terminal is None:
            terminal = self._terminals[key] = KeptTerminal(self, key, lang)
            try:
                await terminal.start()
            except BaseException:
                self.forget(terminal)
                raise
        await terminal.attach(owner)
        return terminal

    def forget(self, terminal: KeptTerminal) -> None:
        if self._terminals.get(terminal.key) is terminal:
            del self._terminals[terminal.key]

    def get(self, key: Key) -> KeptTerminal | None:
        return self._terminals.get(key)

    def __iter__(self):
        return iter(list(self._terminals.values()))


terminals = TerminalRegistry()
