"""The sandbox process's line to its parent, which alone holds the state.

The sandbox shell runs with no database credentials and no secrets; it reaches its state only
through a socket inherited from its parent (the web server's terminal session). Messages are one
JSON header line each, optionally followed by a payload of ``length`` raw bytes, so the state
document travels without being escaped twice:

    child → parent                              parent → child
    {"op": "begin", "have": 7}                  {"version": 7}                 (copy is current)
                                                {"version": 8, "length": N} + N bytes of state
    {"op": "begin", "have": 7, "wait": 0.2}     as above, or {"busy": true} if the sandbox
                                                stayed locked that many seconds
    {"op": "commit", "length": N, "objects": 12} + N bytes
                                                {"version": 9}  or  {"error": "conflict"}
    {"op": "abort"}                             {"ok": true}
    {"op": "event", "event": {...}}             (no answer)
    {"op": "exit", "status": 0}                 (no answer; the shell is ending)
"""

from __future__ import annotations

import json
import logging
import signal
import socket
from contextlib import contextmanager

from .sandbox import StateConflict

MAX_HEADER = 64 * 1024


class SideChannelError(Exception):
    """The parent went away or answered something this side does not understand."""


class StateBusy(Exception):
    """Another terminal of the sandbox held its lock for longer than this caller would wait."""


@contextmanager
def _uninterruptible():
    """Ctrl-C or a hang-up must not cut an exchange in half: hold them until the answer is in."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK,
                                      {signal.SIGINT, signal.SIGHUP, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class SideChannelBackend:
    """``StateBackend`` for a sandbox process, over the socket its parent passed down."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self._reader = sock.makefile("rb")
        self._patience: float | None = None

    @classmethod
    def from_fd(cls, fd: int) -> "SideChannelBackend":
        return cls(socket.socket(fileno=fd))

    def close(self) -> None:
        self._reader.close()
        self._sock.close()

    def _send(self, header: dict, payload: bytes = b"") -> None:
        self._sock.sendall(json.dumps(header, separators=(",", ":")).encode() + b"\n" + payload)

    def _receive(self) -> tuple[dict, bytes | None]:
        line = self._reader.readline(MAX_HEADER)
        if not line.endswith(b"\n"):
            raise SideChannelError("the terminal session closed the state channel")
        header = json.loads(line)
        payload = None
        if "length" in header:
            payload = self._reader.read(header["length"])
            if len(payload) != header["length"]:
                raise SideChannelError("the state channel closed in the middle of a message")
        return header, payload

    @contextmanager
    def patience(self, seconds: float):
        """Within this block ``begin`` waits at most ``seconds`` for the lock, then raises StateBusy."""
        self._patience = seconds
        try:
            yield
        finally:
            self._patience = None

    def begin(self, have_version):
        request = {"op": "begin", "have": have_version}
        if self._patience is not None:
            request["wait"] = self._patience
        with _uninterruptible():
            self._send(request)
            header, payload = self._receive()
        if header.get("busy"):
            raise StateBusy()
        return header["version"], payload.decode() if payload is not None else None

    def commit(self, state_json, object_count):
        data = state_json.encode()
        with _uninterruptible():
            self._send({"op": "commit", "length": len(data), "objects": object_count}, data)
            header, _ = self._receive()
        if header.get("error") == "conflict":
            raise StateConflict()
        return header["version"]

    def abort(self):
        with _uninterruptible():
            self._send({"op": "abort"})
            self._receive()

    def event(self, event):
        with _uninterruptible():
            self._send({"op": "event", "event": event})

    def report_exit(self, status: int) -> None:
        with _uninterruptible():
            self._send({"op": "exit", "status": status})


class SideChannelLogHandler(logging.Handler):
    """Sends the sandbox process's log records to the server's log; the pty is the learner's."""

    def __init__(self, backend: SideChannelBackend):
        super().__init__(level=logging.WARNING)
        self._backend = backend

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._backend.event({"type": "log", "level": record.levelname, "logger": record.name,
                                 "message": self.format(record)})
        except OSError:
            pass
