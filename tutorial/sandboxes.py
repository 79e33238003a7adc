"""Sandboxes on the web side: finding a learner's, serving its state, resetting it.

The web server is the only writer of sandbox state. Within this process a per-sandbox asyncio
lock serialises the transactions of a learner's terminal tabs; across server processes the
version column does (a commit names the version it started from, and loses if another won).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db.models import F
from django.utils import timezone

from django.conf import settings

from .models import Sandbox, fresh_state_json, sandbox_group
from .sandbox_processes import DirectSpawner, ZygoteSpawner

log = logging.getLogger("tutorial.sandboxes")

_locks: "weakref.WeakValueDictionary[int, asyncio.Lock]" = weakref.WeakValueDictionary()

#: ``last_active`` is written at most this often per sandbox, not on every command.
ACTIVITY_RESOLUTION = timedelta(seconds=30)


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
        Sandbox.objects.filter(pk=sandbox_id).update(
            state=fresh_state_json(), version=F("version") + 1, object_count=0,
            last_active=timezone.now())
    layer = get_channel_layer()
    if layer is not None:
        for sandbox_id in sandbox_ids:
            async_to_sync(layer.group_send)(sandbox_group(sandbox_id), {"type": "sandbox.reset"})


class DatabaseStateService:
    """``StateService`` for one terminal: the sandbox's row, behind the sandbox's lock."""

    def __init__(self, sandbox_id: int):
        self.sandbox_id = sandbox_id
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
        if timezone.now() - self._last_touch >= ACTIVITY_RESOLUTION:
            self._last_touch = timezone.now()
            await database_sync_to_async(
                Sandbox.objects.filter(pk=self.sandbox_id).update)(last_active=self._last_touch)
