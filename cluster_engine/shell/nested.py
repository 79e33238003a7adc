"""bash started as a program: ``bash``, ``sh``, ``bash -c SCRIPT``, ``bash FILE``, or a shell
reading commands from its input, interactive when that input is a terminal.

Two places start one: the learner typing ``bash`` on their machine (the ``bash`` command in
``builtins``) and ``kubectl exec POD -- bash`` in a container (``container_shell``). Each builds
the context the new process inherits (the exported environment, the directory, the files,
``read_line``) and comes here, so bash's way of choosing what to read and the read-eval loop of
a nested interactive shell exist once.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import replace
from typing import Callable, TextIO

from ..commands import CommandContext, ShellExit
from .filesystem import FileSystemError, resolve

#: Status of a shell killed by SIGKILL (its container stopped under it).
KILLED = 137
#: Shells within shells deeper than this are refused, as a process limit would refuse the fork:
#: a script that runs itself must cost one message, not the sandbox's stack.
MAX_SHELL_DEPTH = 10
#: bash's status when it cannot fork.
CANNOT_FORK = 254


def new_shell(ctx: CommandContext):
    """A fresh bash in ``ctx``: its own shell variables, only the environment it inherits."""
    from .executor import Shell

    return Shell(replace(ctx, extra=dict(ctx.extra)))


def run_bash(argv: list[str], ctx: CommandContext, stdin: TextIO | None, stdout: TextIO,
             stderr: TextIO, *, alive: Callable[[], bool] | None = None) -> int:
    """bash as ``argv`` starts it in ``ctx``: ``-c SCRIPT``, a script file, or commands from its
    input; a prompt and a session when ``ctx`` is interactive. Its exit status.

    ``stdin`` is None when the process gets no input at all: the shell then ends at once.
    ``alive``, asked before each command, ends an interactive session with status 137 once it
    answers False.
    """
    depth = ctx.extra.get("shell_depth", 0) + 1
    if depth > MAX_SHELL_DEPTH:
        stderr.write("bash: fork: Resource temporarily unavailable\n")
        return CANNOT_FORK
    ctx = replace(ctx, extra={**ctx.extra, "shell_depth": depth})
    name = posixpath.basename(argv[0])
    options = [arg for arg in argv[1:] if arg.startswith("-")]
    operands = [arg for arg in argv[1:] if not arg.startswith("-")]
    command_string = any("c" in option for option in options)
    if command_string or operands:
        if not operands:
            stderr.write("sh: 0: -c requires an argument\n" if name == "sh" else
                         f"{name}: -c: option requires an argument\n")
            return 2
        script = operands[0]
        if not command_string:
            try:
                script = ctx.fs.read(resolve(ctx.cwd, operands[0]))
            except FileSystemError as error:
                if name == "sh":
                    stderr.write(f"sh: 0: cannot open {operands[0]}: No such file\n")
                    return 2
                stderr.write(f"{name}: {operands[0]}: {error.strerror}\n")
                return 127
        shell = new_shell(replace(ctx, interactive=False))
        try:
            return shell.run_line(script, stdout, stderr,
                                  stdin if stdin is not None else io.StringIO())
        except ShellExit as done:
            return done.status
    if stdin is None:
        return 0
    if ctx.interactive:
        return interactive_session(new_shell(ctx), stdin, stdout, stderr, alive=alive)
    return read_commands(new_shell(ctx), stdin, stdout, stderr)


def interactive_session(shell, stdin: TextIO, stdout: TextIO, stderr: TextIO, *,
                        alive: Callable[[], bool] | None = None, farewell: str = "exit") -> int:
    """A terminal session with ``shell``: prompt, read, run, until ``exit`` or end of input
    (where bash prints ``farewell``: ``logout`` for a login shell).

    Lines come through ``ctx.read_line`` (the terminal's line editor); the commands get
    ``stdin``. Ctrl-C at the prompt abandons the line; during a command it ends that command
    (status 130) and the session goes on. Ctrl-D on a continuation line runs what was typed,
    so bash's complaint about the unfinished input appears, and the session goes on.
    """
    read_line = shell.ctx.read_line
    while True:
        if alive is not None and not alive():
            return KILLED
        try:
            if read_line is None:
                raise EOFError
            text = read_line(shell.prompt())
        except EOFError:
            stdout.write(f"{farewell}\n")
            return shell.last_status
        except KeyboardInterrupt:
            stdout.write("^C\n")
            shell.last_status = 130
            continue
        try:
            while not shell.is_complete(text):
                text += "\n" + read_line(shell.get_var("PS2") or "")
        except EOFError:
            stdout.write("\n")
        except KeyboardInterrupt:
            stdout.write("^C\n")
            shell.last_status = 130
            continue
        if alive is not None and not alive():
            return KILLED
        if not text.strip():
            continue
        shell.history.append(text)
        try:
            shell.run_line(text, stdout, stderr, stdin)
        except ShellExit as done:
            return done.status
        except KeyboardInterrupt:
            stdout.write("\n")
            shell.last_status = 130


def read_commands(shell, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """bash without a terminal: commands from its input, no prompt, until the input ends.

    With nothing piped in, the lines come through ``ctx.read_line`` (scripted mode's next lines).
    """
    piped = stdin.read()
    if piped:
        lines = iter(piped.splitlines())

        def next_line(prompt: str) -> str:
            line = next(lines, None)
            if line is None:
                raise EOFError
            return line
    else:
        next_line = shell.ctx.read_line
    pending = ""
    while True:
        try:
            if next_line is None:
                raise EOFError
            line = next_line("")
        except EOFError:
            if pending:
                try:
                    shell.run_line(pending, stdout, stderr)
                except ShellExit as done:
                    return done.status
            return shell.last_status
        pending = f"{pending}\n{line}" if pending else line
        if not shell.is_complete(pending):
            continue
        text, pending = pending, ""
        try:
            shell.run_line(text, stdout, stderr)
        except ShellExit as done:
            return done.status
