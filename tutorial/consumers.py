"""The terminal WebSocket: translates browser messages to a ``PtySession`` and back.

Wire protocol (JSON arrays, in the style of terminado): from the browser ``["stdin", text]`` and
``["resize", rows, cols]``; to the browser ``["stdout", text]``, ``["notice", text]`` and
``["exit", status]``. The sandbox comes from the learner's session, never from the client.
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from .models import sandbox_group
from .pty_session import PtySession
from .sandboxes import DatabaseStateService, sandbox_for_session, spawner

log = logging.getLogger("tutorial.consumers")

#: Close code when the socket has no session: the page must be loaded first.
CLOSE_NO_SESSION = 4403
MAX_MESSAGE_CHARS = 64 * 1024


class TerminalConsumer(AsyncWebsocketConsumer):
    pty: PtySession | None = None
    sandbox_id: int | None = None
    _idle_timer: asyncio.TimerHandle | None = None

    async def connect(self):
        session = self.scope.get("session")
        session_key = session.session_key if session is not None else None
        if not session_key:
            await self.close(code=CLOSE_NO_SESSION)
            return
        # Accept first: a busy database must slow the first prompt down, not fail the handshake.
        await self.accept()
        self.lang = self._requested_language()
        sandbox = await database_sync_to_async(sandbox_for_session)(session_key)
        self.sandbox_id = sandbox.pk
        await self.channel_layer.group_add(sandbox_group(self.sandbox_id), self.channel_name)
        await self._start_shell()
        self._note_activity()

    def _note_activity(self):
        """Restart the idle countdown: an abandoned tab's process ends; its state stays saved."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._idle_timer = asyncio.get_running_loop().call_later(
            settings.SANDBOX_IDLE_TIMEOUT, lambda: asyncio.ensure_future(self._end_idle_session()))

    async def _end_idle_session(self):
        with translation.override(self.lang):
            notice = gettext("The terminal closed after a long time without input. "
                             "Your cluster is saved.")
        await self.send(text_data=json.dumps(["notice", notice]))
        await self.close()

    def _requested_language(self) -> str:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        lang = (query.get("lang") or [settings.LANGUAGE_CODE])[0]
        return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE

    async def _start_shell(self, rows: int = 24, cols: int = 80):
        self.pty = PtySession(spawner(), DatabaseStateService(self.sandbox_id),
                              on_output=self._send_stdout, on_exit=self._shell_ended, lang=self.lang)
        await self.pty.start(rows, cols)

    async def _send_stdout(self, text: str):
        await self.send(text_data=json.dumps(["stdout", text]))

    async def _shell_ended(self, status: int):
        await self.send(text_data=json.dumps(["exit", status]))
        await self.close()

    async def receive(self, text_data=None, bytes_data=None):
        if self.pty is None or text_data is None or len(text_data) > MAX_MESSAGE_CHARS:
            return
        try:
            message = json.loads(text_data)
            kind = message[0]
            if kind == "stdin" and isinstance(message[1], str):
                self.pty.write(message[1])
                self._note_activity()
            elif kind == "resize":
                self.pty.resize(int(message[1]), int(message[2]))
        except (ValueError, TypeError, IndexError, KeyError):
            log.debug("ignoring a malformed terminal message")

    async def sandbox_reset(self, event):
        """An admin reset the sandbox: start a new shell on the fresh cluster."""
        with translation.override(self.lang):
            notice = gettext("Your sandbox was reset to a fresh machine by an administrator.")
        await self.send(text_data=json.dumps(["notice", notice]))
        rows, cols = self.pty.size if self.pty else (24, 80)
        if self.pty is not None:
            old, self.pty = self.pty, None
            await old.close()
        await self._start_shell(rows, cols)

    async def disconnect(self, code):
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self.sandbox_id is not None:
            await self.channel_layer.group_discard(sandbox_group(self.sandbox_id), self.channel_name)
        if self.pty is not None:
            pty, self.pty = self.pty, None
            await pty.close()
