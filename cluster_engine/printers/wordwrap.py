"""Word wrapping the way kubectl's help does it on a terminal.

kubectl (and minikube, which borrows kubectl's help templates) wraps help text only when stdout
is a terminal, at 80, 100 or 120 columns depending on the terminal's width, using a naive
break-at-whitespace rule: a word that would cross the limit moves to the next line and the
spaces before it are dropped. Lengths are counted in bytes of UTF-8, as the Go code does.
Flag descriptions are wrapped a second time, ten columns narrower, and indented with a tab.
"""

from __future__ import annotations

import re

#: Descriptions under a flag are wrapped this many columns narrower than the page.
FLAG_USAGE_OFFSET = 10

_FLAG_LINE = re.compile(r"^    (-\S, )?--\S+=.*:$")


def wrap_limit(columns: int | None) -> int:
    """The wrapping width kubectl picks for a terminal ``columns`` wide; 0 means no wrapping."""
    if columns is None:
        return 0
    for limit in (120, 100, 80):
        if columns >= limit:
            return limit
    return 0


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def wrap_string(text: str, limit: int) -> str:
    """Break ``text`` at whitespace so lines stay within ``limit`` bytes where possible."""
    if limit <= 0:
        return text
    out: list[str] = []
    current = 0
    word = ""
    spaces = ""
    for char in text:
        if char == "\n":
            if not word:
                if current + _size(spaces) <= limit:
                    out.append(spaces)
            else:
                out.append(spaces)
                out.append(word)
                word = ""
            spaces = ""
            out.append("\n")
            current = 0
        elif char.isspace():
            if not spaces or word:
                current += _size(spaces) + _size(word)
                out.append(spaces)
                out.append(word)
                spaces = ""
                word = ""
            spaces += char
        else:
            word += char
            if current + _size(spaces) + _size(word) > limit and _size(word) < limit:
                out.append("\n")
                current = 0
                spaces = ""
    if not word:
        if current + _size(spaces) <= limit:
            out.append(spaces)
    else:
        out.append(spaces)
        out.append(word)
    return "".join(out)


def wrap_help(text: str, columns: int | None) -> str:
    """A help page as kubectl prints it to a terminal ``columns`` wide (None: not a terminal).

    ``text`` is the page as printed to a pipe, where nothing is wrapped: each flag's description
    sits on one tab-indented line below the flag.
    """
    limit = wrap_limit(columns)
    if limit == 0:
        return text
    lines = text.split("\n")
    rewrapped: list[str] = []
    previous_was_flag = False
    for line in lines:
        if previous_was_flag and line.startswith("\t"):
            usage = wrap_string(line[1:], limit - FLAG_USAGE_OFFSET)
            rewrapped.append("\t" + usage.replace("\n", "\n\t"))
        else:
            rewrapped.append(line)
        previous_was_flag = bool(_FLAG_LINE.match(line))
    return wrap_string("\n".join(rewrapped), limit)
