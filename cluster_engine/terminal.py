"""The sandbox shell as a learner meets it: a prompt in a real pty.

This is what runs in each browser terminal's process. Line editing, history and Ctrl-R come from
prompt_toolkit; Ctrl-C at the prompt abandons the line, and while a command runs it arrives as
SIGINT and ends the command with status 130, as in bash. The state is reached only through the
side channel to the parent.
"""

from __future__ import annotations

import logging
import sys

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings

from .clock import RealClock
from .commands import ShellExit
from .session import new_shell
from .sidechannel import SideChannelBackend, SideChannelError, SideChannelLogHandler

log = logging.getLogger("cluster_engine.terminal")


def _key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("c-c")
    def _abandon_line(event):
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


def _attach_to_pty() -> None:
    """Fresh UTF-8 streams on fds 0–2, which are the pty now, whatever they were at start-up."""
    sys.stdin = open(0, "r", encoding="utf-8", errors="replace", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)


def run_terminal(state_fd: int, lang: str) -> int:
    """Serve one terminal until the learner leaves; return the shell's exit status."""
    _attach_to_pty()
    backend = SideChannelBackend.from_fd(state_fd)
    logging.basicConfig(handlers=[SideChannelLogHandler(backend)], force=True)
    status = _interact(new_shell(backend, RealClock(), lang=lang, interactive=True))
    try:
        backend.report_exit(status)
    except OSError:
        pass
    return status


def _interact(shell) -> int:
    session = PromptSession(history=InMemoryHistory(), key_bindings=_key_bindings(),
                            enable_suspend=False, mouse_support=False)
    while True:
        try:
            text = _read_command(session, shell)
        except KeyboardInterrupt:
            continue
        except EOFError:
            sys.stdout.write("exit\n")
            return shell.last_status
        if not text.strip():
            continue
        shell.history.append(text)
        try:
            status = shell.run_line(text, sys.stdout, sys.stderr)
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
