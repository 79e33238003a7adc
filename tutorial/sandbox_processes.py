"""Where sandbox shells come from: forked by a warm zygote, or started fresh.

Both spawners hand back ``(pid, pty master fd)`` for a shell whose state channel is the socket
given to them. The zygote (``cluster_engine.zygote``) answers in a millisecond or two and its
children share its memory; the direct spawner starts a new Python per terminal (~0.1 s) and is
the fallback when the zygote cannot be started. Neither imports Django.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys

from ptyprocess import PtyProcess

from cluster_engine.zygote import limit_sandbox_process

log = logging.getLogger("tutorial.sandbox_processes")


def sandbox_environment() -> dict[str, str]:
    """All a sandbox process gets: no secret key, no database settings, nothing of the server's."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


class DirectSpawner:
    async def spawn(self, state_socket: socket.socket, lang: str, rows: int, cols: int) -> tuple[int, int]:
        fd = state_socket.fileno()
        os.set_inheritable(fd, True)
        process = PtyProcess.spawn(
            [sys.executable, "-m", "cluster_engine", "shell", "--state-fd", str(fd), "--lang", lang],
            cwd="/", env=sandbox_environment(), dimensions=(rows, cols), pass_fds=(fd,),
            preexec_fn=limit_sandbox_process)
        process.closed = True  # the session reaps the child and closes its own copy of the fd
        return process.pid, os.dup(process.fd)


class ZygoteError(Exception):
    pass


class ZygoteSpawner:
    """One zygote per web server process, started on first use and restarted if it dies."""

    def __init__(self):
        self._control: socket.socket | None = None
        self._process: subprocess.Popen | None = None
        self._lock = asyncio.Lock()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "cluster_engine", "zygote", "--control-fd", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), env=sandbox_environment(), cwd="/",
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
        ours.setblocking(False)
        self._control = ours

    async def _ask(self, request: dict, state_socket: socket.socket) -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        socket.send_fds(self._control, [json.dumps(request).encode()], [state_socket.fileno()])
        answered = loop.create_future()
        loop.add_reader(self._control.fileno(),
                        lambda: answered.done() or answered.set_result(None))
        try:
            await asyncio.wait_for(answered, timeout=10)
        finally:
            loop.remove_reader(self._control.fileno())
        message, fds, _flags, _address = socket.recv_fds(self._control, 4096, 1)
        if not message or len(fds) != 1:
            raise ZygoteError("the zygote answered without a terminal")
        return json.loads(message)["pid"], fds[0]

    async def spawn(self, state_socket: socket.socket, lang: str, rows: int, cols: int) -> tuple[int, int]:
        request = {"lang": lang, "rows": rows, "cols": cols}
        async with self._lock:
            for attempt in (1, 2):
                if self._control is None or self._process.poll() is not None:
                    self.stop()
                    self._start()
                try:
                    return await self._ask(request, state_socket)
                except (OSError, ZygoteError, asyncio.TimeoutError, ValueError) as error:
                    log.warning("zygote request failed (attempt %d): %s", attempt, error)
                    self.stop()
            raise ZygoteError("the zygote could not start a terminal")

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None
