"""Builds the syntax tree of one input from the lexer's tokens.

The grammar is the part of bash's a learner meets in this course: simple commands with
assignments, redirections and here-documents, pipelines, ``&&``/``||`` lists, ``;``, ``&`` and
newlines. Whatever else bash would accept (loops, functions, subshells) is refused here with a
message in bash's voice, before anything runs, rather than half-understood.

Aliases are expanded here, as bash does while reading: the first word of a simple command is
replaced by the tokens of its alias's value before the command is parsed any further.
"""

from __future__ import annotations

import re

from .lexer import IncompleteInput, IoNumber, Lexer, Operator, ShellSyntaxError, Token, unexpected_eof
from .nodes import (AndOrList, Assignment, HereDocument, Literal, Pipeline, Redirect, Script,
                    SimpleCommand, Span, Word)

REDIRECTION_OPERATORS = frozenset({"<", ">", ">>", ">|", "<>", "&>", "&>>", ">&", "<&", "<<<", "<<",
                                   "<<-"})
_INPUT_OPERATORS = frozenset({"<", "<>", "<&", "<<<", "<<", "<<-"})
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=")

#: Keywords that open a construct this shell does not run yet, and what bash calls it.
_UNSUPPORTED_KEYWORDS = {
    "if": "conditionals", "case": "conditionals", "for": "loops", "while": "loops",
    "until": "loops", "select": "loops", "function": "functions", "{": "command groups",
    "[[": "conditional expressions", "time": "timed pipelines", "coproc": "coprocesses",
}
#: Keywords that can only continue a construct, so at the start of a command they are an error.
_CONTINUING_KEYWORDS = frozenset({"then", "elif", "else", "fi", "do", "done", "esac", "}", "]]"})
KEYWORDS = frozenset(_UNSUPPORTED_KEYWORDS) | _CONTINUING_KEYWORDS | {"!", "in"}


def parse(source: str, *, final: bool = True, aliases: dict[str, str] | None = None,
          first_line: int = 1) -> Script:
    """The tree of ``source``; raises ShellSyntaxError, or IncompleteInput if more input could fix it.

    ``final``: no more input will follow, so a here-document may end with the input (with a warning).
    """
    lexer = Lexer(source, _parse_nested, final=final, aliases=aliases, first_line=first_line)
    script = _parse_nested(lexer, False)
    script.warnings = lexer.warnings
    return script


def _parse_nested(lexer: Lexer, closed_by_paren: bool) -> Script:
    return Parser(lexer).script(closer=")" if closed_by_paren else "")


def as_assignment(word: Word) -> Assignment | None:
    """``word`` read as ``NAME=value`` or ``NAME+=value``, if it has that shape unquoted."""
    first = word.parts[0] if word.parts else None
    if not (isinstance(first, Literal) and not first.quoted
            and (match := _ASSIGNMENT.match(first.text))):
        return None
    rest = first.text[match.end():]
    head = [Literal(rest, False, Span(first.span.start + match.end(), first.span.end))] if rest else []
    value = Word(head + word.parts[1:], word.text[match.end():],
                 Span(word.span.start + match.end(), word.span.end))
    return Assignment(match.group(1), value, bool(match.group(2)), word.span)


def _unexpected(token: Token) -> ShellSyntaxError:
    if isinstance(token, Operator):
        shown = "newline" if token.text in ("\n", "") else token.text
    elif isinstance(token, IoNumber):
        shown = str(token.fd)
    else:
        shown = token.text
    return ShellSyntaxError(f"syntax error near unexpected token `{shown}'")


def _unquoted_text(word: Word) -> str:
    """A here-document's delimiter: the word with its quotes removed and nothing expanded."""
    return "".join(part.text if isinstance(part, Literal) else word.text[
        part.span.start - word.span.start:part.span.end - word.span.start] for part in word.parts)


def _stderr_into_stdout(span: Span) -> Redirect:
    """What ``|&`` adds to the command on its left: ``2>&1``, after its own redirections."""
    return Redirect(2, ">&", Word([Literal("1", False, span)], "1", span), span)


#: Marks the end of an alias value that ends in a blank: the word after it is checked for an alias too.
_CHECK_NEXT_WORD = object()


class Parser:
    def __init__(self, lexer: Lexer):
        self.lexer = lexer
        #: Tokens to read before the lexer's own: an alias's value, in order.
        self._queue: list[Token | object] = []

    def _peek(self) -> Token:
        while self._queue and self._queue[0] is _CHECK_NEXT_WORD:
            self._queue.pop(0)
            self._expand_aliases()
        if not self._queue:
            self._queue.append(self.lexer.next_token())
        return self._queue[0]

    def _take(self) -> Token:
        token = self._peek()
        self._queue.pop(0)
        return token

    def _expand_aliases(self) -> None:
        """Replace a command word that names an alias by its value, as often as that applies.

        An alias is not expanded again inside its own expansion, so ``alias ls='ls -l'`` ends.
        A value left open (an unclosed quote) is an error here: unlike bash, which would go on
        reading the next lines into it, no further input can close it.
        """
        aliases = self.lexer.aliases
        expanding: set[str] = set()
        while aliases:
            token = self._peek()
            name = token.plain_text() if isinstance(token, Word) else None
            if name is None or name not in aliases or name in expanding:
                return
            expanding.add(name)
            self._queue.pop(0)
            value = aliases[name]
            inner = self.lexer.nested(value, depth=self.lexer.depth + 1, offset=token.span.start)
            tokens: list[Token | object] = []
            try:
                while not (isinstance(piece := inner.next_token(), Operator) and piece.text == ""):
                    tokens.append(piece)
            except IncompleteInput as error:
                raise ShellSyntaxError(str(error)) from None
            if value.endswith((" ", "\t")):
                tokens.append(_CHECK_NEXT_WORD)
            self._queue[:0] = tokens

    def _peek_operator(self, *texts: str) -> bool:
        token = self._peek()
        return isinstance(token, Operator) and token.text in texts

    def _skip_newlines(self) -> None:
        while self._peek_operator("\n"):
            self._take()

    def script(self, closer: str = "") -> Script:
        """And-or lists up to the end of input, or up to and including ``closer``."""
        start = self._peek().span.start
        items: list[AndOrList] = []
        self._skip_newlines()
        while not self._peek_operator(closer):
            if closer and self._peek_operator(""):
                raise unexpected_eof(closer)
            items.append(self._and_or())
            if self._peek_operator(";", "\n"):
                self._take()
                self._skip_newlines()
            elif self._peek_operator("&"):
                self._take()
                items[-1].background = True
                self._skip_newlines()
            elif not self._peek_operator(closer, ""):
                raise _unexpected(self._peek())
        end = self._take().span.end
        return Script(items, Span(start, end))

    def _and_or(self) -> AndOrList:
        first = self._pipeline()
        rest: list[tuple[str, Pipeline]] = []
        while self._peek_operator("&&", "||"):
            operator = self._take().text
            self._skip_newlines()
            rest.append((operator, self._pipeline()))
        end = (rest[-1][1] if rest else first).span.end
        return AndOrList(first, rest, Span(first.span.start, end))

    def _pipeline(self) -> Pipeline:
        start = self._peek().span.start
        negated = False
        while isinstance(token := self._peek(), Word) and token.plain_text() == "!":
            self._take()
            negated = not negated
        commands = [self._simple_command()]
        while self._peek_operator("|", "|&"):
            if self._take().text == "|&":
                commands[-1].redirects.append(_stderr_into_stdout(commands[-1].span))
            self._skip_newlines()
            commands.append(self._simple_command())
        return Pipeline(commands, negated, Span(start, commands[-1].span.end))

    def _simple_command(self) -> SimpleCommand:
        self._expand_aliases()
        first = self._peek()
        if isinstance(first, Operator) and first.text == "":
            raise IncompleteInput("syntax error: unexpected end of file")
        if isinstance(first, Operator) and first.text == "(":
            raise ShellSyntaxError("subshells ( ... ) are not supported here yet")
        if isinstance(first, Word) and (keyword := first.plain_text()) in KEYWORDS:
            if keyword in _UNSUPPORTED_KEYWORDS:
                construct = _UNSUPPORTED_KEYWORDS[keyword]
                raise ShellSyntaxError(f"{keyword}: {construct} are not supported here yet")
            if keyword in _CONTINUING_KEYWORDS:
                raise _unexpected(first)
        assignments: list[Assignment] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        end = first.span.start
        while True:
            token = self._peek()
            if isinstance(token, IoNumber) or (isinstance(token, Operator)
                                               and token.text in REDIRECTION_OPERATORS):
                redirects.append(self._redirect())
                end = redirects[-1].span.end
            elif isinstance(token, Word):
                self._take()
                if not words and (assignment := as_assignment(token)):
                    assignments.append(assignment)
                    self._expand_aliases()
                else:
                    words.append(token)
                end = token.span.end
            elif self._peek_operator("(") and len(words) == 1 and not assignments:
                raise ShellSyntaxError("function definitions are not supported here yet")
            else:
                break
        if not (assignments or words or redirects):
            raise _unexpected(first)
        return SimpleCommand(assignments, words, redirects, Span(first.span.start, end))

    def _redirect(self) -> Redirect:
        start = self._peek().span.start
        fd = self._take().fd if isinstance(self._peek(), IoNumber) else None
        operator = self._take()
        if not isinstance(operator, Operator) or operator.text not in REDIRECTION_OPERATORS:
            raise _unexpected(operator)
        target = self._take()
        if not isinstance(target, Word):
            raise _unexpected(target)
        explicit_fd = fd is not None
        if fd is None:
            fd = 0 if operator.text in _INPUT_OPERATORS else 1
        redirect = Redirect(fd, operator.text, target, Span(start, target.span.end),
                            explicit_fd=explicit_fd)
        if operator.text in ("<<", "<<-"):
            quoted = any(isinstance(part, Literal) and part.quoted for part in target.parts)
            redirect.here_document = HereDocument(_unquoted_text(target), operator.text == "<<-",
                                                  not quoted, self.lexer.line_at(start))
            self.lexer.pending_here_documents.append(redirect.here_document)
        return redirect
