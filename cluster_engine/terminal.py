"""The sandbox shell as a learner meets it: a prompt in a real pty.

This is what runs in each browser terminal's process. Line editing, history, Ctrl-R and Ctrl-L
come from GNU readline, through Python's ``input()``: the same editor bash itself uses, in C, so a
key press costs next to nothing. Ctrl-C abandons the line being typed; while a command runs it
ends the command with status 130, as in bash. The state is reached only through the side channel
to the parent.
"""

from __future__ import annotations

import logging
import readline
import signal
import sys
from typing import TextIO

from .clock import RealClock
from .commands import ShellExit
from .session import new_shell
from .sidechannel import SideChannelBackend, SideChannelError, SideChannelLogHandler

log = logging.getLogger("cluster_engine.terminal")

CONTINUATION_PROMPT = "> "


def _pty_streams() -> tuple[TextIO, TextIO, TextIO]:
    """UTF-8 streams on fds 0–2, which are the pty now, whatever they were at start-up."""
    return (open(0, "r", encoding="utf-8", errors="replace", closefd=False),
            open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False),
            open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False))


def run_terminal(state_fd: int, lang: str) -> int:
    """Serve one terminal until the learner leaves; return the shell's exit status.

    Fds 0–2 must be the pty.
    """
    sys.stdin, sys.stdout, sys.stderr = _pty_streams()
    readline.clear_history()
    backend = SideChannelBackend.from_fd(state_fd)
    logging.basicConfig(handlers=[SideChannelLogHandler(backend)], force=True)
    status = _interact(new_shell(backend, RealClock(), lang=lang, interactive=True))
    try:
        backend.report_exit(status)
    except OSError:
        pass
    return status


def _read_command(shell) -> str:
    """One complete command, asking for more lines (``> ``) while quotes or pipes are open."""
    text = input(shell.prompt())
    while not shell.is_complete(text):
        text += "\n" + input(CONTINUATION_PROMPT)
    return text


def _interact(shell) -> int:
    """Read and run commands until ``exit`` or Ctrl-D; return the shell's exit status.

    Ctrl-C arrives as SIGINT. It interrupts the line editor or a running command; in the moments
    between (reporting a finished command) it is ignored, so it never cuts those short.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            outcome = _one_command(shell)
        except KeyboardInterrupt:
            sys.stdout.write("\n")
            continue
        if outcome is not None:
            return outcome


def _interruptible(function, *args):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return function(*args)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _one_command(shell) -> int | None:
    """Read one command and run it; an exit status means the shell is done."""
    try:
        text = _interruptible(_read_command, shell)
    except EOFError:
        sys.stdout.write("exit\n")
        return shell.last_status
    except KeyboardInterrupt:
        sys.stdout.write("^C\n")
        return None
    if not text.strip():
        return None
    shell.history.append(text)
    try:
        status = _interruptible(shell.run_line, text, sys.stdout, sys.stderr)
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
