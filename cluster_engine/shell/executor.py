"""Runs parsed input: the shell a learner types into.

``Shell`` keeps what bash keeps between commands (shell variables, the exported environment in
``ctx.env``, the working directory in ``ctx.cwd``, ``$?``, the history, aliases, background jobs)
and runs a Script: lists, jobs in threads of their own (``jobs.py``), pipelines whose stages run
one after another joined by in-memory buffers, redirections and here-documents, and commands
from the one table every command shares. Whatever goes wrong inside a command becomes
one line on stderr and status 1; the traceback goes to the log, never to the learner.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import itertools
import logging
import posixpath
import re
import secrets
from contextlib import contextmanager
from typing import Iterator, TextIO

from ..commands import COMMANDS, Command, CommandContext, ShellExit, load_commands
from ..sidechannel import SideChannelError
from . import escapes
from .builtins import SHELL_BUILTINS
from .expander import DEFAULT_IFS, ExpansionError, Expander
from .filesystem import IS_A_DIRECTORY, FileOutput, FileSystemError, SandboxFileSystem, resolve
from .jobs import FOREGROUND, Baton, Job, JobCancelled, JobTable, TurnTakingClock
from .lexer import MAX_NESTING, IncompleteInput, ShellSyntaxError
from .nodes import AndOrList, Assignment, Pipeline, Redirect, Script, SimpleCommand, Word
from .parser import parse

logger = logging.getLogger("cluster_engine.shell")
#: Without a configured handler a traceback must go nowhere, least of all to the learner's pty.
logger.addHandler(logging.NullHandler())

MAX_LINE = 64 * 1024
MAX_SUBSTITUTION_OUTPUT = 1 << 20
#: A stage writing more than this into a pipe is stopped, as SIGPIPE would stop it.
MAX_PIPE_BUFFER = 8 << 20
#: What one command line, or one job, may print (stdout and stderr together, in characters):
#: ``cat`` of the same file a thousand times must cost one message, not a flooded browser.
MAX_COMMAND_OUTPUT = 8 << 20
HOSTNAME = "minikube-tutorial"
DEFAULT_PID = 2187
#: Builtins whose ``NAME=value`` arguments are expanded like assignments, without splitting.
DECLARATION_COMMANDS = frozenset({"export", "declare", "typeset", "local", "readonly"})
#: Builtins that also exist as programs, so ``which echo`` finds ``/usr/bin/echo``.
_ALSO_PROGRAMS = frozenset({"echo", "printf", "true", "false", "pwd", "kill", "test", "["})
_PROGRAM_DIRECTORIES = {"kubectl": ("/usr/local/bin",), "minikube": ("/usr/local/bin",)}
_USR_BIN = ("/usr/bin", "/bin")
_PROMPT_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@functools.cache
def _load_commands() -> None:
    try:
        load_commands()
    except ModuleNotFoundError as missing:
        if not (missing.name or "").startswith("cluster_engine.tools."):
            raise
        logger.warning("%s is not available; its commands are missing", missing.name)


class OutputOverflow(Exception):
    def __init__(self, stream: io.StringIO):
        super().__init__("output limit reached")
        self.stream = stream


class _BoundedBuffer(io.StringIO):
    """Captured output (a ``$(...)`` or a pipe) that refuses to grow past ``limit`` characters."""

    def __init__(self, limit: int):
        super().__init__()
        self._room = limit
        self.overflowed = False

    def write(self, text: str) -> int:
        if len(text) > self._room:
            super().write(text[:self._room])
            self._room = 0
            self.overflowed = True
            raise OutputOverflow(self)
        self._room -= len(text)
        return super().write(text)


class _LimitedOutput(io.TextIOBase):
    """A stream to the terminal that stops the command once its ``budget`` is spent.

    stdout and stderr share one budget, a list holding the characters left.
    """

    def __init__(self, stream: TextIO, budget: list[int]):
        self.stream = stream
        self.budget = budget

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def flush(self) -> None:
        self.stream.flush()

    def write(self, text: str) -> int:
        room = self.budget[0]
        if len(text) > room:
            self.stream.write(text[:room])
            self.budget[0] = 0
            raise OutputOverflow(self)
        self.budget[0] = room - len(text)
        return self.stream.write(text)


def _limited(stdout: TextIO, stderr: TextIO) -> tuple[_LimitedOutput, _LimitedOutput]:
    budget = [MAX_COMMAND_OUTPUT]
    return _LimitedOutput(stdout, budget), _LimitedOutput(stderr, budget)


def _unlimited(stream: TextIO) -> TextIO:
    """The terminal behind a line's limited stream: a job started there gets a budget of its own."""
    return stream.stream if isinstance(stream, _LimitedOutput) else stream


def _output_limit_reached(overflow: OutputOverflow, limited: tuple[_LimitedOutput, ...]) -> bool:
    """True (after saying so) if ``overflow`` spent the budget of ``limited``."""
    if overflow.stream not in limited:
        return False
    limited[1].stream.write(f"\nbash: output limit reached: a command may print at most "
                            f"{MAX_COMMAND_OUTPUT >> 20} MiB; the rest was dropped\n")
    return True


class _DevNull(io.TextIOBase):
    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        return ""

    def readline(self, size: int | None = -1) -> str:
        return ""

    def write(self, text: str) -> int:
        return len(text)


def _no_terminal_input(prompt: str) -> str:
    """What a job gets when it reads the terminal: the foreground owns it, so end of input."""
    raise EOFError


class Shell:
    def __init__(self, ctx: CommandContext):
        _load_commands()
        self.ctx = ctx
        ctx.shell = self
        self.env = ctx.env
        self.shell_vars: dict[str, str] = {"IFS": DEFAULT_IFS, "PS1": r"\u@\h:\w\$ ", "PS2": "> "}
        self.last_status = 0
        self.history: list[str] = []
        self.user = ctx.extra.get("user") or ctx.env.get("USER", "learner")
        self.hostname = ctx.extra.get("hostname", HOSTNAME)
        self.pid = ctx.extra.get("pid", DEFAULT_PID)
        if ctx.fs is None:
            ctx.fs = SandboxFileSystem(ctx.sandbox)
        self._export_pending: set[str] = set()
        self._depth = 0
        self.aliases: dict[str, str] = {}
        self._lines_read = 0
        if isinstance(ctx.clock, TurnTakingClock):
            self.baton, self._runner = ctx.clock.baton, ctx.clock.runner
        else:
            self.baton, self._runner = Baton(ctx.clock), FOREGROUND
            ctx.clock = TurnTakingClock(self.baton, FOREGROUND)
        #: Only the learner's own shell keeps jobs; ``&`` inside a job just runs the command.
        self.jobs: JobTable | None = JobTable(self.baton) if self._runner is FOREGROUND else None
        self._pids = itertools.count(self.pid + 1)
        #: ``$!`` in a job, copied from the shell that started it, as a fork copies it.
        self._inherited_background_pid: int | None = None
        self.set_var("PWD", ctx.cwd)

    def assign_pid(self, pid: int) -> None:
        """Give this shell the process id of the process it runs in: what ``$$`` shows, and
        what owns the loopback ports its commands open, so closing one terminal frees its own."""
        self.pid = self.ctx.extra["pid"] = pid
        self._pids = itertools.count(pid + 1)

    @property
    def last_background_pid(self) -> int | None:
        """``$!``: the process id of the job started last, None before the first."""
        if self.jobs is not None:
            return self.jobs.last_pid
        return self._inherited_background_pid

    def next_pid(self) -> int:
        """A process id for something this shell starts, counted so transcripts stay the same."""
        return next(self._pids)

    def hang_up(self) -> None:
        """End this shell's jobs, as bash does when its terminal goes away."""
        self.baton.hang_up()

    def report_finished_jobs(self, out: TextIO) -> None:
        """Bash's notices (``[1]+  Done  sleep 1``) for jobs that ended; called before each prompt."""
        if self.jobs is not None:
            self.jobs.report_finished(out)

    # Variables: a name lives either in the environment (exported) or among the shell's own.

    def get_var(self, name: str) -> str | None:
        return self.env[name] if name in self.env else self.shell_vars.get(name)

    def set_var(self, name: str, value: str) -> None:
        if name in self.env or name in self._export_pending:
            self.env[name] = value
            self._export_pending.discard(name)
        else:
            self.shell_vars[name] = value

    def unset_var(self, name: str) -> None:
        self.env.pop(name, None)
        self.shell_vars.pop(name, None)
        self._export_pending.discard(name)

    def export_var(self, name: str, value: str | None = None) -> None:
        """Export ``name``; without a value and unset, it is exported once it gets one."""
        local = self.shell_vars.pop(name, None)
        value = local if value is None else value
        if value is not None:
            self.env[name] = value
            self._export_pending.discard(name)
        elif name not in self.env:
            self._export_pending.add(name)

    def unexport_var(self, name: str) -> None:
        if name in self.env:
            self.shell_vars[name] = self.env.pop(name)
        self._export_pending.discard(name)

    def exported(self) -> dict[str, str | None]:
        """What ``export -p`` lists: exported names with their values, None if still unset."""
        return {**dict.fromkeys(self._export_pending), **self.env}

    @contextmanager
    def temporary_env(self, values: dict[str, str]) -> Iterator[None]:
        """The environment with ``values`` added, as ``NAME=value command`` gives one command."""
        saved = {name: self.env.get(name) for name in values}
        self.env.update(values)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    self.env.pop(name, None)
                else:
                    self.env[name] = value

    @contextmanager
    def _subshell(self) -> Iterator[None]:
        saved = dict(self.env), dict(self.shell_vars), set(self._export_pending), self.ctx.cwd
        try:
            yield
        finally:
            env, shell_vars, pending, self.ctx.cwd = saved
            self.env.clear()
            self.env.update(env)
            self.shell_vars.clear()
            self.shell_vars.update(shell_vars)
            self._export_pending = pending

    # Where a command name leads.

    @staticmethod
    def _installed_in(name: str) -> tuple[str, ...]:
        """The directories holding a program called ``name``; none for a builtin-only name."""
        if name not in COMMANDS or (name in SHELL_BUILTINS and name not in _ALSO_PROGRAMS):
            return ()
        return _PROGRAM_DIRECTORIES.get(name, _USR_BIN)

    def _installed_here(self, name: str) -> tuple[str, ...]:
        """``_installed_in`` on this machine: a container lacks the learner's own tools."""
        if name in self.ctx.extra.get("absent_programs", ()):
            return ()
        return self._installed_in(name)

    def find_program(self, name: str) -> str | None:
        """The file ``$PATH`` leads to for ``name``, as ``which`` reports it."""
        homes = self._installed_here(name)
        for directory in (self.get_var("PATH") or "").split(":"):
            if homes and directory.rstrip("/") in homes:
                return f"{directory.rstrip('/')}/{name}"
        return None

    def _resolve(self, name: str) -> Command | tuple[str, int]:
        """The command ``name`` runs, or bash's complaint and status."""
        if "/" in name:
            path = posixpath.normpath(posixpath.join(self.ctx.cwd, name))
            directory, _, base = path.rpartition("/")
            if directory in self._installed_here(base):
                return COMMANDS[base]
            try:
                found = self.ctx.fs.info(path)
            except FileSystemError as error:
                return error.strerror, 126
            if found is None:
                return "No such file or directory", 127
            return ("Is a directory" if found.kind == "dir" else "Permission denied"), 126
        if name in SHELL_BUILTINS and name in COMMANDS:
            return COMMANDS[name]
        if self.find_program(name):
            return COMMANDS[name]
        return "command not found", 127

    # Running input.

    def run_line(self, text: str, stdout: TextIO, stderr: TextIO, stdin: TextIO | None = None) -> int:
        """Run one complete input; the exit status, also left in ``$?``. ``exit`` raises ShellExit."""
        stdin = io.StringIO() if stdin is None else stdin
        self._depth += 1
        limited = _limited(stdout, stderr) if self._depth == 1 else ()
        if limited:
            stdout, stderr = limited
        takes_turn = self._depth == 1 and not self.baton.holding(self._runner)
        if takes_turn:
            self.baton.acquire(self._runner)
        try:
            if len(text) > MAX_LINE:
                raise ExpansionError("input line too long")
            if self._depth > MAX_NESTING:
                raise ExpansionError("maximum nesting level exceeded")
            first_line = self._lines_read + 1
            if self._depth == 1:
                self._lines_read += text.count("\n") + 1
                if self.jobs is not None:
                    self.baton.finish_cancelled()
            script = parse(text, aliases=self.aliases, first_line=first_line)
            for warning in script.warnings:
                stderr.write(f"bash: {warning}\n")
            self.last_status = self._run_script(script, stdin, stdout, stderr)
        except ShellSyntaxError as error:
            stderr.write(f"bash: {error}\n")
            self.last_status = 2
        except ExpansionError as error:
            stderr.write(f"bash: {error}\n")
            self.last_status = 1
        except ShellExit:
            if self.ctx.interactive and self._depth == 1:
                stderr.write("exit\n")
            raise
        except KeyboardInterrupt:
            self.last_status = 130
            raise
        except SideChannelError:
            raise
        except OutputOverflow as overflow:
            if not _output_limit_reached(overflow, limited):
                raise
            self.last_status = 1
        except Exception:
            self.last_status = self._internal_error(stderr, text)
        finally:
            self._depth -= 1
            if takes_turn:
                self.baton.release(self._runner)
        return self.last_status

    def is_complete(self, text: str) -> bool:
        """False while more lines could finish the input (an open quote, a trailing ``|``, a
        here-document whose delimiter has not come yet)."""
        if len(text) > MAX_LINE:
            return True
        try:
            parse(text, final=False, aliases=self.aliases)
        except IncompleteInput:
            return False
        except ShellSyntaxError:
            pass
        except Exception:
            logger.exception("the parser failed on %r; run_line will report it", text)
        return True

    def prompt(self) -> str:
        """``$PS1`` rendered as bash renders it: ``learner@minikube-tutorial:~$ `` by default."""
        cwd, home = self.ctx.cwd, self.get_var("HOME")
        if home and home != "/" and (cwd == home or cwd.startswith(home.rstrip("/") + "/")):
            shown = "~" + cwd[len(home.rstrip("/")):]
        else:
            shown = cwd
        replacements = {
            "u": self.user, "h": self.hostname.split(".")[0], "H": self.hostname, "w": shown,
            "W": shown if shown in ("~", "/") else posixpath.basename(shown),
            "$": "#" if self.user == "root" else "$", "\\": "\\", "n": "\n", "e": "\x1b",
            "a": "\a", "[": "", "]": "",
        }
        return _PROMPT_ESCAPE.sub(lambda match: replacements.get(match[1], match[0]),
                                  self.get_var("PS1") or "")

    def substitute(self, body: Script, stdin: TextIO, stderr: TextIO) -> tuple[str, int]:
        """Run ``body`` as ``$(...)`` runs it, in a subshell; its whole output and status."""
        if self._depth >= MAX_NESTING:
            raise ExpansionError("maximum nesting level exceeded", abort_line=True)
        buffer = _BoundedBuffer(MAX_SUBSTITUTION_OUTPUT)
        status = 1
        self._depth += 1
        try:
            with self._subshell():
                status = self._run_script(body, stdin, buffer, stderr)
        except ShellExit as exit_:
            status = exit_.status
        except ExpansionError as error:
            stderr.write(f"bash: {error}\n")
        except OutputOverflow as overflow:
            if overflow.stream is not buffer:
                raise
        finally:
            self._depth -= 1
        self.last_status = status
        if buffer.overflowed:
            raise ExpansionError("command substitution: output too long")
        return buffer.getvalue(), status

    def _run_script(self, script: Script, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
        status = self.last_status
        for item in script.items:
            if item.background and self.jobs is not None and self._depth == 1:
                status = self._start_job(item, stdout, stderr)
            else:
                status = self._run_and_or(item, stdin, stdout, stderr)
        return status

    def _start_job(self, item: AndOrList, stdout: TextIO, stderr: TextIO) -> int:
        """``item &``: announce ``[1] 2188`` and run it as a job; the shell goes on at once."""
        text = item.display()
        background_pid = self.last_background_pid
        job = self.jobs.add(text, self.next_pid)
        if job is None:
            stderr.write("bash: fork: Resource temporarily unavailable\n")
            return 254
        stderr.write(f"[{job.number}] {job.pid}\n")
        shell = self._job_shell(job, background_pid)
        stdout, stderr = _unlimited(stdout), _unlimited(stderr)
        self.baton.start(job, lambda: shell._run_job(item, stdout, stderr, text))
        return 0

    def _job_shell(self, job: Job, background_pid: int | None) -> Shell:
        """A copy of this shell for a job, as a fork copies bash: changes made there stay there.

        ``background_pid`` is ``$!`` as it was before the job started."""
        ctx = dataclasses.replace(self.ctx, env=dict(self.env), clock=TurnTakingClock(self.baton, job),
                                  read_line=_no_terminal_input)
        shell = Shell(ctx)
        shell.shell_vars = dict(self.shell_vars)
        shell._export_pending = set(self._export_pending)
        shell.aliases = dict(self.aliases)
        shell.last_status = self.last_status
        shell.history = self.history
        shell._pids = self._pids
        shell._inherited_background_pid = background_pid
        return shell

    def _run_job(self, item: AndOrList, stdout: TextIO, stderr: TextIO, text: str) -> int:
        """The body of a job's thread: ``item`` with no input, its failures contained like run_line's."""
        self._depth += 1
        limited = _limited(stdout, stderr)
        try:
            return self._run_and_or(item, _DevNull(), *limited)
        except ShellExit as exit_:
            return exit_.status
        except OutputOverflow as overflow:
            if not _output_limit_reached(overflow, limited):
                raise
            return 1
        except ExpansionError as error:
            stderr.write(f"bash: {error}\n")
            return 1
        except JobCancelled:
            raise
        except Exception:
            return self._internal_error(stderr, text)
        finally:
            self._depth -= 1

    def _run_and_or(self, item: AndOrList, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
        status = self._run_pipeline(item.first, stdin, stdout, stderr)
        for operator, pipeline in item.rest:
            if (status == 0) == (operator == "&&"):
                status = self._run_pipeline(pipeline, stdin, stdout, stderr)
        return status

    def _run_pipeline(self, pipeline: Pipeline, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
        commands = pipeline.commands
        if len(commands) == 1:
            status = self._run_command(commands[0], stdin, stdout, stderr)
        else:
            source = stdin
            for index, command in enumerate(commands):
                last = index == len(commands) - 1
                sink = stdout if last else _BoundedBuffer(MAX_PIPE_BUFFER)
                with self._subshell():
                    try:
                        status = self._run_command(command, source, sink, stderr)
                    except ShellExit as exit_:
                        status = exit_.status
                    except OutputOverflow as overflow:
                        if overflow.stream is not sink:
                            raise
                        status = 141
                if not last:
                    source = io.StringIO(sink.getvalue())
        if pipeline.negated:
            status = int(status == 0)
        self.last_status = status
        return status

    def _run_command(self, command: SimpleCommand, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
        expander = Expander(self, stdin, stderr)
        words = command.words
        try:
            declaration = bool(words) and words[0].plain_text() in DECLARATION_COMMANDS
            argv = expander.arguments(words, declaration=declaration)
            fds = {0: stdin, 1: stdout, 2: stderr}
            for redirect in command.redirects:
                self._redirect(redirect, expander, fds)
            values = {assignment.name: self._assigned_value(assignment, expander.value(assignment.value))
                      for assignment in command.assignments}
        except ExpansionError as error:
            if error.abort_line:
                raise
            stderr.write(f"bash: {error}\n")
            return 1
        if not argv:
            for name, value in values.items():
                self.set_var(name, value)
            return expander.substitution_status or 0
        with self.temporary_env(values):
            return self._invoke(argv, *(fds[fd] if fd in fds else _DevNull() for fd in (0, 1, 2)))

    def _assigned_value(self, assignment: Assignment, value: str) -> str:
        return (self.get_var(assignment.name) or "") + value if assignment.append else value

    def _redirect(self, redirect: Redirect, expander: Expander, fds: dict[int, TextIO]) -> None:
        operator, fd = redirect.operator, redirect.fd
        if operator == "<<<":
            fds[fd] = io.StringIO(expander.value(redirect.target) + "\n")
            return
        if document := redirect.here_document:
            body = Word(document.parts, redirect.target.text, redirect.span)
            fds[fd] = io.StringIO(expander.value(body) if document.expand else
                                  "".join(part.text for part in document.parts))
            return
        fields = expander.fields(redirect.target)
        if len(fields) != 1:
            raise ExpansionError(f"{redirect.target.text}: ambiguous redirect")
        target = fields[0]
        if operator in (">&", "<&"):
            if target == "-":
                fds.pop(fd, None)
                return
            if target.isdigit():
                if int(target) not in fds:
                    raise ExpansionError(f"{target}: Bad file descriptor")
                fds[fd] = fds[int(target)]
                return
            if operator == "<&" or fd != 1:
                raise ExpansionError(f"{redirect.target.text}: ambiguous redirect")
            operator = "&>"
        stream = self._open(target, reading=operator in ("<", "<>"), fds=fds,
                            append=operator in (">>", "&>>"))
        if operator in ("&>", "&>>"):
            fds[1] = fds[2] = stream
        else:
            fds[fd] = stream

    def _open(self, path: str, *, reading: bool, fds: dict[int, TextIO], append: bool = False) -> TextIO:
        standard = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
        if path == "/dev/null":
            return _DevNull()
        if path in standard and standard[path] in fds:
            return fds[standard[path]]
        fs, absolute = self.ctx.fs, resolve(self.ctx.cwd, path)
        try:
            if reading:
                return io.StringIO(fs.read(absolute))
            found = fs.info(absolute)
            if found is not None and found.kind == "dir":
                raise FileSystemError(IS_A_DIRECTORY)
            if not append or found is None:
                fs.write(absolute, "")
        except FileSystemError as error:
            raise ExpansionError(f"{escapes.shown(path)}: {error.strerror}") from None
        return FileOutput(fs, absolute, fds.get(2) or _DevNull())

    def _invoke(self, argv: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
        found = self._resolve(argv[0])
        if isinstance(found, tuple):
            message, status = found
            stderr.write(f"bash: {escapes.shown(argv[0])}: {message}\n")
            return status
        try:
            status = found(argv, stdin, stdout, stderr, self.ctx)
            if not isinstance(status, int):
                raise TypeError(f"{argv[0]} returned {status!r} instead of an exit status")
            return status & 0xFF
        except (ShellExit, OutputOverflow, SideChannelError):
            raise
        except (Exception, SystemExit):
            return self._internal_error(stderr, argv)

    def _internal_error(self, stderr: TextIO, running: object) -> int:
        error_id = secrets.token_hex(4)
        logger.exception("internal error %s while running %r", error_id, running)
        stderr.write(f"bash: internal error (id {error_id}); the sandbox is fine, please try again\n")
        return 1
