"""The GNU coreutils (and a few neighbours) a learner reaches for around kubectl: ``ls``, ``cat``,
``mkdir``, ``touch``, ``rm``, ``cp``, ``mv``, ``head``, ``tail``, ``wc``, ``base64``, ``date``,
``hostname``, ``whoami``, ``id``, ``watch``, and the editors this terminal does not have.

They work on ``ctx.fs``, so the same ``ls`` lists the learner's machine or, in a shell opened by
``kubectl exec``, the container. Messages, quoting and exit statuses are coreutils' own.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import posixpath
import re
from datetime import datetime, timezone
from typing import TextIO

from ..commands import CommandContext, command
from ..printers.tabwriter import display_width
from ..shell.filesystem import (FILE_EXISTS, IS_A_DIRECTORY, NO_SUCH_FILE, NOT_A_DIRECTORY,
                                FileInfo, FileSystemError, collation_key)
from .gnu import (UsageError, inputs, one_transaction, parse, path, quote_always, quote_locale,
                  usage_error)
from .kubectl.help import terminal_columns

SIX_MONTHS = 31556952 / 2

# -- ls ------------------------------------------------------------------------------------------

_LS_LONG = {"all": "a", "almost-all": "A", "directory": "d", "human-readable": "h",
            "recursive": "R", "reverse": "r", "width=": "w", "color=": "\0color",
            "color": "\0color"}


def _mode_string(info: FileInfo) -> str:
    kind = "d" if info.kind == "dir" else "-"
    bits = ""
    for shift in (6, 3, 0):
        triple = info.mode >> shift & 7
        bits += "".join(letter if triple & bit else "-" for letter, bit in (("r", 4), ("w", 2), ("x", 1)))
    if info.mode & 0o1000:
        bits = bits[:8] + ("t" if bits[8] == "x" else "T")
    return kind + bits


def human_size(size: int) -> str:
    """``ls -h``: powers of 1024, one decimal below 10, always rounded up."""
    if size < 1024:
        return str(size)
    value = float(size)
    for unit in "KMGTPE":
        value /= 1024
        if value < 1024 or unit == "E":
            if value < 10:
                shown = math.ceil(value * 10) / 10
                if shown < 10:
                    return f"{shown:.1f}{unit}"
                value = shown
            return f"{math.ceil(value)}{unit}"
    raise AssertionError("unreachable")


def _timestamp(mtime: float, now: float) -> str:
    moment = datetime.fromtimestamp(mtime, tz=timezone.utc)
    recent = now - SIX_MONTHS < mtime <= now + 60
    return f"{moment:%b} {moment.day:2d} " + (f"{moment:%H:%M}" if recent else f" {moment.year}")


class _Lister:
    def __init__(self, parsed, stdout: TextIO, stderr: TextIO, ctx: CommandContext):
        self.all = parsed.has("a")
        self.almost_all = parsed.has("A")
        self.long = parsed.has("l")
        self.human = parsed.has("h")
        self.recursive = parsed.has("R")
        self.reverse = parsed.has("r")
        terminal_width = terminal_columns(ctx, stdout)
        one_per_line = parsed.has("1") or terminal_width is None
        self.columns = not self.long and (parsed.has("C") or not one_per_line)
        width = parsed.last("w")
        self.width = int(width) if width is not None else terminal_width or _environment_columns(ctx)
        self.stdout, self.stderr, self.ctx = stdout, stderr, ctx
        self.status = 0

    def fail(self, message: str, status: int) -> None:
        self.stderr.write(f"ls: {message}\n")
        self.status = max(self.status, status)

    def order(self, names: list[str]) -> list[str]:
        return sorted(names, key=collation_key, reverse=self.reverse)

    def show(self, entries: list[tuple[str, FileInfo, str]]) -> None:
        """``entries``: (name as shown, what it is, its absolute path)."""
        if not entries:
            return
        if self.long:
            self._long(entries)
        elif self.columns:
            self._columns([name for name, _, _ in entries])
        else:
            self.stdout.write("".join(name + "\n" for name, _, _ in entries))

    def _links(self, info: FileInfo, absolute: str) -> int:
        """A directory's link count: its own name, its ``.``, and each subdirectory's ``..``."""
        if info.kind != "dir":
            return 1
        try:
            names = self.ctx.fs.listdir(absolute)
        except FileSystemError:
            return 2
        return 2 + sum(1 for name in names
                       if (child := self.ctx.fs.info(posixpath.join(absolute, name))) is not None
                       and child.kind == "dir")

    def _long(self, entries: list[tuple[str, FileInfo, str]]) -> None:
        now = self.ctx.clock.now()
        rows = [(_mode_string(info), str(self._links(info, absolute)), info.owner, info.group,
                 human_size(info.size) if self.human else str(info.size),
                 _timestamp(info.mtime, now), name) for name, info, absolute in entries]
        widths = [max(len(row[column]) for row in rows) for column in range(5)]
        self.stdout.write("".join(
            f"{mode} {links:>{widths[1]}} {owner:<{widths[2]}} {group:<{widths[3]}} "
            f"{size:>{widths[4]}} {stamp} {name}\n"
            for mode, links, owner, group, size, stamp, name in rows))

    def _columns(self, names: list[str]) -> None:
        """GNU ls's vertical columns: as many as fit, each two wider than its longest name,
        padded with tabs to eight-column stops where a tab reaches."""
        count = len(names)
        for columns in range(min(count, max(1, self.width // 3)), 0, -1):
            rows = math.ceil(count / columns)
            if math.ceil(count / rows) != columns:
                continue
            widths = [max(display_width(name) for name in names[column * rows:(column + 1) * rows])
                      + 2 for column in range(columns)]
            if sum(widths) <= self.width or columns == 1:
                break
        out = []
        for row in range(rows):
            line, position, target = "", 0, 0
            for column in range(columns):
                index = column * rows + row
                if index >= count:
                    break
                while position < target:
                    if target // 8 > (position + 1) // 8:
                        line += "\t"
                        position += 8 - position % 8
                    else:
                        line += " "
                        position += 1
                line += names[index]
                position += display_width(names[index])
                target += widths[column]
            out.append(line + "\n")
        self.stdout.write("".join(out))

    def directory(self, name: str, absolute: str) -> None:
        try:
            names = self.ctx.fs.listdir(absolute)
        except FileSystemError as error:
            self.fail(f"cannot open directory {quote_always(name)}: {error.strerror}", 2)
            return
        if not self.all and not self.almost_all:
            names = [entry for entry in names if not entry.startswith(".")]
        paths = {entry: posixpath.join(absolute, entry) for entry in names}
        if self.all:
            paths.update({".": absolute, "..": posixpath.dirname(absolute)})
        entries = []
        for entry in self.order(list(paths)):
            try:
                info = self.ctx.fs.info(paths[entry])
            except FileSystemError:
                info = None
            if info is not None:
                entries.append((entry, info, paths[entry]))
        if self.long:
            blocks = sum(_blocks(info) for _, info, _ in entries)
            self.stdout.write(f"total {human_size(blocks * 1024) if self.human else blocks}\n")
        self.show(entries)
        if self.recursive:
            for entry, info, _ in entries:
                if info.kind == "dir" and entry not in (".", ".."):
                    child = posixpath.join(name, entry)
                    self.stdout.write(f"\n{child}:\n")
                    self.directory(child, posixpath.join(absolute, entry))


def _environment_columns(ctx: CommandContext) -> int:
    try:
        return int(ctx.env.get("COLUMNS", "80"))
    except ValueError:
        return 80


def _blocks(info: FileInfo) -> int:
    """Kilobytes the file occupies on a file system with 4 KiB blocks, as ``total`` counts them."""
    return 4 if info.kind == "dir" else math.ceil(info.size / 4096) * 4


@command("ls")
@one_transaction
def ls(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "aAdhlrR1Cw:", _LS_LONG)
        width = parsed.last("w")
        if width is not None and not width.isdigit():
            stderr.write(f"ls: invalid line width: {quote_locale(width)}\n")
            return 2
    except UsageError as error:
        return usage_error("ls", str(error), stderr, 2)
    lister = _Lister(parsed, stdout, stderr, ctx)
    operands = parsed.operands or ["."]
    files, directories = [], []
    for name in operands:
        try:
            info = ctx.fs.info(path(ctx, name))
        except FileSystemError as error:
            lister.fail(f"cannot access {quote_always(name)}: {error.strerror}", 2)
            continue
        if info is None:
            lister.fail(f"cannot access {quote_always(name)}: No such file or directory", 2)
        elif info.kind == "dir" and not parsed.has("d"):
            directories.append(name)
        else:
            files.append((name, info, path(ctx, name)))
    files.sort(key=lambda entry: collation_key(entry[0]), reverse=lister.reverse)
    lister.show(files)
    headers = len(operands) > 1 or lister.recursive
    for index, name in enumerate(lister.order(directories)):
        if headers:
            stdout.write(("\n" if files or index else "") + f"{name}:\n")
        lister.directory(name, path(ctx, name))
    return lister.status


# -- cat, head, tail, wc -------------------------------------------------------------------------

def _visible(line: str, tabs: bool) -> str:
    """``cat -v``: control characters as ``^X``, DEL as ``^?``, bytes above 127 as ``M-``;
    tabs as ``^I`` only when ``tabs`` (``-T``)."""
    out = []
    for byte in line.encode("utf-8", "surrogateescape"):
        prefix = ""
        if byte >= 128:
            prefix, byte = "M-", byte - 128
        if byte == 127:
            out.append(prefix + "^?")
        elif byte < 32 and (byte != 9 or tabs):
            out.append(prefix + "^" + chr(byte + 64))
        else:
            out.append(prefix + chr(byte))
    return "".join(out)


_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@command("cat")
@one_transaction
def cat(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "nbAEeTtsuv", {"number": "n", "number-nonblank": "b", "show-all": "A",
                                            "show-ends": "E", "show-tabs": "T", "squeeze-blank": "s",
                                            "show-nonprinting": "v"})
    except UsageError as error:
        return usage_error("cat", str(error), stderr)
    ends = parsed.has("E", "A", "e")
    tabs = parsed.has("T", "A", "t")
    nonprinting = parsed.has("v", "A", "e", "t")
    status, number, out = 0, 0, []
    for name, text in inputs(parsed.operands, stdin, ctx, "cat", stderr):
        if text is None:
            status = 1
            continue
        if not (ends or tabs or nonprinting or parsed.has("n", "b", "s")):
            out.append(text)
            continue
        previous_blank = False
        for line in _LINE.findall(text):
            blank = line == "\n"
            if parsed.has("s") and blank and previous_blank:
                continue
            previous_blank = blank
            body, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
            if nonprinting:
                body = _visible(body, tabs)
            elif tabs:
                body = body.replace("\t", "^I")
            body += ("$" if ends and newline else "") + newline
            if parsed.has("n", "b") and not (parsed.has("b") and blank):
                number += 1
                out.append(f"{number:6d}\t{body}")
            else:
                out.append(body)
    stdout.write("".join(out))
    return status


def _count_option(value: str, by_bytes: bool) -> tuple[int, str]:
    """``-n``'s value: the number and its sign (``+`` from the start, ``-`` all but)."""
    sign = value[0] if value[:1] in ("+", "-") else ""
    digits = value[1:] if sign else value
    if not digits.isdigit():
        kind = "number of bytes" if by_bytes else "number of lines"
        raise UsageError(f"invalid {kind}: {quote_locale(value)}")
    return int(digits), sign


def _numeric_shorthand(argv: list[str]) -> list[str]:
    """``head -5`` means ``head -n 5`` (only as the first argument, as in coreutils)."""
    if len(argv) > 1 and argv[1][:1] == "-" and argv[1][1:].isdigit():
        return [argv[0], "-n" + argv[1][1:], *argv[2:]]
    return argv


def _head_or_tail(argv, stdin, stdout, stderr, ctx: CommandContext, program: str) -> int:
    try:
        parsed = parse(_numeric_shorthand(argv), "n:c:qv",
                       {"lines=": "n", "bytes=": "c", "quiet": "q", "silent": "q", "verbose": "v"})
        counts = [(name, value) for name, value in parsed.options if name in ("n", "c")]
        by_bytes = bool(counts) and counts[-1][0] == "c"
    except UsageError as error:
        return usage_error(program, str(error), stderr)
    try:
        count, sign = _count_option(counts[-1][1], by_bytes) if counts else (10, "")
    except UsageError as error:
        stderr.write(f"{program}: {error}\n")
        return 1
    operands = parsed.operands or ["-"]
    headers = (len(operands) > 1 or parsed.has("v")) and not parsed.has("q")
    status, out = 0, []
    for index, name in enumerate(operands):
        if name == "-":
            text = stdin.read()
        else:
            try:
                text = ctx.fs.read(path(ctx, name))
            except FileSystemError as error:
                stderr.write(f"{program}: cannot open {quote_always(name)} for reading: "
                             f"{error.strerror}\n")
                status = 1
                continue
        if headers:
            shown = "standard input" if name == "-" else name
            out.append(("\n" if index and out else "") + f"==> {shown} <==\n")
        out.append(_cut_text(text, count, sign, by_bytes, program))
    stdout.write("".join(out))
    return status


def _cut_text(text: str, count: int, sign: str, by_bytes: bool, program: str) -> str:
    pieces = list(text) if by_bytes else text.splitlines(keepends=True)
    if program == "head":
        chosen = pieces[:len(pieces) - count] if sign == "-" else pieces[:count]
    elif sign == "+":
        chosen = pieces[max(count - 1, 0):]
    else:
        chosen = pieces[len(pieces) - count:] if count else []
    return "".join(chosen)


@command("head")
@one_transaction
def head(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    return _head_or_tail(argv, stdin, stdout, stderr, ctx, "head")


@command("tail")
@one_transaction
def tail(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    return _head_or_tail(argv, stdin, stdout, stderr, ctx, "tail")


@command("wc")
@one_transaction
def wc(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "lwcm", {"lines": "l", "words": "w", "bytes": "c", "chars": "m"})
    except UsageError as error:
        return usage_error("wc", str(error), stderr)
    wanted = [letter for letter in "lwmc" if parsed.has(letter)] or ["l", "w", "c"]
    status, rows, totals = 0, [], dict.fromkeys("lwmc", 0)
    from_stdin = not parsed.operands or "-" in parsed.operands
    for name, text in inputs(parsed.operands, stdin, ctx, "wc", stderr):
        if text is None:
            status = 1
            rows.append(None)
            continue
        counts = {"l": text.count("\n"), "w": len(text.split()), "m": len(text),
                  "c": len(text.encode("utf-8", "surrogateescape"))}
        for key in totals:
            totals[key] += counts[key]
        shown_name = "" if name == "-" and not parsed.operands else name
        rows.append(([counts[letter] for letter in wanted], shown_name))
    shown = [row for row in rows if row is not None]
    if len(parsed.operands) > 1:
        shown.append(([totals[letter] for letter in wanted], "total"))
    if len(wanted) == 1 and len(parsed.operands) <= 1:
        width = 1
    else:
        width = max(len(str(totals["c"])), 7 if from_stdin else 1)
    stdout.write("".join(" ".join(f"{value:>{width}}" for value in values)
                         + (f" {name}" if name else "") + "\n" for values, name in shown))
    return status


# -- making, copying and removing ----------------------------------------------------------------

@command("mkdir")
@one_transaction
def mkdir(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "pv", {"parents": "p", "verbose": "v"})
    except UsageError as error:
        return usage_error("mkdir", str(error), stderr)
    if not parsed.operands:
        return usage_error("mkdir", "missing operand", stderr)
    status = 0
    for name in parsed.operands:
        steps = [name]
        if parsed.has("p"):
            parts = name.split("/")
            steps = ["/".join(parts[:index]) for index in range(1, len(parts) + 1)
                     if parts[index - 1] not in ("", ".", "..")]
        for step in steps:
            try:
                existing = ctx.fs.info(path(ctx, step)) if parsed.has("p") else None
                if existing is not None and existing.kind == "dir":
                    continue
                if existing is not None:
                    raise FileSystemError(FILE_EXISTS if step == steps[-1] else NOT_A_DIRECTORY)
                ctx.fs.mkdir(path(ctx, step))
                if parsed.has("v"):
                    stdout.write(f"mkdir: created directory {quote_always(step)}\n")
            except FileSystemError as error:
                stderr.write(f"mkdir: cannot create directory {quote_locale(step)}: {error.strerror}\n")
                status = 1
                break
    return status


@command("touch")
@one_transaction
def touch(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "acm", {"no-create": "c"})
    except UsageError as error:
        return usage_error("touch", str(error), stderr)
    if not parsed.operands:
        return usage_error("touch", "missing file operand", stderr)
    status = 0
    for name in parsed.operands:
        target = path(ctx, name)
        try:
            if ctx.fs.info(target) is None:
                if not parsed.has("c"):
                    ctx.fs.write(target, "")
            else:
                ctx.fs.set_mtime(target, ctx.clock.now())
        except FileSystemError as error:
            stderr.write(f"touch: cannot touch {quote_always(name)}: {error.strerror}\n")
            status = 1
    return status


def _remove_tree(ctx: CommandContext, shown: str, target: str, stderr: TextIO) -> bool:
    ok = True
    for entry in ctx.fs.listdir(target):
        child, child_shown = posixpath.join(target, entry), posixpath.join(shown, entry)
        try:
            if ctx.fs.info(child).kind == "dir":
                ok = _remove_tree(ctx, child_shown, child, stderr) and ok
            else:
                ctx.fs.remove(child)
        except FileSystemError as error:
            stderr.write(f"rm: cannot remove {quote_always(child_shown)}: {error.strerror}\n")
            ok = False
    if ok:
        ctx.fs.remove(target)
    return ok


@command("rm")
@one_transaction
def rm(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "rRfdv", {"recursive": "r", "force": "f", "dir": "d", "verbose": "v"})
    except UsageError as error:
        return usage_error("rm", str(error), stderr)
    force, recursive = parsed.has("f"), parsed.has("r", "R")
    if not parsed.operands:
        return 0 if force else usage_error("rm", "missing operand", stderr)
    status = 0
    for name in parsed.operands:
        target = path(ctx, name)
        if posixpath.basename(name.rstrip("/")) in (".", "..") or target == "/":
            stderr.write(f"rm: refusing to remove '.' or '..' directory: skipping {quote_always(name)}\n"
                         if target != "/" else "rm: it is dangerous to operate recursively on '/'\n"
                         "rm: use --no-preserve-root to override this failsafe\n")
            status = 1
            continue
        try:
            info = ctx.fs.info(target)
            if info is None:
                if force:
                    continue
                raise FileSystemError(NO_SUCH_FILE)
            if info.kind == "dir" and not recursive:
                if not parsed.has("d"):
                    raise FileSystemError(IS_A_DIRECTORY)
                ctx.fs.remove(target)
            elif info.kind == "dir":
                if not _remove_tree(ctx, name, target, stderr):
                    status = 1
                    continue
            else:
                ctx.fs.remove(target)
            if parsed.has("v"):
                kind = "directory " if info.kind == "dir" else ""
                stdout.write(f"removed {kind}{quote_always(name)}\n")
        except FileSystemError as error:
            stderr.write(f"rm: cannot remove {quote_always(name)}: {error.strerror}\n")
            status = 1
    return status


@command("rmdir")
@one_transaction
def rmdir(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "pv", {"parents": "p", "verbose": "v"})
    except UsageError as error:
        return usage_error("rmdir", str(error), stderr)
    if not parsed.operands:
        return usage_error("rmdir", "missing operand", stderr)
    status = 0
    for name in parsed.operands:
        try:
            info = ctx.fs.info(path(ctx, name))
            if info is not None and info.kind != "dir":
                raise FileSystemError(NOT_A_DIRECTORY)
            ctx.fs.remove(path(ctx, name))
        except FileSystemError as error:
            stderr.write(f"rmdir: failed to remove {quote_always(name)}: {error.strerror}\n")
            status = 1
    return status


def _copy_tree(ctx: CommandContext, source: str, target: str) -> None:
    ctx.fs.mkdir(target)
    for entry in ctx.fs.listdir(source):
        child = posixpath.join(source, entry)
        if ctx.fs.info(child).kind == "dir":
            _copy_tree(ctx, child, posixpath.join(target, entry))
        else:
            ctx.fs.write(posixpath.join(target, entry), ctx.fs.read(child))


def _copy_or_move(argv, stdin, stdout, stderr, ctx: CommandContext, program: str) -> int:
    try:
        parsed = parse(argv, "rRafvnT" if program == "cp" else "fvnT",
                       {"recursive": "r", "archive": "a", "force": "f", "verbose": "v",
                        "no-clobber": "n", "no-target-directory": "T"})
    except UsageError as error:
        return usage_error(program, str(error), stderr)
    operands = parsed.operands
    if not operands:
        return usage_error(program, "missing file operand", stderr)
    if len(operands) == 1:
        return usage_error(program, "missing destination file operand after "
                           + quote_always(operands[0]), stderr)
    *sources, destination = operands
    try:
        destination_info = ctx.fs.info(path(ctx, destination))
    except FileSystemError:
        destination_info = None
    into_directory = (destination_info is not None and destination_info.kind == "dir"
                      and not parsed.has("T"))
    if len(sources) > 1 and not into_directory:
        stderr.write(f"{program}: target {quote_always(destination)}: "
                     f"{NO_SUCH_FILE if destination_info is None else NOT_A_DIRECTORY}\n")
        return 1
    recursive = program == "mv" or parsed.has("r", "R", "a")
    status = 0
    for source in sources:
        target_name = (posixpath.join(destination, posixpath.basename(source.rstrip("/")))
                       if into_directory else destination)
        source_path, target_path = path(ctx, source), path(ctx, target_name)
        try:
            info = ctx.fs.info(source_path)
        except FileSystemError as error:
            stderr.write(f"{program}: cannot stat {quote_always(source)}: {error.strerror}\n")
            status = 1
            continue
        if info is None:
            stderr.write(f"{program}: cannot stat {quote_always(source)}: No such file or directory\n")
            status = 1
            continue
        if info.kind == "dir" and not recursive:
            stderr.write(f"cp: -r not specified; omitting directory {quote_always(source)}\n")
            status = 1
            continue
        inside_itself = info.kind == "dir" and target_path.startswith(source_path + "/")
        if source_path == target_path or inside_itself:
            if source_path == target_path:
                stderr.write(f"{program}: {quote_always(source)} and {quote_always(target_name)} "
                             "are the same file\n")
            else:
                action = "copy" if program == "cp" else "move"
                stderr.write(f"{program}: cannot {action} {quote_always(source)} to a subdirectory "
                             f"of itself, {quote_always(target_name)}\n")
            status = 1
            continue
        try:
            existing = ctx.fs.info(target_path)
            if existing is not None and parsed.has("n"):
                continue
            if info.kind == "dir":
                if existing is not None and existing.kind != "dir":
                    stderr.write(f"{program}: cannot overwrite non-directory "
                                 f"{quote_always(target_name)} with directory {quote_always(source)}\n")
                    status = 1
                    continue
                _copy_tree(ctx, source_path, target_path) if existing is None else _merge_tree(
                    ctx, source_path, target_path)
            else:
                if existing is not None and existing.kind == "dir":
                    stderr.write(f"{program}: cannot overwrite directory {quote_always(target_name)} "
                                 f"with non-directory\n")
                    status = 1
                    continue
                ctx.fs.write(target_path, ctx.fs.read(source_path))
            if program == "mv":
                if info.kind == "dir":
                    _remove_tree(ctx, source, source_path, stderr)
                else:
                    ctx.fs.remove(source_path)
            if parsed.has("v"):
                verb = "renamed " if program == "mv" else ""
                stdout.write(f"{verb}{quote_always(source)} -> {quote_always(target_name)}\n")
        except FileSystemError as error:
            if program == "mv":
                stderr.write(f"mv: cannot move {quote_always(source)} to {quote_always(target_name)}: "
                             f"{error.strerror}\n")
            else:
                kind = "directory" if info.kind == "dir" else "regular file"
                stderr.write(f"cp: cannot create {kind} {quote_always(target_name)}: {error.strerror}\n")
            status = 1
    return status


def _merge_tree(ctx: CommandContext, source: str, target: str) -> None:
    for entry in ctx.fs.listdir(source):
        child, into = posixpath.join(source, entry), posixpath.join(target, entry)
        if ctx.fs.info(child).kind == "dir":
            (_merge_tree if ctx.fs.info(into) else _copy_tree)(ctx, child, into)
        else:
            ctx.fs.write(into, ctx.fs.read(child))


@command("cp")
@one_transaction
def cp(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    return _copy_or_move(argv, stdin, stdout, stderr, ctx, "cp")


@command("mv")
@one_transaction
def mv(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    return _copy_or_move(argv, stdin, stdout, stderr, ctx, "mv")


# -- base64 --------------------------------------------------------------------------------------

@command("base64")
@one_transaction
def base64_(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "diw:", {"decode": "d", "ignore-garbage": "i", "wrap=": "w"})
        wrap = parsed.last("w")
        if wrap is not None and not wrap.isdigit():
            raise UsageError(f"invalid wrap size: {quote_locale(wrap)}")
    except UsageError as error:
        return usage_error("base64", str(error), stderr)
    if len(parsed.operands) > 1:
        return usage_error("base64", f"extra operand {quote_always(parsed.operands[1])}", stderr)
    name, text = next(inputs(parsed.operands, stdin, ctx, "base64", stderr))
    if text is None:
        return 1
    data = text.encode("utf-8", "surrogateescape")
    if parsed.has("d"):
        cleaned = b"".join(data.split())
        try:
            decoded = base64.b64decode(cleaned + b"=" * (-len(cleaned) % 4), validate=True)
            valid = len(cleaned) % 4 != 1
        except (binascii.Error, ValueError):
            decoded, valid = b"", False
        if not valid:
            good = _decodable_prefix(cleaned)
            stdout.write(base64.b64decode(good).decode("utf-8", "surrogateescape"))
            stderr.write("base64: invalid input\n")
            return 1
        stdout.write(decoded.decode("utf-8", "surrogateescape"))
        return 0
    encoded = base64.b64encode(data).decode()
    width = 76 if wrap is None else int(wrap)
    if width and encoded:
        encoded = "\n".join(encoded[start:start + width] for start in range(0, len(encoded), width))
    stdout.write(encoded + "\n" if encoded and width else encoded)
    return 0


def _decodable_prefix(data: bytes) -> bytes:
    """The longest run of whole base64 quads at the start, which coreutils still writes out."""
    alphabet = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    end = 0
    while end < len(data) and data[end] in alphabet:
        end += 1
    return data[:end - end % 4]


# -- who and when --------------------------------------------------------------------------------

_DATE_DIRECTIVES = {
    "a": "%a", "A": "%A", "b": "%b", "B": "%B", "h": "%b", "d": "%d", "H": "%H", "I": "%I",
    "j": "%j", "m": "%m", "M": "%M", "p": "%p", "S": "%S", "y": "%y", "Y": "%Y", "u": "%u",
    "w": "%w", "U": "%U", "W": "%W", "V": "%V", "G": "%G", "g": "%g",
}


def format_date(moment: datetime, template: str) -> str:
    """``date +FORMAT`` for UTC: the common strftime directives and GNU's ``%N %s %e %Z %P``."""
    out, index = [], 0
    while index < len(template):
        char = template[index]
        if char != "%" or index + 1 >= len(template):
            out.append(char)
            index += 1
            continue
        directive = template[index + 1]
        index += 2
        if directive in _DATE_DIRECTIVES:
            out.append(moment.strftime(_DATE_DIRECTIVES[directive]))
        else:
            out.append({
                "%": "%", "n": "\n", "t": "\t", "e": f"{moment.day:2d}", "Z": "UTC", "z": "+0000",
                "s": str(int(moment.timestamp())), "N": f"{moment.microsecond * 1000:09d}",
                "F": moment.strftime("%Y-%m-%d"), "T": moment.strftime("%H:%M:%S"),
                "D": moment.strftime("%m/%d/%y"), "R": moment.strftime("%H:%M"),
                "c": moment.strftime("%a %b ") + f"{moment.day:2d}" + moment.strftime(" %H:%M:%S %Y"),
                "x": moment.strftime("%m/%d/%y"), "X": moment.strftime("%H:%M:%S"),
                "k": f"{moment.hour:2d}", "l": f"{(moment.hour % 12) or 12:2d}",
                "P": moment.strftime("%p").lower(),
            }.get(directive, "%" + directive))
    return "".join(out)


_DATE_FORMS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _parse_date(text: str, now: datetime) -> datetime | None:
    """``date -d``'s common spellings: ``now``, ``@SECONDS`` and ISO dates, all in UTC."""
    text = text.strip().removesuffix("Z").removesuffix(" UTC")
    if text in ("", "now"):
        return now
    if text.startswith("@"):
        try:
            return datetime.fromtimestamp(float(text[1:]), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            return None
    for form in _DATE_FORMS:
        try:
            return datetime.strptime(text, form).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


def date_line(moment: datetime) -> str:
    """``date`` with no format: ``Wed Nov 25 16:00:00 UTC 2026``."""
    return format_date(moment, "%a %b %e %H:%M:%S %Z %Y")


@command("date")
def date(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "uRId:", {"utc": "u", "universal": "u", "rfc-email": "R",
                                       "iso-8601": "I", "date=": "d"})
    except UsageError as error:
        return usage_error("date", str(error), stderr)
    moment = datetime.fromtimestamp(ctx.clock.now(), tz=timezone.utc)
    if parsed.has("d"):
        moment = _parse_date(parsed.last("d"), moment)
        if moment is None:
            stderr.write(f"date: invalid date {quote_locale(parsed.last('d'))}\n")
            return 1
    formats = [operand for operand in parsed.operands if operand.startswith("+")]
    others = [operand for operand in parsed.operands if not operand.startswith("+")]
    if others or len(formats) > 1:
        extra = (others or formats[1:])[0]
        stderr.write(f"date: invalid date {quote_locale(extra)}\n" if others and not formats
                     else f"date: extra operand {quote_always(extra)}\n"
                     "Try 'date --help' for more information.\n")
        return 1
    if formats:
        text = format_date(moment, formats[0][1:])
    elif parsed.has("R"):
        text = format_date(moment, "%a, %d %b %Y %H:%M:%S +0000")
    elif parsed.has("I"):
        text = format_date(moment, "%Y-%m-%d")
    else:
        text = date_line(moment)
    stdout.write(text + "\n")
    return 0


def _hostname(ctx: CommandContext) -> str:
    shell = ctx.shell
    return getattr(shell, "hostname", None) or "minikube-tutorial"


@command("hostname")
def hostname(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "sf", {"short": "s", "fqdn": "f"})
    except UsageError as error:
        return usage_error("hostname", str(error), stderr)
    if parsed.operands:
        stderr.write("hostname: you must be root to change the host name\n")
        return 1
    name = _hostname(ctx)
    stdout.write((name.split(".")[0] if parsed.has("s") else name) + "\n")
    return 0


def _user(ctx: CommandContext) -> str:
    return getattr(ctx.shell, "user", None) or ctx.env.get("USER", "learner")


@command("whoami")
def whoami(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    if len(argv) > 1:
        return usage_error("whoami", f"extra operand {quote_always(argv[1])}", stderr)
    stdout.write(_user(ctx) + "\n")
    return 0


@command("id")
def id_(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    try:
        parsed = parse(argv, "ugnG", {"user": "u", "group": "g", "name": "n", "groups": "G"})
    except UsageError as error:
        return usage_error("id", str(error), stderr)
    user = _user(ctx)
    number = 0 if user == "root" else 1000
    if parsed.has("u", "g", "G"):
        stdout.write((user if parsed.has("n") else str(number)) + "\n")
        return 0
    stdout.write(f"uid={number}({user}) gid={number}({user}) groups={number}({user})\n")
    return 0


# -- watch ---------------------------------------------------------------------------------------

CLEAR_SCREEN = "\x1b[H\x1b[2J"


@command("watch")
def watch(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    """``watch -n SECONDS command``: redraws the command's output until Ctrl-C, which reaches
    the shell as KeyboardInterrupt out of ``ctx.sleep``."""
    args, interval, title = argv[1:], 2.0, True
    while args and args[0].startswith("-") and args[0] != "-":
        option = args.pop(0)
        if option in ("-t", "--no-title"):
            title = False
            continue
        if option.startswith("--interval="):
            value = option.partition("=")[2]
        elif option in ("-n", "--interval"):
            if not args:
                return usage_error("watch", f"option requires an argument -- '{option[-1]}'", stderr)
            value = args.pop(0)
        elif option.startswith("-n"):
            value = option[2:]
        else:
            stderr.write(f"watch: invalid option -- '{option[1:2]}'\n")
            stderr.write(_WATCH_USAGE)
            return 1
        try:
            interval = max(float(value), 0.1)
        except ValueError:
            stderr.write(f"watch: failed to parse argument: '{value}'\n")
            return 1
    if not args:
        stderr.write(_WATCH_USAGE)
        return 1
    line = " ".join(args)
    width = terminal_columns(ctx, stdout) or _environment_columns(ctx)
    while True:
        captured = io.StringIO()
        ctx.shell.run_line(line, captured, captured)
        screen = CLEAR_SCREEN
        if title:
            left = f"Every {interval:.1f}s: {line}"
            moment = datetime.fromtimestamp(ctx.clock.now(), tz=timezone.utc)
            right = f"{_hostname(ctx)}: " + format_date(moment, "%a %b %e %H:%M:%S %Y")
            gap = width - len(left) - len(right)
            screen += (left + " " * gap + right if gap >= 1 else left[:width]) + "\n\n"
        stdout.write(screen + captured.getvalue())
        stdout.flush()
        ctx.sleep(interval)


_WATCH_USAGE = """
Usage:
 watch [options] command

Options:
  -n, --interval <secs>  seconds to wait between updates
  -t, --no-title         turn off header
"""


# -- editors -------------------------------------------------------------------------------------

_NO_EDITOR = {
    "en": "{name}: this terminal has no text editor; write files with a here-document: "
          "cat > notes.txt <<EOF\n",
    "ja": "{name}: このターミナルにはテキストエディタがありません。ファイルはヒアドキュメントで書いてください: "
          "cat > notes.txt <<EOF\n",
}


@command("nano", "vi", "vim", "emacs")
def editor(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    stderr.write(_NO_EDITOR.get(ctx.lang, _NO_EDITOR["en"]).format(name=argv[0]))
    return 1
