"""The text filters learners pipe kubectl into: ``grep``, ``sort``, ``uniq``, ``cut``, ``tr``,
``sed`` and ``awk`` (the last two as the subsets one-liners use).

POSIX regular expressions are translated to Python's ``re`` (``posix_regex``): basic or extended
syntax, bracket expressions with ``[:classes:]``, ``\\<``/``\\>``. Messages and exit statuses are
GNU's: grep answers 1 when nothing matched and 2 on trouble.
"""

from __future__ import annotations

import posixpath
import re
from typing import TextIO

from ..commands import CommandContext, command
from ..shell.expander import POSIX_CLASSES
from ..shell.filesystem import FileSystemError, collation_key
from .awk import AwkError, run_awk
from .gnu import (UsageError, inputs, lines_of, one_transaction, parse, path, quote_always,
                  quote_if_needed, quote_locale, usage_error)

class RegexError(Exception):
    """A pattern POSIX would reject; the text is GNU's message."""


def _bracket(pattern: str, start: int) -> tuple[str, int]:
    """The Python class for the bracket expression at ``start``, and the index after it."""
    index = start + 1
    out = "["
    if index < len(pattern) and pattern[index] == "^":
        out += "^"
        index += 1
    first = True
    while index < len(pattern):
        char = pattern[index]
        if char == "]" and not first:
            return out + "]", index + 1
        first = False
        if pattern.startswith("[:", index):
            end = pattern.find(":]", index + 2)
            if end < 0 or pattern[index + 2:end] not in POSIX_CLASSES:
                raise RegexError("Unmatched [, [^, [:, [., or [=")
            out += POSIX_CLASSES[pattern[index + 2:end]]
            index = end + 2
            continue
        out += "\\" + char if char in "\\[]^" else char
        index += 1
    raise RegexError("Unmatched [, [^, [:, [., or [=")


def posix_regex(pattern: str, extended: bool) -> str:
    """A POSIX basic (``extended=False``) or extended regular expression as Python's ``re`` reads it."""
    out: list[str] = []
    index, depth = 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            following = pattern[index + 1]
            index += 2
            if not extended and following in "(){}|+?":
                depth += {"(": 1, ")": -1}.get(following, 0)
                if depth < 0:
                    raise RegexError("Unmatched ) or \\)")
                out.append(following)
            elif following in "<>":
                out.append(r"\b")
            elif following.isdigit() or following in "wWsSbB":
                out.append("\\" + following)
            else:
                out.append(re.escape(following))
            continue
        index += 1
        if char == "[":
            translated, index = _bracket(pattern, index - 1)
            out.append(translated)
        elif char in "(){}|+?":
            if extended:
                depth += {"(": 1, ")": -1}.get(char, 0)
                if depth < 0:
                    raise RegexError("Unmatched ) or \\)")
                out.append(char)
            else:
                out.append("\\" + char)
        elif char == "*" and (not out or out[-1] in ("(", "|", "^")):
            out.append(r"\*")
        elif char in ".^$*":
            out.append(char)
        else:
            out.append(re.escape(char))
    if depth > 0:
        raise RegexError("Unmatched ( or \\(")
    return "".join(out)


def regex_error(error: re.error) -> str:
    """GNU's words for a pattern Python's ``re`` refused after translation."""
    message = str(error)
    if "nothing to repeat" in message or "multiple repeat" in message:
        return "Invalid preceding regular expression"
    if "bad character range" in message:
        return "Invalid range end"
    return "Invalid regular expression"


# -- grep ----------------------------------------------------------------------------------------

_GREP_LONG = {"ignore-case": "i", "invert-match": "v", "count": "c", "line-number": "n",
              "extended-regexp": "E", "fixed-strings": "F", "basic-regexp": "G", "only-matching": "o",
              "word-regexp": "w", "line-regexp": "x", "recursive": "r", "files-with-matches": "l",
              "files-without-match": "L", "with-filename": "H", "no-filename": "h", "quiet": "q",
              "silent": "q", "no-messages": "s", "regexp=": "e", "color=": "\0color",
              "colour=": "\0color", "color": "\0color", "max-count=": "m"}


def _grep_files(ctx: CommandContext, operands: list[str], recursive: bool,
                stderr: TextIO, quiet_errors: bool) -> tuple[list[tuple[str, str | None]], bool]:
    """(name, text or None for standard input) for each file to search, and whether any failed."""
    found, failed = [], False
    if not operands and recursive:
        return _walk(ctx, ""), False
    for name in operands or ["-"]:
        if name == "-":
            found.append(("(standard input)", None))
            continue
        try:
            info = ctx.fs.info(path(ctx, name))
            if info is None:
                raise FileSystemError("No such file or directory")
            if info.kind == "dir":
                if not recursive:
                    if not quiet_errors:
                        stderr.write(f"grep: {name}: Is a directory\n")
                    continue
                found.extend(_walk(ctx, name))
                continue
            found.append((name, ctx.fs.read(path(ctx, name))))
        except FileSystemError as error:
            if not quiet_errors:
                stderr.write(f"grep: {name}: {error.strerror}\n")
            failed = True
    return found, failed


def _walk(ctx: CommandContext, name: str) -> list[tuple[str, str]]:
    files = []
    try:
        entries = ctx.fs.listdir(path(ctx, name or "."))
    except FileSystemError:
        return files
    for entry in entries:
        child = entry if name == "" else posixpath.join(name, entry)
        try:
            info = ctx.fs.info(path(ctx, child))
            if info is None:
                continue
            if info.kind == "dir":
                files.extend(_walk(ctx, child))
            else:
                files.append((child, ctx.fs.read(path(ctx, child))))
        except FileSystemError:
            continue
    return files


@command("grep", "egrep", "fgrep")
@one_transaction
def grep(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "ivcnEFGowxrRlLHhqse:m:", _GREP_LONG)
    except UsageError as error:
        stderr.write(f"grep: {error}\nUsage: grep [OPTION]... PATTERNS [FILE]...\n"
                     "Try 'grep --help' for more information.\n")
        return 2
    operands = list(parsed.operands)
    patterns = parsed.all("e")
    if not patterns:
        if not operands:
            stderr.write("Usage: grep [OPTION]... PATTERNS [FILE]...\n"
                         "Try 'grep --help' for more information.\n")
            return 2
        patterns = operands.pop(0).split("\n")
    extended = parsed.has("E") or argv[0] == "egrep"
    fixed = parsed.has("F") or argv[0] == "fgrep"
    try:
        sources = [re.escape(p) if fixed else posix_regex(p, extended) for p in patterns]
    except RegexError as error:
        stderr.write(f"grep: {error}\n")
        return 2
    if parsed.has("w"):
        sources = [rf"(?<![A-Za-z0-9_])(?:{source})(?![A-Za-z0-9_])" for source in sources]
    if parsed.has("x"):
        sources = [rf"^(?:{source})$" for source in sources]
    try:
        regex = re.compile("|".join(f"(?:{source})" for source in sources),
                           re.IGNORECASE if parsed.has("i") else 0)
    except re.error as error:
        stderr.write(f"grep: {regex_error(error)}\n")
        return 2
    recursive = parsed.has("r", "R")
    files, failed = _grep_files(ctx, operands, recursive, stderr, parsed.has("s"))
    show_names = (len(operands) > 1 or recursive or parsed.has("H")) and not parsed.has("h")
    limit = parsed.last("m")
    out: list[str] = []
    matched_any = False
    for name, text in files:
        if text is None:
            text = stdin.read()
        count = 0
        for number, line in enumerate(lines_of(text), start=1):
            if limit is not None and count >= int(limit):
                break
            hits = [match for match in regex.finditer(line) if match.group()] if parsed.has("o") else []
            selected = bool(regex.search(line)) != parsed.has("v")
            if not selected:
                continue
            count += 1
            if parsed.has("q", "l", "L", "c"):
                continue
            prefix = (f"{name}:" if show_names else "") + (f"{number}:" if parsed.has("n") else "")
            if parsed.has("o"):
                if not parsed.has("v"):
                    out.extend(f"{prefix}{hit.group()}\n" for hit in hits)
            else:
                out.append(f"{prefix}{line}\n")
        matched_any = matched_any or count > 0
        if parsed.has("c"):
            out.append((f"{name}:" if show_names else "") + f"{count}\n")
        elif parsed.has("l") and count:
            out.append(f"{name}\n")
        elif parsed.has("L") and not count:
            out.append(f"{name}\n")
        if parsed.has("q") and matched_any:
            return 0
    stdout.write("".join(out))
    if failed and not (parsed.has("q") and matched_any):
        return 2
    return 0 if matched_any else 1


# -- sort, uniq ----------------------------------------------------------------------------------

def _numeric_prefix(text: str) -> float:
    match = re.match(r"\s*(-?\d+(?:\.\d*)?|-?\.\d+)", text)
    return float(match.group(1)) if match else 0.0


def _human_value(text: str) -> float:
    match = re.match(r"\s*(-?\d+(?:\.\d*)?)([KMGTPE]?)", text)
    if not match:
        return 0.0
    return float(match.group(1)) * 1024 ** " KMGTPE".index(match.group(2) or " ")


_KEY_FIELD = re.compile(r"(\d+)(?:\.\d+)?([bfhnr]*)")


class _KeySpec:
    """One ``-k START[,END]`` (fields only; character offsets are accepted and ignored)."""

    def __init__(self, spec: str, global_flags: str):
        start, _, end = spec.partition(",")
        first = _KEY_FIELD.fullmatch(start)
        last = _KEY_FIELD.fullmatch(end) if end else None
        if first is None or (end and last is None):
            raise UsageError("invalid number at field start: invalid count at start of "
                             + quote_locale(spec))
        if int(first.group(1)) == 0:
            raise UsageError(f"field number is zero: invalid field specification {quote_locale(spec)}")
        self.start = int(first.group(1))
        self.end = int(last.group(1)) if last else None
        self.flags = (first.group(2) + (last.group(2) if last else "")) or global_flags


@command("sort")
@one_transaction
def sort(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "nruk:t:hfbo:", {"numeric-sort": "n", "reverse": "r", "unique": "u",
                                               "key=": "k", "field-separator=": "t",
                                               "human-numeric-sort": "h", "ignore-case": "f",
                                               "ignore-leading-blanks": "b",
                                               "output=": "o"})
        separator = parsed.last("t")
        if separator is not None and len(separator) != 1:
            raise UsageError("multi-character tab " + quote_locale(separator))
    except UsageError as error:
        return usage_error("sort", str(error), stderr, 2)
    global_flags = "".join(letter for letter in "nhfbr" if parsed.has(letter))
    try:
        keys = [_KeySpec(spec, global_flags) for spec in parsed.all("k")]
    except UsageError as error:
        stderr.write(f"sort: {error}\n")
        return 2
    lines: list[str] = []
    for name in parsed.operands or ["-"]:
        try:
            text = stdin.read() if name == "-" else ctx.fs.read(path(ctx, name))
        except FileSystemError as error:
            stderr.write(f"sort: cannot read: {quote_if_needed(name)}: {error.strerror}\n")
            return 2
        lines.extend(lines_of(text))

    def fields_of(line: str) -> list[str]:
        if separator is not None:
            return line.split(separator)
        return re.findall(r"\s*\S+", line) or [""]

    def field_text(line: str, key: _KeySpec) -> str:
        fields = fields_of(line)
        end = key.end if key.end is not None else len(fields)
        joiner = separator if separator is not None else ""
        return joiner.join(fields[key.start - 1:end])

    def value(text: str, flags: str):
        if "n" in flags:
            return (_numeric_prefix(text),)
        if "h" in flags:
            return (_human_value(text),)
        if "b" in flags:
            text = text.lstrip()
        if "f" in flags:
            text = text.upper()
        return collation_key(text)

    reverse_all = parsed.has("r")

    def comparable(line: str) -> list[_Ordered]:
        """The keys in turn, then the whole line as the last resort (which only ``-r`` reverses)."""
        parts = [_Ordered(value(field_text(line, key), key.flags), "r" in key.flags) for key in keys]
        if not keys:
            parts.append(_Ordered(value(line, global_flags), reverse_all))
        if keys or {"n", "h"} & set(global_flags):
            parts.append(_Ordered(collation_key(line), reverse_all))
        return parts

    ordered = sorted(lines, key=comparable)
    if parsed.has("u"):
        unique, seen = [], set()
        for line in ordered:
            signature = tuple(part.value for part in comparable(line)[:max(len(keys), 1)])
            if signature not in seen:
                seen.add(signature)
                unique.append(line)
        ordered = unique
    text = "".join(line + "\n" for line in ordered)
    target = parsed.last("o")
    if target is not None:
        try:
            ctx.fs.write(path(ctx, target), text)
        except FileSystemError as error:
            stderr.write(f"sort: open failed: {quote_if_needed(target)}: {error.strerror}\n")
            return 2
        return 0
    stdout.write(text)
    return 0


class _Ordered:
    """A sort key part that can be compared in reverse on its own (``-k2,2nr``)."""

    __slots__ = ("value", "reverse")

    def __init__(self, value, reverse: bool):
        self.value, self.reverse = value, reverse

    def __eq__(self, other) -> bool:
        return self.value == other.value

    def __lt__(self, other) -> bool:
        return other.value < self.value if self.reverse else self.value < other.value


@command("uniq")
@one_transaction
def uniq(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "cdui", {"count": "c", "repeated": "d", "unique": "u",
                                      "ignore-case": "i"})
    except UsageError as error:
        return usage_error("uniq", str(error), stderr)
    if len(parsed.operands) > 2:
        return usage_error("uniq", f"extra operand {quote_always(parsed.operands[2])}", stderr)
    name, text = next(inputs(parsed.operands[:1], stdin, ctx, "uniq", stderr))
    if text is None:
        return 1
    groups: list[list] = []
    for line in lines_of(text):
        signature = line.lower() if parsed.has("i") else line
        if groups and groups[-1][0] == signature:
            groups[-1][2] += 1
        else:
            groups.append([signature, line, 1])
    out = []
    for _, line, count in groups:
        if (parsed.has("d") and count < 2) or (parsed.has("u") and count > 1):
            continue
        out.append(f"{count:7d} {line}\n" if parsed.has("c") else f"{line}\n")
    result = "".join(out)
    if len(parsed.operands) == 2:
        try:
            ctx.fs.write(path(ctx, parsed.operands[1]), result)
        except FileSystemError as error:
            stderr.write(f"uniq: {quote_if_needed(parsed.operands[1])}: {error.strerror}\n")
            return 1
        return 0
    stdout.write(result)
    return 0


# -- cut, tr -------------------------------------------------------------------------------------

def _ranges(spec: str, unit: str) -> list[tuple[int, int | None]]:
    """``cut``'s LIST: ``1,3-5,7-``; raises UsageError in cut's words."""
    ranges = []
    for part in spec.split(","):
        match = re.fullmatch(r"(\d*)(-?)(\d*)", part)
        if not match or part in ("", "-"):
            raise UsageError("invalid range with no endpoint: -" if part == "-" else
                             f"invalid field value {quote_locale(part)}")
        low, dash, high = match.groups()
        start = int(low) if low else 1
        end = (int(high) if high else None) if dash else start
        if start == 0 or end == 0:
            raise UsageError(f"{unit} numbered from 1")
        if end is not None and end < start:
            raise UsageError("invalid decreasing range")
        ranges.append((start, end))
    return ranges


def _selected(position: int, ranges: list[tuple[int, int | None]]) -> bool:
    return any(start <= position and (end is None or position <= end) for start, end in ranges)


@command("cut")
@one_transaction
def cut(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "d:f:c:b:s", {"delimiter=": "d", "fields=": "f", "characters=": "c",
                                           "bytes=": "b", "only-delimited": "s",
                                           "output-delimiter=": "\0out"})
        lists = [(letter, value) for letter, value in parsed.options if letter in "fcb"]
        if not lists:
            raise UsageError("you must specify a list of bytes, characters, or fields")
        if len({letter for letter, _ in lists}) > 1:
            raise UsageError("only one list may be specified")
        mode, spec = lists[-1]
        ranges = _ranges(spec, "fields are" if mode == "f" else "byte/character positions are")
        delimiter = parsed.last("d")
        if delimiter is not None and len(delimiter) != 1:
            raise UsageError("the delimiter must be a single character")
        if delimiter is not None and mode != "f":
            raise UsageError("an input delimiter may be specified only when operating on fields")
    except UsageError as error:
        return usage_error("cut", str(error), stderr)
    delimiter = "\t" if delimiter is None else delimiter
    joiner = parsed.last("\0out")
    out, status = [], 0
    for name, text in inputs(parsed.operands, stdin, ctx, "cut", stderr):
        if text is None:
            status = 1
            continue
        for line in lines_of(text):
            if mode != "f":
                out.append("".join(char for index, char in enumerate(line, 1)
                                   if _selected(index, ranges)) + "\n")
            elif delimiter not in line:
                if not parsed.has("s"):
                    out.append(line + "\n")
            else:
                fields = line.split(delimiter)
                chosen = [field for index, field in enumerate(fields, 1) if _selected(index, ranges)]
                out.append((delimiter if joiner is None else joiner).join(chosen) + "\n")
    stdout.write("".join(out))
    return status


_TR_CLASSES = {
    "alpha": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "lower": "abcdefghijklmnopqrstuvwxyz",
    "digit": "0123456789", "space": " \t\n\r\f\v", "blank": " \t",
    "alnum": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
}
_TR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _tr_set(spec: str) -> str:
    """A ``tr`` SET spelled out: escapes, ``a-z`` ranges and ``[:class:]``."""
    chars: list[str] = []
    index = 0
    while index < len(spec):
        if spec.startswith("[:", index) and (end := spec.find(":]", index)) > 0:
            name = spec[index + 2:end]
            if name not in _TR_CLASSES:
                raise UsageError(f"invalid character class {quote_locale(name)}")
            chars.extend(_TR_CLASSES[name])
            index = end + 2
            continue
        char = spec[index]
        if char == "\\" and index + 1 < len(spec):
            following = spec[index + 1]
            char = _TR_ESCAPES.get(following, following)
            index += 2
        else:
            index += 1
        if index + 1 < len(spec) and spec[index] == "-":
            high = spec[index + 1]
            if high < char:
                raise UsageError(f"range-endpoints of '{char}-{high}' are in reverse collating "
                                 "sequence order")
            chars.extend(chr(code) for code in range(ord(char), ord(high) + 1))
            index += 2
        else:
            chars.append(char)
    return "".join(chars)


@command("tr")
def tr(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "dscC", {"delete": "d", "squeeze-repeats": "s", "complement": "c"})
        sets = parsed.operands
        delete, squeeze = parsed.has("d"), parsed.has("s")
        needed = 2 if not delete and not (squeeze and len(sets) == 1) else 1
        if delete and squeeze:
            needed = 2
        if not sets:
            raise UsageError("missing operand")
        if len(sets) < needed:
            raise UsageError(f"missing operand after {quote_locale(sets[-1])}\n"
                             "Two strings must be given when " +
                             ("both deleting and squeezing repeats." if delete else "translating."))
        if len(sets) > needed:
            raise UsageError(f"extra operand {quote_locale(sets[needed])}"
                             + ("\nOnly one string may be given when deleting without squeezing repeats."
                                if delete and not squeeze else ""))
        first = _tr_set(sets[0])
        second = _tr_set(sets[1]) if len(sets) > 1 else ""
    except UsageError as error:
        return usage_error("tr", str(error), stderr)
    text = stdin.read()
    complement = parsed.has("c", "C")

    def in_first(char: str) -> bool:
        return (char in first) != complement

    if delete:
        text = "".join(char for char in text if not in_first(char))
        squeeze_set = second
    elif second:
        if complement:
            replacement = second[-1]
            text = "".join(replacement if in_first(char) else char for char in text)
        else:
            padded = second + second[-1] * max(0, len(first) - len(second))
            table = {}
            for source, target in zip(first, padded):
                table[ord(source)] = target
            text = text.translate(table)
        squeeze_set = second
    else:
        squeeze_set = first
    if squeeze:
        out: list[str] = []
        for char in text:
            squeezable = (char in squeeze_set) != (complement and not second and not delete)
            if out and out[-1] == char and squeezable:
                continue
            out.append(char)
        text = "".join(out)
    stdout.write(text)
    return 0


# -- sed -----------------------------------------------------------------------------------------

class SedError(Exception):
    pass


class _SedCommand:
    def __init__(self):
        self.first = self.second = None
        self.negate = False
        self.name = ""
        self.regex = None
        self.replacement = ""
        self.global_ = False
        self.print_ = False
        self.occurrence = 1
        self.text = ""
        self.in_range = False


def _sed_address(script: str, index: int, extended: bool) -> tuple[object, int]:
    if index < len(script) and script[index].isdigit():
        match = re.match(r"\d+", script[index:])
        return int(match.group()), index + match.end()
    if index < len(script) and script[index] == "$":
        return "$", index + 1
    if index < len(script) and script[index] in "/\\":
        delimiter = script[index]
        if delimiter == "\\":
            index += 1
            delimiter = script[index]
        pattern, index = _sed_delimited(script, index + 1, delimiter)
        flags = 0
        if index < len(script) and script[index] == "I":
            flags, index = re.IGNORECASE, index + 1
        return _sed_regex(pattern, extended, flags, index), index
    return None, index


def _sed_regex(pattern: str, extended: bool, flags: int, position: int) -> re.Pattern:
    try:
        return re.compile(posix_regex(pattern, extended), flags)
    except RegexError as error:
        raise SedError(f"-e expression #1, char {position}: {error}") from None
    except re.error as error:
        raise SedError(f"-e expression #1, char {position}: {regex_error(error)}") from None


def _sed_delimited(script: str, index: int, delimiter: str) -> tuple[str, int]:
    out = []
    while index < len(script):
        char = script[index]
        if char == "\\" and index + 1 < len(script):
            following = script[index + 1]
            out.append(following if following == delimiter else "\\" + following)
            index += 2
            continue
        if char == delimiter:
            return "".join(out), index + 1
        out.append(char)
        index += 1
    raise SedError(f"-e expression #1, char {index}: unterminated `s' command")


def parse_sed(script: str, extended: bool) -> list[_SedCommand]:
    commands = []
    index = 0
    while index < len(script):
        while index < len(script) and script[index] in " \t\n;":
            index += 1
        if index >= len(script):
            break
        current = _SedCommand()
        current.first, index = _sed_address(script, index, extended)
        if current.first is not None and index < len(script) and script[index] == ",":
            current.second, index = _sed_address(script, index + 1, extended)
        while index < len(script) and script[index] == " ":
            index += 1
        if index < len(script) and script[index] == "!":
            current.negate = True
            index += 1
        if index >= len(script):
            raise SedError(f"-e expression #1, char {index}: missing command")
        current.name = script[index]
        index += 1
        if current.name == "s":
            if index >= len(script):
                raise SedError(f"-e expression #1, char {index}: unterminated `s' command")
            delimiter = script[index]
            pattern, index = _sed_delimited(script, index + 1, delimiter)
            current.replacement, index = _sed_delimited(script, index, delimiter)
            flags = 0
            while index < len(script) and script[index] not in ";\n}":
                flag = script[index]
                if flag == "g":
                    current.global_ = True
                elif flag == "p":
                    current.print_ = True
                elif flag in "iI":
                    flags |= re.IGNORECASE
                elif flag.isdigit():
                    current.occurrence = int(flag)
                elif flag != " ":
                    raise SedError(f"-e expression #1, char {index + 1}: unknown option to `s'")
                index += 1
            current.regex = _sed_regex(pattern, extended, flags, index)
        elif current.name in "aic":
            text = script[index:].lstrip()
            if text.startswith("\\"):
                text = text[1:].lstrip("\n")
            end = text.find("\n")
            current.text = text if end < 0 else text[:end]
            index = len(script) if end < 0 else script.index(text[:end], index) + end
        elif current.name in "pdqn=":
            pass
        else:
            raise SedError(f"-e expression #1, char {index}: unknown command: `{current.name}'")
        commands.append(current)
    return commands


def _sed_replacement(template: str, match: re.Match) -> str:
    out, index = [], 0
    while index < len(template):
        char = template[index]
        if char == "\\" and index + 1 < len(template):
            following = template[index + 1]
            if following.isdigit():
                out.append(match.group(int(following)) or "")
            else:
                out.append({"n": "\n", "t": "\t"}.get(following, following))
            index += 2
            continue
        out.append(match.group() if char == "&" else char)
        index += 1
    return "".join(out)


def _matches_address(address, number: int, line: str, last: bool) -> bool:
    if isinstance(address, int):
        return number == address
    if address == "$":
        return last
    return bool(address.search(line))


def run_sed(commands: list[_SedCommand], lines: list[str], quiet: bool) -> str:
    out: list[str] = []
    for position, line in enumerate(lines):
        number, last = position + 1, position == len(lines) - 1
        deleted = False
        appended: list[str] = []
        for current in commands:
            if current.first is None:
                selected = True
            elif current.second is None:
                selected = _matches_address(current.first, number, line, last)
            elif current.in_range:
                selected = True
                if isinstance(current.second, int):
                    current.in_range = number < current.second
                else:
                    current.in_range = not _matches_address(current.second, number, line, last)
            else:
                selected = _matches_address(current.first, number, line, last)
                if selected:
                    current.in_range = not (isinstance(current.second, int) and current.second <= number)
            if selected == current.negate:
                continue
            if current.name == "s":
                count = 0

                def substitute(match: re.Match) -> str:
                    nonlocal count
                    count += 1
                    if count == current.occurrence or (current.global_ and count > current.occurrence):
                        return _sed_replacement(current.replacement, match)
                    return match.group()
                replaced = current.regex.sub(substitute, line)
                if count >= current.occurrence:
                    line = replaced
                    if current.print_:
                        out.append(line + "\n")
            elif current.name == "p":
                out.append(line + "\n")
            elif current.name == "d":
                deleted = True
                break
            elif current.name == "=":
                out.append(f"{number}\n")
            elif current.name == "i":
                out.append(current.text + "\n")
            elif current.name == "a":
                appended.append(current.text + "\n")
            elif current.name == "c":
                if current.second is None or not current.in_range:
                    out.append(current.text + "\n")
                deleted = True
                break
            elif current.name == "q":
                if not quiet:
                    out.append(line + "\n")
                out.extend(appended)
                return "".join(out)
        if not deleted and not quiet:
            out.append(line + "\n")
        out.extend(appended)
    return "".join(out)


_SED_USAGE = """\
Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
"""


@command("sed")
@one_transaction
def sed(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "ne:Erif:", {"quiet": "n", "silent": "n", "expression=": "e",
                                          "regexp-extended": "E", "in-place": "i"})
    except UsageError as error:
        return usage_error("sed", str(error), stderr)
    operands = list(parsed.operands)
    scripts = parsed.all("e")
    if not scripts:
        if not operands:
            stderr.write(_SED_USAGE)
            return 1
        scripts = [operands.pop(0)]
    try:
        commands = parse_sed("\n".join(scripts), parsed.has("E", "r"))
    except SedError as error:
        stderr.write(f"sed: {error}\n")
        return 1
    status = 0
    if parsed.has("i"):
        for name in operands:
            try:
                text = ctx.fs.read(path(ctx, name))
                for current in commands:
                    current.in_range = False
                ctx.fs.write(path(ctx, name), run_sed(commands, lines_of(text), parsed.has("n")))
            except FileSystemError as error:
                stderr.write(f"sed: can't read {name}: {error.strerror}\n")
                status = 2
        return status
    lines: list[str] = []
    for name, text in inputs(operands, stdin, ctx, "sed", stderr):
        if text is None:
            status = 2
            continue
        lines.extend(lines_of(text))
    stdout.write(run_sed(commands, lines, parsed.has("n")))
    return status


# -- awk -----------------------------------------------------------------------------------------

@command("awk", "gawk", "mawk")
@one_transaction
def awk(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    args = argv[1:]
    separator, assignments = None, {}
    while args and args[0].startswith("-") and args[0] != "-":
        option = args.pop(0)
        if option == "--":
            break
        if option.startswith("-F"):
            separator = option[2:] or (args.pop(0) if args else None)
            if separator is None:
                return usage_error("awk", "option requires an argument -- F", stderr, 2)
        elif option.startswith("-v"):
            assignment = option[2:] or (args.pop(0) if args else "")
            name, equals, value = assignment.partition("=")
            if not equals:
                stderr.write(f"awk: fatal: `{assignment}' is not a legal variable assignment\n")
                return 2
            assignments[name] = value
        else:
            stderr.write(f"awk: not an option: {option}\n")
            return 2
    if not args:
        stderr.write("Usage: awk [POSIX or GNU style options] -f progfile [--] file ...\n"
                     "Usage: awk [POSIX or GNU style options] [--] 'program' file ...\n")
        return 2
    program, operands = args[0], args[1:]
    sources: list[tuple[str, list[str]]] = []
    status = 0
    for name, text in inputs(operands, stdin, ctx, "awk", stderr):
        if text is None:
            status = 2
            continue
        sources.append((name, lines_of(text)))
    try:
        output, exit_status, error = run_awk(program, sources, separator, assignments)
    except AwkError as error:
        stderr.write("".join(f"awk: {line}\n" for line in str(error).splitlines()))
        return 1
    stdout.write(output)
    if error is not None:
        stderr.write(f"awk: {error}\n")
    return exit_status or status
