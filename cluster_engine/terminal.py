"""The sandbox shell as a learner meets it: a prompt in a real pty.

This is what runs in each browser terminal's process. Line editing, history, Ctrl-R and Ctrl-L
come from GNU readline, through Python's ``input()``: the same editor bash itself uses, in C, so a
key press costs next to nothing. Tab asks ``completion.complete`` what bash would offer. Ctrl-C
abandons the line being typed; while a command runs it ends the command with status 130, as in
bash. Ctrl-D on an empty line ends the shell. A command reading its standard input (``cat >
notes.txt``, ``kubectl apply -f -``) reads the keyboard as in bash: the pty in cooked mode, line
by line, until Ctrl-D. The state is reached only through the side channel to the parent; the
history is read from it when the shell starts. When the shell ends, also when the browser goes
away (SIGHUP) or the server ends the shell (SIGTERM), one last transaction appends its history
(``history.py``) and frees the loopback ports it still holds, as closing a terminal frees those
of its processes.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import os
import readline
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator, TextIO

from . import history, loopback
from .clock import RealClock
from .cluster import Cluster
from .commands import ShellExit
from .completion import DELIMITERS, complete, sources_for_shell
from .sandbox import StateConflict
from .session import new_shell
from .shell.jobs import FOREGROUND
from .state import SandboxState
from .sidechannel import SideChannelBackend, SideChannelError, SideChannelLogHandler, StateBusy

log = logging.getLogger("cluster_engine.terminal")

CONTINUATION_PROMPT = "> "
#: How long Tab waits for a sandbox another tab is using before it offers no object names.
COMPLETION_PATIENCE = 0.15


class _HangUp(BaseException):
    """The terminal went away (SIGHUP) or the server is ending the shell (SIGTERM).

    A BaseException, like KeyboardInterrupt, so no command's error handling swallows it.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _hang_up(signum, _frame) -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise _HangUp(signum)


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
    backend = SideChannelBackend.from_fd(state_fd)
    logging.basicConfig(handlers=[SideChannelLogHandler(backend)], force=True)
    shell = new_shell(backend, RealClock(), lang=lang, interactive=True)
    shell.assign_pid(os.getpid())
    terminal = Terminal(shell, backend)
    signal.signal(signal.SIGHUP, _hang_up)
    signal.signal(signal.SIGTERM, _hang_up)
    try:
        status = terminal.interact()
    except _HangUp as hang_up:
        status = 128 + hang_up.signum
    except OSError:  # the pty is gone: it hung up before the signal came
        status = 128 + signal.SIGHUP
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    terminal.shell.hang_up()
    terminal.leave()
    try:
        backend.report_exit(status)
    except OSError:
        pass
    return status


class Terminal:
    """One learner's shell behind readline: reading, completing, remembering, running."""

    def __init__(self, shell, backend: SideChannelBackend):
        self.shell = shell
        self.backend = backend
        #: Lines entered in this shell, appended to the saved history when it ends.
        self.new_lines: list[str] = []
        #: True while a command reads lines of its own (``ctx.read_line``).
        self._command_reading = False
        self._matches: list[str] = []
        shell.ctx.read_line = self.read_line
        readline.set_auto_history(False)
        readline.set_completer_delims(DELIMITERS)
        readline.set_completer(self._complete)
        readline.parse_and_bind("tab: complete")
        self._load_history()

    @contextmanager
    def _sandbox_turn(self) -> Iterator[None]:
        """The shell's turn to run: no background job uses the sandbox or its channel meanwhile."""
        baton = self.shell.baton
        if baton.holding(FOREGROUND):
            yield
            return
        baton.acquire(FOREGROUND)
        try:
            yield
        finally:
            baton.release(FOREGROUND)

    # -- history ----------------------------------------------------------------------------------
    def _load_history(self) -> None:
        """The saved history, read before the first prompt.

        It is read from the state document alone, without a transaction: that would first
        bring the cluster up to now, which after a long absence means running every timer that
        fell due meanwhile, and the prompt need not wait for that.
        """
        try:
            _version, state_json = self.backend.begin(None)
            self.backend.abort()
        except (SideChannelError, OSError) as error:
            log.warning("the saved history could not be read: %s", error)
            return
        self.shell.history[:] = history.saved_lines(json.loads(state_json).get("shell") or {})
        self._show_history_to_readline()

    def _show_history_to_readline(self) -> None:
        readline.clear_history()
        for line in self.shell.history:
            readline.add_history(line)

    def _remember(self, text: str) -> None:
        entries = self.shell.history
        if history.is_remembered(text, entries[-1] if entries else None,
                                 self.shell.get_var("HISTCONTROL")):
            entries.append(text)
            self.new_lines.append(text)
            readline.add_history(text)

    def leave(self) -> None:
        """The shell's last transaction, after its jobs ended: append its new lines to the saved
        history (bash's ``histappend``) and free the loopback ports its commands still hold.

        Like the loading, it leaves the cluster where it is (no timers run, no controllers), so
        a hang-up is answered well within the grace the pty session gives.
        """
        try:
            _version, state_json = self.backend.begin(None)
        except (SideChannelError, OSError) as error:
            log.warning("the shell's end could not be saved: %s", error)
            return
        try:
            cluster = Cluster(SandboxState.from_json(state_json), self.shell.ctx.clock)
            if self.new_lines:
                history.append_saved(cluster.state.shell, self.new_lines)
                cluster.mark_state_changed()
            loopback.close_owned_by(cluster, self.shell.pid)
            changed = cluster.finish()
        except ValueError as error:
            self.backend.abort()
            log.warning("the shell's end could not be saved: %s", error)
            return
        if not changed:
            self.backend.abort()
            return
        try:
            self.backend.commit(cluster.state.to_json(), cluster.state.object_count())
        except (StateConflict, SideChannelError, OSError) as error:
            log.warning("the shell's end could not be saved: %s", error)
            return
        self.new_lines = []

    # -- reading ----------------------------------------------------------------------------------
    def read_line(self, prompt: str) -> str:
        """One line for a command that reads its own (``ctx.read_line``), with line editing.

        Ctrl-C raises KeyboardInterrupt and Ctrl-D EOFError to the command. Its lines join the
        readline history for as long as it runs, as a nested shell's would.
        """
        self._command_reading = True
        try:
            line = input(prompt)
        finally:
            self._command_reading = False
        if line.strip():
            readline.add_history(line)
        return line

    def _read_command(self) -> str:
        """One complete command, asking for more lines (``> ``) while quotes or pipes are open.

        Ctrl-D on a continuation line ends the command where it is: running it then reports the
        unexpected end of file as bash does, and the shell goes on.
        """
        self.shell.report_finished_jobs(sys.stdout)
        text = input(self.shell.prompt())
        while not self.shell.is_complete(text):
            try:
                text += "\n" + input(CONTINUATION_PROMPT)
            except EOFError:
                sys.stdout.write("\n")
                break
        return text

    def _complete(self, _text: str, state: int) -> str | None:
        """readline's completer: the candidates, computed once per Tab, handed out one by one."""
        if state == 0:
            self._matches = self._candidates()
        return self._matches[state] if state < len(self._matches) else None

    def _candidates(self) -> list[str]:
        if self._command_reading:
            return []
        line = readline.get_line_buffer()
        try:
            return complete(line, readline.get_endidx(),
                            sources_for_shell(self.shell, self._object_names))
        except Exception:
            log.exception("completion failed on %r", line)
            return []

    def _object_names(self, resource_type, namespace: str | None) -> list[str]:
        """Names of live objects, from a short transaction that never waits long for the lock."""
        try:
            with self._sandbox_turn(), self.backend.patience(COMPLETION_PATIENCE), \
                    self.shell.ctx.sandbox.transaction() as cluster:
                if not cluster.running:
                    return []
                return [obj["metadata"]["name"]
                        for obj in cluster.store.iter_stored(resource_type, namespace)]
        except (StateBusy, StateConflict, SideChannelError, OSError):
            return []

    # -- running ----------------------------------------------------------------------------------
    def interact(self) -> int:
        """Read and run commands until ``exit`` or Ctrl-D; return the shell's exit status.

        Ctrl-C arrives as SIGINT. It interrupts the line editor or a running command; in the
        moments between (reporting a finished command) it is ignored, so it never cuts those short.
        """
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            try:
                outcome = self._one_command()
            except KeyboardInterrupt:
                sys.stdout.write("\n")
                continue
            if outcome is not None:
                return outcome

    def _one_command(self) -> int | None:
        """Read one command and run it; an exit status means the shell is done."""
        shell = self.shell
        try:
            text = _interruptible(self._read_command)
        except EOFError:
            sys.stdout.write("exit\n")
            return shell.last_status
        except KeyboardInterrupt:
            sys.stdout.write("^C\n")
            shell.last_status = 130
            return None
        if not text.strip():
            return None
        self._remember(text)
        announcer = _RunningAnnouncer(shell.ctx.sandbox, text)
        try:
            status = _interruptible(shell.run_line, text, sys.stdout, sys.stderr,
                                    TerminalInput())
        except KeyboardInterrupt:
            sys.stdout.write("\n")
            shell.last_status = status = 130
        except ShellExit as done:
            return done.status
        except SideChannelError:
            log.warning("the state channel closed; ending the sandbox shell")
            return 1
        finally:
            announcer.cancel()
            if readline.get_current_history_length() != len(shell.history):
                self._show_history_to_readline()
        sys.stdout.flush()
        try:
            with self._sandbox_turn():
                shell.ctx.sandbox.event(type="command", line=None if announcer.announced else text,
                                        status=status)
        except OSError:
            return 1
        return None


class _RunningAnnouncer:
    """Tells the parent about a command that is still running after a moment (``kubectl proxy``,
    a shell inside a container), so a lesson step that only asks for the command to be typed
    passes while it runs; quick commands are reported once, when they end."""

    AFTER_SECONDS = 1.0

    def __init__(self, sandbox, line: str):
        self.announced = False
        self._sandbox, self._line = sandbox, line
        self._timer = threading.Timer(self.AFTER_SECONDS, self._announce)
        self._timer.daemon = True
        self._timer.start()

    def _announce(self) -> None:
        try:
            self._sandbox.event(type="command", line=self._line, status=None)
            self.announced = True
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()
        self._timer.join()


class TerminalInput(io.TextIOBase):
    """A foreground command's standard input: the keyboard, through the pty in cooked mode.

    readline is not reading while a command runs, so the terminal is as bash leaves it for its
    commands: the kernel echoes and edits each line and hands it over on Enter; Ctrl-D on an
    empty line is the end of input (the next read waits for the keyboard again, as on a real
    terminal), Ctrl-D after some characters hands those over without a newline. Ctrl-C arrives
    as SIGINT, a KeyboardInterrupt out of the read.

    The command keeps the shell's baton while it waits: a file tool reads its input inside its
    transaction, which a background job must not meet half done.
    """

    def __init__(self, fd: int = 0):
        self._fd = fd
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return True

    def _typed(self) -> str:
        """What the next read of the terminal gives: a line, part of one, or "" (Ctrl-D)."""
        while True:
            data = os.read(self._fd, 4096)
            text = self._decoder.decode(data, final=not data)
            if text or not data:
                return text

    def _take(self, length: int) -> str:
        taken, self._pending = self._pending[:length], self._pending[length:]
        return taken

    def readline(self, size: int | None = -1) -> str:
        while "\n" not in self._pending and (typed := self._typed()):
            self._pending += typed
        end = self._pending.find("\n") + 1 or len(self._pending)
        return self._take(end if size is None or size < 0 else min(size, end))

    def read(self, size: int | None = -1) -> str:
        whole = size is None or size < 0
        while (whole or len(self._pending) < size) and (typed := self._typed()):
            self._pending += typed
        return self._take(len(self._pending) if whole else size)


def _interruptible(function, *args):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return function(*args)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
