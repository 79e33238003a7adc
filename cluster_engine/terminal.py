"""The sandbox shell as a learner meets it: a prompt in a real pty.

This is what runs in each browser terminal's process. Line editing, history and Ctrl-R come from
prompt_toolkit; Ctrl-C at the prompt abandons the line, and while a command runs it arrives as
SIGINT and ends the command with status 130, as in bash. The state is reached only through the
side channel to the parent.

Building a ``PromptSession`` costs ~20 ms and ~2 MiB per process. The zygote therefore builds a
``PtyPromptSession`` before any pty exists: it reads and writes fds 0–2 by number, and in every
forked child those are the child's pty, so all children share one prebuilt session.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import signal
import struct
import sys
import termios
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.data_structures import Size
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import DummyInput
from prompt_toolkit.input.vt100 import Vt100Input
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from .clock import RealClock
from .commands import ShellExit
from .session import new_shell
from .sidechannel import SideChannelBackend, SideChannelError, SideChannelLogHandler

log = logging.getLogger("cluster_engine.terminal")


def _key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _abandon_line(event):
        if event.app.is_done:
            return  # the line was already accepted; the key belongs to what runs next
        buffer = event.app.current_buffer
        buffer.cursor_position = len(buffer.text)
        buffer.insert_text("^C")
        event.app.exit(exception=KeyboardInterrupt())

    return bindings


def _read_command(session: PromptSession, shell) -> str:
    """One complete command, asking for more lines (``> ``) while quotes or pipes are open."""
    text = session.prompt(shell.prompt())
    while not shell.is_complete(text):
        text += "\n" + session.prompt("> ")
    return text


def _new_prompt_session(**terminal) -> PromptSession:
    return PromptSession(history=InMemoryHistory(), key_bindings=_key_bindings(),
                         enable_suspend=False, mouse_support=False, **terminal)


def _pty_streams() -> tuple[TextIO, TextIO, TextIO]:
    """UTF-8 streams on fds 0–2, whichever files those numbers name when they are used."""
    return (open(0, "r", encoding="utf-8", errors="replace", closefd=False),
            open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False),
            open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False))


def _pty_size() -> Size:
    rows, columns, _, _ = struct.unpack("HHHH", fcntl.ioctl(1, termios.TIOCGWINSZ, bytes(8)))
    return Size(rows=rows or 24, columns=columns or 80)


class PtyPromptSession:
    """A prompt session and the streams it uses, ready for whatever pty fds 0–2 turn out to be."""

    def __init__(self):
        self.streams = _pty_streams()
        stdin, stdout, _stderr = self.streams
        # Before a fork fd 0 is not a terminal yet; prompt_toolkit's warning about it is moot.
        with contextlib.redirect_stderr(io.StringIO()):
            terminal_input = Vt100Input(stdin)
        self.session = _new_prompt_session(input=terminal_input,
                                           output=Vt100_Output(stdout, _pty_size))
        # The session's merged style is built on first use; build it here, where it can be shared.
        self.session.app.renderer.style.get_attrs_for_style_str("")


def rehearse_prompt() -> None:
    """Draw one prompt on a dummy terminal: the imports and caches that fills can then be shared."""
    with contextlib.suppress(EOFError):
        _new_prompt_session(input=DummyInput(), output=DummyOutput()).prompt("$ ")


def run_terminal(state_fd: int, lang: str, prepared: PtyPromptSession | None = None) -> int:
    """Serve one terminal until the learner leaves; return the shell's exit status.

    Fds 0–2 must be the pty; ``prepared`` is a session built in advance for it (by the zygote).
    """
    prepared = prepared or PtyPromptSession()
    sys.stdin, sys.stdout, sys.stderr = prepared.streams
    backend = SideChannelBackend.from_fd(state_fd)
    logging.basicConfig(handlers=[SideChannelLogHandler(backend)], force=True)
    status = _interact(new_shell(backend, RealClock(), lang=lang, interactive=True), prepared.session)
    try:
        backend.report_exit(status)
    except OSError:
        pass
    return status


def _interact(shell, session: PromptSession) -> int:
    """Read and run commands until ``exit`` or Ctrl-D; return the shell's exit status.

    Between prompts the pty is in cooked mode, so a Ctrl-C typed at any moment arrives as SIGINT.
    Only a running command is interrupted by it; elsewhere it is ignored (the line editor reads
    Ctrl-C as a key), so it can never land inside the line editor's own start-up.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            outcome = _one_command(shell, session)
        except KeyboardInterrupt:
            sys.stdout.write("\n")
            continue
        if outcome is not None:
            return outcome


def _one_command(shell, session: PromptSession) -> int | None:
    """Read one command and run it; an exit status means the shell is done."""
    try:
        text = _read_command(session, shell)
    except EOFError:
        sys.stdout.write("exit\n")
        return shell.last_status
    except KeyboardInterrupt:
        return None
    if not text.strip():
        return None
    shell.history.append(text)
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            status = shell.run_line(text, sys.stdout, sys.stderr)
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        shell.last_status = status = 130
    except ShellExit as done:
        return done.status
    except SideChannelError:
        log.warning("the state channel closed; ending the sandbox shell")
        return 1
    sys.stdout.flush()
    try:
        shell.ctx.sandbox.event(type="command", line=text, status=status)
    except OSError:
        return 1
    return None
