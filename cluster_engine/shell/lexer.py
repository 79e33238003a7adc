"""Cuts shell input into words and operators.

Words come out already structured (literal text, parameters, command substitutions, each marked
quoted or not), because finding where a word ends means understanding its quotes and nested
substitutions anyway. At ``$(`` the lexer hands itself to the parser, which reads the nested
command from the same input up to its ``)`` — bash's own approach, so quoting inside and outside
a substitution can never disagree. Nesting of every kind is capped, so no input recurses deeply.

Here-documents are read where bash reads them: the parser registers each ``<<`` it meets, and
the bodies are taken from the lines that follow the next newline token.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from . import escapes
from .nodes import CommandSubstitution, HereDocument, Literal, Parameter, Script, Span, Word, WordPart

MAX_NESTING = 32

#: Longest first, so ``&&`` is never read as two ``&``.
OPERATORS = ("&>>", "<<<", "<<-", ";;&", "&&", "||", ";;", ";&", "|&", "&>", ">>", "<<", "<&", ">&",
             "<>", ">|", "|", "&", ";", "(", ")", "<", ">", "\n")
_OPERATOR = re.compile("|".join(map(re.escape, OPERATORS)))
_METACHARACTERS = frozenset(" \t\n|&;()<>")
_IO_NUMBER = re.compile(r"[0-9]+(?=[<>])")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIAL_PARAMETERS = "?$#!@*-"
_BRACED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#!@*-]")
_LENGTH = re.compile(r"#([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#!@*-])}")
_PARAMETER_OPERATORS = (":-", ":=", ":+", ":?", "-", "=", "+", "?")


class ShellSyntaxError(Exception):
    """Input bash would refuse to run; the message is bash's, without the ``bash: `` prefix."""


class IncompleteInput(ShellSyntaxError):
    """Input that ends too early: an interactive shell would ask for more with ``> ``."""


def unexpected_eof(closer: str) -> IncompleteInput:
    return IncompleteInput(f"unexpected EOF while looking for matching `{closer}'")


def _check_depth(depth: int) -> None:
    if depth > MAX_NESTING:
        raise ShellSyntaxError(f"expansions nested more than {MAX_NESTING} deep")


@dataclass(frozen=True)
class Operator:
    """An operator token; the end of input is the operator with empty text."""

    text: str
    span: Span


@dataclass(frozen=True)
class IoNumber:
    fd: int
    span: Span


Token = Word | Operator | IoNumber

#: Reads a nested command for ``$(`` (from the same lexer, up to ``)``) or for a backquoted body.
NestedParse = Callable[["Lexer", bool], Script]


class Lexer:
    """Tokens of ``source``.

    ``final`` says no more input will come: a here-document then ends at the end of input with a
    warning, where otherwise the input is incomplete. ``aliases`` travel with the lexer so nested
    commands see them too; ``first_line`` numbers the lines in warnings.
    """

    def __init__(self, source: str, parse_nested: NestedParse, *, depth: int = 0, offset: int = 0,
                 final: bool = True, aliases: dict[str, str] | None = None, first_line: int = 1):
        self.source = source
        self.pos = 0
        self.depth = depth
        self.final = final
        self.aliases = aliases or {}
        self.first_line = first_line
        self.pending_here_documents: list[HereDocument] = []
        self.warnings: list[str] = []
        self._offset = offset
        self._parse_nested = parse_nested
        _check_depth(depth)

    def nested(self, source: str, *, depth: int, offset: int) -> Lexer:
        """A lexer for text found inside this one (a backquoted body, an alias's value)."""
        return Lexer(source, self._parse_nested, depth=depth, offset=offset, final=self.final,
                     aliases=self.aliases)

    def line_at(self, position: int) -> int:
        return self.first_line + self.source.count("\n", 0, position - self._offset)

    def _span(self, start: int) -> Span:
        return Span(start + self._offset, self.pos + self._offset)

    def _at(self, text: str) -> bool:
        return self.source.startswith(text, self.pos)

    def next_token(self) -> Token:
        self._skip_blanks()
        start = self.pos
        if self.pos >= len(self.source):
            self._read_here_documents()
            return Operator("", self._span(start))
        if match := _IO_NUMBER.match(self.source, self.pos):
            self.pos = match.end()
            return IoNumber(int(match.group()), self._span(start))
        if match := _OPERATOR.match(self.source, self.pos):
            self.pos = match.end()
            operator = Operator(match.group(), self._span(start))
            if operator.text == "\n":
                self._read_here_documents()
            return operator
        parts = self._scan(stop=_METACHARACTERS, in_double_quotes=False, closer=None)
        return Word(parts, self.source[start:self.pos], self._span(start))

    def _read_here_documents(self) -> None:
        pending, self.pending_here_documents = self.pending_here_documents, []
        for document in pending:
            self._read_here_document(document)

    def _read_here_document(self, document: HereDocument) -> None:
        source = self.source
        body_start = self.pos
        lines: list[str] = []
        while True:
            if self.pos >= len(source):
                if not self.final:
                    raise IncompleteInput(f"here-document delimited by end-of-file "
                                          f"(wanted `{document.delimiter}')")
                self.warnings.append(f"warning: here-document at line {document.line} delimited "
                                     f"by end-of-file (wanted `{document.delimiter}')")
                break
            end = source.find("\n", self.pos)
            end = len(source) if end == -1 else end
            line = source[self.pos:end]
            self.pos = min(end + 1, len(source))
            if document.strip_tabs:
                line = line.lstrip("\t")
            if line == document.delimiter:
                break
            lines.append(line + "\n")
        body = "".join(lines)
        if not document.expand:
            document.parts = [Literal(body, True, self._span(body_start))] if body else []
            return
        inner = self.nested(body, depth=self.depth, offset=self._offset + body_start)
        document.parts = inner._scan(stop="", in_double_quotes=True, closer=None, here_document=True)

    def _skip_blanks(self) -> None:
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char in " \t":
                self.pos += 1
            elif self._at("\\\n"):
                self.pos += 2
            elif char == "#":
                end = source.find("\n", self.pos)
                self.pos = len(source) if end == -1 else end
            else:
                return

    @contextmanager
    def _deeper(self) -> Iterator[None]:
        self.depth += 1
        _check_depth(self.depth)
        try:
            yield
        finally:
            self.depth -= 1

    def _scan(self, *, stop: frozenset[str] | str, in_double_quotes: bool,
              closer: str | None, here_document: bool = False) -> list[WordPart]:
        """Word parts up to an unquoted character of ``stop``, or to the end when ``closer`` is None.

        A here-document's body reads like double-quoted text in which ``"`` is an ordinary character.
        """
        source = self.source
        specials = "\\$`" if here_document else "\\\"$`" if in_double_quotes else "\\'\"$`"
        parts: list[WordPart] = []
        chunk: list[str] = []
        chunk_start = self.pos

        def flush() -> None:
            nonlocal chunk_start
            if chunk:
                parts.append(Literal("".join(chunk), in_double_quotes, self._span(chunk_start)))
                chunk.clear()
            chunk_start = self.pos

        while True:
            if self.pos >= len(source):
                if closer is not None:
                    raise unexpected_eof(closer)
                break
            char = source[self.pos]
            if char in stop:
                break
            if char not in specials:
                chunk.append(char)
                self.pos += 1
                continue
            flush()
            if char == "\\":
                self._backslash(parts, in_double_quotes, closer, here_document)
            elif char == "'":
                self._single_quoted(parts)
            elif char == '"':
                self._double_quoted(parts)
            elif char == "$":
                self._dollar(parts, in_double_quotes)
            else:
                self._backquoted(parts, in_double_quotes)
            chunk_start = self.pos
        flush()
        return parts

    def _backslash(self, parts: list[WordPart], in_double_quotes: bool, closer: str | None,
                   here_document: bool = False) -> None:
        start = self.pos
        if self.pos + 1 >= len(self.source):
            if closer:
                raise unexpected_eof(closer)
            raise IncompleteInput("syntax error: unexpected end of file")
        escaped = self.source[self.pos + 1]
        self.pos += 2
        if escaped == "\n":
            return
        escapable = '$`\\' if here_document else '$`"\\'
        if in_double_quotes and escaped not in escapable and not (closer == "}" and escaped == "}"):
            parts.append(Literal("\\" + escaped, True, self._span(start)))
        else:
            parts.append(Literal(escaped, True, self._span(start)))

    def _single_quoted(self, parts: list[WordPart]) -> None:
        start = self.pos
        end = self.source.find("'", self.pos + 1)
        if end == -1:
            raise unexpected_eof("'")
        self.pos = end + 1
        parts.append(Literal(self.source[start + 1:end], True, self._span(start)))

    def _double_quoted(self, parts: list[WordPart]) -> None:
        start = self.pos
        self.pos += 1
        inner = self._scan(stop='"', in_double_quotes=True, closer='"')
        self.pos += 1
        parts.extend(inner or [Literal("", True, self._span(start))])

    def _ansi_c_quoted(self, parts: list[WordPart]) -> None:
        start = self.pos
        index = self.pos + 2
        source = self.source
        while index < len(source) and source[index] != "'":
            index += 2 if source[index] == "\\" else 1
        if index >= len(source):
            raise unexpected_eof("'")
        self.pos = index + 1
        text, _stopped = escapes.decode(source[start + 2:index], escapes.ANSI_C)
        parts.append(Literal(text, True, self._span(start)))

    def _dollar(self, parts: list[WordPart], in_double_quotes: bool) -> None:
        start = self.pos
        source = self.source
        following = source[self.pos + 1:self.pos + 2]
        if following == "'" and not in_double_quotes:
            self._ansi_c_quoted(parts)
        elif following == '"' and not in_double_quotes:
            self.pos += 1
            self._double_quoted(parts)
        elif self._at("$(("):
            raise ShellSyntaxError("arithmetic expansion $((...)) is not supported here yet")
        elif following == "(":
            self.pos += 2
            with self._deeper():
                body = self._parse_nested(self, True)
            parts.append(CommandSubstitution(body, in_double_quotes, self._span(start)))
        elif following == "{":
            parts.append(self._braced_parameter(in_double_quotes))
        elif match := _NAME.match(source, self.pos + 1):
            self.pos = match.end()
            parts.append(Parameter(match.group(), None, None, in_double_quotes,
                                   source[start:self.pos], self._span(start)))
        elif following and (following.isdigit() or following in _SPECIAL_PARAMETERS):
            self.pos += 2
            parts.append(Parameter(following, None, None, in_double_quotes,
                                   source[start:self.pos], self._span(start)))
        else:
            self.pos += 1
            parts.append(Literal("$", in_double_quotes, self._span(start)))

    def _braced_parameter(self, in_double_quotes: bool) -> Parameter:
        start = self.pos
        source = self.source
        self.pos += 2
        operator: str | None = None
        if match := _LENGTH.match(source, self.pos):
            name, operator = match.group(1), "length"
            self.pos = match.end() - 1
        elif match := _BRACED_NAME.match(source, self.pos):
            name = match.group()
            self.pos = match.end()
        else:
            name = ""
        argument = None
        if not self._at("}"):
            operator = next((op for op in _PARAMETER_OPERATORS if self._at(op)), None)
            operator_start = self.pos
            self.pos += len(operator or "")
            argument_start = self.pos
            with self._deeper():
                argument_parts = self._scan(stop="}", in_double_quotes=in_double_quotes, closer="}")
            argument = Word(argument_parts, source[argument_start:self.pos], self._span(argument_start))
            if operator is None:
                operator = source[operator_start:self.pos]
        self.pos += 1
        return Parameter(name, operator, argument, in_double_quotes, source[start:self.pos],
                         self._span(start))

    def _backquoted(self, parts: list[WordPart], in_double_quotes: bool) -> None:
        start = self.pos
        source = self.source
        body: list[str] = []
        index = self.pos + 1
        while True:
            if index >= len(source):
                raise unexpected_eof("`")
            char = source[index]
            if char == "`":
                break
            if char == "\\" and index + 1 < len(source):
                escaped = source[index + 1]
                keep_backslash = escaped not in "`$\\" and not (in_double_quotes and escaped == '"')
                body.append(char + escaped if keep_backslash else escaped)
                index += 2
            else:
                body.append(char)
                index += 1
        self.pos = index + 1
        inner = self.nested("".join(body), depth=self.depth + 1, offset=self._offset + start + 1)
        parts.append(CommandSubstitution(self._parse_nested(inner, False), in_double_quotes,
                                         self._span(start)))
