"""The real kubectl v1.32 judges the sandbox through all six modules of the course.

Each module is replayed as a learner types it (its ``start:`` commands, then every step's
commands; a second tab's ``kubectl proxy`` runs as a background job, as in the lesson player).
After every command that changed what kubectl shows, the state is served as ``serve-api
--clock frozen`` serves it, and ``/usr/bin/kubectl`` reads it with a kubeconfig pointing there:
its ``get`` and ``describe`` output must be the simulated kubectl's on the same state, byte for
byte, except for the ages ``describe`` works out from the client's own wall clock.

States met before (the modules share their beginnings) are judged once per session.
"""

from __future__ import annotations

import difflib
import io
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.sandbox import LocalBackend
from cluster_engine.script import run_script
from cluster_engine.state import SandboxState
from oracle_support import (NO_REAL_KUBECTL, PARALLEL_CLIENTS, REAL_KUBECTL, Outcome, Served,
                            sandbox_kubectl, without_client_ages)
from tutorial.lessons import load_lesson_file

if not REAL_KUBECTL.exists():
    pytest.skip(NO_REAL_KUBECTL, allow_module_level=True)

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
MODULES = sorted(LESSONS.glob("0*.yaml"))
SEED = 1
SETTLE_SECONDS = 60

#: What kubectl reads for the commands below; a change anywhere else shows in none of them.
SHOWN_RESOURCES = ("pods", "deployments", "replicasets", "services", "nodes", "endpoints",
                   "endpointslices", "events")
#: ``all`` holds pods, services, deployments and replica sets: its wide and selected forms
#: print each of those tables in one run of the client.
COMMANDS = (
    [("get", kind) for kind in ("pods", "deployments", "rs", "services", "nodes", "endpoints",
                                "events", "all")]
    + [("get", kind, "-o", "wide") for kind in ("all", "nodes", "events")]
    + [("get", kind, "-l", "app=kubernetes-bootcamp") for kind in ("pods", "all")]
    + [("describe", kind) for kind in ("pods", "deployments", "services", "nodes", "rs",
                                       "endpoints", "endpointslices", "events")]
)

_judged: set[str] = set()


@dataclass
class Moment:
    """The sandbox's state right after ``command`` ran."""

    command: str
    state_json: str

    @property
    def shown(self) -> str:
        """What of the state the compared commands can show: its moment and those objects."""
        state = json.loads(self.state_json)
        return json.dumps([state["now"]] + [state["objects"].get(resource)
                                            for resource in SHOWN_RESOURCES], sort_keys=True)


def replay(lesson_file: Path) -> tuple[list[Moment], str]:
    """Play a module in scripted mode; the moments after each command that changed what kubectl
    shows, and the transcript."""
    lesson = load_lesson_file(lesson_file)
    steps = [list(lesson.start)] + [[command.run + (" &" if command.tab > 1 else "")
                                     for command in step.commands] for step in lesson.steps]
    backend = LocalBackend(SandboxState.fresh(SEED))
    moments: list[Moment] = []
    shown = {Moment("", backend.state_json).shown}

    def keep(moment: Moment) -> None:
        if moment.shown not in shown:
            shown.add(moment.shown)
            moments.append(moment)

    def lines():
        for step in steps:
            for command in step:
                yield from command.split("\n")
                keep(Moment(command, backend.state_json))
            if step:
                keep(settled(step[-1], backend.state_json))

    transcript = io.StringIO()
    run_script(lines(), transcript, FakeClock(), seed=SEED, backend=backend)
    return moments, transcript.getvalue()


def settled(command: str, state_json: str) -> Moment:
    """The state a while after ``command``, when the learner has read the step and the pods
    have started, backed off or gone; the replay itself goes on from ``state_json``."""
    state = SandboxState.from_json(state_json)
    if state.now is None:
        return Moment(command, state_json)
    cluster = Cluster(state, FakeClock(state.now))
    cluster.advance(state.now + SETTLE_SECONDS)
    return Moment(f"{command}` and {SETTLE_SECONDS} s`", cluster.state.to_json())


def comparable(args: tuple[str, ...], outcome: Outcome) -> Outcome:
    return outcome._replace(stdout=without_client_ages(outcome.stdout)) \
        if args[0] == "describe" else outcome


def difference(moment: Moment, args: tuple[str, ...], real: Outcome, ours: Outcome) -> str:
    lines = [f"after `{moment.command}`: kubectl {' '.join(args)}"]
    if real.status != ours.status:
        lines.append(f"  exit status: real {real.status}, sandbox {ours.status}")
    for stream in ("stdout", "stderr"):
        lines += difflib.unified_diff(getattr(real, stream).splitlines(),
                                      getattr(ours, stream).splitlines(),
                                      f"real {stream}", f"sandbox {stream}", lineterm="")
    return "\n".join(lines)


@pytest.mark.parametrize("lesson_file", MODULES, ids=lambda path: path.stem)
def test_the_real_kubectl_reads_every_state_of_the_module_as_the_sandbox_prints_it(
        lesson_file, tmp_path):
    moments, transcript = replay(lesson_file)
    assert "command not found" not in transcript, transcript
    fresh = [moment for moment in moments if moment.shown not in _judged]
    _judged.update(moment.shown for moment in fresh)
    with ExitStack() as stack, ThreadPoolExecutor(PARALLEL_CLIENTS) as pool:
        clients = [stack.enter_context(Served(moment.state_json, tmp_path / f"client-{index}"))
                   for index, moment in enumerate(fresh)]
        runs = [(moment, args, pool.submit(client.outcome, *args))
                for moment, client in zip(fresh, clients) for args in COMMANDS]
        differences = []
        for moment, args, real in runs:
            ours = comparable(args, sandbox_kubectl(moment.state_json, *args))
            theirs = comparable(args, real.result())
            if ours != theirs:
                differences.append(difference(moment, args, theirs, ours))
    assert not differences, "\n\n".join(differences)
