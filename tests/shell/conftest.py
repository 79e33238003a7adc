"""A fresh shell for every test, with fake tools that record exactly what they were given."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.commands import COMMANDS, CommandContext
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.shell import Shell

TWO_PODS = "kubernetes-bootcamp-5485cc6795-2dn5v\nkubernetes-bootcamp-5485cc6795-8dq9x\n"


def make_shell(**options) -> Shell:
    env = {"HOME": "/home/learner", "USER": "learner", "PATH": "/usr/local/bin:/usr/bin:/bin"}
    return Shell(CommandContext(sandbox=Sandbox(LocalBackend(), FakeClock()), clock=FakeClock(),
                                env=env, **options))


@dataclass
class Result:
    status: int
    out: str
    err: str


@dataclass
class Terminal:
    shell: Shell
    calls: list[list[str]] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=lambda: {"kubectl": TWO_PODS,
                                                             "minikube": "192.168.49.2\n"})

    def run(self, line: str, stdin: str | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        status = self.shell.run_line(line, out, err, None if stdin is None else io.StringIO(stdin))
        return Result(status, out.getvalue(), err.getvalue())

    def tool(self, argv, stdin, stdout, stderr, ctx) -> int:
        self.calls.append(list(argv))
        stdout.write(self.outputs.get(argv[0], ""))
        return 0

    @staticmethod
    def cat(argv, stdin, stdout, stderr, ctx) -> int:
        stdout.write(stdin.read())
        return 0


@pytest.fixture
def terminal(monkeypatch) -> Terminal:
    terminal = Terminal(make_shell())
    for name in ("kubectl", "minikube", "curl"):
        monkeypatch.setitem(COMMANDS, name, terminal.tool)
    monkeypatch.setitem(COMMANDS, "cat", Terminal.cat)
    return terminal


@pytest.fixture(name="make_shell")
def make_shell_fixture():
    """Builds further shells, for tests that need their own context."""
    return make_shell


@pytest.fixture
def register(monkeypatch):
    """Adds a test command to the table for one test."""
    def add(name: str, function) -> None:
        monkeypatch.setitem(COMMANDS, name, function)
    return add
