"""The sandbox's own random numbers.

Name suffixes, NodePorts and IP addresses are random in a real cluster. Here they come from a
SplitMix64 generator whose whole state is one integer kept in the sandbox state, so a sandbox that
is saved and loaded goes on drawing the same numbers, and the same seed replays the same session.
"""

from __future__ import annotations

from functools import lru_cache

_MASK = (1 << 64) - 1

#: The alphabet Kubernetes uses for generated names (no vowels, no confusable digits).
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


@lru_cache(maxsize=64)
def _draw_limit(n: int) -> int:
    """The largest multiple of ``n`` a 64-bit draw can reach: draws at or above it are drawn
    again, so every value below ``n`` is equally likely."""
    return (1 << 64) - ((1 << 64) % n)


class SandboxRandom:
    def __init__(self, state: int = 0):
        self.state = state & _MASK

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        """A uniform integer in ``[0, n)``."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = _draw_limit(n)
        while True:
            value = self.next_u64()
            if value < limit:
                return value % n

    def between(self, low: int, high: int) -> int:
        """A uniform integer in ``[low, high]``."""
        return low + self.below(high - low + 1)

    def choice(self, items):
        return items[self.below(len(items))]

    def token(self, length: int, alphabet: str = NAME_ALPHABET) -> str:
        """``length`` characters drawn as ``below(len(alphabet))`` would draw them, inlined:
        every pod and event name costs one of these."""
        size = len(alphabet)
        limit = _draw_limit(size)
        state, drawn = self.state, []
        while len(drawn) < length:
            state = (state + 0x9E3779B97F4A7C15) & _MASK
            z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
            value = z ^ (z >> 31)
            if value < limit:
                drawn.append(alphabet[value % size])
        self.state = state
        return "".join(drawn)

    def hex(self, length: int) -> str:
        """``length`` hex digits, sixteen from each draw (a container ID takes 64)."""
        return "".join(f"{self.next_u64():016x}" for _ in range(-(-length // 16)))[:length]

    def uuid(self) -> str:
        """A version 4 UUID: 128 random bits with the version and variant digits set (every
        object created costs one)."""
        high, low = self.next_u64(), self.next_u64()
        high = (high & ~(0xF << 12)) | (0x4 << 12)
        low = (low & ~(0x3 << 62)) | (0x2 << 62)
        digits = "%016x%016x" % (high, low)
        return "-".join((digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]))
