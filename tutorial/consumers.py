"""The terminal WebSocket: translates browser messages to a ``PtySession`` and back.

Wire protocol (JSON arrays, in the style of terminado): from the browser ``["stdin", text]`` and
``["resize", rows, cols]``; to the browser ``["stdout", text]``, ``["notice", text]``,
``["exit", status]`` and ``["event", {"type": "progress", "module": slug, "passed": [step ids]}]``.
The sandbox comes from the learner's session, never from the client.

Every terminal tab of a page is its own socket and shell on the learner's one sandbox
(``?lang=xx&tab=N&module=slug``). The tab names the module the page shows: commands typed there
count for that module's steps, and each tab showing it hears when the passed steps change.

The shell belongs to the tab, not to the socket (``terminal_registry``): a new page's socket for
the same tab takes over the shell the last page left, with its screen, until the grace period
ends. Browsers close a page's sockets with 1001 (going away) and a lost connection reads 1006;
a socket closed with 1000 was closed on purpose, so its shell ends at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from . import progress
from .models import sandbox_group
from .sandboxes import RESET_TO_MODULE, sandbox_for_session
from .terminal_registry import KeptTerminal, terminals

log = logging.getLogger("tutorial.consumers")

#: Close code when the socket has no session: the page must be loaded first.
CLOSE_NO_SESSION = 4403
#: The close code of a socket its page closed on purpose: nobody will come back for the shell.
CLOSE_NORMAL = 1000
#: Tab numbers whose shells are kept for the next page (the page offers at most four tabs).
KEPT_TABS = range(1, 9)
MAX_MESSAGE_CHARS = 64 * 1024
#: A tab judges the steps again when the cluster will change by itself this soon (seconds) ...
JUDGE_AGAIN_WITHIN = 60.0
#: ... a little after that moment, and at most this many times after the learner's last command.
JUDGE_AGAIN_MARGIN = 0.05
JUDGE_AGAIN_TIMES = 10


class TerminalConsumer(AsyncWebsocketConsumer):
    terminal: KeptTerminal | None = None
    #: False once the shell must end with this socket (idle timeout, a tab that is not kept).
    _keep_shell = True
    sandbox_id: int | None = None
    module: str | None = None
    _idle_timer: asyncio.TimerHandle | None = None
    _judge_again_timer: asyncio.TimerHandle | None = None
    _judged_without_command = 0

    async def connect(self):
        session = self.scope.get("session")
        session_key = session.session_key if session is not None else None
        if not session_key:
            await self.close(code=CLOSE_NO_SESSION)
            return
        # Accept first: a busy database must slow the first prompt down, not fail the handshake.
        await self.accept()
        self.lang = self._requested_language()
        self.learner = progress.Learner.of(session_key, self.scope.get("user"))
        self.module = self._query("module")
        sandbox = await database_sync_to_async(sandbox_for_session)(session_key)
        self.sandbox_id = sandbox.pk
        await self.channel_layer.group_add(sandbox_group(self.sandbox_id), self.channel_name)
        self.terminal = await self._open_terminal()
        self._note_activity()
        passed = await database_sync_to_async(self._passed_steps)(self.module)
        if passed is not None:
            await self._send_progress(self.module, passed)

    async def _open_terminal(self) -> KeptTerminal:
        """The tab's kept shell (a new one if none is kept); a socket without a tab number gets a
        shell of its own that ends with it."""
        tab = self._query("tab")
        tab_number = int(tab) if tab and tab.isdigit() else 0
        if tab_number in KEPT_TABS:
            return await terminals.attach((self.sandbox_id, tab_number), self, self.lang)
        self._keep_shell = False
        terminal = KeptTerminal(terminals, (self.sandbox_id, tab_number), self.lang)
        await terminal.start()
        await terminal.attach(self)
        return terminal

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
        self._keep_shell = False
        await self.send(text_data=json.dumps(["notice", notice]))
        await self.close()

    def _query(self, name: str) -> str | None:
        values = parse_qs(self.scope.get("query_string", b"").decode()).get(name)
        return values[0] if values else None

    def _requested_language(self) -> str:
        lang = self._query("lang") or settings.LANGUAGE_CODE
        return lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE

    def _passed_steps(self, module: str | None) -> list[str] | None:
        """The learner's passed steps of ``module``; None if the course has no such module."""
        lesson = progress.find_lesson(module) if module else None
        return progress.passed_steps(self.learner, lesson) if lesson else None

    async def terminal_command(self, line: str | None):
        self._judged_without_command = 0
        await self._judge_progress(line)

    async def _judge_progress(self, line: str | None):
        """Judge the module's steps on the sandbox's committed state; tell every tab of it.

        When a step waits for the cluster to change by itself (a Pod to become Ready), judge
        again at that moment, so its ✓ appears without another command.
        """
        if self.module is None:
            return
        started = time.perf_counter()
        judgement = await database_sync_to_async(self._record_command)(self.module, line)
        log.debug("progress of %s judged in %.1f ms", self.module, (time.perf_counter() - started) * 1000)
        if judgement is None:
            return
        if judgement.changed:
            await self.channel_layer.group_send(sandbox_group(self.sandbox_id),
                                                progress.progress_message(self.module, judgement.passed))
        self._judge_again_after(judgement.judge_again_in)

    def _record_command(self, module: str, line: str | None) -> progress.Judgement | None:
        lesson = progress.find_lesson(module)
        if lesson is None:
            return None
        return progress.record_command(self.learner, self.sandbox_id, lesson, line)

    def _judge_again_after(self, delay: float | None):
        if self._judge_again_timer is not None:
            self._judge_again_timer.cancel()
            self._judge_again_timer = None
        if delay is None or delay > JUDGE_AGAIN_WITHIN or self._judged_without_command >= JUDGE_AGAIN_TIMES:
            return
        self._judge_again_timer = asyncio.get_running_loop().call_later(
            delay + JUDGE_AGAIN_MARGIN, lambda: asyncio.ensure_future(self._time_passed()))

    async def _time_passed(self):
        self._judge_again_timer = None
        self._judged_without_command += 1
        await self._judge_progress(None)

    async def progress_changed(self, event):
        if event["module"] == self.module:
            await self._send_progress(event["module"], event["passed"])

    async def _send_progress(self, module: str, passed: list[str]):
        await self.send(text_data=json.dumps(["event", {"type": "progress", "module": module, "passed": passed}]))

    async def terminal_output(self, text: str):
        await self.send(text_data=json.dumps(["stdout", text]))

    async def terminal_exited(self, status: int):
        self.terminal = None
        await self.send(text_data=json.dumps(["exit", status]))
        await self.close()

    async def terminal_taken_over(self):
        """The same tab opened in another window took this shell: the newest page wins, because a
        reloaded page's socket may arrive before the old page's socket has closed."""
        self.terminal = None
        with translation.override(self.lang):
            notice = gettext("This terminal is now open in another window.")
        await self.send(text_data=json.dumps(["notice", notice]))
        await self.close()

    async def receive(self, text_data=None, bytes_data=None):
        if self.terminal is None or text_data is None or len(text_data) > MAX_MESSAGE_CHARS:
            return
        try:
            message = json.loads(text_data)
            kind = message[0]
            if kind == "stdin" and isinstance(message[1], str):
                self.terminal.write(message[1])
                self._note_activity()
            elif kind == "resize":
                self.terminal.resize(int(message[1]), int(message[2]))
        except (ValueError, TypeError, IndexError, KeyError):
            log.debug("ignoring a malformed terminal message")

    async def sandbox_reset(self, event):
        """The sandbox was reset (by an admin, or to a module's start): start a new shell on it."""
        with translation.override(self.lang):
            if event.get("reason") == RESET_TO_MODULE:
                notice = gettext("Your sandbox was reset to the start of the module.")
            else:
                notice = gettext("Your sandbox was reset to a fresh machine by an administrator.")
        await self.send(text_data=json.dumps(["notice", notice]))
        self._judge_again_after(None)
        if self.terminal is not None:
            await self.terminal.restart()

    async def disconnect(self, code):
        for timer in (self._idle_timer, self._judge_again_timer):
            if timer is not None:
                timer.cancel()
        if self.sandbox_id is not None:
            await self.channel_layer.group_discard(sandbox_group(self.sandbox_id), self.channel_name)
        if self.terminal is not None:
            terminal, self.terminal = self.terminal, None
            keep = self._keep_shell and code != CLOSE_NORMAL
            await terminal.release(self, settings.TERMINAL_REATTACH_SECONDS if keep else 0)
