"""What every GNU tool here shares: getopt's argument rules and complaints, coreutils' quoting
of file names in messages, and reading the files named on a command line through ``ctx.fs``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterator, TextIO

from ..commands import Command, CommandContext
from ..shell.filesystem import FileSystemError, resolve


def one_transaction(function: Command) -> Command:
    """Runs a file tool inside one sandbox transaction: its many small reads and writes then cost
    one round trip to the state's owner, and its changes are saved together."""

    @functools.wraps(function)
    def run(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
        with ctx.sandbox.transaction():
            return function(argv, stdin, stdout, stderr, ctx)
    return run


class UsageError(Exception):
    """Bad command-line arguments; the tool prints ``message`` and its "Try --help" line."""


@dataclass
class Parsed:
    options: list[tuple[str, str | None]] = field(default_factory=list)
    operands: list[str] = field(default_factory=list)

    def has(self, *names: str) -> bool:
        return any(name in names for name, _ in self.options)

    def last(self, *names: str) -> str | None:
        values = [value for name, value in self.options if name in names]
        return values[-1] if values else None

    def all(self, *names: str) -> list[str]:
        return [value for name, value in self.options if name in names and value is not None]


def parse(argv: list[str], short: str, long: dict[str, str] | None = None) -> Parsed:
    """GNU getopt_long with argument permutation: ``short`` as getopt spells it (``"n:v"``),
    ``long`` maps ``--name`` (``--name=`` if it takes a value) to the short letter it means."""
    long = long or {}
    takes_value = {letter for letter, after in zip(short, short[1:] + " ") if after == ":"}
    letters = set(short.replace(":", ""))
    parsed = Parsed()
    args = argv[1:]
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            parsed.operands.extend(args[index:])
            break
        if arg.startswith("--"):
            name, equals, value = arg[2:].partition("=")
            candidates = [key for key in long if key.rstrip("=") == name] or [
                key for key in long if key.startswith(name)]
            if len(candidates) > 1:
                raise UsageError(f"option '--{name}' is ambiguous")
            if not candidates:
                raise UsageError(f"unrecognized option '{arg}'")
            key = candidates[0]
            full = key.rstrip("=")
            if key.endswith("="):
                if not equals:
                    if index >= len(args):
                        raise UsageError(f"option '--{full}' requires an argument")
                    value = args[index]
                    index += 1
                parsed.options.append((long[key], value))
            else:
                if equals:
                    raise UsageError(f"option '--{full}' doesn't allow an argument")
                parsed.options.append((long[key], None))
            continue
        if not arg.startswith("-") or arg == "-":
            parsed.operands.append(arg)
            continue
        position = 1
        while position < len(arg):
            letter = arg[position]
            position += 1
            if letter not in letters:
                raise UsageError(f"invalid option -- '{letter}'")
            if letter in takes_value:
                value = arg[position:]
                if not value:
                    if index >= len(args):
                        raise UsageError(f"option requires an argument -- '{letter}'")
                    value = args[index]
                    index += 1
                parsed.options.append((letter, value))
                break
            parsed.options.append((letter, None))
    return parsed


def usage_error(program: str, message: str, stderr: TextIO, status: int = 1) -> int:
    stderr.write(f"{program}: {message}\nTry '{program} --help' for more information.\n")
    return status


_SAFE = re.compile(r"[A-Za-z0-9_./@%+=:,^-]+")


def quote_always(name: str) -> str:
    """A name as coreutils' ``quoteaf`` shows it: always in single quotes (``'a b'``)."""
    if "'" in name:
        return '"' + name + '"' if '"' not in name else "'" + name.replace("'", "'\\''") + "'"
    return f"'{name}'"


def quote_if_needed(name: str) -> str:
    """A name as ``quotef`` shows it: bare unless the shell would need it quoted."""
    return name if _SAFE.fullmatch(name) else quote_always(name)


def quote_locale(name: str) -> str:
    """A name as ``quote`` shows it in a UTF-8 locale (``‘name’``)."""
    return f"\u2018{name}\u2019"


def path(ctx: CommandContext, name: str) -> str:
    return resolve(ctx.cwd, name)


def inputs(names: list[str], stdin: TextIO, ctx: CommandContext, program: str,
           stderr: TextIO) -> Iterator[tuple[str, str | None]]:
    """Each operand (``-`` or none at all: standard input) with its text, or None after the
    tool's complaint; the caller notes the failure."""
    for name in names or ["-"]:
        if name == "-":
            yield name, stdin.read()
            continue
        try:
            yield name, ctx.fs.read(path(ctx, name))
        except FileSystemError as error:
            stderr.write(f"{program}: {quote_if_needed(name)}: {error.strerror}\n")
            yield name, None


def lines_of(text: str) -> list[str]:
    """The lines of ``text`` without their newlines; a last line without one still counts."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
