"""Plays a lesson in a fresh sandbox, as a learner would, and reports the steps whose checks fail.

Lessons are tested like code: ``manage.py lessons check`` runs every module's start commands and
then each step's click-to-run commands in scripted mode (fake clock, fixed seed), and after each
step lets simulated time pass — up to ``patience`` seconds — until the step's checks hold. A
command meant for another terminal tab (``kubectl proxy`` in tab 2) runs as a background job of
the one scripted shell, which is what a second tab amounts to; ``interrupt`` ends the job that
tab was running first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Iterator

from cluster_engine import lesson_checks
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.sandbox import LocalBackend
from cluster_engine.script import run_script
from cluster_engine.state import SandboxState

from .lessons import Lesson, Step

#: Simulated seconds a step may take to settle (image pulls, rollouts) before its checks count
#: as failed; far more than any step of the course needs.
PATIENCE_SECONDS = 300
_TICK_SECONDS = 1.0


@dataclass
class StepFailure:
    step: Step
    check: str

    def __str__(self) -> str:
        return f"step {self.step.id!r}: check not passed: {self.check}"


@dataclass
class Playthrough:
    lesson: Lesson
    language: str
    failures: list[StepFailure] = field(default_factory=list)
    transcript: str = ""

    @property
    def passed(self) -> bool:
        return not self.failures


def play(lesson: Lesson, language: str, seed: int = 1,
         patience: float = PATIENCE_SECONDS) -> Playthrough:
    clock = FakeClock()
    backend = LocalBackend(SandboxState.fresh(seed))
    result = Playthrough(lesson, language)
    out = io.StringIO()
    run_script(_lines(lesson, backend, clock, result, patience), out, clock, seed=seed,
               lang=language, backend=backend)
    result.transcript = out.getvalue()
    return result


def _lines(lesson: Lesson, backend: LocalBackend, clock: FakeClock, result: Playthrough,
           patience: float) -> Iterator[str]:
    """The lines to type, one at a time; between steps, the time that the checks need."""
    ran: list[str] = []
    jobs_by_tab: dict[int, int] = {}
    for command in lesson.start:
        yield command
    for step in lesson.steps:
        for command in step.commands:
            if command.interrupt and command.tab in jobs_by_tab:
                yield f"kill %{jobs_by_tab.pop(command.tab)}"
            text = command.run
            if command.tab > 1:
                jobs_by_tab[command.tab] = max(jobs_by_tab.values(), default=0) + 1
                text += " &"
            yield from text.split("\n")
            ran.append(command.run)
        pending = _wait_for_checks(step, backend, clock, ran, patience)
        result.failures += [StepFailure(step, lesson_checks.describe(check)) for check in pending]


def _wait_for_checks(step: Step, backend: LocalBackend, clock: FakeClock, ran: list[str],
                     patience: float) -> list[dict]:
    checks = [check.as_dict() for check in step.checks]
    waited = 0.0
    while True:
        cluster = Cluster(SandboxState.from_json(backend.state_json), clock)
        cluster.advance()
        pending = [check for check in checks if not lesson_checks.passed(check, cluster, ran)]
        if not pending or waited >= patience:
            return pending
        clock.advance(_TICK_SECONDS)
        waited += _TICK_SECONDS
