"""The real kubectl v1.32 as the judge: serve a sandbox state over HTTP, point ``/usr/bin/kubectl``
at it through a kubeconfig, and run the simulated kubectl on the same state to compare.

Shared by every test that holds the simulated cluster against the real client (``tests/api``,
``tests/oracle``, the describe tests), so they all serve, configure and compare the same way.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, NamedTuple

import cluster_engine.tools.kubectl  # noqa: F401  (registers kubectl)
from cluster_engine.api.http import ApiServer, serve
from cluster_engine.clock import FakeClock
from cluster_engine.commands import COMMANDS, CommandContext
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.state import SandboxState

REAL_KUBECTL = Path("/usr/bin/kubectl")
NO_REAL_KUBECTL = f"{REAL_KUBECTL} is not installed, so there is no real client to compare with"

#: The real client's calls run side by side: each is a separate Go process, mostly waiting on
#: the server, and the server answers from one Python thread per request.
PARALLEL_CLIENTS = 4


class Outcome(NamedTuple):
    """What a kubectl run left: exit status, standard output, standard error."""

    status: int
    stdout: str
    stderr: str


def kubeconfig(server_url: str) -> str:
    """A kubeconfig whose current context is the served cluster, namespace ``default``."""
    return (
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: sandbox\n  cluster:\n    server: {server_url}\n"
        "contexts:\n- name: sandbox\n  context:\n    cluster: sandbox\n    user: learner\n"
        "    namespace: default\n"
        "current-context: sandbox\n"
        "users:\n- name: learner\n  user: {}\n")


class RealKubectl:
    """``/usr/bin/kubectl`` configured for one served state, with a home and cache of its own."""

    def __init__(self, server: ApiServer, home: Path):
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        home.mkdir(parents=True, exist_ok=True)
        config = home / "kubeconfig"
        config.write_text(kubeconfig(self.url), encoding="utf-8")
        self.environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
                            "KUBECONFIG": str(config)}
        self.cache = home / "cache"

    def run(self, *args: str, stdin: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([str(REAL_KUBECTL), "--cache-dir", str(self.cache), *args],
                              input=stdin, capture_output=True, text=True, env=self.environment,
                              timeout=timeout)

    def outcome(self, *args: str) -> Outcome:
        done = self.run(*args)
        return Outcome(done.returncode, done.stdout, done.stderr)

    def outcomes(self, commands: Iterable[tuple[str, ...]]) -> list[Outcome]:
        """Each command's outcome, in order; the processes run a few at a time."""
        with ThreadPoolExecutor(PARALLEL_CLIENTS) as pool:
            return list(pool.map(lambda args: self.outcome(*args), commands))


class Served:
    """A state served over HTTP in a thread (``serve-api``'s server) for as long as the
    ``with`` block lasts; ``frozen`` keeps the state's moment, ``real`` lets time run on."""

    def __init__(self, state_json: str, home: Path, clock_kind: str = "frozen"):
        self.server = serve(state_json, 0, clock_kind)
        self.kubectl = RealKubectl(self.server, home)

    def __enter__(self) -> RealKubectl:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.kubectl

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()


class SandboxKubectl:
    """The simulated kubectl on its own copy of ``state_json``, on a fake clock that starts at
    the state's moment (as the frozen server's does); what it changes stays for the next run."""

    def __init__(self, state_json: str):
        state = SandboxState.from_json(state_json)
        self.clock = FakeClock(state.now)
        self.backend = LocalBackend(state)
        self.ctx = CommandContext(sandbox=Sandbox(self.backend, self.clock), clock=self.clock,
                                  env={"HOME": "/home/learner", "LANG": "en_US.UTF-8"})

    def run(self, *args: str, stdin: str = "") -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        status = COMMANDS["kubectl"](["kubectl", *args], io.StringIO(stdin), out, err, self.ctx)
        return Outcome(status, out.getvalue(), err.getvalue())


def sandbox_kubectl(state_json: str, *args: str) -> Outcome:
    """The simulated kubectl run once on ``state_json`` at the state's own moment."""
    return SandboxKubectl(state_json).run(*args)


# -- ages the client computes ---------------------------------------------------------------------
#: ``describe`` prints some ages from the client's own wall clock (an event's age, ``x2 over
#: 3m``; a pod's age on its node's page; how long a pod has been terminating), so against a frozen state they differ by the hours
#: between the state's moment and now.
_AGE = r"(?:\d+[smhdy])+|<unknown>|<invalid>"
_CLIENT_AGE = re.compile(rf"(?:{_AGE})(?: \(x\d+ over (?:{_AGE})\))?")

_TERMINATING_FOR = re.compile(rf"\(lasts (?:{_AGE})\)")


def without_client_ages(page: str) -> str:
    """``page`` with the ages ``describe`` takes from the client's clock replaced by ``AGE``; the
    tables holding them are re-joined with two spaces between cells, since their widths follow
    the ages. Every other line is kept as it is."""
    lines = page.split("\n")
    age_column = None
    for index, line in enumerate(lines):
        indent = line[:len(line) - len(line.lstrip(" "))]
        cells = re.split(r" {2,}", line.strip())
        if line.startswith("Status:") and "Terminating (lasts " in line:
            lines[index] = _TERMINATING_FOR.sub("(lasts AGE)", line)
            continue
        if cells[:3] == ["Type", "Reason", "Age"] or cells[:2] == ["Namespace", "Name"] \
                and cells[-1] == "Age":
            age_column, table_indent = cells.index("Age"), indent
        elif age_column is None or not line.strip() or indent != table_indent:
            age_column = None
            continue
        if len(cells) > age_column and _CLIENT_AGE.fullmatch(cells[age_column]):
            cells[age_column] = "AGE"
        lines[index] = indent + "  ".join(cells)
    return "\n".join(lines)
