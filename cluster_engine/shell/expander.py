"""Turns the words of one command into the strings the command receives, in bash's order.

Tilde, parameters and command substitution come first, then word splitting on ``$IFS``, then
quote removal. Only text that came out of an unquoted expansion is split, so the expander carries
every piece of text with a "splittable" flag rather than as a plain string. There is no globbing:
with no files to match, bash too leaves a pattern as it stands. What one command may expand to is
capped (about Linux's limit on a command's arguments), so no line can double a value forever.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, TextIO

from .nodes import CommandSubstitution, Literal, Parameter, Word, WordPart
from .parser import as_assignment

if TYPE_CHECKING:
    from .executor import Shell

MAX_EXPANSION = 2 << 20
DEFAULT_IFS = " \t\n"

#: A piece of expanded text and whether word splitting may cut it.
Segment = tuple[str, bool]

_ASSIGNMENT_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = frozenset({None, "length", ":-", "-", ":=", "=", ":+", "+", ":?", "?"})


class ExpansionError(Exception):
    """A word that cannot be expanded; ``abort_line`` drops the rest of the input, as bash does."""

    def __init__(self, message: str, *, abort_line: bool = False):
        super().__init__(message)
        self.abort_line = abort_line


def split_fields(segments: Iterable[Segment], ifs: str) -> list[str]:
    """Bash's word splitting: IFS whitespace runs separate fields and vanish at the edges, each
    other IFS character ends exactly one field, and quoted text (even empty) always makes one."""
    fields: list[str] = []
    current: list[str] = []
    started = after_whitespace = False
    separator = re.compile("[" + "".join(map(re.escape, ifs)) + "]") if ifs else None
    for text, splittable in segments:
        if not splittable or separator is None:
            if text or not splittable:
                current.append(text)
                started, after_whitespace = True, False
            continue
        position = 0
        for match in separator.finditer(text):
            if match.start() > position:
                current.append(text[position:match.start()])
                started, after_whitespace = True, False
            position = match.end()
            if match.group() in DEFAULT_IFS:
                if started:
                    fields.append("".join(current))
                    current, started, after_whitespace = [], False, True
            else:
                if started or not after_whitespace:
                    fields.append("".join(current))
                current, started, after_whitespace = [], False, False
        if position < len(text):
            current.append(text[position:])
            started, after_whitespace = True, False
    if started:
        fields.append("".join(current))
    return fields


class Expander:
    """Expands the words of one command; ``substitution_status`` is the status of its last ``$(...)``."""

    def __init__(self, shell: Shell, stdin: TextIO, stderr: TextIO):
        self._shell = shell
        self._stdin = stdin
        self._stderr = stderr
        self._budget = MAX_EXPANSION
        self.substitution_status: int | None = None

    def arguments(self, words: list[Word], *, declaration: bool = False) -> list[str]:
        """The argv of ``words``; for ``export`` and its kind, ``NAME=value`` words are not split."""
        argv: list[str] = []
        for word in words:
            assignment = as_assignment(word) if declaration and argv else None
            if assignment:
                operator = "+=" if assignment.append else "="
                argv.append(assignment.name + operator + self.value(assignment.value))
            else:
                argv.extend(self.fields(word))
        return argv

    def fields(self, word: Word) -> list[str]:
        return split_fields(self._segments(word.parts, tilde="word"), self._ifs())

    def value(self, word: Word) -> str:
        """A word expanded as the value of an assignment: no splitting, tildes after ``:`` too."""
        return "".join(text for text, _ in self._segments(word.parts, tilde="value"))

    def _ifs(self) -> str:
        ifs = self._shell.get_var("IFS")
        return DEFAULT_IFS if ifs is None else ifs

    def _spend(self, text: str) -> str:
        self._budget -= len(text)
        if self._budget < 0:
            raise ExpansionError("expansion too long", abort_line=True)
        return text

    def _segments(self, parts: list[WordPart], *, split_literals: bool = False,
                  tilde: str | None = None) -> list[Segment]:
        segments: list[Segment] = []
        for index, part in enumerate(parts):
            if isinstance(part, Literal):
                text = part.text
                if tilde and index == 0 and not part.quoted:
                    text = self._tildes(text, tilde, whole=len(parts) == 1)
                segments.append((self._spend(text), split_literals and not part.quoted))
            elif isinstance(part, Parameter):
                segments.extend(self._parameter(part) or [("", not part.quoted)])
            else:
                segments.append((self._spend(self._substitute(part)), not part.quoted))
        return segments

    def _tildes(self, text: str, mode: str, *, whole: bool) -> str:
        """``whole``: this literal is the entire word, so a tilde prefix may run to its end."""
        if mode == "word":
            if match := _ASSIGNMENT_PREFIX.match(text):
                return match.group() + self._tildes(text[match.end():], "value", whole=whole)
            pieces = [text]
        else:
            pieces = text.split(":")
        for index, piece in enumerate(pieces):
            if not piece.startswith("~"):
                continue
            user, slash, rest = piece[1:].partition("/")
            if not slash and index == len(pieces) - 1 and not whole:
                continue
            if (home := self._home_of(user)) is not None:
                pieces[index] = home + slash + rest
        return ":".join(pieces)

    def _home_of(self, user: str) -> str | None:
        shell = self._shell
        if user == "":
            return shell.get_var("HOME")
        if user in ("+", "-"):
            return shell.get_var("PWD" if user == "+" else "OLDPWD")
        if user == "root":
            return "/root"
        return f"/home/{user}" if user == shell.get_var("USER") else None

    def _lookup(self, name: str) -> str | None:
        shell = self._shell
        special = {"?": shell.last_status, "$": shell.pid, "#": 0, "0": "bash", "-": "himBHs"}
        if name in special:
            return str(special[name])
        if _NAME.fullmatch(name):
            return shell.get_var(name)
        return None

    def _parameter(self, parameter: Parameter) -> list[Segment]:
        name, operator, argument = parameter.name, parameter.operator, parameter.argument
        if not name or operator not in _OPERATORS:
            unsupported = name == "!" or (name and operator and operator[0] in "#%/^,:@[")
            problem = "this expansion is not supported here yet" if unsupported else "bad substitution"
            raise ExpansionError(f"{parameter.text}: {problem}", abort_line=True)
        value = self._lookup(name)
        split = not parameter.quoted
        if operator is None:
            return [(self._spend(value or ""), split)]
        if operator == "length":
            return [(str(len(value or "")), split)]
        assert argument is not None
        missing = value is None or (operator.startswith(":") and value == "")
        kind = operator[-1]
        if (kind == "-" and missing) or (kind == "+" and not missing):
            return self._segments(argument.parts, split_literals=split, tilde="word")
        if kind == "+":
            return []
        if kind == "=" and missing:
            if not _NAME.fullmatch(name):
                raise ExpansionError(f"${name}: cannot assign in this way", abort_line=True)
            value = self.value(argument)
            self._shell.set_var(name, value)
        elif kind == "?" and missing:
            default = "parameter null or not set" if operator == ":?" else "parameter not set"
            raise ExpansionError(f"{name}: {self.value(argument) or default}", abort_line=True)
        return [(self._spend(value or ""), split)]

    def _substitute(self, part: CommandSubstitution) -> str:
        output, status = self._shell.substitute(part.body, self._stdin, self._stderr)
        self.substitution_status = status
        return output.rstrip("\n")
