"""The shell's syntax tree: what the parser builds and the expander and executor walk.

Every node carries the span of source it came from, and a word keeps its text as typed, so an
error can quote the learner's own input (``bash: $x: ambiguous redirect``). Words are already
structured into literal text, parameters and command substitutions, each marked quoted or not:
that mark is all word splitting needs to know.

``display()`` renders a command the way bash shows a job (``jobs``, ``fg``): words as typed,
one space apart, aliases already replaced.
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
class HereDocument:
    """The body of ``<<DELIMITER`` or ``<<-DELIMITER``, read from the lines after its command.

    ``expand`` is False when any part of the delimiter was quoted: the body is then taken as
    typed. ``line`` is where the operator stood, for bash's warning when input ends first.
    """

    delimiter: str
    strip_tabs: bool
    expand: bool
    line: int
    parts: list[WordPart] = field(default_factory=list)


@dataclass
class Redirect:
    """``fd`` is the descriptor redirected; ``&>`` and ``&>>`` redirect 1 and 2 together.

    For a here-document ``target`` is the delimiter as typed and ``here_document`` the body.
    """

    fd: int
    operator: str
    target: Word
    span: Span
    here_document: HereDocument | None = None
    #: Whether the descriptor was written (``2>``), rather than implied by the operator.
    explicit_fd: bool = False

    def display(self) -> str:
        fd = str(self.fd) if self.explicit_fd else ""
        if self.operator in (">&", "<&") and (self.target.text.isdigit() or self.target.text == "-"):
            return f"{fd}{self.operator}{self.target.text}"
        return f"{fd}{self.operator} {self.target.text}"


@dataclass
class SimpleCommand:
    assignments: list[Assignment]
    words: list[Word]
    redirects: list[Redirect]
    span: Span

    def display(self) -> str:
        assignments = [f"{item.name}{'+=' if item.append else '='}{item.value.text}"
                       for item in self.assignments]
        return " ".join(assignments + [word.text for word in self.words]
                        + [redirect.display() for redirect in self.redirects])


@dataclass
class Pipeline:
    commands: list[SimpleCommand]
    negated: bool
    span: Span

    def display(self) -> str:
        return ("! " if self.negated else "") + " | ".join(command.display() for command in self.commands)


@dataclass
class AndOrList:
    """Pipelines joined by ``&&`` and ``||``: ``rest`` pairs each operator with what follows it.

    ``background`` is set when the list ended with ``&``: it runs as a job.
    """

    first: Pipeline
    rest: list[tuple[str, Pipeline]]
    span: Span
    background: bool = False

    def display(self) -> str:
        return " ".join([self.first.display()] + [f"{operator} {pipeline.display()}"
                                                  for operator, pipeline in self.rest])


@dataclass
class Script:
    """Everything one input holds: and-or lists separated by ``;``, ``&`` or newlines.

    ``warnings`` are what bash says while reading the input (a here-document cut short by its end).
    """

    items: list[AndOrList] = field(default_factory=list)
    span: Span = Span(0, 0)
    warnings: list[str] = field(default_factory=list)
