"""How kubectl writes an elapsed time: AGE, LAST SEEN, ``5 (70s ago)``, describe's event ages.

This is apimachinery's ``HumanDuration``: two units while the finer one still says something
(``2m3s``, ``3h5m``, ``2d3h``, ``2y10d``), one unit otherwise, and a little tolerance for a clock
that runs slightly behind.
"""

from __future__ import annotations

import math

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_YEAR = 365 * _DAY


def human_duration(seconds: float) -> str:
    whole = math.trunc(seconds)
    if whole < -1:
        return "<invalid>"
    if whole < 0:
        return "0s"
    if whole < 2 * _MINUTE:
        return f"{whole}s"
    minutes = whole // _MINUTE
    if minutes < 10:
        rest = whole % _MINUTE
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 3 * 60:
        return f"{minutes}m"
    hours = whole // _HOUR
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 8 * 24:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 2 * 365 * 24:
        return f"{hours // 24}d"
    if hours < 8 * 365 * 24:
        days = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if days == 0 else f"{years}y{days}d"
    return f"{hours // 24 // 365}y"


def age(timestamp: float | None, now: float) -> str:
    """The AGE cell for an object created at ``timestamp`` (``<unknown>`` when there is none)."""
    if timestamp is None:
        return "<unknown>"
    return human_duration(now - timestamp)
