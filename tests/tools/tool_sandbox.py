"""A learner's sandbox for the tool tests: a fake clock, and ``run`` to type a command into it."""

from __future__ import annotations

import io
from dataclasses import dataclass

import cluster_engine.tools.kubectl  # noqa: F401  (registers kubectl)
import cluster_engine.tools.minikube  # noqa: F401  (registers minikube)
from cluster_engine.clock import FakeClock
from cluster_engine.commands import COMMANDS, CommandContext
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.state import SandboxState


@dataclass
class Result:
    status: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


class Terminal(io.StringIO):
    """A stdout that says it is a terminal, as the browser terminal's pty does."""

    def isatty(self) -> bool:
        return True


class Machine:
    """One learner's sandbox: run ``kubectl``/``minikube`` lines against it on a fake clock."""

    def __init__(self, seed: int = 7, env: dict | None = None):
        self.clock = FakeClock()
        self.backend = LocalBackend(SandboxState.fresh(seed))
        self.sandbox = Sandbox(self.backend, self.clock)
        self.ctx = CommandContext(sandbox=self.sandbox, clock=self.clock,
                                  env=env or {"HOME": "/home/learner", "LANG": "en_US.UTF-8",
                                              "TERM": "xterm-256color"})

    def run(self, *argv: str, stdout: io.StringIO | None = None) -> Result:
        out = stdout if stdout is not None else io.StringIO()
        err = io.StringIO()
        status = COMMANDS[argv[0]](list(argv), io.StringIO(), out, err, self.ctx)
        return Result(status, out.getvalue(), err.getvalue())

    def sh(self, line: str) -> Result:
        return self.run(*line.split())

    def state(self) -> SandboxState:
        return SandboxState.from_json(self.backend.state_json)
