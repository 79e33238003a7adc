"""A learner's shell, assembled: the sandbox, the clock, the environment a login would give.

The terminal, scripted mode and the tests all build their shell here, so they behave alike.
"""

from __future__ import annotations

from .clock import Clock
from .commands import CommandContext, load_commands
from .sandbox import Sandbox, StateBackend
from .shell.filesystem import HOME, SandboxFileSystem


def login_environment(lang: str) -> dict[str, str]:
    return {
        "HOME": HOME,
        "USER": "learner",
        "LOGNAME": "learner",
        "SHELL": "/bin/bash",
        "SHLVL": "1",
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "PWD": HOME,
        "TERM": "xterm-256color",
        "LANG": "ja_JP.UTF-8" if lang == "ja" else "en_US.UTF-8",
    }


def new_shell(backend: StateBackend, clock: Clock, lang: str = "en", interactive: bool = False):
    from .shell import Shell

    load_commands()
    sandbox = Sandbox(backend, clock)
    ctx = CommandContext(sandbox=sandbox, clock=clock, env=login_environment(lang), lang=lang,
                         cwd=HOME, interactive=interactive, fs=SandboxFileSystem(sandbox))
    return Shell(ctx)
