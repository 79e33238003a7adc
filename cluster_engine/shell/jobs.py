"""Background jobs: ``cmd &``, ``jobs``, ``fg``, ``kill``, ``wait``.

A job runs in a Python thread with its own copy of the shell. Only one command runs Python at a
time: a thread must hold the shell's baton, and gives it up only while its command waits in
``ctx.sleep`` (and the foreground also while the terminal waits for input). So a command never
sees the sandbox change under it except across a sleep, which is also where it may not hold a
transaction.

With the real clock, waiting threads simply sleep and take the baton back when they wake. With
the fake clock (scripted mode, tests) nothing may depend on thread timing, so the baton is handed
over explicitly: a background job runs only when the foreground lets time pass beyond the moment
the job is due, jobs run in order of due time, and the foreground continues once they wait again.
``kill`` marks a job; it ends at its next wait with status 143, reported ``Terminated``.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator, TextIO

from ..clock import Clock, FakeClock

#: More jobs than this at once are refused, as a process limit would refuse a fork.
MAX_JOBS = 64
#: With the fake clock nobody can press Ctrl-C: a wait for a job that never ends gives up after
#: this much fake time, as if interrupted.
MAX_FAKE_WAIT = 600.0
#: The signals ``kill`` sends, by name: their number and how ``jobs`` words a job they ended.
SIGNALS = {"HUP": (1, "Hangup"), "INT": (2, "Interrupt"), "QUIT": (3, "Quit"), "KILL": (9, "Killed"),
           "TERM": (15, "Terminated")}
_ENDED_BY = {128 + number: description for number, description in SIGNALS.values()}
_STATE_WIDTH = 24


class JobCancelled(BaseException):
    """Raised out of a killed job's wait; a BaseException so no command's ``except`` swallows it."""


@dataclass(eq=False)
class Job:
    number: int
    pid: int
    text: str
    #: The status once finished; None while running.
    status: int | None = None
    #: The status ``kill`` asked for (128 + the signal); the job ends with it at its next wait.
    cancelled: int | None = None
    #: With the fake clock: when the job's current wait ends; None while it runs or has not waited.
    due: float | None = None
    thread: threading.Thread | None = field(default=None, repr=False)
    wake: threading.Event = field(default_factory=threading.Event, repr=False)

    def state(self) -> str:
        """The job's state as ``jobs`` and the finish notices word it."""
        if self.status is None:
            return "Running"
        if self.status == 0:
            return "Done"
        if self.cancelled and self.status in _ENDED_BY:
            return _ENDED_BY[self.status]
        return f"Exit {self.status}"


FOREGROUND = "foreground"


class TurnTakingClock:
    """The clock a command sees: the baton's clock, whose waits let the other runners run."""

    def __init__(self, baton: Baton, runner: object):
        self.baton = baton
        self.runner = runner

    def now(self) -> float:
        return self.baton.clock.now()

    def sleep(self, seconds: float) -> None:
        self.baton.sleep(self.runner, seconds)


class Baton:
    """Who may run Python now: the foreground or one job."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self.fake = isinstance(clock, FakeClock)
        self._condition = threading.Condition()
        #: Real clock: the runner holding the baton, None when free. Fake clock: whose turn it is.
        self._holder: object | None = FOREGROUND if self.fake else None
        self._jobs: list[Job] = []

    def holding(self, runner: object) -> bool:
        return self._holder is runner

    # Taking and giving up the baton.

    def acquire(self, runner: object) -> None:
        if self.fake:
            return
        with self._condition:
            self._condition.wait_for(lambda: self._holder is None)
            self._holder = runner

    def release(self, runner: object) -> None:
        if self.fake:
            return
        with self._condition:
            if self._holder is runner:
                self._holder = None
                self._condition.notify_all()

    def _hand_to(self, runner: object, until: Callable[[], bool]) -> None:
        """Fake clock: let ``runner`` run, and wait until ``until`` holds."""
        with self._condition:
            self._holder = runner
            self._condition.notify_all()
            self._condition.wait_for(until)

    # Waiting.

    def sleep(self, runner: object, seconds: float) -> None:
        if runner is FOREGROUND:
            self._foreground_sleep(seconds)
        else:
            self._job_sleep(runner, seconds)

    def _foreground_sleep(self, seconds: float) -> None:
        if self.fake:
            self.run_due_jobs(self.clock.now() + max(seconds, 0.0))
            return
        with self._given_up(FOREGROUND):
            self.clock.sleep(seconds)

    @contextmanager
    def _given_up(self, runner: object) -> Iterator[None]:
        """Real clock: let others run meanwhile, if ``runner`` holds the baton."""
        held = self._holder is runner
        if held:
            self.release(runner)
        try:
            yield
        finally:
            if held:
                self.acquire(runner)

    def run_due_jobs(self, until: float) -> None:
        """Fake clock: move time to ``until``, running each job that falls due on the way."""
        while (job := self._next_due(until)) is not None:
            if job.due > self.clock.now() and not job.cancelled:
                self.clock.advance(job.due - self.clock.now())
            self._run_slice(job)
        if until > self.clock.now():
            self.clock.advance(until - self.clock.now())

    def _next_due(self, until: float) -> Job | None:
        """The job to run next: a killed one at once, else the first due by ``until``."""
        now = self.clock.now()
        due = [job for job in self._jobs
               if job.due is not None and (job.due <= until or job.cancelled)]
        return min(due, key=lambda job: (now if job.cancelled else job.due, job.number), default=None)

    def _run_slice(self, job: Job) -> None:
        job.due = None
        self._hand_to(job, lambda: self._holder is FOREGROUND)

    def _job_sleep(self, job: Job, seconds: float) -> None:
        if job.cancelled:
            raise JobCancelled
        if self.fake:
            job.due = self.clock.now() + max(seconds, 0.0)
            self._hand_to(FOREGROUND, lambda: self._holder is job)
        else:
            with self._given_up(job):
                job.wake.wait(min(seconds, threading.TIMEOUT_MAX))
        if job.cancelled:
            raise JobCancelled

    # Jobs' lives.

    def start(self, job: Job, body: Callable[[], int]) -> None:
        """Run ``body`` as ``job``; with the fake clock, until its first wait before returning."""

        def run() -> None:
            status = 1
            self.acquire(job)
            try:
                status = body()
            except JobCancelled:
                status = job.cancelled
            finally:
                with self._condition:
                    job.status, job.due = status, None
                    self._jobs.remove(job)
                    self._holder = FOREGROUND if self.fake else None
                    self._condition.notify_all()

        job.thread = threading.Thread(target=run, name=f"job-{job.number}", daemon=True)
        self._jobs.append(job)
        if self.fake:
            with self._condition:
                self._holder = job
                job.thread.start()
                self._condition.wait_for(lambda: self._holder is FOREGROUND)
        else:
            job.thread.start()

    def cancel(self, job: Job, status: int) -> None:
        """Make ``job`` end at its next wait; it goes at once with the real clock, or when
        ``finish_cancelled`` runs with the fake one."""
        job.cancelled = job.cancelled or status
        job.wake.set()

    def hang_up(self) -> None:
        """End every job, as bash's SIGHUP to its jobs does when it exits."""
        for job in list(self._jobs):
            self.cancel(job, 128 + SIGNALS["HUP"][0])
        self.finish_cancelled()

    def finish_cancelled(self) -> None:
        """Let killed jobs end now, as their signal would have ended them by the next command."""
        for job in [job for job in self._jobs if job.cancelled]:
            self.wait_for(job)

    def wait_for(self, job: Job) -> bool:
        """The foreground waits until ``job`` has finished: True, or False if it gave up (fake
        clock); with the real clock Ctrl-C ends the wait as a KeyboardInterrupt."""
        if not self.fake:
            with self._given_up(FOREGROUND):
                job.thread.join()
            return True
        limit = self.clock.now() + MAX_FAKE_WAIT
        while job.status is None:
            if job.cancelled:
                self._run_slice(job)
            elif job.due is None or job.due > limit:
                self.run_due_jobs(limit)
                return False
            else:
                self.run_due_jobs(job.due)
        return True


def notice(job: Job, mark: str, *, with_pid: bool = False, running_suffix: str = " &") -> str:
    """One line as ``jobs`` prints it: ``[1]+  Running                 sleep 100 &``."""
    state = job.state()
    suffix = running_suffix if job.status is None else ""
    pid = f" {job.pid}" if with_pid else " "
    return f"[{job.number}]{mark}{pid} {state:<{_STATE_WIDTH}}{job.text}{suffix}\n"


class JobTable:
    """The shell's jobs, numbered as bash numbers them, with the current (+) and previous (-) job."""

    def __init__(self, baton: Baton):
        self.baton = baton
        self.jobs: list[Job] = []
        #: ``$!``: the process id of the job started last.
        self.last_pid: int | None = None

    def add(self, text: str, next_pid: Callable[[], int]) -> Job | None:
        """A new job for ``text``; None when there are too many already."""
        if len([job for job in self.jobs if job.status is None]) >= MAX_JOBS:
            return None
        number = max((job.number for job in self.jobs), default=0) + 1
        job = Job(number, next_pid(), text)
        self.last_pid = job.pid
        self.jobs.append(job)
        return job

    def mark(self, job: Job) -> str:
        if self.jobs and job is self.jobs[-1]:
            return "+"
        if len(self.jobs) > 1 and job is self.jobs[-2]:
            return "-"
        return " "

    def find(self, spec: str) -> Job | None:
        """The job ``%N``, ``%%``, ``%+``, ``%-`` or ``%text`` (a job whose command starts so) names."""
        body = spec[1:] if spec.startswith("%") else spec
        if body in ("", "%", "+"):
            return self.jobs[-1] if self.jobs else None
        if body == "-":
            return self.jobs[-2] if len(self.jobs) > 1 else None
        if body.isdigit():
            return next((job for job in self.jobs if job.number == int(body)), None)
        return next((job for job in reversed(self.jobs) if job.text.startswith(body)), None)

    def by_pid(self, pid: int) -> Job | None:
        return next((job for job in self.jobs if job.pid == pid), None)

    def forget(self, job: Job) -> None:
        self.jobs.remove(job)

    def report_finished(self, out: TextIO) -> None:
        """Print a notice for each job that has finished and forget it, as bash does before a prompt."""
        for job in [job for job in self.jobs if job.status is not None]:
            out.write(notice(job, self.mark(job)))
            self.forget(job)
