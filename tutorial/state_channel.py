"""The parent's end of a sandbox process's state channel.

The sandbox process asks for its state and hands back changes over a socket (the protocol is
described in ``cluster_engine.sidechannel``). This module reads those requests on the event loop
and passes them to a state service; it knows nothing of Django or of the database, so it can be
tested with a service in memory. A child that dies while it holds the sandbox lock has it
released here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from typing import Protocol

log = logging.getLogger("tutorial.state_channel")

MAX_STATE_BYTES = 32 * 1024 * 1024
#: The longest a ``begin`` that names its patience (Tab completion) may make the parent wait.
MAX_BEGIN_WAIT = 5.0


class StateService(Protocol):
    async def begin(self, have_version: int | None) -> tuple[int, bytes | None]: ...
    async def commit(self, state: bytes, object_count: int) -> int | None: ...
    async def abort(self) -> None: ...
    async def event(self, event: dict) -> None: ...


class ProtocolError(Exception):
    pass


def _frame(header: dict, payload: bytes = b"") -> bytes:
    return json.dumps(header, separators=(",", ":")).encode() + b"\n" + payload


def _patience(request: dict) -> float | None:
    """How long a ``begin`` may wait for the sandbox's lock; None: as long as it takes."""
    wait = request.get("wait")
    return None if wait is None else min(max(float(wait), 0.0), MAX_BEGIN_WAIT)


async def serve_state_channel(sock: socket.socket, service: StateService) -> int | None:
    """Answer one sandbox process until it closes its end; return the exit status it reported."""
    reader, writer = await asyncio.open_connection(sock=sock)
    holding_lock = False
    exit_status = None
    try:
        while line := await reader.readline():
            request = json.loads(line)
            op = request.get("op")
            if op == "begin":
                if holding_lock:
                    raise ProtocolError("begin while a transaction is open")
                try:
                    version, state = await asyncio.wait_for(service.begin(request.get("have")),
                                                            _patience(request))
                except asyncio.TimeoutError:
                    writer.write(_frame({"busy": True}))
                    await writer.drain()
                    continue
                holding_lock = True
                if state is None:
                    writer.write(_frame({"version": version}))
                else:
                    writer.write(_frame({"version": version, "length": len(state)}, state))
            elif op == "commit":
                length = int(request.get("length", -1))
                if not holding_lock or not 0 <= length <= MAX_STATE_BYTES:
                    raise ProtocolError(f"commit out of place or too large ({length} bytes)")
                state = await reader.readexactly(length)
                version = await service.commit(state, int(request.get("objects", 0)))
                holding_lock = False
                writer.write(_frame({"error": "conflict"} if version is None else {"version": version}))
            elif op == "abort":
                if holding_lock:
                    await service.abort()
                    holding_lock = False
                writer.write(_frame({"ok": True}))
            elif op == "event":
                await service.event(request.get("event") or {})
            elif op == "exit":
                exit_status = int(request.get("status", 1))
            else:
                raise ProtocolError(f"unknown request {op!r}")
            await writer.drain()
    except (ProtocolError, ValueError, asyncio.IncompleteReadError, ConnectionError) as error:
        log.warning("closing a sandbox state channel: %s", error)
    finally:
        if holding_lock:
            await service.abort()
        writer.close()
    return exit_status
