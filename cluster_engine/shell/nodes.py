"""The shell's syntax tree: what the parser builds and the expander and executor walk.

Every node carries the span of source it came from, and a word keeps its text as typed, so an
error can quote the learner's own input (``bash: $x: ambiguous redirect``). Words are already
structured into literal text, parameters and command substitutions, each marked quoted or not:
that mark is all word splitting needs to know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Span(NamedTuple):
    """Offsets into the source, end exclusive; inside backquotes, shifted by any escapes removed."""

    start: int
    end: int


@dataclass
class Literal:
    text: str
    quoted: bool
    span: Span


@dataclass
class Parameter:
    """``$name``, ``${name}`` or ``${name<operator><argument>}``.

    ``operator`` is ``None``, ``"length"`` for ``${#name}``, one of ``:- - := = :+ + :? ?``, or the raw text
    of an operator the expander will refuse: bash reports a bad substitution only when it runs.
    """

    name: str
    operator: str | None
    argument: Word | None
    quoted: bool
    text: str
    span: Span


@dataclass
class CommandSubstitution:
    body: Script
    quoted: bool
    span: Span


WordPart = Literal | Parameter | CommandSubstitution


@dataclass
class Word:
    parts: list[WordPart]
    text: str
    span: Span

    def plain_text(self) -> str | None:
        """The text if nothing in the word is quoted or expanded (how keywords are recognised)."""
        if all(isinstance(part, Literal) and not part.quoted for part in self.parts):
            return "".join(part.text for part in self.parts)
        return None


@dataclass
class Assignment:
    name: str
    value: Word
    append: bool
    span: Span


@dataclass
class Redirect:
    """``fd`` is the descriptor redirected; ``&>`` and ``&>>`` redirect 1 and 2 together."""

    fd: int
    operator: str
    target: Word
    span: Span


@dataclass
class SimpleCommand:
    assignments: list[Assignment]
    words: list[Word]
    redirects: list[Redirect]
    span: Span


@dataclass
class Pipeline:
    commands: list[SimpleCommand]
    negated: bool
    span: Span


@dataclass
class AndOrList:
    """Pipelines joined by ``&&`` and ``||``: ``rest`` pairs each operator with what follows it."""

    first: Pipeline
    rest: list[tuple[str, Pipeline]]
    span: Span


@dataclass
class Script:
    """Everything one input holds: and-or lists separated by ``;`` or newlines."""

    items: list[AndOrList] = field(default_factory=list)
    span: Span = Span(0, 0)
