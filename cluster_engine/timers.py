"""Timers: the cluster's future, as data.

A timer is ``[due, sequence, action, args]`` kept in a heap inside the sandbox state, so pending
work (an image finishing its pull, a grace period ending) survives being saved and loaded. The
action is a name looked up in ``TIMER_ACTIONS``, never a Python callable, so the state stays JSON.
"""

from __future__ import annotations

import heapq
from typing import Callable

TIMER_ACTIONS: dict[str, Callable] = {}


def timer_action(name: str):
    """Register ``function(cluster, *args)`` as what happens when a timer called ``name`` is due."""
    def register(function):
        TIMER_ACTIONS[name] = function
        return function
    return register


class TimerQueue:
    def __init__(self, heap: list[list], counters: dict):
        self._heap = heap
        self._counters = counters
        self.changed = False

    def schedule(self, due: float, action: str, *args) -> list:
        """Queue ``action(*args)`` for ``due``; returns the arguments as the timer keeps them."""
        if action not in TIMER_ACTIONS:
            raise KeyError(f"unknown timer action {action!r}")
        sequence = self._counters["timerSequence"] = self._counters.get("timerSequence", 0) + 1
        kept = list(args)
        heapq.heappush(self._heap, [due, sequence, action, kept])
        self.changed = True
        return kept

    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop(self) -> tuple[float, str, list]:
        due, _sequence, action, args = heapq.heappop(self._heap)
        self.changed = True
        return due, action, args

    def pop_due(self, until: float) -> tuple[float, str, list] | None:
        """The next timer due at ``until`` or before, taken off the queue; None if there is none."""
        if self._heap and self._heap[0][0] <= until:
            return self.pop()
        return None

    def cancel(self, predicate: Callable[[str, list], bool]) -> None:
        kept = [timer for timer in self._heap if not predicate(timer[2], timer[3])]
        if len(kept) != len(self._heap):
            self._heap[:] = kept
            heapq.heapify(self._heap)
            self.changed = True

    def __len__(self) -> int:
        return len(self._heap)
