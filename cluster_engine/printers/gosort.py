"""Go's ``sort.Sort`` (pattern-defeating quicksort), for ``kubectl get --sort-by``.

``sort.Sort`` is not stable, and kubectl's comparison calls an object that lacks the field
"less" than every other, so which of several equal objects comes first is decided by the exact
steps of Go's algorithm: insertion sort up to 12 elements, then pdqsort with its pivot choice,
its partitions and its deterministic pattern breaker. Sorting events by timestamp, where many
are equal, shows that order to the learner, so it is reproduced step for step.
"""

from __future__ import annotations

from typing import Callable, TypeVar

Item = TypeVar("Item")

_INSERTION_MAX = 12
_NINTHER_MIN = 50
_PARTIAL_SHIFT_MIN = 50
_PARTIAL_STEPS = 5
_MAX_PIVOT_SWAPS = 12
_INCREASING, _DECREASING, _UNKNOWN = "increasing", "decreasing", "unknown"
_MASK64 = (1 << 64) - 1


def go_sort(items: list[Item], less: Callable[[Item, Item], bool]) -> list[Item]:
    """A sorted copy of ``items`` in exactly the order Go's ``sort.Sort`` leaves them."""
    sorter = _Sorter(list(items), less)
    if len(sorter.data) > 1:
        sorter.pdqsort(0, len(sorter.data), len(sorter.data).bit_length())
    return sorter.data


class _Sorter:
    def __init__(self, data: list, less: Callable):
        self.data = data
        self._less = less

    def less(self, i: int, j: int) -> bool:
        return self._less(self.data[i], self.data[j])

    def swap(self, i: int, j: int) -> None:
        self.data[i], self.data[j] = self.data[j], self.data[i]

    def insertion_sort(self, a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and self.less(j, j - 1):
                self.swap(j, j - 1)
                j -= 1

    def sift_down(self, low: int, high: int, first: int) -> None:
        root = low
        while True:
            child = 2 * root + 1
            if child >= high:
                return
            if child + 1 < high and self.less(first + child, first + child + 1):
                child += 1
            if not self.less(first + root, first + child):
                return
            self.swap(first + root, first + child)
            root = child

    def heap_sort(self, a: int, b: int) -> None:
        high = b - a
        for i in range((high - 1) // 2, -1, -1):
            self.sift_down(i, high, a)
        for i in range(high - 1, -1, -1):
            self.swap(a, a + i)
            self.sift_down(0, i, a)

    def pdqsort(self, a: int, b: int, limit: int) -> None:
        was_balanced = was_partitioned = True
        while True:
            length = b - a
            if length <= _INSERTION_MAX:
                self.insertion_sort(a, b)
                return
            if limit == 0:
                self.heap_sort(a, b)
                return
            if not was_balanced:
                self.break_patterns(a, b)
                limit -= 1
            pivot, hint = self.choose_pivot(a, b)
            if hint == _DECREASING:
                self.reverse(a, b)
                pivot = (b - 1) - (pivot - a)
                hint = _INCREASING
            if was_balanced and was_partitioned and hint == _INCREASING:
                if self.partial_insertion_sort(a, b):
                    return
            if a > 0 and not self.less(a - 1, pivot):
                a = self.partition_equal(a, b, pivot)
                continue
            middle, was_partitioned = self.partition(a, b, pivot)
            left, right = middle - a, b - middle
            threshold = length // 8
            if left < right:
                was_balanced = left >= threshold
                self.pdqsort(a, middle, limit)
                a = middle + 1
            else:
                was_balanced = right >= threshold
                self.pdqsort(middle + 1, b, limit)
                b = middle

    def partition(self, a: int, b: int, pivot: int) -> tuple[int, bool]:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while i <= j and self.less(i, a):
            i += 1
        while i <= j and not self.less(j, a):
            j -= 1
        if i > j:
            self.swap(j, a)
            return j, True
        self.swap(i, j)
        i, j = i + 1, j - 1
        while True:
            while i <= j and self.less(i, a):
                i += 1
            while i <= j and not self.less(j, a):
                j -= 1
            if i > j:
                break
            self.swap(i, j)
            i, j = i + 1, j - 1
        self.swap(j, a)
        return j, False

    def partition_equal(self, a: int, b: int, pivot: int) -> int:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while True:
            while i <= j and not self.less(a, i):
                i += 1
            while i <= j and self.less(a, j):
                j -= 1
            if i > j:
                return i
            self.swap(i, j)
            i, j = i + 1, j - 1

    def partial_insertion_sort(self, a: int, b: int) -> bool:
        i = a + 1
        for _step in range(_PARTIAL_STEPS):
            while i < b and not self.less(i, i - 1):
                i += 1
            if i == b:
                return True
            if b - a < _PARTIAL_SHIFT_MIN:
                return False
            self.swap(i, i - 1)
            if i - a >= 2:
                for j in range(i - 1, 0, -1):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
            if b - i >= 2:
                for j in range(i + 1, b):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
        return False

    def break_patterns(self, a: int, b: int) -> None:
        length = b - a
        if length < 8:
            return
        state = length
        modulus = 1 << length.bit_length()
        first = a + (length // 4) * 2 - 1
        for index in range(first, first + 3):
            state ^= (state << 13) & _MASK64
            state ^= state >> 17
            state ^= (state << 5) & _MASK64
            other = state & (modulus - 1)
            if other >= length:
                other -= length
            self.swap(index, a + other)

    def choose_pivot(self, a: int, b: int) -> tuple[int, str]:
        length = b - a
        swaps = [0]
        i, j, k = a + length // 4, a + length // 4 * 2, a + length // 4 * 3
        if length >= 8:
            if length >= _NINTHER_MIN:
                i = self.median(i - 1, i, i + 1, swaps)
                j = self.median(j - 1, j, j + 1, swaps)
                k = self.median(k - 1, k, k + 1, swaps)
            j = self.median(i, j, k, swaps)
        if swaps[0] == 0:
            return j, _INCREASING
        if swaps[0] == _MAX_PIVOT_SWAPS:
            return j, _DECREASING
        return j, _UNKNOWN

    def median(self, a: int, b: int, c: int, swaps: list[int]) -> int:
        a, b = self.order(a, b, swaps)
        b, c = self.order(b, c, swaps)
        a, b = self.order(a, b, swaps)
        return b

    def order(self, a: int, b: int, swaps: list[int]) -> tuple[int, int]:
        if self.less(b, a):
            swaps[0] += 1
            return b, a
        return a, b

    def reverse(self, a: int, b: int) -> None:
        i, j = a, b - 1
        while i < j:
            self.swap(i, j)
            i, j = i + 1, j - 1
