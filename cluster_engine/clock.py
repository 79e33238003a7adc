"""Time as the engine sees it.

The engine never reads the wall clock itself: it is handed a clock. The site uses the real one;
tests and scripted mode use a fake one that stands still until something waits on it, so a
script produces the same transcript on every run.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from functools import lru_cache
from typing import Protocol

#: Where the fake clock starts unless told otherwise: a fixed instant keeps transcripts stable.
FAKE_CLOCK_EPOCH = datetime(2026, 11, 25, 16, 0, 0, tzinfo=timezone.utc).timestamp()


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch."""

    def sleep(self, seconds: float) -> None:
        """Wait; a fake clock moves forward instead."""


#: A Ctrl-C that lands just before a sleep starts is only noticed when that sleep ends, so a
#: long wait sleeps in slices this short.
_SLEEP_SLICE = 0.2


class RealClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + min(seconds, threading.TIMEOUT_MAX)
        while (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(remaining, _SLEEP_SLICE))


class FakeClock:
    def __init__(self, start: float = FAKE_CLOCK_EPOCH):
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._now += seconds

    advance = sleep


def rfc3339(timestamp: float) -> str:
    """Kubernetes' wire format for times: second precision, UTC, ``Z``."""
    return _rfc3339_second(int(timestamp))


#: Controllers stamp many writes with the same few seconds; formatting each costs microseconds.
@lru_cache(maxsize=1024)
def _rfc3339_second(second: int) -> str:
    return datetime.fromtimestamp(second, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=1024)
def parse_rfc3339(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
