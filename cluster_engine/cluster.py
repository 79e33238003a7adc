"""The cluster for the span of one command: state, clock and random numbers bound together.

``advance()`` brings the cluster up to the clock's present: every due timer runs at its own due
time, in order, and the controllers reconcile after each, so the state at time T is the same
whether it was reached in one step or in many.
"""

from __future__ import annotations

from typing import Callable

from .clock import Clock
from .rng import SandboxRandom
from .state import SandboxState
from .store import ObjectStore
from .timers import TIMER_ACTIONS, TimerQueue

#: Level-driven control loops, run after every change until the cluster is quiet.
CONTROLLERS: list[Callable[["Cluster"], None]] = []


def controller(reconcile: Callable[["Cluster"], None]) -> Callable[["Cluster"], None]:
    """Register ``reconcile(cluster)``: one step towards the desired state, from what it sees."""
    CONTROLLERS.append(reconcile)
    return reconcile

_MAX_RECONCILE_ROUNDS = 50


class Cluster:
    def __init__(self, state: SandboxState, clock: Clock):
        self.state = state
        self.clock = clock
        self.rng = SandboxRandom(state.rng_state)
        self.now = state.now if state.now is not None else clock.now()
        self.store = ObjectStore(state.objects, state.counters, self.rng, lambda: self.now)
        self.timers = TimerQueue(state.timers, state.counters)
        self._rng_start = self.rng.state
        self._profile_start = dict(state.minikube)
        #: Indexes derived from the store for this command's span; each checks its own staleness.
        self.cache: dict[str, object] = {}

    @property
    def profile(self) -> dict:
        """The minikube profile: whether a cluster exists and runs, and its settings."""
        return self.state.minikube

    @property
    def running(self) -> bool:
        return self.profile.get("status") == "Running"

    def advance(self, until: float | None = None) -> None:
        target = self.clock.now() if until is None else until
        while (due := self.timers.next_due()) is not None and due <= target:
            due, action, args = self.timers.pop()
            self.now = max(self.now, due)
            TIMER_ACTIONS[action](self, *args)
            self.reconcile(force=True)
        self.now = max(self.now, target)
        self.reconcile()

    def reconcile(self, force: bool = False) -> None:
        """Let the controllers work until nothing changes any more.

        Like informers, they only wake for a change: a cluster already settled at the current
        resourceVersion is left alone unless a timer just fired (``force``), which keeps a
        read-only command from re-running every control loop.
        """
        if not self.running:
            return
        counters = self.state.counters
        if not force and counters.get("settledResourceVersion") == counters.get("resourceVersion", 0):
            return
        for _round in range(_MAX_RECONCILE_ROUNDS):
            before = counters.get("resourceVersion", 0)
            for control_loop in CONTROLLERS:
                control_loop(self)
            if counters.get("resourceVersion", 0) == before:
                counters["settledResourceVersion"] = before
                return

    def finish(self) -> bool:
        """Write the clock and random state back; True if anything worth saving changed.

        The clock alone moving is not a change: advancing again from the older time gives the
        same result, so a read-only command never costs a database write.
        """
        self.state.rng_state = self.rng.state
        self.state.now = self.now
        return (self.store.changed or self.timers.changed or self.rng.state != self._rng_start
                or self.profile != self._profile_start)


from . import controllers  # noqa: E402,F401  (its modules register themselves with ``controller``)
