"""Kubernetes resource quantities (``100m``, ``128Mi``, ``1.5``, ``2e3``) as exact numbers.

The scheduler compares requests with a node's allocatable resources, the API server compares
requests with limits to find a pod's QoS class; both need ``500m`` cpu to equal ``0.5``.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

_BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
_DECIMAL = {"n": Fraction(1, 10 ** 9), "u": Fraction(1, 10 ** 6), "m": Fraction(1, 1000), "": 1,
            "k": 10 ** 3, "M": 10 ** 6, "G": 10 ** 9, "T": 10 ** 12, "P": 10 ** 15, "E": 10 ** 18}
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$")


def parse_quantity(text) -> Fraction:
    """The value of a quantity; ``ValueError`` for text the API server would reject."""
    if isinstance(text, (int, float)):
        return Fraction(text)
    return _parse_text(str(text))


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Fraction:
    """Cached: a scheduling pass reads the same few quantities of every node and pod again."""
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise ValueError(f"quantities must match the regular expression "
                         f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {text!r}")
    number, exponent, suffix = match.groups()
    value = Fraction(number)
    if exponent:
        return value * Fraction(10) ** int(exponent[1:])
    suffix = suffix or ""
    return value * (_BINARY[suffix] if suffix in _BINARY else _DECIMAL[suffix])


_DECIMAL_SUFFIXES = ((18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k"), (0, ""),
                     (-3, "m"), (-6, "u"), (-9, "n"))
_BINARY_SUFFIXES = ((60, "Ei"), (50, "Pi"), (40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki"))


def canonical_quantity(text: str) -> str:
    """A quantity written as the API machinery writes it back (``0.5`` → ``500m``, ``2000`` →
    ``2k``, ``1024Mi`` → ``1Gi``, ``129e6`` stays): the largest suffix of its kind (binary for a
    whole number of bytes given with ``Ki``…``Ei``, an exponent if one was given, decimal
    otherwise) that leaves a whole number, rounded up to nano units. ``ValueError`` as
    ``parse_quantity``."""
    value = parse_quantity(text)
    if value == 0:
        return "0"
    sign, value = ("-" if value < 0 else ""), abs(value)
    if str(text).strip()[-2:] in _BINARY and value.denominator == 1:
        whole = int(value)
        for shift, suffix in _BINARY_SUFFIXES:
            if whole % (1 << shift) == 0:
                return f"{sign}{whole >> shift}{suffix}"
        return f"{sign}{whole}"
    with_exponent = re.search(r"[eE][+-]?\d+$", str(text).strip()) is not None
    nanos = math.ceil(value * 10 ** 9)
    for exponent, suffix in _DECIMAL_SUFFIXES:
        scale = 10 ** (exponent + 9)
        if nanos % scale == 0:
            if with_exponent:
                suffix = f"e{exponent}" if exponent else ""
            return f"{sign}{nanos // scale}{suffix}"
    return f"{sign}{nanos}n"
