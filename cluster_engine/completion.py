"""Tab completion for the sandbox shell: what bash offers on a machine set up for the tutorial.

On a real Ubuntu machine with ``source <(kubectl completion bash)`` in ``~/.bashrc``, Tab
completes command names in command position, file names elsewhere (directories with a trailing
``/``), and for ``kubectl`` and ``minikube`` whatever their cobra completion answers: subcommands,
``--flags``, flag values (``-o json``, ``-n <namespace>``), resource types as ``kubectl
api-resources -o name`` prints them (``deployments.apps``) and the names of live objects.

``complete(line, cursor, sources)`` is the whole decision, a pure function of the line and of
what ``sources`` knows; the terminal only hands it readline's buffer. It completes the fragment
that ends at the cursor and begins after the last of ``DELIMITERS`` (readline is told the same
set, so both agree on what is replaced). As bash does, a single finished candidate is returned
with the space that follows it, a directory with its ``/`` and no space.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .resources import RESOURCE_TYPES, ResourceType, resolve as resolve_resource_type
from .shell.filesystem import FileSystemError, resolve as resolve_path
from .tools.kubectl.cobra import Command as CobraCommand, Flag

#: Characters that end a fragment: bash's COMP_WORDBREAKS, plus ``/`` so that a path, like
#: ``deploy/<name>``, is completed one component at a time and listed by its last component.
DELIMITERS = " \t\n\"'><=;|&(:/"

_COMMAND_SEPARATORS = frozenset(";|&(`")
_REDIRECTIONS = frozenset("<>")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_ONE_OF = re.compile(r"One of: \(([^)]*)\)")
_MANIFEST_EXTENSIONS = (".json", ".yaml", ".yml")
#: kubectl's contexts: minikube writes the only one.
_CONTEXTS = ("minikube",)


@dataclass
class CompletionSources:
    """What completion may consult; every part is optional, so tests give only what they need."""

    #: Names a command word can be: builtins, programs on ``$PATH``, aliases, keywords.
    commands: Callable[[], Iterable[str]] = lambda: ()
    variables: Callable[[], Iterable[str]] = lambda: ()
    #: The files this shell sees (``shell.filesystem.FileSystem``), or None.
    fs: object = None
    cwd: str = "/"
    home: str = "/"
    #: ``object_names(resource_type, namespace)``: names of live objects, in the namespace given
    #: (None for cluster-scoped types); nothing when the cluster cannot be asked right now.
    object_names: Callable[[ResourceType, str | None], Iterable[str]] = lambda rt, ns: ()
    #: Command trees of the cobra programs (``kubectl``, ``minikube``), by program name.
    programs: dict[str, CobraCommand] = field(default_factory=dict)


@dataclass
class _Word:
    text: str
    #: True where a new command starts before this word (after ``|``, ``;``, ``&&``, ``$(``).
    starts_command: bool = False
    #: True for the word after ``>``/``<``: a file name whatever the command.
    redirect_target: bool = False


def fragment_start(line: str, cursor: int) -> int:
    """Where the fragment ending at ``cursor`` begins, as readline finds it with DELIMITERS."""
    start = cursor
    while start > 0 and line[start - 1] not in DELIMITERS:
        start -= 1
    return start


def complete(line: str, cursor: int, sources: CompletionSources) -> list[str]:
    """What may replace the fragment before ``cursor``, sorted, as bash would offer it."""
    words = _split(line[:cursor])
    current = words.pop()
    fragment = line[fragment_start(line, cursor):cursor]
    candidates = _candidates(words, current, fragment, sources)
    return _finish(sorted(set(candidates)))


def _finish(candidates: list[str]) -> list[str]:
    if len(candidates) == 1 and not candidates[0].endswith("/"):
        return [candidates[0] + " "]
    return candidates


def _split(text: str) -> list[_Word]:
    """The shell words of ``text`` as far as typed, the last one (possibly empty) being completed.

    Quotes are taken off and never end a word; an unclosed quote runs to the end.
    """
    words: list[_Word] = []
    current: list[str] = []
    quote = ""
    starts_command, redirect_target = True, False
    in_word = False
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
            else:
                current.append(char)
        elif char in "'\"":
            quote, in_word = char, True
        elif char == "\\" and index + 1 < len(text):
            index += 1
            current.append(text[index])
            in_word = True
        elif (char.isspace() or char in _COMMAND_SEPARATORS or char in _REDIRECTIONS
              or text.startswith("$(", index)):
            if in_word:
                words.append(_Word("".join(current), starts_command, redirect_target))
                starts_command = redirect_target = False
                current, in_word = [], False
            if char == "$":
                index += 1
                starts_command = True
            elif char in _COMMAND_SEPARATORS:
                starts_command = True
            elif char in _REDIRECTIONS:
                redirect_target = True
        else:
            current.append(char)
            in_word = True
        index += 1
    words.append(_Word("".join(current), starts_command, redirect_target))
    return words


def _candidates(words: list[_Word], current: _Word, fragment: str,
                sources: CompletionSources) -> list[str]:
    if current.text.startswith("$") and "/" not in current.text:
        return [f"${name}" for name in sources.variables() if f"${name}".startswith(fragment)]
    if current.redirect_target:
        return _files(current.text, fragment, sources)
    command_words = _current_command(words)
    if current.starts_command or not command_words:
        if "/" in current.text:
            return _files(current.text, fragment, sources)
        return [name for name in sources.commands() if name.startswith(fragment)]
    program, args = command_words[0], command_words[1:]
    if program in sources.programs:
        return _cobra(sources.programs[program], args, current.text, fragment, sources)
    if program == "cd":
        return _files(current.text, fragment, sources, directories_only=True)
    if program in ("unset", "export"):
        return [name for name in sources.variables() if name.startswith(fragment)]
    if program in ("which", "type"):
        return [name for name in sources.commands() if name.startswith(fragment)]
    return _files(current.text, fragment, sources)


def _current_command(words: list[_Word]) -> list[str]:
    """The words of the command the cursor is in, without leading ``NAME=value`` assignments."""
    command: list[str] = []
    for word in words:
        if word.starts_command:
            command = []
        if word.redirect_target:
            continue
        if not command and _ASSIGNMENT.match(word.text):
            continue
        command.append(word.text)
    return command


# -- files ---------------------------------------------------------------------------------------

def _files(word: str, fragment: str, sources: CompletionSources, directories_only: bool = False,
           extensions: tuple[str, ...] = ()) -> list[str]:
    """Entries of the directory ``word`` names so far, directories marked with ``/``."""
    fs = sources.fs
    if fs is None:
        return []
    typed_directory = word[:len(word) - len(fragment)]
    if typed_directory.startswith("~/"):
        typed_directory = sources.home + typed_directory[1:]
    directory = resolve_path(sources.cwd, typed_directory or ".")
    try:
        names = fs.listdir(directory)
    except FileSystemError:
        return []
    found = []
    for name in names:
        if not name.startswith(fragment) or (name.startswith(".") and not fragment.startswith(".")):
            continue
        try:
            info = fs.info(posixpath.join(directory, name))
        except FileSystemError:
            continue
        if info is not None and info.kind == "dir":
            found.append(name + "/")
        elif not directories_only and (not extensions or name.endswith(extensions)):
            found.append(name)
    return found


# -- cobra programs: kubectl and minikube ----------------------------------------------------------

#: Commands whose first argument is a resource type (or ``type/name``), the others names of it;
#: a tuple narrows the types offered, as kubectl's SpecifiedResourceTypeAndNameCompletionFunc does.
_TYPE_THEN_NAMES: dict[str, tuple[str, ...] | None] = {
    "get": None, "describe": None, "delete": None, "edit": None, "label": None, "annotate": None,
    "patch": None, "wait": None, "explain": None,
    "scale": ("deployment", "replicaset", "replicationcontroller", "statefulset"),
    "autoscale": ("deployment", "replicaset", "replicationcontroller", "statefulset"),
    "expose": ("pod", "service", "replicationcontroller", "deployment", "replicaset"),
    "rollout": ("deployment", "daemonset", "statefulset"),
    "set": None, "taint": ("node",),
}
#: Commands whose arguments are names of one type.
_NAMES_OF: dict[str, str] = {
    "logs": "pods", "exec": "pods", "attach": "pods", "port-forward": "pods",
    "cordon": "nodes", "uncordon": "nodes", "drain": "nodes",
    "top pod": "pods", "top node": "nodes",
}


@dataclass
class _CommandLine:
    """A cobra command line as typed so far: the command reached and what it was given."""

    command: CobraCommand
    path: str
    positional: list[str]
    flag_values: dict[str, str]
    #: The flag whose value the word being completed is, if any.
    pending_flag: Flag | None


def _flags_of(command: CobraCommand) -> dict[str, Flag]:
    return command.all_flags(lambda name: name.replace("_", "-"))


def _find_flag(flags: dict[str, Flag], word: str) -> Flag | None:
    if word.startswith("--"):
        return flags.get(word[2:].partition("=")[0].replace("_", "-"))
    return next((flag for flag in flags.values() if flag.shorthand == word[1:2]), None)


def _walk(root: CobraCommand, args: list[str]) -> _CommandLine:
    command, positional, values = root, [], {}
    pending: Flag | None = None
    for word in args:
        if pending is not None:
            values[pending.name], pending = word, None
            continue
        if word.startswith("-") and len(word) > 1:
            flag = _find_flag(_flags_of(command), word)
            if flag is None or not flag.takes_value:
                continue
            if word.startswith("--") and "=" in word:
                values[flag.name] = word.partition("=")[2]
            elif not word.startswith("--") and len(word) > 2:
                values[flag.name] = word[2:].lstrip("=")
            else:
                pending = flag
            continue
        child = command.find_child(word) if not positional else None
        if child is not None:
            command = child
        else:
            positional.append(word)
    path = command.path.partition(" ")[2]
    return _CommandLine(command, path, positional, values, pending)


def _cobra(root: CobraCommand, args: list[str], word: str, fragment: str,
           sources: CompletionSources) -> list[str]:
    line = _walk(root, args)
    if line.pending_flag is not None:
        return _flag_values(line, line.pending_flag, word, fragment, sources)
    if word.startswith("-"):
        flags = _flags_of(line.command)
        if "=" in word:
            flag = _find_flag(flags, word)
            if flag is None:
                return []
            return _flag_values(line, flag, word.partition("=")[2], fragment, sources)
        names = [f"--{flag.name}" for flag in flags.values() if not flag.hidden]
        if word == "-":
            names += [f"-{flag.shorthand}" for flag in flags.values()
                      if flag.shorthand and not flag.hidden]
        return [name for name in names if name.startswith(fragment)]
    if not line.positional and any(child.available() for child in line.command.subcommands):
        children = [child.name for child in line.command.subcommands if child.available()]
        if line.command.parent is None:
            children.append("help")
        return [name for name in children if name.startswith(fragment)]
    if root.name == "kubectl":
        return _kubectl_arguments(line, word, fragment, sources)
    return []


def _flag_values(line: _CommandLine, flag: Flag, word: str, fragment: str,
                 sources: CompletionSources) -> list[str]:
    if flag.name == "namespace":
        values = sources.object_names(resolve_resource_type("namespaces"), None)
    elif flag.name == "output":
        values = _output_formats(line.command)
    elif flag.name == "context":
        values = _CONTEXTS
    elif flag.name == "filename":
        return _files(word, fragment, sources, extensions=_MANIFEST_EXTENSIONS)
    elif flag.kind == "bool":
        values = ()
    else:
        return _files(word, fragment, sources)
    return [value for value in values if value.startswith(fragment)]


def _output_formats(command: CobraCommand) -> list[str]:
    """The formats ``-o`` takes for this command, as its help page lists them."""
    from .tools.kubectl.help import has_help_page, help_page

    page = command.help_text
    if not isinstance(page, str) or not has_help_page(page):
        return []
    text = help_page(page)
    at = text.find("--output=")
    found = _ONE_OF.search(text, at) if at >= 0 else None
    return [name.strip() for name in found[1].split(",")] if found else []


def _kubectl_arguments(line: _CommandLine, word: str, fragment: str,
                       sources: CompletionSources) -> list[str]:
    namespace = line.flag_values.get("namespace") or "default"
    top = line.path.partition(" ")[0]
    if line.path in _NAMES_OF or top in _NAMES_OF:
        if line.positional:
            return []
        if "/" in word:
            return _names_after_type(word, fragment, namespace, sources)
        return _names(resolve_resource_type(_NAMES_OF.get(line.path, _NAMES_OF.get(top))),
                      namespace, fragment, sources)
    if top not in _TYPE_THEN_NAMES:
        return []
    allowed = _TYPE_THEN_NAMES[top]
    if not line.positional:
        if "/" in word:
            return _names_after_type(word, fragment, namespace, sources)
        if allowed is not None:
            return [name for name in allowed if name.startswith(fragment)]
        return _resource_type_names(word, fragment)
    if top == "explain" or "/" in line.positional[0] or "," in line.positional[0]:
        return []
    resource_type = resolve_resource_type(line.positional[0])
    if resource_type is None:
        return []
    typed = set(line.positional[1:])
    return [name for name in _names(resource_type, namespace, fragment, sources)
            if name not in typed]


def _resource_type_names(word: str, fragment: str) -> list[str]:
    """``kubectl api-resources -o name``, after the comma of a list such as ``pods,svc``."""
    typed = word.rpartition(",")[2] if "," in word else fragment
    lead = fragment[:len(fragment) - len(typed)]
    return [lead + rt.qualified_name for rt in RESOURCE_TYPES
            if rt.qualified_name.startswith(typed)]


def _names_after_type(word: str, fragment: str, namespace: str,
                      sources: CompletionSources) -> list[str]:
    resource_type = resolve_resource_type(word.partition("/")[0])
    if resource_type is None or word.count("/") != 1:
        return []
    return _names(resource_type, namespace, fragment, sources)


def _names(resource_type: ResourceType | None, namespace: str, fragment: str,
           sources: CompletionSources) -> list[str]:
    if resource_type is None:
        return []
    scope = namespace if resource_type.namespaced else None
    return [name for name in sources.object_names(resource_type, scope)
            if name.startswith(fragment)]


# -- a live shell's sources ----------------------------------------------------------------------

def sources_for_shell(shell, object_names: Callable[[ResourceType, str | None], Iterable[str]]
                      ) -> CompletionSources:
    """What a running ``Shell`` offers: its commands, variables, files and cluster."""
    from .commands import COMMANDS
    from .shell.builtins import SHELL_BUILTINS
    from .shell.parser import KEYWORDS
    from .tools.kubectl.app import ROOT as KUBECTL_ROOT
    from .tools.minikube import ROOT as MINIKUBE_ROOT

    def commands() -> Iterable[str]:
        found = {name for name in COMMANDS if name in SHELL_BUILTINS or shell.find_program(name)}
        return found | KEYWORDS | set(shell.aliases)

    def variables() -> Iterable[str]:
        return set(shell.env) | set(shell.shell_vars)

    ctx = shell.ctx
    return CompletionSources(commands=commands, variables=variables, fs=ctx.fs, cwd=ctx.cwd,
                             home=shell.get_var("HOME") or "/", object_names=object_names,
                             programs={"kubectl": KUBECTL_ROOT, "minikube": MINIKUBE_ROOT})
