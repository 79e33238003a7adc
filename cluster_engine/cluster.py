"""The cluster for the span of one command: state, clock and random numbers bound together.

``advance()`` brings the cluster up to the clock's present: every due timer runs at its own due
time, in order, and the controllers reconcile after each, so the state at time T is the same
whether it was reached in one step or in many.
"""

from __future__ import annotations

import heapq
from typing import Callable, Iterator

from .clock import Clock
from .rng import SandboxRandom
from .state import SandboxState, cyclic_collection_paused
from .store import ObjectStore
from .timers import TIMER_ACTIONS, TimerQueue

#: Level-driven control loops, run after every change until the cluster is quiet.
CONTROLLERS: list[Callable[["Cluster"], None]] = []


def controller(reconcile: Callable[["Cluster"], None]) -> Callable[["Cluster"], None]:
    """Register ``reconcile(cluster)``: one step towards the desired state, from what it sees."""
    CONTROLLERS.append(reconcile)
    return reconcile


#: Builders of the controllers' informers (work queues fed by store and timer listeners).
INFORMERS: list[Callable[["Cluster"], object]] = []


def informer(build: Callable[["Cluster"], object]) -> Callable[["Cluster"], object]:
    """Register ``build(cluster)``, which sets up (once per cluster, in ``cluster.cache``) what
    a controller watches; all are started before a transaction's first timer fires, so a
    cluster loaded from its saved state sees the same changes as one that kept running. (A
    command's own writes come before any informer exists; the cluster is then no longer
    settled, and each starts with everything queued.)"""
    INFORMERS.append(build)
    return build


_MAX_RECONCILE_ROUNDS = 50


class WorkQueue:
    """Keys a controller must sync, fed by store listeners (the informer + workqueue pattern).

    ``drain()`` hands keys out in key order, as a full scan would reach them: a key added ahead
    of the cursor is still synced in this pass, one added behind it waits for the next, so
    syncing only the dirty keys gives the same result as syncing every key would.
    """

    def __init__(self, keys=()):
        self._dirty: set = set(keys)
        self._heap: list = sorted(self._dirty)

    def add(self, key) -> None:
        if key not in self._dirty:
            self._dirty.add(key)
            heapq.heappush(self._heap, key)

    def __contains__(self, key) -> bool:
        return key in self._dirty

    def __len__(self) -> int:
        return len(self._dirty)

    def discard(self, key) -> None:
        self._dirty.discard(key)

    def drain(self) -> Iterator:
        last, behind = None, []
        while self._heap:
            key = heapq.heappop(self._heap)
            if key not in self._dirty:
                continue
            if last is not None and key <= last:
                behind.append(key)
                continue
            self._dirty.discard(key)
            last = key
            yield key
        for key in behind:
            heapq.heappush(self._heap, key)


class _WatchedTimers(TimerQueue):
    """The timer queue, telling ``listeners(event, action, args)`` of every timer scheduled,
    fired or cancelled, so controllers can index pending timers instead of scanning them."""

    def __init__(self, heap: list[list], counters: dict):
        super().__init__(heap, counters)
        self.listeners: list[Callable[[str, str, list], None]] = []

    def _tell(self, event: str, action: str, args: list) -> None:
        for listener in self.listeners:
            listener(event, action, args)

    def schedule(self, due: float, action: str, *args) -> list:
        kept = super().schedule(due, action, *args)
        self._tell("scheduled", action, kept)
        return kept

    def pop(self) -> tuple[float, str, list]:
        due, action, args = super().pop()
        self._tell("fired", action, args)
        return due, action, args

    def cancel(self, predicate: Callable[[str, list], bool]) -> None:
        cancelled = []

        def watched(action: str, args: list) -> bool:
            if predicate(action, args):
                cancelled.append((action, args))
                return True
            return False

        super().cancel(watched)
        for action, args in cancelled:
            self._tell("cancelled", action, args)


class Cluster:
    def __init__(self, state: SandboxState, clock: Clock):
        self.state = state
        self.clock = clock
        self.rng = SandboxRandom(state.rng_state)
        self.now = state.now if state.now is not None else clock.now()
        self.store = ObjectStore(state.objects, state.counters, self.rng, lambda: self.now)
        self.timers = _WatchedTimers(state.timers, state.counters)
        self._rng_start = self.rng.state
        self._profile_start = dict(state.minikube)
        self._other_state_changed = False
        #: Indexes derived from the store for this command's span; each checks its own staleness.
        self.cache: dict[str, object] = {}

    def index(self, qualified_name: str, name: str, value: Callable[[dict], object]
              ) -> dict[object, set[str]]:
        """Store keys of one type grouped by ``value(obj)`` (None: left out), kept current by a
        store listener. Buckets emptied behind the store's back leave stale keys, so readers
        check each key against the stored object."""
        index = self.cache.get(name)
        if index is not None:
            return index
        index = self.cache[name] = {}
        where: dict[str, object] = {}
        bucket = self.state.objects.get(qualified_name, {})

        def put(key: str, obj: dict | None) -> None:
            new = value(obj) if obj is not None else None
            old = where.get(key)
            if old == new:
                return
            if old is not None:
                del where[key]
                index[old].discard(key)
            if new is not None:
                where[key] = new
                index.setdefault(new, set()).add(key)

        for key, obj in bucket.items():
            put(key, obj)

        def on_write(written: str, old: dict | None, new: dict | None) -> None:
            obj = new or old
            put(f'{obj["metadata"].get("namespace") or ""}/{obj["metadata"]["name"]}', new)

        self.store.watch(on_write, qualified_name)
        return index

    @property
    def profile(self) -> dict:
        """The minikube profile: whether a cluster exists and runs, and its settings."""
        return self.state.minikube

    @property
    def settled(self) -> bool:
        """Whether the controllers had nothing left to do at the current resourceVersion."""
        counters = self.state.counters
        return counters.get("settledResourceVersion") == counters.get("resourceVersion", 0)

    @property
    def running(self) -> bool:
        return self.profile.get("status") == "Running"

    def advance(self, until: float | None = None) -> None:
        target = self.clock.now() if until is None else until
        with cyclic_collection_paused():
            if self.running and (due := self.timers.next_due()) is not None and due <= target:
                for build in INFORMERS:
                    build(self)
            while (timer := self.timers.pop_due(target)) is not None:
                due, action, args = timer
                self.now = max(self.now, due)
                TIMER_ACTIONS[action](self, *args)
                self.reconcile(force=True)
            self.now = max(self.now, target)
            self.reconcile()

    def reconcile(self, force: bool = False) -> None:
        """Let the controllers work until nothing changes any more.

        Like informers, they only wake for a change: a cluster already settled at the current
        resourceVersion is left alone unless a timer just fired (``force``), which keeps a
        read-only command from re-running every control loop; and within one call, a control
        loop that has seen the current resourceVersion is not run again.
        """
        if not self.running:
            return
        counters = self.state.counters
        if not force and self.settled:
            return
        started_at: dict[Callable, int] = {}
        with cyclic_collection_paused():
            for _round in range(_MAX_RECONCILE_ROUNDS):
                before = version = counters.get("resourceVersion", 0)
                for control_loop in CONTROLLERS:
                    if started_at.get(control_loop) != version:
                        started_at[control_loop] = version
                        control_loop(self)
                        version = counters.get("resourceVersion", 0)
                if version == before:
                    counters["settledResourceVersion"] = before
                    return

    def mark_state_changed(self) -> None:
        """Make this transaction save a change the cluster cannot see by itself.

        The store, the timers, the random generator and the minikube profile report their own
        changes; everything else the state holds (the learner's files, container layers and
        logs, loopback listeners, the shell's saved history) is written straight into
        ``self.state``, and whoever writes it says so here.
        """
        self._other_state_changed = True

    def finish(self) -> bool:
        """Write the clock and random state back; True if anything worth saving changed.

        The clock alone moving is not a change: advancing again from the older time gives the
        same result, so a read-only command never costs a database write.
        """
        self.state.rng_state = self.rng.state
        self.state.now = self.now
        return (self._other_state_changed or self.store.changed or self.timers.changed
                or self.rng.state != self._rng_start or self.profile != self._profile_start)


from . import controllers  # noqa: E402,F401  (its modules register themselves with ``controller``)
