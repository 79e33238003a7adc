"""Turns the words of one command into the strings the command receives, in bash's order.

Tilde, parameters and command substitution come first, then word splitting on ``$IFS``, then
quote removal, then pathname expansion. Only text that came out of an unquoted expansion is
split, and only unquoted characters are pattern characters, so the expander carries every piece of
text with those two flags rather than as a plain string. Patterns (``*``, ``?``, ``[...]``) are
matched against ``ctx.fs`` as bash matches them with its default options: a leading dot only by
an explicit dot, ``.`` and ``..`` never, ASCII ranges, and a word that matches nothing stays as
typed. What one command may expand to is capped (about Linux's limit on a command's arguments),
so no line can double a value forever.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, TextIO

from .filesystem import FileSystemError, collation_key, resolve
from .nodes import CommandSubstitution, Literal, Parameter, Word, WordPart
from .parser import as_assignment

if TYPE_CHECKING:
    from .executor import Shell

MAX_EXPANSION = 2 << 20
DEFAULT_IFS = " \t\n"

#: A piece of expanded text, whether word splitting may cut it, and whether it is unquoted (so
#: its ``*``, ``?`` and ``[`` are pattern characters).
Segment = tuple[str, bool, bool]
#: One field after splitting, as pieces of text each marked unquoted or not.
Field = list[tuple[str, bool]]

_ASSIGNMENT_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = frozenset({None, "length", ":-", "-", ":=", "=", ":+", "+", ":?", "?"})


class ExpansionError(Exception):
    """A word that cannot be expanded; ``abort_line`` drops the rest of the input, as bash does."""

    def __init__(self, message: str, *, abort_line: bool = False):
        super().__init__(message)
        self.abort_line = abort_line


def split_fields(segments: Iterable[Segment], ifs: str) -> list[Field]:
    """Bash's word splitting: IFS whitespace runs separate fields and vanish at the edges, each
    other IFS character ends exactly one field, and quoted text (even empty) always makes one."""
    fields: list[Field] = []
    current: Field = []
    started = after_whitespace = False
    separator = re.compile("[" + "".join(map(re.escape, ifs)) + "]") if ifs else None
    for text, splittable, unquoted in segments:
        if not splittable or separator is None:
            if text or not splittable:
                current.append((text, unquoted))
                started, after_whitespace = True, False
            continue
        position = 0
        for match in separator.finditer(text):
            if match.start() > position:
                current.append((text[position:match.start()], unquoted))
                started, after_whitespace = True, False
            position = match.end()
            if match.group() in DEFAULT_IFS:
                if started:
                    fields.append(current)
                    current, started, after_whitespace = [], False, True
            else:
                if started or not after_whitespace:
                    fields.append(current)
                current, started, after_whitespace = [], False, False
        if position < len(text):
            current.append((text[position:], unquoted))
            started, after_whitespace = True, False
    if started:
        fields.append(current)
    return fields


#: POSIX character classes (``[[:digit:]]``) as the inside of a Python character class.
POSIX_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "xdigit": "0-9A-Fa-f",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "cntrl": r"\x00-\x1f\x7f",
    "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}


def _bracket(chars: list[tuple[str, bool]], start: int) -> tuple[str, int] | None:
    """The regex for the bracket expression opening at ``start`` and the index after it, or None
    if it never closes (then ``[`` is an ordinary character)."""
    index = start + 1
    negate = index < len(chars) and chars[index][0] in "!^" and chars[index][1]
    index += negate
    items: list[str] = []
    first = True
    while index < len(chars):
        char, unquoted = chars[index]
        if char == "]" and unquoted and not first:
            if not items:
                return ("." if negate else "(?!)"), index + 1
            return ("[^" if negate else "[") + "".join(items) + "]", index + 1
        if char == "[" and unquoted and index + 1 < len(chars) and chars[index + 1][0] == ":":
            rest = "".join(c for c, _ in chars[index + 2:])
            name, colon, _ = rest.partition(":]")
            if colon and name in POSIX_CLASSES:
                items.append(POSIX_CLASSES[name])
                index += len(name) + 4
                first = False
                continue
        if (index + 2 < len(chars) and chars[index + 1] == ("-", True)
                and chars[index + 2][0] != "]"):
            low, high = char, chars[index + 2][0]
            if low <= high:
                items.append(re.escape(low) + "-" + re.escape(high))
            index += 3
        else:
            items.append(re.escape(char))
            index += 1
        first = False
    return None


def _pattern(chars: list[tuple[str, bool]]) -> re.Pattern | None:
    """The regex one path component means, or None when it has no pattern character."""
    regex: list[str] = []
    special = False
    index = 0
    while index < len(chars):
        char, unquoted = chars[index]
        bracket = _bracket(chars, index) if char == "[" and unquoted else None
        if bracket is not None:
            regex.append(bracket[0])
            index = bracket[1]
            special = True
            continue
        if unquoted and char in "*?":
            regex.append(".*" if char == "*" else ".")
            special = True
        else:
            regex.append(re.escape(char))
        index += 1
    return re.compile("".join(regex), re.DOTALL) if special else None


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
        expanded: list[str] = []
        for field in split_fields(self._segments(word.parts, tilde="word"), self._ifs()):
            expanded.extend(self._matches(field) or ["".join(text for text, _ in field)])
        return expanded

    def value(self, word: Word) -> str:
        """A word expanded as the value of an assignment: no splitting, tildes after ``:`` too."""
        return "".join(text for text, _, _ in self._segments(word.parts, tilde="value"))

    def _matches(self, field: Field) -> list[str]:
        """The paths a field names as a pattern, sorted as bash sorts them; none if it names none."""
        chars = [(char, unquoted) for text, unquoted in field for char in text]
        if not any(unquoted and char in "*?[" for char, unquoted in chars):
            return []
        fs, cwd = self._shell.ctx.fs, self._shell.ctx.cwd
        components: list[list[tuple[str, bool]]] = [[]]
        for char, unquoted in chars:
            if char == "/":
                components.append([])
            else:
                components[-1].append((char, unquoted))
        found = ["/" if chars[0][0] == "/" else ""]
        directories_only = len(components) > 1 and not components[-1]
        last_was_pattern = False
        for component in (component for component in components if component):
            pattern = _pattern(component)
            prefixes = [prefix if prefix in ("", "/") else prefix + "/" for prefix in found]
            last_was_pattern = pattern is not None
            if pattern is None:
                found = [prefix + "".join(char for char, _ in component) for prefix in prefixes]
                continue
            explicit_dot = component[0][0] == "."
            found = []
            for prefix in prefixes:
                try:
                    names = fs.listdir(resolve(cwd, prefix or "."))
                except FileSystemError:
                    continue
                found.extend(prefix + name for name in names
                             if pattern.fullmatch(name) and (explicit_dot or name[0] != "."))
        if directories_only:
            found = [path + "/" for path in found if self._is_directory(resolve(cwd, path))]
        elif not last_was_pattern:
            found = [path for path in found if self._exists(resolve(cwd, path))]
        return sorted(found, key=collation_key)

    def _exists(self, path: str) -> bool:
        try:
            return self._shell.ctx.fs.info(path) is not None
        except FileSystemError:
            return False

    def _is_directory(self, path: str) -> bool:
        try:
            found = self._shell.ctx.fs.info(path)
        except FileSystemError:
            return False
        return found is not None and found.kind == "dir"

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
                segments.append((self._spend(text), split_literals and not part.quoted,
                                 not part.quoted))
            elif isinstance(part, Parameter):
                segments.extend(self._parameter(part) or [("", not part.quoted, not part.quoted)])
            else:
                segments.append((self._spend(self._substitute(part)), not part.quoted,
                                 not part.quoted))
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
        special = {"?": shell.last_status, "$": shell.pid, "#": 0, "0": "bash", "-": "himBHs",
                   "!": shell.last_background_pid}
        if name in special:
            return None if special[name] is None else str(special[name])
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
            return [(self._spend(value or ""), split, split)]
        if operator == "length":
            return [(str(len(value or "")), split, split)]
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
        return [(self._spend(value or ""), split, split)]

    def _substitute(self, part: CommandSubstitution) -> str:
        output, status = self._shell.substitute(part.body, self._stdin, self._stderr)
        self.substitution_status = status
        return output.rstrip("\n")
