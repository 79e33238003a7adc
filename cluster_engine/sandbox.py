"""How a sandbox process borrows its state, one command at a time.

The state lives with the parent (the web server's database, or memory in scripted mode). A
command opens a transaction: ``begin`` takes the sandbox lock and fetches the state (or learns that
the copy already held is current), the cluster is advanced to now, the command runs, and
``commit`` or ``abort`` ends it. Commands that wait (``minikube start``, ``rollout status``) open
several short transactions and never hold the lock while they sleep.

Background jobs run in threads of the same process. The shell lets only one of them run at a time
and switches only while a command sleeps, so transactions never overlap; a lock makes sure of it
(and keeps a thread's event from interleaving with another's transaction on the state channel).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Protocol

from .clock import Clock
from .cluster import Cluster
from .state import SandboxState


#: How long a transaction waits for another thread's to end before calling that a bug.
TRANSACTION_WAIT = 10.0


class StateConflict(Exception):
    """Somebody else committed in between; the command's changes were not saved."""


class StateBackend(Protocol):
    def begin(self, have_version: int | None) -> tuple[int, str | None]:
        """Lock the sandbox; return its version and its JSON, or None if ``have_version`` is current."""

    def commit(self, state_json: str, object_count: int) -> int:
        """Save, unlock, return the new version; raise StateConflict if the lock was lost."""

    def abort(self) -> None:
        """Unlock without saving."""

    def event(self, event: dict) -> None:
        """Tell the parent something happened (a command ran); no answer expected."""


class LocalBackend:
    """The state kept in this process: scripted mode, tests and tools."""

    def __init__(self, state: SandboxState | None = None):
        self.state_json = (state or SandboxState.fresh()).to_json()
        self.version = 1
        self.events: list[dict] = []

    def begin(self, have_version):
        if have_version == self.version:
            return self.version, None
        return self.version, self.state_json

    def commit(self, state_json, object_count):
        self.state_json = state_json
        self.version += 1
        return self.version

    def abort(self):
        pass

    def event(self, event):
        self.events.append(event)


class Sandbox:
    """The sandbox process's view of its state, with the last fetched copy cached."""

    def __init__(self, backend: StateBackend, clock: Clock):
        self.backend = backend
        self.clock = clock
        self._state: SandboxState | None = None
        self._version: int | None = None
        self._depth = 0
        self._cluster: Cluster | None = None
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[Cluster]:
        """The cluster, advanced to now; saved on success, untouched on error.

        Nested use (a tool calling another) joins the transaction already open in its thread.
        """
        if not self._lock.acquire(timeout=TRANSACTION_WAIT):
            raise RuntimeError("another thread holds the sandbox state: "
                               "a command must not sleep inside a transaction")
        try:
            if self._cluster is not None:
                self._depth += 1
                try:
                    yield self._cluster
                finally:
                    self._depth -= 1
                return
            yield from self._transaction()
        finally:
            self._lock.release()

    def _transaction(self) -> Iterator[Cluster]:
        version, state_json = self.backend.begin(self._version)
        try:
            if state_json is not None:
                self._state = SandboxState.from_json(state_json)
            self._version = version
            cluster = self._cluster = Cluster(self._state, self.clock)
            cluster.advance()
            yield cluster
        except BaseException:
            self._cluster = None
            self._state = self._version = None
            self.backend.abort()
            raise
        self._cluster = None
        if cluster.finish():
            try:
                self._version = self.backend.commit(self._state.to_json(), self._state.object_count())
            except StateConflict:
                self._state = self._version = None
                raise
        else:
            self.backend.abort()

    def event(self, **event) -> None:
        with self._lock:
            self.backend.event(event)
