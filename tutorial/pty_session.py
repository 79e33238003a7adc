"""One terminal tab's sandbox process, seen from the web server.

A ``PtySession`` owns the child: it has a spawner start it on a fresh pty with the state channel
as its only extra file descriptor (see ``sandbox_processes``), serves that channel, reads the pty
from the event loop
(``add_reader``: no thread, no polling), decodes UTF-8 incrementally so a character split across
reads survives, holds back reading while the browser is slow to take output, and ends the whole
process group on close (SIGHUP, then SIGTERM, then SIGKILL, all within a few seconds — well
inside Daphne's close timeout). It imports no Django; the consumer only translates messages.
"""

from __future__ import annotations

import asyncio
import codecs
import errno
import fcntl
import logging
import os
import signal
import socket
import struct
import termios
from typing import Awaitable, Callable, Protocol

from .state_channel import StateService, serve_state_channel

log = logging.getLogger("tutorial.pty_session")

READ_SIZE = 64 * 1024
#: Output waiting for the browser beyond which the pty is not read (the child then blocks).
HIGH_WATER = 256 * 1024
#: Keystrokes waiting for a busy sandbox beyond which more are refused (a paste, not typing).
MAX_PENDING_INPUT = 1024 * 1024
GRACE_SECONDS = 1.0
#: Status reported when the shell ended without saying how (killed, crashed).
ABNORMAL_EXIT = 1


class Spawner(Protocol):
    async def spawn(self, state_socket: socket.socket, lang: str, rows: int, cols: int) -> tuple[int, int]:
        """Start a sandbox shell on a new pty; return its pid and the pty's master fd."""


class PtySession:
    def __init__(self, spawner: Spawner, state_service: StateService,
                 on_output: Callable[[str], Awaitable[None]],
                 on_exit: Callable[[int], Awaitable[None]], lang: str = "en"):
        self._spawner = spawner
        self._state_service = state_service
        self._on_output = on_output
        self._on_exit = on_exit
        self._lang = lang
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending: list[str] = []
        self._pending_size = 0
        self._output_ready = asyncio.Event()
        self._reading = False
        self._pty_closed = asyncio.Event()
        self._process_ended = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._closing = False
        self._input = bytearray()
        self._pidfd: int | None = None
        self.pid: int | None = None
        self.fd: int | None = None
        self.size = (24, 80)

    async def start(self, rows: int = 24, cols: int = 80) -> None:
        loop = asyncio.get_running_loop()
        parent_end, child_end = socket.socketpair()
        try:
            self.pid, self.fd = await self._spawner.spawn(child_end, self._lang, rows, cols)
        except BaseException:
            parent_end.close()
            raise
        finally:
            child_end.close()
        self.size = (rows, cols)
        os.set_blocking(self.fd, False)
        self._pidfd = os.pidfd_open(self.pid)
        loop.add_reader(self._pidfd, self._on_process_end)
        self._resume_reading()
        self._tasks = [
            asyncio.create_task(serve_state_channel(parent_end, self._state_service)),
            asyncio.create_task(self._forward_output()),
            asyncio.create_task(self._report_exit()),
        ]

    # -- output ---------------------------------------------------------------------------------
    def _resume_reading(self) -> None:
        if not self._reading and not self._pty_closed.is_set():
            asyncio.get_running_loop().add_reader(self.fd, self._on_pty_readable)
            self._reading = True

    def _pause_reading(self) -> None:
        if self._reading:
            asyncio.get_running_loop().remove_reader(self.fd)
            self._reading = False

    def _on_pty_readable(self) -> None:
        try:
            data = os.read(self.fd, READ_SIZE)
        except BlockingIOError:
            return
        except OSError as error:
            if error.errno != errno.EIO:
                log.warning("reading the pty failed: %s", error)
            data = b""
        if not data:
            self._pause_reading()
            self._pty_closed.set()
            text = self._decoder.decode(b"", final=True)
        else:
            text = self._decoder.decode(data)
        if text:
            self._pending.append(text)
            self._pending_size += len(text)
            if self._pending_size > HIGH_WATER:
                self._pause_reading()
        self._output_ready.set()

    async def _forward_output(self) -> None:
        while True:
            await self._output_ready.wait()
            self._output_ready.clear()
            if self._pending:
                text, self._pending, self._pending_size = "".join(self._pending), [], 0
                await self._on_output(text)
                self._resume_reading()
            if self._pty_closed.is_set() and not self._pending:
                return

    # -- input and size -------------------------------------------------------------------------
    def write(self, text: str) -> None:
        """Queue keystrokes for the pty; what it cannot take now is written when it can."""
        if self.fd is None or self._pty_closed.is_set():
            return
        if len(self._input) + len(text) > MAX_PENDING_INPUT:
            log.info("terminal input dropped: %d bytes already wait for the sandbox", len(self._input))
            return
        waiting = bool(self._input)
        self._input += text.encode("utf-8")
        if not waiting:
            self._flush_input()

    def _flush_input(self) -> None:
        try:
            while self._input:
                del self._input[:os.write(self.fd, self._input)]
        except BlockingIOError:
            asyncio.get_running_loop().add_writer(self.fd, self._flush_input)
            return
        except OSError:
            self._input.clear()
        asyncio.get_running_loop().remove_writer(self.fd)

    def resize(self, rows: int, cols: int) -> None:
        if self.fd is not None and not self._pty_closed.is_set():
            self.size = (max(1, min(rows, 500)), max(1, min(cols, 1000)))
            fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", *self.size, 0, 0))

    # -- end ------------------------------------------------------------------------------------
    def _on_process_end(self) -> None:
        asyncio.get_running_loop().remove_reader(self._pidfd)
        try:
            os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            pass  # a zygote's child: the kernel reaps it
        self._process_ended.set()

    async def _report_exit(self) -> None:
        await self._process_ended.wait()
        try:
            await asyncio.wait_for(self._pty_closed.wait(), timeout=1)
        except asyncio.TimeoutError:
            self._pty_closed.set()
        self._output_ready.set()
        await self._tasks[1]
        status = await self._tasks[0]
        if not self._closing:
            await self._on_exit(ABNORMAL_EXIT if status is None else status)

    async def close(self) -> None:
        """End the sandbox process and everything it started; reap it; free the pty."""
        if self.pid is None:
            return
        self._closing = True
        for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL):
            if self._process_ended.is_set():
                break
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                break
            try:
                await asyncio.wait_for(self._process_ended.wait(), timeout=GRACE_SECONDS)
            except asyncio.TimeoutError:
                continue
        self._pause_reading()
        self._pty_closed.set()
        asyncio.get_running_loop().remove_writer(self.fd)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._pidfd is not None:
            asyncio.get_running_loop().remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        os.close(self.fd)
        self.pid = self.fd = None
