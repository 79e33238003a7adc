"""A command tree and flag parser that behave like spf13/cobra and spf13/pflag.

kubectl and minikube are both cobra programs, so their argument handling has the same rules and
the same error wording: the subcommand is found first, skipping over flags (an unknown ``--flag``
is assumed to take the next word as its value), then every flag of that command and its parents'
persistent flags is parsed anywhere on the line: ``--name=value``, ``--name value``, ``-n value``,
``-nvalue``, ``-n=value``, grouped booleans ``-Aw``, and ``--`` to end the flags. Errors carry
pflag's text (``unknown flag: --foo``, ``flag needs an argument: 'n' in -n``); each tool frames
them in its own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable


class FlagError(Exception):
    """A command line pflag rejects; the message is pflag's."""


class UnknownCommand(Exception):
    def __init__(self, command: "Command", name: str, suggestions: list[str]):
        super().__init__(name)
        self.command = command
        self.name = name
        self.suggestions = suggestions


@dataclass
class Flag:
    name: str
    kind: str = "string"
    shorthand: str = ""
    default: object = None
    hidden: bool = False
    usage: str = ""
    #: pflag's ``NoOptDefVal``: the value of the flag given alone (``--validate`` is ``strict``).
    value_alone: str | None = None

    @property
    def takes_value(self) -> bool:
        """False for flags that may stand alone (booleans, and those with ``value_alone``)."""
        return self.kind not in ("bool", "count") and self.value_alone is None

    def display_name(self) -> str:
        return f"-{self.shorthand}, --{self.name}" if self.shorthand else f"--{self.name}"

    def default_text(self) -> str:
        """pflag's ``DefValue``: how the default reads in help pages."""
        if self.kind == "bool":
            return "true" if self.default else "false"
        if self.kind in ("stringSlice", "stringArray"):
            return "[" + ",".join(self.default or []) + "]"
        if self.kind == "duration":
            return self.default or "0s"
        return "" if self.default is None else str(self.default)


_BOOL_WORDS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
               "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}
_DURATION = re.compile(r"[-+]?(([0-9]*(\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h))+\Z")


def go_quote(text: str) -> str:
    """Go's ``%q`` for a string."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif not char.isprintable():
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x80 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def parse_go_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 0, 64)``: decimal, ``0x``, ``0o``/leading ``0``, ``0b``."""
    sign = -1 if text.startswith("-") else 1
    digits = text[1:] if text[:1] in "+-" else text
    bases = (("0x", 16), ("0X", 16), ("0b", 2), ("0B", 2), ("0o", 8), ("0O", 8))
    base = 10
    for prefix, prefix_base in bases:
        if digits.startswith(prefix):
            digits, base = digits[2:], prefix_base
            break
    else:
        if len(digits) > 1 and digits.startswith("0"):
            digits, base = digits[1:], 8
    if not digits or digits.startswith("_") or digits.endswith("_") or "__" in digits:
        return None
    if "_" in digits and base == 10 and not text.lstrip("+-").startswith("0"):
        return None
    try:
        return sign * int(digits.replace("_", ""), base)
    except ValueError:
        return None


def _convert(flag: Flag, value: str, previous):
    if flag.kind == "bool":
        if value not in _BOOL_WORDS:
            raise FlagError(f"invalid argument {go_quote(value)} for {go_quote(flag.display_name())} "
                            f"flag: strconv.ParseBool: parsing {go_quote(value)}: invalid syntax")
        return _BOOL_WORDS[value]
    if flag.kind == "int":
        number = parse_go_int(value)
        if number is None:
            raise FlagError(f"invalid argument {go_quote(value)} for {go_quote(flag.display_name())} "
                            f"flag: strconv.ParseInt: parsing {go_quote(value)}: invalid syntax")
        return number
    if flag.kind == "duration":
        if not _DURATION.match(value) and value != "0":
            raise FlagError(f"invalid argument {go_quote(value)} for {go_quote(flag.display_name())} "
                            f"flag: time: invalid duration {go_quote(value)}")
        return value
    if flag.kind == "stringSlice":
        items = [] if value == "" else value.split(",")
        return (previous or []) + items
    if flag.kind == "stringArray":
        return (previous or []) + [value]
    if flag.kind == "count":
        return (previous or 0) + 1
    return value


@dataclass
class ParsedFlags:
    values: dict = field(default_factory=dict)
    changed: set = field(default_factory=set)

    def get(self, name: str, default=None):
        return self.values.get(name, default)

    def __getitem__(self, name: str):
        return self.values[name]

    def was_set(self, name: str) -> bool:
        return name in self.changed


@dataclass
class Invocation:
    """One run of a command: what was typed, the parsed flags, and the process around it."""

    command: "Command"
    args: list[str]
    flags: ParsedFlags
    args_before_dash: int
    stdin: object
    stdout: object
    stderr: object
    ctx: object


@dataclass
class Command:
    name: str
    short: str = ""
    run: Callable[[Invocation], int] | None = None
    flags: list[Flag] = field(default_factory=list)
    persistent_flags: list[Flag] = field(default_factory=list)
    subcommands: list["Command"] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    hidden: bool = False
    help_text: Callable[["Command", object], str] | str | None = None
    groups: list[tuple[str, list[str]]] | None = None
    parent: "Command | None" = None

    def __post_init__(self):
        for child in self.subcommands:
            child.parent = self

    def add(self, *children: "Command") -> None:
        for child in children:
            child.parent = self
            self.subcommands.append(child)

    @property
    def path(self) -> str:
        return f"{self.parent.path} {self.name}" if self.parent else self.name

    @property
    def root(self) -> "Command":
        return self.parent.root if self.parent else self

    @property
    def runnable(self) -> bool:
        return self.run is not None

    def available(self) -> bool:
        return not self.hidden and (self.runnable or any(c.available() for c in self.subcommands))

    def all_flags(self, normalize: Callable[[str], str]) -> dict[str, Flag]:
        """Local flags, persistent flags of this command and its parents, and ``-h/--help``."""
        flags: dict[str, Flag] = {}
        chain = []
        command: Command | None = self
        while command is not None:
            chain.append(command)
            command = command.parent
        for flag in self.flags + [f for c in chain for f in c.persistent_flags]:
            flags.setdefault(normalize(flag.name), flag)
        flags.setdefault("help", Flag("help", "bool", "h", False))
        return flags

    def find_child(self, name: str) -> "Command | None":
        for child in self.subcommands:
            if child.name == name or name in child.aliases:
                return child
        return None


def implementer(root: Command) -> Callable:
    """The decorator that makes ``function(invocation) -> status`` what ``<tool> <name>`` runs."""
    def implement(name: str) -> Callable[[Callable[[Invocation], int]], Callable[[Invocation], int]]:
        def register(function):
            command = root
            for part in name.split():
                command = command.find_child(part)
            command.run = function
            return function
        return register
    return implement


class CommandLine:
    """Parsing rules shared by one program: its flag-name normalisation and suggestions."""

    def __init__(self, root: Command, normalize: Callable[[str], str] = lambda name: name,
                 sort_suggestions: bool = False):
        self.root = root
        self.normalize = normalize
        self.sort_suggestions = sort_suggestions

    # -- finding the command ----------------------------------------------------------------
    def _has_no_value(self, flags: dict[str, Flag], name: str) -> bool:
        flag = flags.get(self.normalize(name))
        return flag is not None and not flag.takes_value

    def _short_has_no_value(self, flags: dict[str, Flag], letter: str) -> bool:
        for flag in flags.values():
            if flag.shorthand == letter:
                return not flag.takes_value
        return False

    def _consumes_next(self, word: str, flags: dict[str, Flag]) -> bool:
        if word.startswith("--") and "=" not in word and not self._has_no_value(flags, word[2:]):
            return True
        return (word.startswith("-") and "=" not in word and len(word) == 2
                and not self._short_has_no_value(flags, word[1:]))

    def _strip_flags(self, args: list[str], command: Command) -> list[str]:
        flags = command.all_flags(self.normalize)
        words = []
        remaining = list(args)
        while remaining:
            word = remaining.pop(0)
            if word == "--":
                break
            if self._consumes_next(word, flags):
                if len(remaining) <= 1:
                    break
                remaining.pop(0)
                continue
            if word and not word.startswith("-"):
                words.append(word)
        return words

    def _without_first(self, args: list[str], name: str, command: Command) -> list[str]:
        flags = command.all_flags(self.normalize)
        position = 0
        while position < len(args):
            word = args[position]
            if word == "--":
                break
            if self._consumes_next(word, flags):
                position += 2
                continue
            if not word.startswith("-") and word == name:
                return args[:position] + args[position + 1:]
            position += 1
        return args

    def find(self, args: list[str]) -> tuple[Command, list[str]]:
        """The command ``args`` name and the words left for it; UnknownCommand at the root."""
        command = self.root
        while True:
            words = self._strip_flags(args, command)
            if not words:
                break
            child = command.find_child(words[0])
            if child is None:
                break
            args = self._without_first(args, words[0], command)
            command = child
        if command.subcommands and command.parent is None:
            words = self._strip_flags(args, command)
            if words:
                raise UnknownCommand(command, words[0], self.suggestions(command, words[0]))
        return command, args

    def suggestions(self, command: Command, typed: str) -> list[str]:
        children = command.subcommands
        if self.sort_suggestions:
            children = sorted(children, key=lambda child: child.name)
        found = []
        for child in children:
            if not child.available():
                continue
            if (levenshtein(typed.lower(), child.name.lower()) <= 2
                    or child.name.lower().startswith(typed.lower())):
                found.append(child.name)
        return found

    # -- parsing the flags --------------------------------------------------------------------
    def parse(self, command: Command, args: list[str]) -> tuple[ParsedFlags, list[str], int]:
        """Flags and positional arguments; also how many positionals came before ``--``."""
        flags = command.all_flags(self.normalize)
        by_letter = {flag.shorthand: flag for flag in flags.values() if flag.shorthand}
        parsed = ParsedFlags({flag.name: flag.default for flag in flags.values()})
        positional: list[str] = []
        dash_at = -1
        remaining = list(args)

        def assign(flag: Flag, value: str) -> None:
            previous = parsed.values.get(flag.name) if flag.name in parsed.changed else None
            parsed.values[flag.name] = _convert(flag, value, previous)
            parsed.changed.add(flag.name)

        while remaining:
            word = remaining.pop(0)
            if len(word) < 2 or not word.startswith("-"):
                positional.append(word)
                continue
            if word == "--":
                dash_at = len(positional)
                positional.extend(remaining)
                break
            if word.startswith("--"):
                name, has_value, value = word[2:].partition("=")
                if not name or name.startswith("-") or name.startswith("="):
                    raise FlagError(f"bad flag syntax: {word}")
                flag = flags.get(self.normalize(name))
                if flag is None:
                    raise FlagError(f"unknown flag: --{name}")
                if has_value:
                    assign(flag, value)
                elif not flag.takes_value:
                    assign(flag, flag.value_alone or "true")
                elif remaining:
                    assign(flag, remaining.pop(0))
                else:
                    raise FlagError(f"flag needs an argument: {word}")
                continue
            letters = word[1:]
            while letters:
                letter, rest = letters[0], letters[1:]
                flag = by_letter.get(letter)
                if flag is None:
                    raise FlagError(f"unknown shorthand flag: '{letter}' in -{letters}")
                if len(letters) > 2 and letters[1] == "=":
                    assign(flag, letters[2:])
                    rest = ""
                elif not flag.takes_value:
                    assign(flag, flag.value_alone or "true")
                elif rest:
                    assign(flag, rest)
                    rest = ""
                elif remaining:
                    assign(flag, remaining.pop(0))
                else:
                    raise FlagError(f"flag needs an argument: '{letter}' in -{letters}")
                letters = rest
        return parsed, positional, (dash_at if dash_at >= 0 else len(positional))


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def kubectl_normalize(name: str) -> str:
    """kubectl treats ``_`` in flag names as ``-`` (``--all_namespaces``)."""
    return name.replace("_", "-")


_OPTION_LINE = re.compile(r"^    (?:-(\S), )?--([^=\s]+)=(.*):$")


#: kubectl's string flags that may also stand alone (pflag ``NoOptDefVal``), which a help page
#: does not show.
_VALUE_ALONE = {"validate": "strict"}


def flags_from_help(text: str) -> list[Flag]:
    """The flags a captured help page lists, typed from how their defaults are written.

    ``--client=false`` is a boolean, ``--chunk-size=500`` an integer, ``-L, --label-columns=[]``
    a list, ``--log-flush-frequency=5s`` a duration, ``--output=''`` a string.
    """
    flags = []
    for line in text.splitlines():
        match = _OPTION_LINE.match(line)
        if not match:
            continue
        shorthand, name, default = match.group(1) or "", match.group(2), match.group(3)
        if default in ("true", "false"):
            flags.append(Flag(name, "bool", shorthand, default == "true"))
        elif default == "[]":
            flags.append(Flag(name, "stringSlice", shorthand, []))
        elif re.fullmatch(r"-?[0-9]+", default):
            flags.append(Flag(name, "int", shorthand, int(default)))
        elif re.fullmatch(r"[0-9.]+(ns|us|ms|s|m|h)", default):
            flags.append(Flag(name, "duration", shorthand, default))
        elif default.startswith("'") and default.endswith("'"):
            flags.append(Flag(name, "string", shorthand, default[1:-1],
                              value_alone=_VALUE_ALONE.get(name)))
        else:
            flags.append(Flag(name, "string", shorthand, default))
    return flags


def _help_flag_lines(flag: Flag) -> str:
    """One flag as kubectl's help templates print it (to a pipe, so unwrapped)."""
    value = f"'{flag.default_text()}'" if flag.kind == "string" else flag.default_text()
    lead = f"    -{flag.shorthand}, " if flag.shorthand else "    "
    text = f"{lead}--{flag.name}={value}:\n{flag.usage}"
    first, _, rest = text.partition("\n")
    return (first + "\n" + " ".join(rest.split("\n"))).replace("\n", "\n\t") + "\n\n"


def templater_help(command: Command, long: str, examples: str = "") -> str:
    """A help page in the layout of kubectl's help templates, which minikube borrows.

    Sections: the long description, examples, subcommands (grouped for a root command that
    declares groups), the command's own flags sorted by name, the usage line and the hint about
    global options.
    """
    sections = [long.strip()]
    usage: list[str] = []
    if examples:
        usage.append("Examples:\n" + examples.rstrip() + "\n\n")
    if command.subcommands and any(child.available() for child in command.subcommands):
        usage.append(_command_groups(command, command.groups) + "\n\n")
    visible = sorted((flag for flag in command.flags if not flag.hidden and flag.name != "help"),
                     key=lambda flag: flag.name)
    if visible:
        usage.append("Options:\n" + "".join(_help_flag_lines(flag) for flag in visible).rstrip()
                     + "\n\n")
    if command.runnable:
        line = command.path + (" [flags]" if command.flags or command.parent else "")
        usage.append(f"Usage:\n  {line} [options]\n\n")
    if command.subcommands:
        usage.append(f'Use "{command.path} <command> --help" for more information about a given '
                     "command.\n")
    if command.runnable and command.root.find_child("options") is not None:
        usage.append(f'Use "{command.root.path} options" for a list of global command-line '
                     "options (applies to all commands).\n")
    return sections[0] + ("\n\n" + "".join(usage)).rstrip() + "\n"


def _command_groups(command: Command, groups: list[tuple[str, list[str]]] | None) -> str:
    padding = max([11] + [len(child.name) for child in command.subcommands])

    def entry(child: Command) -> str:
        return "  " + child.name.ljust(padding) + "   " + child.short

    if not groups:
        children = [child for child in command.subcommands
                    if child.available() and child.name != "options"]
        return "Available Commands:\n" + "\n".join(entry(child) for child in children)
    listed = {name for _title, names in groups for name in names}
    blocks = []
    for title, names in groups:
        children = [command.find_child(name) for name in names]
        blocks.append("\n".join([title] + [entry(child) for child in children
                                            if child is not None and child.available()]))
    others = sorted((child for child in command.subcommands
                     if child.available() and child.name not in listed and child.name != "options"),
                    key=lambda child: child.name)
    if others:
        blocks.append("\n".join(["Other Commands:"] + [entry(child) for child in others]))
    return "\n\n".join(blocks)
