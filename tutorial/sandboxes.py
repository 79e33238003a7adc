"""Sandboxes on the web side: finding a learner's, serving its state, resetting it.

The web server is the only writer of sandbox state. Within this process a per-sandbox asyncio
lock serialises the transactions of a learner's terminal tabs; across server processes the
version column does (a commit names the version it started from, and loses if another won).
"""

from __future__ import annotations

import asyncio
import io
import logging
import secrets
import time
import weakref
from datetime import timedelta
from typing import Awaitable, Callable

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db.models import F
from django.utils import timezone

from django.conf import settings

from cluster_engine.clock import FakeClock
from cluster_engine.script import run_script
from cluster_engine.state import SandboxState

from .lessons import Lesson
from .models import Sandbox, fresh_state_json, sandbox_group
from .sandbox_processes import DirectSpawner, ZygoteSpawner

log = logging.getLogger("tutorial.sandboxes")

_locks: "weakref.WeakValueDictionary[int, asyncio.Lock]" = weakref.WeakValueDictionary()

#: ``last_active`` is written at most this often per sandbox, not on every command.
ACTIVITY_RESOLUTION = timedelta(seconds=30)

#: Why a sandbox's terminals restart (the ``reason`` of a ``sandbox.reset`` group message).
RESET_BY_ADMIN = "admin"
RESET_TO_MODULE = "module"


_spawner = None


def spawner():
    """This server process's way of starting sandbox shells (``TUTORIAL_TERMINAL_SPAWNER``)."""
    global _spawner
    if _spawner is None:
        _spawner = ZygoteSpawner() if settings.TERMINAL_SPAWNER == "zygote" else DirectSpawner()
    return _spawner


def sandbox_lock(sandbox_id: int) -> asyncio.Lock:
    lock = _locks.get(sandbox_id)
    if lock is None:
        lock = _locks[sandbox_id] = asyncio.Lock()
    return lock


def sandbox_for_session(session_key: str) -> Sandbox:
    sandbox, _created = Sandbox.objects.get_or_create(session_key=session_key)
    return sandbox


def reset_sandboxes(sandbox_ids: list[int]) -> None:
    """Put each sandbox back to a fresh machine and tell its open terminals."""
    for sandbox_id in sandbox_ids:
        _replace_state(sandbox_id, fresh_state_json(), object_count=0)
    for sandbox_id in sandbox_ids:
        _restart_terminals(sandbox_id, RESET_BY_ADMIN)


def reset_sandbox_to_module(sandbox_id: int, lesson: Lesson) -> None:
    """Put the sandbox in the state the module starts from and restart its open terminals."""
    state = module_start_state(lesson.start, seed=secrets.randbits(63), now=time.time())
    _replace_state(sandbox_id, state, object_count=SandboxState.from_json(state).object_count())
    _restart_terminals(sandbox_id, RESET_TO_MODULE)


def module_start_state(commands: list[str], seed: int, now: float) -> str:
    """A fresh machine on which ``commands`` ran in scripted mode, ending at ``now``.

    What the commands wait for (``minikube start`` waits for its node to come up) passes on a
    fake clock, so this takes milliseconds. A rehearsal finds out how long the commands take;
    the real run then starts that long before ``now``, so the cluster looks as if the learner had
    just typed them: its clock carries on from the real time, and ages read a few seconds.
    """
    rehearsal = FakeClock(now)
    run_script(commands, io.StringIO(), rehearsal, seed=seed)
    clock = FakeClock(now - (rehearsal.now() - now))
    return run_script(commands, io.StringIO(), clock, seed=seed).state_json


def _replace_state(sandbox_id: int, state: str, object_count: int) -> None:
    """A new state with a higher version: a command in flight loses its commit, as it should."""
    Sandbox.objects.filter(pk=sandbox_id).update(
        state=state, version=F("version") + 1, object_count=object_count, last_active=timezone.now())


def _restart_terminals(sandbox_id: int, reason: str) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(sandbox_group(sandbox_id), {"type": "sandbox.reset", "reason": reason})


class DatabaseStateService:
    """``StateService`` for one terminal: the sandbox's row, behind the sandbox's lock."""

    def __init__(self, sandbox_id: int,
                 on_command: Callable[[str | None], Awaitable[None]] | None = None):
        self.sandbox_id = sandbox_id
        #: Called with each command line the shell ran (when it ended, or, for one still running
        #: after a moment, when it started) and with None when a command that was already
        #: announced ended: its changes are committed by then.
        self._on_command = on_command
        self._lock = sandbox_lock(sandbox_id)
        self._version: int | None = None
        self._last_touch = timezone.now()

    async def begin(self, have_version):
        await self._lock.acquire()
        try:
            version, state = await self._load(have_version)
        except BaseException:
            self._lock.release()
            raise
        self._version = version
        return version, state

    @database_sync_to_async
    def _load(self, have_version):
        version = Sandbox.objects.values_list("version", flat=True).get(pk=self.sandbox_id)
        if version == have_version:
            return version, None
        version, state = Sandbox.objects.values_list("version", "state").get(pk=self.sandbox_id)
        return version, state.encode()

    async def commit(self, state, object_count):
        try:
            return await self._save(state.decode(), object_count)
        finally:
            self._lock.release()

    @database_sync_to_async
    def _save(self, state, object_count):
        now = timezone.now()
        saved = Sandbox.objects.filter(pk=self.sandbox_id, version=self._version).update(
            state=state, version=self._version + 1, object_count=object_count, last_active=now)
        if not saved:
            return None
        self._last_touch = now
        return self._version + 1

    async def abort(self):
        self._lock.release()

    async def event(self, event):
        if event.get("type") == "log":
            level = logging.getLevelName(str(event.get("level", "ERROR")))
            log.log(level if isinstance(level, int) else logging.ERROR, "sandbox %s: %s",
                    self.sandbox_id, event.get("message", ""))
            return
        if event.get("type") == "command" and self._on_command is not None:
            line = event.get("line")
            await self._on_command(None if line is None else str(line))
        if timezone.now() - self._last_touch >= ACTIVITY_RESOLUTION:
            self._last_touch = timezone.now()
            await database_sync_to_async(
                Sandbox.objects.filter(pk=self.sandbox_id).update)(last_active=self._last_touch)
