"""Column alignment as Go's ``text/tabwriter`` does it, which is what kubectl's tables are made of.

Text is cut into cells at tabs and into lines at newlines. A column is a run of consecutive lines
that all have a cell in that position; it is as wide as its widest cell plus the padding, and never
narrower than the minimum width. The last cell of a line is not part of any column, so it is
written unpadded. kubectl's ``get`` uses ``minwidth=6, padding=3`` with remembered widths (the
``liggitt/tabwriter`` fork: a column never gets narrower across flushes); ``describe`` uses
``minwidth=0, padding=2``.

Widths are display widths, so a line of Japanese text lines up in a terminal. Go counts runes
instead; ``measure=rune_count`` gives its exact spacing when that matters more.
"""

from __future__ import annotations

import re
from typing import Callable, TextIO

from wcwidth import wcwidth

_CELL_ENDS = re.compile(r"([\t\n\f])")


def display_width(text: str) -> int:
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(max(wcwidth(char), 0) for char in text)


def rune_count(text: str) -> int:
    return len(text)


class TabWriter:
    def __init__(self, out: TextIO, minwidth: int = 0, tabwidth: int = 8, padding: int = 1,
                 padchar: str = " ", remember_widths: bool = False,
                 measure: Callable[[str], int] = display_width):
        self.out = out
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.padchar = padchar
        self.remember_widths = remember_widths
        self.measure = measure
        self._remembered: list[int] = []
        self._lines: list[list[str]] = [[]]
        self._cell = ""

    def write(self, text: str) -> None:
        for piece in _CELL_ENDS.split(text):
            if piece == "\t":
                self._lines[-1].append(self._cell)
                self._cell = ""
            elif piece == "\n" or piece == "\f":
                self._lines[-1].append(self._cell)
                self._cell = ""
                self._lines.append([])
                if piece == "\f":
                    self.flush()
            else:
                self._cell += piece

    def flush(self) -> None:
        """Write out everything buffered; an unfinished last line is written without a newline."""
        if self._cell:
            self._lines[-1].append(self._cell)
            self._cell = ""
        lines, self._lines = self._lines, [[]]
        measure, widths = self.measure, {}

        def remembered(cell: str) -> int:
            width = widths.get(cell)
            if width is None:
                width = widths[cell] = measure(cell)
            return width

        self.measure = remembered
        try:
            self._format(lines, 0, len(lines), [])
        finally:
            self.measure = measure

    def _format(self, lines: list[list[str]], start: int, end: int, widths: list[int]) -> None:
        column = len(widths)
        written = start
        index = start
        while index < end:
            if column >= len(lines[index]) - 1:
                index += 1
                continue
            self._write_lines(lines, written, index, widths)
            block_start = index
            width = self.minwidth
            while index < end and column < len(lines[index]) - 1:
                width = max(width, self.measure(lines[index][column]) + self.padding)
                index += 1
            if self.remember_widths:
                if column < len(self._remembered):
                    width = max(width, self._remembered[column])
                    self._remembered[column] = width
                else:
                    self._remembered.extend([0] * (column - len(self._remembered)))
                    self._remembered.append(width)
            self._format(lines, block_start, index, widths + [width])
            written = index
        self._write_lines(lines, written, end, widths)

    def _write_lines(self, lines: list[list[str]], start: int, end: int, widths: list[int]) -> None:
        for index in range(start, end):
            line = lines[index]
            parts: list[str] = []
            for position, cell in enumerate(line):
                parts.append(cell)
                if position < len(widths):
                    parts.append(self._padding(self.measure(cell), widths[position]))
            if index + 1 < len(lines):
                parts.append("\n")
            self.out.write("".join(parts))

    def _padding(self, text_width: int, cell_width: int) -> str:
        if self.padchar == "\t":
            if self.tabwidth == 0:
                return ""
            cell_width = -(-cell_width // self.tabwidth) * self.tabwidth
            return "\t" * -(-(cell_width - text_width) // self.tabwidth)
        return self.padchar * (cell_width - text_width)


def kubectl_table_writer(out: TextIO, **options) -> TabWriter:
    """The writer behind ``kubectl get`` tables."""
    return TabWriter(out, minwidth=6, tabwidth=4, padding=3, padchar=" ", remember_widths=True,
                     **options)


def describe_writer(out: TextIO, **options) -> TabWriter:
    """The writer behind ``kubectl describe`` pages."""
    return TabWriter(out, minwidth=0, tabwidth=8, padding=2, padchar=" ", **options)
