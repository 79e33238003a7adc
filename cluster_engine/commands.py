"""The one shape every command has, builtin or tool, and the table of commands.

``run(argv, stdin, stdout, stderr, ctx) -> exit status``: argv[0] is the name as typed, the streams
are text streams, and ``ctx`` carries what a process would inherit (environment, working
directory, language) plus the way to the sandbox's cluster. Because ``kubectl``, ``minikube``,
``echo`` and ``grep`` all have this shape, pipes and redirections work for all of them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Protocol, TextIO

from .clock import Clock
from .sandbox import Sandbox


class Command(Protocol):
    def __call__(self, argv: list[str], stdin: TextIO, stdout: TextIO, stderr: TextIO,
                 ctx: "CommandContext") -> int: ...


COMMANDS: dict[str, Command] = {}

#: Modules that register commands when imported.
_COMMAND_MODULES = (
    "cluster_engine.shell.builtins",
    "cluster_engine.tools.kubectl",
    "cluster_engine.tools.minikube",
    "cluster_engine.tools.curl",
    "cluster_engine.tools.coreutils",
    "cluster_engine.tools.text",
)


def command(*names: str) -> Callable[[Command], Command]:
    def register(function: Command) -> Command:
        for name in names:
            COMMANDS[name] = function
        return function
    return register


def load_commands() -> dict[str, Command]:
    for module in _COMMAND_MODULES:
        importlib.import_module(module)
    return COMMANDS


class ShellExit(Exception):
    """Raised by ``exit``: the shell ends with this status."""

    def __init__(self, status: int = 0):
        super().__init__(status)
        self.status = status


@dataclass
class CommandContext:
    sandbox: Sandbox
    clock: Clock
    env: dict[str, str]
    lang: str = "en"
    cwd: str = "/home/learner"
    #: True in a real terminal (pty); False in scripted mode and tests.
    interactive: bool = False
    #: The shell running this command, for builtins that change it (export, cd, history).
    shell: object = None
    #: The files this shell sees (``shell.filesystem.FileSystem``); None until one is attached.
    fs: object = None
    #: Reads one more line the learner types, after showing ``prompt`` (an interactive
    #: program such as a shell inside a container needs it); raises EOFError at end of input.
    read_line: Callable[[str], str] | None = None
    extra: dict = field(default_factory=dict)

    def sleep(self, seconds: float) -> None:
        """Wait as the command would: real time in a terminal, fake time in scripted mode."""
        self.clock.sleep(seconds)
