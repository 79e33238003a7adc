"""The timer queue hands out due timers in order, and its listeners see the arguments kept."""

import cluster_engine.cluster  # noqa: F401  (registers the controllers' timer actions)
from cluster_engine.timers import TIMER_ACTIONS, TimerQueue

ACTION = "kubelet.sandbox"
assert ACTION in TIMER_ACTIONS


def test_pop_due_takes_only_timers_due_by_then_in_due_and_scheduling_order():
    counters: dict = {}
    queue = TimerQueue([], counters)
    queue.schedule(2.0, ACTION, "late")
    queue.schedule(1.0, ACTION, "first")
    queue.schedule(1.0, ACTION, "second")
    queue.changed = False

    assert queue.pop_due(0.5) is None
    assert not queue.changed
    assert queue.pop_due(1.0) == (1.0, ACTION, ["first"])
    assert queue.pop_due(1.0) == (1.0, ACTION, ["second"])
    assert queue.pop_due(1.5) is None
    assert queue.changed and len(queue) == 1 and counters["timerSequence"] == 3


def test_schedule_returns_the_arguments_the_timer_keeps():
    heap: list = []
    kept = TimerQueue(heap, {}).schedule(1.0, ACTION, "ns", "name")
    assert kept == ["ns", "name"] and heap[0][3] is kept
