"""One terminal tab's sandbox process, seen from the web server.

A ``PtySession`` owns the child: it spawns it on a fresh pty with a scrubbed environment and the
state channel as its only extra file descriptor, reads the pty from the event loop
(``add_reader``: no thread, no polling), decodes UTF-8 incrementally so a character split across
reads survives, holds back reading while the browser is slow to take output, and ends the whole
process group on close (SIGHUP, then SIGTERM, then SIGKILL, all within a few seconds — well
inside Daphne's close timeout). It imports no Django; the consumer only translates messages.
"""

from __future__ import annotations

import asyncio
import codecs
import errno
import logging
import os
import resource
import signal
import socket
import sys
from typing import Awaitable, Callable

from ptyprocess import PtyProcess

from .state_channel import StateService, serve_state_channel

log = logging.getLogger("tutorial.pty_session")

READ_SIZE = 64 * 1024
#: Output waiting for the browser beyond which the pty is not read (the child then blocks).
HIGH_WATER = 256 * 1024
LOW_WATER = 32 * 1024
CHILD_MEMORY_LIMIT = 1024 * 1024 * 1024
GRACE_SECONDS = 1.0


def sandbox_environment(lang: str) -> dict[str, str]:
    """All the sandbox process gets: no secret key, no database settings, nothing of the server's."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TUTORIAL_TERMINAL_LANG": lang,
    }


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_LIMIT, CHILD_MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class PtySession:
    def __init__(self, state_service: StateService, on_output: Callable[[str], Awaitable[None]],
                 on_exit: Callable[[int], Awaitable[None]], lang: str = "en"):
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
        self._pidfd: int | None = None
        self.process: PtyProcess | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    async def start(self, rows: int = 24, cols: int = 80) -> None:
        loop = asyncio.get_running_loop()
        parent_end, child_end = socket.socketpair()
        try:
            argv = [sys.executable, "-m", "cluster_engine", "shell",
                    "--state-fd", str(child_end.fileno()), "--lang", self._lang]
            self.process = PtyProcess.spawn(argv, cwd="/", env=sandbox_environment(self._lang),
                                            dimensions=(rows, cols), pass_fds=(child_end.fileno(),),
                                            preexec_fn=_limit_child)
        finally:
            child_end.close()
        os.set_blocking(self.process.fd, False)
        self._pidfd = os.pidfd_open(self.process.pid)
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
            asyncio.get_running_loop().add_reader(self.process.fd, self._on_pty_readable)
            self._reading = True

    def _pause_reading(self) -> None:
        if self._reading:
            asyncio.get_running_loop().remove_reader(self.process.fd)
            self._reading = False

    def _on_pty_readable(self) -> None:
        try:
            data = os.read(self.process.fd, READ_SIZE)
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
        if self.process is None or self._pty_closed.is_set():
            return
        data = text.encode("utf-8")
        try:
            while data:
                written = os.write(self.process.fd, data)
                data = data[written:]
        except BlockingIOError:
            log.info("terminal input dropped: the sandbox is not reading")
        except OSError:
            pass

    def resize(self, rows: int, cols: int) -> None:
        if self.process is not None and not self._pty_closed.is_set():
            self.process.setwinsize(max(1, min(rows, 500)), max(1, min(cols, 1000)))

    # -- end ------------------------------------------------------------------------------------
    def _on_process_end(self) -> None:
        asyncio.get_running_loop().remove_reader(self._pidfd)
        self._process_ended.set()

    async def _report_exit(self) -> None:
        await self._process_ended.wait()
        try:
            await asyncio.wait_for(self._pty_closed.wait(), timeout=1)
        except asyncio.TimeoutError:
            self._pty_closed.set()
        self._output_ready.set()
        await self._tasks[1]
        await self._on_exit(self.exit_status())

    def exit_status(self) -> int:
        self.process.isalive()
        if self.process.signalstatus is not None:
            return 128 + self.process.signalstatus
        return self.process.exitstatus or 0

    async def close(self) -> None:
        """End the sandbox process and everything it started; reap it; free the pty."""
        if self.process is None:
            return
        for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL):
            if self._process_ended.is_set():
                break
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                await asyncio.wait_for(self._process_ended.wait(), timeout=GRACE_SECONDS)
            except asyncio.TimeoutError:
                continue
        self._pause_reading()
        self._pty_closed.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._pidfd is not None:
            asyncio.get_running_loop().remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        self.process.isalive()
        self.process.close(force=True)
