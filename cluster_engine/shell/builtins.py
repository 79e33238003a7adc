"""The commands bash itself provides, and the few small programs a learner expects beside them.

Every one has the shape of any other command, so pipes and redirections treat them alike.
Those registered with ``@builtin`` are bash builtins (``type`` says so, ``$PATH`` does not matter);
``env``, ``clear``, ``which`` and ``bash`` itself are programs in ``/usr/bin``. Builtins that
change the shell (``cd``, ``export``, ``history``) reach it through ``ctx.shell``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, TextIO

from ..commands import COMMANDS, Command, CommandContext, ShellExit, command
from . import escapes, nested
from .filesystem import FileSystemError, resolve
from .jobs import SIGNALS, Job, JobTable, notice
from .parser import KEYWORDS

SHELL_BUILTINS: set[str] = set()

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def builtin(*names: str) -> Callable[[Command], Command]:
    def register(function: Command) -> Command:
        SHELL_BUILTINS.update(names)
        return command(*names)(function)
    return register


def _options(argv: list[str], allowed: str, usage: str,
             stderr: TextIO) -> tuple[set[str], list[str]] | None:
    """A builtin's leading ``-xyz`` options and the rest; None, after bash's complaint, if unknown."""
    options: set[str] = set()
    args = argv[1:]
    while args and args[0].startswith("-") and args[0] != "-":
        arg = args.pop(0)
        if arg == "--":
            break
        for letter in arg[1:]:
            if letter not in allowed:
                stderr.write(f"bash: {argv[0]}: -{letter}: invalid option\n{argv[0]}: usage: {usage}\n")
                return None
            options.add(letter)
    return options, args


@builtin("true", ":")
def true(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    return 0


@builtin("false")
def false(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    return 1


@builtin("echo")
def echo(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    args = argv[1:]
    newline, interpret = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for flag in args.pop(0)[1:]:
            if flag == "n":
                newline = False
            else:
                interpret = flag == "e"
    text = " ".join(args)
    if interpret:
        text, stopped = escapes.decode(text, escapes.ECHO)
        newline = newline and not stopped
    stdout.write(text + "\n" if newline else text)
    return 0


class _Printf:
    """One run of ``printf``: the format is applied again while arguments remain."""

    CONVERSION = re.compile(r"%([-+ #0]*)(\*|[0-9]+)?(?:\.(\*|[0-9]*))?(.?)", re.DOTALL)
    INTEGER = re.compile(r"\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
    #: Field widths beyond this are clamped: no format may ask for gigabytes of padding.
    MAX_WIDTH = 1 << 14

    def __init__(self, format_: str, args: list[str], stderr: TextIO):
        self.format = format_
        self.args = args
        self.index = 0
        self.stderr = stderr
        self.status = 0

    def fail(self, message: str) -> None:
        self.stderr.write(f"bash: printf: {message}\n")
        self.status = 1

    def next_arg(self) -> str | None:
        if self.index >= len(self.args):
            return None
        self.index += 1
        return self.args[self.index - 1]

    def integer(self, text: str | None) -> int:
        if not text:
            return 0
        if text[0] in "'\"":
            return ord(text[1]) if len(text) > 1 else 0
        match = self.INTEGER.match(text)
        if not match:
            self.fail(f"{text}: invalid number")
            return 0
        digits = match.group(2)
        base = 16 if digits[:2] in ("0x", "0X") else 8 if digits.startswith("0") else 10
        value = int(digits, base) * (-1 if match.group(1) == "-" else 1)
        if match.end() != len(text):
            self.fail(f"{text}: invalid number")
        if not -(1 << 63) <= value < 1 << 63:
            self.stderr.write(f"bash: printf: warning: {text}: Numerical result out of range\n")
            value = max(-(1 << 63), min(value, (1 << 63) - 1))
        return value

    def real(self, text: str | None) -> float:
        if not text:
            return 0.0
        if text[0] in "'\"":
            return float(ord(text[1])) if len(text) > 1 else 0.0
        try:
            return float(text)
        except ValueError:
            self.fail(f"{text}: invalid number")
            return 0.0

    def run(self, stdout: TextIO) -> int:
        while True:
            start = self.index
            output, finished = self.apply_format()
            stdout.write(output)
            if finished or self.index == start or self.index >= len(self.args):
                return self.status

    def apply_format(self) -> tuple[str, bool]:
        """The format applied once; True as well if output must stop here."""
        out: list[str] = []
        position = 0
        for match in self.CONVERSION.finditer(self.format):
            out.append(escapes.decode(self.format[position:match.start()], escapes.PRINTF_FORMAT)[0])
            position = match.end()
            flags, width, precision, kind = match.groups()
            if match.group() == "%%":
                out.append("%")
                continue
            if not kind:
                self.fail("`%': missing format character")
                return "".join(out), True
            if kind not in "sbcqdiouxXeEfFgG":
                self.fail(f"`{kind}': invalid format character")
                return "".join(out), True
            width = self.integer(self.next_arg()) if width == "*" else int(width or 0)
            if width < 0:
                flags, width = flags + "-", -width
            spec = flags + str(min(width, self.MAX_WIDTH))
            if precision is not None:
                precision = self.integer(self.next_arg()) if precision == "*" else int(precision or 0)
                spec += "." + str(max(0, min(precision, self.MAX_WIDTH)))
            text, stop = self.convert(kind, spec, self.next_arg())
            out.append(text)
            if stop:
                return "".join(out), True
        out.append(escapes.decode(self.format[position:], escapes.PRINTF_FORMAT)[0])
        return "".join(out), False

    def convert(self, kind: str, spec: str, arg: str | None) -> tuple[str, bool]:
        stop = False
        if kind in "sbcq":
            text = arg or ""
            if kind == "b":
                text, stop = escapes.decode(text, escapes.PRINTF_B)
            elif kind == "c":
                text = text[:1]
            elif kind == "q":
                text = _shell_quote(text)
            return _bytewise(spec, text), stop
        if kind in "di":
            return f"%{spec}d" % self.integer(arg), False
        if kind in "ouxX":
            number = self.integer(arg) & ((1 << 64) - 1)
            text = f"%{spec}{'d' if kind == 'u' else kind}" % number
            return (text.replace("0o", "0", 1) if kind == "o" else text), False
        return f"%{spec}{kind}" % self.real(arg), False


def _bytewise(spec: str, text: str) -> str:
    """``%s`` with a width or precision as bash 5.2 applies them: in bytes of UTF-8, not in
    characters, so ``printf '%-8s|' 日本`` pads six bytes with two spaces, as bash does."""
    return (f"%{spec}s".encode() % text.encode("utf-8", "surrogatepass")).decode("utf-8", "replace")


def _shell_quote(text: str) -> str:
    """``printf %q``: the text in a form the shell reads back as the same word."""
    if text == "":
        return "''"
    if escapes.has_control_characters(text):
        return escapes.ansi_c_quote(text)
    quoted = re.sub(r"([ \t'\"\\|&;()<>!{}*\[\]?^$`])", r"\\\1", text)
    return "\\" + quoted if quoted[0] in "#~" else quoted


@builtin("printf")
def printf(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    args = argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        stderr.write("printf: usage: printf [-v var] format [arguments]\n")
        return 2
    return _Printf(args[0], args[1:], stderr).run(stdout)


def _declaration(name: str, value: str | None) -> str:
    if value is None:
        return f"declare -x {name}"
    escaped = re.sub(r'(["\\$`])', r"\\\1", value)
    return f'declare -x {name}="{escaped}"'


@builtin("export")
def export(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    parsed = _options(argv, "fnp", "export [-fn] [name[=value] ...] or export -p", stderr)
    if parsed is None:
        return 2
    options, args = parsed
    shell = ctx.shell
    if not args:
        for name, value in sorted(shell.exported().items()):
            stdout.write(_declaration(name, value) + "\n")
        return 0
    status = 0
    for arg in args:
        name, has_value, value = arg.partition("=")
        append = bool(has_value) and name.endswith("+")
        name = name[:-1] if append else name
        if not _NAME.fullmatch(name):
            stderr.write(f"bash: export: `{arg}': not a valid identifier\n")
            status = 1
            continue
        if "f" in options:
            stderr.write(f"bash: export: {name}: not a function\n")
            status = 1
            continue
        if append:
            value = (shell.get_var(name) or "") + value
        if "n" in options:
            if has_value:
                shell.set_var(name, value)
            shell.unexport_var(name)
        else:
            shell.export_var(name, value if has_value else None)
    return status


@builtin("unset")
def unset(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    parsed = _options(argv, "fvn", "unset [-f] [-v] [-n] [name ...]", stderr)
    if parsed is None:
        return 2
    options, names = parsed
    status = 0
    for name in names:
        if not _NAME.fullmatch(name):
            stderr.write(f"bash: unset: `{name}': not a valid identifier\n")
            status = 1
        elif "f" not in options:
            ctx.shell.unset_var(name)
    return status


@command("env")
def env(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    args = argv[1:]
    if args and args[0].startswith("-"):
        stderr.write(f"env: invalid option -- '{args[0][1:2] or '-'}'\n"
                     "Try 'env --help' for more information.\n")
        return 125
    assignments = {}
    while args and "=" in args[0]:
        name, _, value = args.pop(0).partition("=")
        assignments[name] = value
    shell = ctx.shell
    with shell.temporary_env(assignments):
        if not args:
            stdout.writelines(f"{name}={value}\n" for name, value in ctx.env.items())
            return 0
        if shell.find_program(args[0]) is None:
            stderr.write(f"env: ‘{args[0]}’: No such file or directory\n")
            return 127
        return COMMANDS[args[0]](args, stdin, stdout, stderr, ctx)


@command("bash", "sh")
def bash(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    """A child bash on this machine: it inherits only the exported variables, one ``$SHLVL``
    deeper, and is interactive (the same prompt, ``exit`` back) when its input is the terminal."""
    try:
        level = int(ctx.env.get("SHLVL", "0")) + 1
    except ValueError:
        level = 1
    extra = dict(ctx.extra)
    if ctx.shell is not None:
        extra["pid"] = ctx.shell.next_pid()
    child = replace(ctx, env={**ctx.env, "SHLVL": str(level), "PWD": ctx.cwd}, extra=extra,
                    interactive=ctx.interactive and stdin.isatty())
    return nested.run_bash(argv, child, stdin, stdout, stderr)


@builtin("pwd")
def pwd(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    if _options(argv, "LP", "pwd [-LP]", stderr) is None:
        return 2
    stdout.write(ctx.cwd + "\n")
    return 0


@builtin("cd")
def cd(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    parsed = _options(argv, "LPe@", "cd [-L|[-P [-e]] [-@]] [dir]", stderr)
    if parsed is None:
        return 2
    _, args = parsed
    shell = ctx.shell
    if len(args) > 1:
        stderr.write("bash: cd: too many arguments\n")
        return 1
    if not args or args[0] == "-":
        variable = "OLDPWD" if args else "HOME"
        target = shell.get_var(variable)
        if target is None:
            stderr.write(f"bash: cd: {variable} not set\n")
            return 1
    else:
        target = args[0]
    if target == "":
        return 0
    path = resolve(ctx.cwd, target)
    try:
        ctx.fs.enter(path)
    except FileSystemError as error:
        stderr.write(f"bash: cd: {target}: {error.strerror}\n")
        return 1
    shell.set_var("OLDPWD", ctx.cwd)
    ctx.cwd = path
    shell.set_var("PWD", path)
    if args == ["-"]:
        stdout.write(path + "\n")
    return 0


@builtin("exit")
def exit_(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    args = argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        raise ShellExit(ctx.shell.last_status)
    if not re.fullmatch(r"\s*[+-]?[0-9]{1,18}\s*", args[0]):
        stderr.write(f"bash: exit: {args[0]}: numeric argument required\n")
        raise ShellExit(2)
    if len(args) > 1:
        stderr.write("bash: exit: too many arguments\n")
        return 1
    raise ShellExit(int(args[0]) & 0xFF)


@command("clear")
def clear(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    stdout.write("\x1b[H\x1b[2J\x1b[3J")
    return 0


_SLEEP_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SLEEP_ARGUMENT = re.compile(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)")


@command("sleep")
def sleep(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    """GNU sleep: the sum of its arguments; the clock decides whether that is real time."""
    if len(argv) < 2:
        stderr.write("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return 1
    total = 0.0
    for arg in argv[1:]:
        match = _SLEEP_ARGUMENT.fullmatch(arg)
        if match is None:
            stderr.write(f"sleep: invalid time interval '{arg}'\n"
                         "Try 'sleep --help' for more information.\n")
            return 1
        total += float(match.group(1)) * _SLEEP_UNITS[match.group(2)]
    ctx.sleep(total)
    return 0


@builtin("type")
def type_(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    parsed = _options(argv, "afptP", "type [-afptP] name [name ...]", stderr)
    if parsed is None:
        return 2
    options, names = parsed
    status = 0
    for name in names:
        path = ctx.shell.find_program(name)
        aliases = ctx.shell.aliases
        if not options & set("pP") and name in aliases:
            kind, description = "alias", f"aliased to `{aliases[name]}'"
        elif "P" not in options and name in KEYWORDS:
            kind, description = "keyword", "a shell keyword"
        elif "P" not in options and name in SHELL_BUILTINS:
            kind, description = "builtin", "a shell builtin"
        elif path:
            kind, description = "file", path
        else:
            status = 1
            if not options & set("tpP"):
                stderr.write(f"bash: type: {name}: not found\n")
            continue
        if "t" in options:
            stdout.write(kind + "\n")
        elif options & set("pP"):
            stdout.write(path + "\n" if kind == "file" else "")
        else:
            stdout.write(f"{name} is {description}\n")
    return status


@command("which")
def which(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    names = [arg for arg in argv[1:] if arg not in ("-a", "-s")]
    status = 0 if names else 1
    for name in names:
        if path := ctx.shell.find_program(name):
            stdout.write(path + "\n")
        else:
            status = 1
    return status


@builtin("history")
def history(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    entries = ctx.shell.history
    args = argv[1:]
    if args == ["-c"]:
        entries.clear()
        return 0
    if args and not args[0].isdigit():
        stderr.write(f"bash: history: {args[0]}: numeric argument required\n")
        return 1
    first = len(entries) - min(int(args[0]), len(entries)) if args else 0
    stdout.writelines(f"{number:5d}  {line}\n"
                      for number, line in enumerate(entries[first:], start=first + 1))
    return 0


HELP = {
    "en": """\
This terminal is a bash shell on a machine where Minikube runs a small Kubernetes cluster.

  kubectl ...        work with the cluster, for example: kubectl get pods
  minikube ...       start, stop and inspect the cluster, for example: minikube status
  echo, export, env  the shell basics: print text, set variables, list the environment
  clear              clear the screen
  exit               end this terminal session

The shell understands quotes, $VARIABLES, $(command substitution), pipes (|),
&& and ||, and redirections such as 2>/dev/null.

Tip: each step of the lesson on the left has run buttons that send its commands here.
""",
    "ja": """\
このターミナルは bash シェルです。このマシンでは Minikube が小さな Kubernetes クラスターを動かしています。

  kubectl ...        クラスターを操作します。例: kubectl get pods
  minikube ...       クラスターの起動・停止・状態確認をします。例: minikube status
  echo, export, env  シェルの基本です。文字を表示し、変数を設定し、環境変数を一覧します
  clear              画面を消去します
  exit               このターミナルのセッションを終了します

クォート、$変数、$(コマンド置換)、パイプ (|)、&& と ||、
2>/dev/null のようなリダイレクトが使えます。

ヒント: 左側のレッスンの各ステップにある実行ボタンを押すと、そのコマンドがここで実行されます。
""",
}


@builtin("help")
def help_(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    stdout.write(HELP.get(ctx.lang, HELP["en"]))
    return 0


_ALIAS_NAME = re.compile(r"[^\s|&;()<>'\"`$/=\\]+")


def _alias_definition(name: str, value: str) -> str:
    return f"alias {name}='" + value.replace("'", "'\\''") + "'\n"


@builtin("alias")
def alias(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    parsed = _options(argv, "p", "alias [-p] [name[=value] ... ]", stderr)
    if parsed is None:
        return 2
    options, args = parsed
    aliases = ctx.shell.aliases
    if not args or "p" in options:
        stdout.writelines(_alias_definition(name, aliases[name]) for name in sorted(aliases))
    status = 0
    for arg in args:
        name, has_value, value = arg.partition("=")
        if has_value and name:
            if _ALIAS_NAME.fullmatch(name):
                aliases[name] = value
            else:
                stderr.write(f"bash: alias: `{name}': invalid alias name\n")
                status = 1
        elif arg in aliases:
            stdout.write(_alias_definition(arg, aliases[arg]))
        else:
            stderr.write(f"bash: alias: {arg}: not found\n")
            status = 1
    return status


@builtin("unalias")
def unalias(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    usage = "unalias [-a] name [name ...]"
    parsed = _options(argv, "a", usage, stderr)
    if parsed is None:
        return 2
    options, names = parsed
    aliases = ctx.shell.aliases
    if "a" in options:
        aliases.clear()
        return 0
    if not names:
        stderr.write(f"unalias: usage: {usage}\n")
        return 2
    status = 0
    for name in names:
        if aliases.pop(name, None) is None:
            stderr.write(f"bash: unalias: {name}: not found\n")
            status = 1
    return status


def _job_table(name: str, ctx: CommandContext, stderr: TextIO) -> JobTable | None:
    """The shell's jobs; inside a job there are none, and bash says it has no job control."""
    table = ctx.shell.jobs
    if table is None:
        stderr.write(f"bash: {name}: no job control\n")
    return table


def _named_job(name: str, table: JobTable, args: list[str], stderr: TextIO) -> Job | None:
    job = table.find(args[0] if args else "%+")
    if job is None:
        stderr.write(f"bash: {name}: {args[0] if args else 'current'}: no such job\n")
    return job


@builtin("jobs")
def jobs(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    parsed = _options(argv, "lprs", "jobs [-lnprs] [jobspec ...] or jobs -x command [args]", stderr)
    if parsed is None:
        return 2
    options, specs = parsed
    table = _job_table("jobs", ctx, stderr)
    if table is None:
        return 1
    status = 0
    chosen: list[Job] = []
    for spec in specs:
        if (job := table.find(spec)) is None:
            stderr.write(f"bash: jobs: {spec}: no such job\n")
            status = 1
        else:
            chosen.append(job)
    for job in chosen if specs else list(table.jobs):
        running = job.status is None
        if ("r" in options and not running) or "s" in options:
            continue
        if "p" in options:
            stdout.write(f"{job.pid}\n")
        else:
            stdout.write(notice(job, table.mark(job), with_pid="l" in options))
        if not running:
            table.forget(job)
    return status


@builtin("fg")
def fg(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    table = _job_table("fg", ctx, stderr)
    if table is None:
        return 1
    job = _named_job("fg", table, argv[1:], stderr)
    if job is None:
        return 1
    if job.status is not None:
        stderr.write("bash: fg: job has terminated\n")
        return 1
    stdout.write(job.text + "\n")
    try:
        finished = table.baton.wait_for(job)
    except KeyboardInterrupt:
        _interrupt(table, job)
        raise
    if not finished:
        _interrupt(table, job)
        return job.status
    table.forget(job)
    return job.status


def _interrupt(table: JobTable, job: Job) -> None:
    """Ctrl-C while ``job`` runs in the foreground: it ends, and no notice is shown for it."""
    table.baton.cancel(job, 128 + SIGNALS["INT"][0])
    table.baton.wait_for(job)
    table.forget(job)


@builtin("bg")
def bg(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    table = _job_table("bg", ctx, stderr)
    if table is None:
        return 1
    job = _named_job("bg", table, argv[1:], stderr)
    if job is None:
        return 1
    if job.status is not None:
        stderr.write("bash: bg: job has terminated\n")
        return 1
    stderr.write(f"bash: bg: job {job.number} already in background\n")
    return 0


_KILL_USAGE = "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n"


def _signal(spec: str) -> int | None:
    """The number of the signal ``spec`` names (``9``, ``KILL``, ``SIGKILL``), if ``kill`` knows it."""
    if spec.isdigit():
        number = int(spec)
        return number if any(number == known for known, _ in SIGNALS.values()) else None
    name = spec.upper().removeprefix("SIG")
    return SIGNALS[name][0] if name in SIGNALS else None


@builtin("kill")
def kill(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    args = argv[1:]
    spec = "TERM"
    if args and args[0] in ("-s", "-n"):
        if len(args) < 2:
            stderr.write(f"bash: kill: {args[0]}: option requires an argument\n")
            return 1
        spec, args = args[1], args[2:]
    elif args and args[0].startswith("-") and len(args[0]) > 1 and args[0] != "--":
        spec, args = args[0][1:], args[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    number = _signal(spec)
    if number is None:
        stderr.write(f"bash: kill: {spec}: invalid signal specification\n")
        return 1
    if not args:
        stderr.write(_KILL_USAGE)
        return 2
    shell = ctx.shell
    table = shell.jobs
    status = 0
    for arg in args:
        if arg.startswith("%"):
            job = table.find(arg) if table else None
            if job is None:
                stderr.write(f"bash: kill: {arg}: no such job\n")
                status = 1
                continue
        elif arg.isdigit():
            job = table.by_pid(int(arg)) if table else None
            if job is None and int(arg) != shell.pid:
                stderr.write(f"bash: kill: ({arg}) - No such process\n")
                status = 1
                continue
        else:
            stderr.write(f"bash: kill: {arg}: arguments must be process or job IDs\n")
            status = 1
            continue
        if job is not None and job.status is None:
            table.baton.cancel(job, 128 + number)
    return status


@builtin("wait")
def wait(argv, stdin, stdout, stderr, ctx: CommandContext) -> int:
    table = ctx.shell.jobs
    if table is None:
        return 0
    args = argv[1:]
    if not args:
        for job in list(table.jobs):
            if not table.baton.wait_for(job):
                return 128 + SIGNALS["INT"][0]
            table.forget(job)
        return 0
    status = 0
    for arg in args:
        job = table.find(arg) if arg.startswith("%") else table.by_pid(int(arg)) if arg.isdigit() else None
        if job is None:
            if arg.startswith("%"):
                stderr.write(f"bash: wait: {arg}: no such job\n")
            elif arg.isdigit():
                stderr.write(f"bash: wait: pid {arg} is not a child of this shell\n")
            else:
                stderr.write(f"bash: wait: `{arg}': not a pid or valid job spec\n")
            status = 127 if arg.startswith("%") or arg.isdigit() else 1
            continue
        if not table.baton.wait_for(job):
            return 128 + SIGNALS["INT"][0]
        stderr.write(notice(job, table.mark(job)))
        table.forget(job)
        status = job.status
    return status
