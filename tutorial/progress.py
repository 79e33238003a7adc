"""Lesson progress: which steps of a module a learner has passed, judged on the server.

The browser never says a step is done. After each command a terminal runs, its consumer calls
``record_command``: the command line is noted for the module the tab shows, and the steps not yet
passed are judged by ``cluster_engine.lesson_checks`` against the sandbox state just committed,
loaded read-only and advanced to the real time without being saved. A step that passed stays
passed, whatever the learner does to the cluster afterwards; only a module reset clears it.
"""

from __future__ import annotations

from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction

from cluster_engine import lesson_checks
from cluster_engine.clock import RealClock
from cluster_engine.cluster import Cluster
from cluster_engine.state import SandboxState

from .lessons import Lesson, Step, get_catalogue
from .models import Progress, Sandbox, sandbox_group

#: Command lines kept per learner and module for ``ran`` checks: the most recent ones.
MAX_COMMANDS = 200
#: A longer line is kept cut to this length; lesson patterns look at a command's start.
MAX_COMMAND_CHARS = 2000


@dataclass(frozen=True)
class Learner:
    """Whose progress it is: a logged-in user, or else an anonymous browser session."""

    session_key: str
    user_id: int | None = None

    @classmethod
    def of(cls, session_key: str, user) -> Learner:
        """The learner behind a session and its (possibly anonymous) user."""
        authenticated = user is not None and user.is_authenticated
        return cls(session_key, user.pk if authenticated else None)

    def progress(self):
        if self.user_id is not None:
            return Progress.objects.filter(user_id=self.user_id)
        return Progress.objects.filter(user__isnull=True, session_key=self.session_key)

    def owner_fields(self) -> dict:
        if self.user_id is not None:
            return {"user_id": self.user_id}
        return {"user": None, "session_key": self.session_key}


def passed_steps(learner: Learner, lesson: Lesson) -> list[str]:
    """The ids of the module's steps this learner passed, in the module's order."""
    row = learner.progress().filter(module=lesson.id).values_list("passed_steps", flat=True).first()
    return _in_lesson_order(lesson, row or [])


def progress_by_module(learner: Learner, lessons) -> dict[str, list[str]]:
    """``passed_steps`` for every lesson given, in one query."""
    stored = dict(learner.progress().filter(module__in=[lesson.id for lesson in lessons])
                  .values_list("module", "passed_steps"))
    return {lesson.id: _in_lesson_order(lesson, stored.get(lesson.id, [])) for lesson in lessons}


@dataclass(frozen=True)
class Judgement:
    passed: list[str]
    #: Whether ``passed`` just grew: the terminals showing the module should hear of it.
    changed: bool
    #: Seconds until the cluster changes by itself (a Pod becomes Ready) while a step that looks
    #: at the cluster is still pending: judging again then shows its ✓ without another command.
    judge_again_in: float | None = None


def record_command(learner: Learner, sandbox_id: int, lesson: Lesson, line: str | None) -> Judgement:
    """Note that ``line`` ran in ``lesson`` (None: nothing ran, time passed) and judge the
    module's pending steps on the sandbox's committed state.

    The judging happens outside any transaction (it is the slow part); its result is merged into
    the row in a short one, so two tabs finishing commands together both count.
    """
    ran = [] if line is None else [line[:MAX_COMMAND_CHARS]]
    row = learner.progress().filter(module=lesson.id).values_list("passed_steps", "commands").first()
    passed, commands = row if row else ([], [])
    pending = [step for step in lesson.steps if step.id not in passed]
    newly_passed, judge_again_in = _judge(pending, sandbox_id, (commands + ran)[-MAX_COMMANDS:])
    if not ran and not newly_passed:
        return Judgement(_in_lesson_order(lesson, passed), False, judge_again_in)
    with transaction.atomic():
        progress = _progress_row_for_update(learner, lesson.id)
        progress.commands = (progress.commands + ran)[-MAX_COMMANDS:]
        before = set(progress.passed_steps)
        progress.passed_steps = sorted(before | set(newly_passed))
        progress.save(update_fields=["commands", "passed_steps", "updated"])
    return Judgement(_in_lesson_order(lesson, progress.passed_steps), not before.issuperset(newly_passed),
                     judge_again_in)


def clear_progress(learner: Learner, lesson: Lesson) -> None:
    learner.progress().filter(module=lesson.id).delete()


def _judge(steps: list[Step], sandbox_id: int, commands: list[str]) -> tuple[list[str], float | None]:
    """The ids of ``steps`` whose checks all hold now, and when to judge again; the cluster is
    loaded (read-only, advanced to now, never saved) only if a check looks at it."""
    looking_at_cluster = [step for step in steps if any("ran" not in check.as_dict() for check in step.checks)]
    if not looking_at_cluster:
        return [step.id for step in steps if _holds(step, None, commands)], None
    state = Sandbox.objects.values_list("state", flat=True).get(pk=sandbox_id)
    clock = RealClock()
    cluster = Cluster(SandboxState.from_json(state), clock)
    cluster.advance()
    passed = [step.id for step in steps if _holds(step, cluster, commands)]
    next_change = cluster.timers.next_due()
    waiting = next_change is not None and any(step.id not in passed for step in looking_at_cluster)
    return passed, max(next_change - clock.now(), 0.0) if waiting else None


def _holds(step: Step, cluster: Cluster | None, commands: list[str]) -> bool:
    return all(lesson_checks.passed(check.as_dict(), cluster, commands) for check in step.checks)


def _progress_row_for_update(learner: Learner, module: str) -> Progress:
    progress = learner.progress().select_for_update().filter(module=module).first()
    if progress is not None:
        return progress
    try:
        with transaction.atomic():
            return Progress.objects.create(module=module, **learner.owner_fields())
    except IntegrityError:
        return learner.progress().select_for_update().get(module=module)


def _in_lesson_order(lesson: Lesson, passed) -> list[str]:
    passed = set(passed)
    return [step.id for step in lesson.steps if step.id in passed]


def find_lesson(module: str) -> Lesson | None:
    """The module of the current catalogue with this id (lesson files may change while we run)."""
    return next((lesson for lesson in get_catalogue().lessons if lesson.id == module), None)


def progress_message(module: str, passed: list[str]) -> dict:
    """The channel-layer message that tells a sandbox's terminals of a module's passed steps."""
    return {"type": "progress.changed", "module": module, "passed": passed}


def announce(sandbox_id: int, module: str, passed: list[str]) -> None:
    """Tell the sandbox's open terminals (from synchronous code, such as a view)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(sandbox_group(sandbox_id), progress_message(module, passed))
