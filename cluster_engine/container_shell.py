"""Processes inside a container: what ``kubectl exec`` starts there, one command or a whole bash.

``kubectl exec POD -- CMD`` asks the container runtime to start CMD in the container, so CMD sees
the container's world, not the learner's: its environment (``containers.container_environment``,
``HOSTNAME`` = the pod), its working directory, its files (``ContainerFileSystem``), its network
(``curl localhost`` is the pod itself), user root, and only the programs an image has: the shell's
builtins and small tools and curl, but no ``kubectl``, ``minikube`` or editor, and slimmer images
lack more (``absent_programs``).

A ``CommandContext`` built by ``container_context`` carries all of that; ``ctx.extra["container"]``
tells network tools (curl) which pod they run in. ``start`` then does what the runtime does with
argv: a shell (``bash``, ``sh``, ``bash -c ...``) becomes a nested ``Shell`` reading lines through
``ctx.read_line`` under the prompt ``root@<pod>:/# `` until ``exit`` or end of input; any other
name must be a program on the container's ``$PATH``, or the runtime refuses it with the OCI
message Docker gives. A shell dies with its container: deleting the pod ends the session with
status 137.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from . import containers, images
from .commands import COMMANDS, CommandContext, ShellExit
from .resources import resolve
from .shell.filesystem import ContainerFileSystem, FileSystemError
from .shell.filesystem import resolve as resolve_path

if TYPE_CHECKING:
    from .cluster import Cluster

#: The learner's own tools and the editors, which the catalogue's images do not carry.
ABSENT_PROGRAMS = frozenset({"kubectl", "minikube", "vi", "vim", "nano", "emacs"})
#: What slimmer images lack besides: Debian slim images have no curl, Alpine and BusyBox no
#: bash (their ``sh`` is BusyBox's), and the pause image holds one static binary and nothing else.
MISSING_BY_IMAGE = {
    "docker.io/library/httpd": frozenset({"curl"}),
    "docker.io/library/redis": frozenset({"curl"}),
    "docker.io/library/busybox": frozenset({"bash", "curl"}),
    "gcr.io/google-samples/hello-app": frozenset({"bash", "curl"}),
}
EVERYTHING_MISSING = ("registry.k8s.io/pause",)
SHELL_PROGRAMS = frozenset({"bash", "sh"})
SHELL_DIRECTORIES = ("/bin", "/usr/bin")
#: Status the runtime reports when it cannot start the command (Docker's "cannot invoke").
CANNOT_EXECUTE = 126
#: Status of a process killed with its container (SIGKILL).
KILLED = 137
PODS = resolve("pods")
CONTAINER_PID = 1


@dataclass(frozen=True)
class ContainerProcess:
    """Where a process runs: one instance of one container of one pod."""

    namespace: str
    pod: str
    container: str
    container_id: str = ""

    def still_running(self, cluster: "Cluster") -> bool:
        """False once the pod is gone or this container instance stopped or was replaced."""
        pod = cluster.store.find(PODS, self.namespace, self.pod)
        status = next((s for s in (pod or {}).get("status", {}).get("containerStatuses", [])
                       if s.get("name") == self.container), {})
        return "running" in status.get("state", {}) and \
            status.get("containerID", "") == self.container_id


def container_context(outer: CommandContext, cluster: "Cluster", pod: dict, container_name: str,
                      tty: bool) -> CommandContext:
    """The context a process started by ``kubectl exec`` inherits inside the container."""
    meta = pod["metadata"]
    status = next((s for s in pod.get("status", {}).get("containerStatuses", [])
                   if s.get("name") == container_name), {})
    where = ContainerProcess(meta.get("namespace", "default"), meta["name"], container_name,
                             status.get("containerID", ""))
    spec = next(c for c in pod["spec"]["containers"] if c["name"] == container_name)
    return CommandContext(
        sandbox=outer.sandbox, clock=outer.clock,
        env=dict(containers.container_environment(cluster, pod, container_name, tty=tty)),
        lang=outer.lang, cwd=containers.working_directory(pod, container_name),
        interactive=tty, fs=ContainerFileSystem(outer.sandbox, where.namespace, where.pod,
                                                where.container),
        read_line=outer.read_line,
        extra={"container": where, "hostname": containers.pod_hostname(pod), "user": "root",
               "pid": CONTAINER_PID, "absent_programs": absent_programs(spec.get("image", "")),
               "at_terminal": outer.extra.get("at_terminal", outer.interactive),
               "columns": outer.extra.get("columns")})


def absent_programs(image_reference: str) -> frozenset[str]:
    """The programs of the command table that a container of this image does not have."""
    image = images.lookup(image_reference)
    repository = image.repository if image else ""
    if repository in EVERYTHING_MISSING:
        return _Everything()
    return ABSENT_PROGRAMS | MISSING_BY_IMAGE.get(repository, frozenset())


class _Everything(frozenset):
    """Contains every name: an image without any of the shell's programs."""

    def __contains__(self, name: object) -> bool:
        return True


def _new_shell(ctx: CommandContext):
    from .shell import Shell

    return Shell(replace(ctx, extra=dict(ctx.extra)))


def _is_shell(name: str) -> bool:
    directory, base = posixpath.split(name)
    return base in SHELL_PROGRAMS and (not directory or directory in SHELL_DIRECTORIES)


def oci_not_found(name: str) -> str:
    """Docker's words when the command cannot be started in the container."""
    if "/" in name:
        reason = f"stat {name}: no such file or directory"
    else:
        reason = "executable file not found in $PATH"
    return (f'OCI runtime exec failed: exec failed: unable to start container process: exec: '
            f'"{name}": {reason}: unknown\n')


def start(argv: list[str], ctx: CommandContext, stdin: TextIO | None, stdout: TextIO,
          stderr: TextIO) -> int:
    """Run ``argv`` in the container as the runtime would; its exit status.

    ``stdin`` is None when kubectl passes no input (no ``-i``): a shell then ends at once.
    """
    name = argv[0]
    directory, base = posixpath.split(name)
    absent = ctx.extra["absent_programs"]
    if _is_shell(name) and base not in absent:
        return _run_shell(argv, ctx, stdin, stdout, stderr)
    shell = _new_shell(ctx)
    if directory:
        found = base in COMMANDS and base not in absent and \
            posixpath.normpath(directory) in shell._installed_in(base)
    else:
        found = shell.find_program(name) is not None
    if not found:
        stdout.write(oci_not_found(name))
        return CANNOT_EXECUTE
    status = COMMANDS[base](argv, stdin if stdin is not None else io.StringIO(), stdout, stderr,
                            shell.ctx)
    return status & 0xFF


def _run_shell(argv: list[str], ctx: CommandContext, stdin: TextIO | None, stdout: TextIO,
               stderr: TextIO) -> int:
    """bash as the runtime starts it: ``-c SCRIPT``, a script file, or commands from its input."""
    name = posixpath.basename(argv[0])
    options = [arg for arg in argv[1:] if arg.startswith("-")]
    operands = [arg for arg in argv[1:] if not arg.startswith("-")]
    ctx = replace(ctx, env={**ctx.env, "PWD": ctx.cwd, "SHLVL": "1"})
    if any("c" in option for option in options) or operands:
        if not operands:
            stderr.write(f"{name}: -c: option requires an argument\n")
            return 2
        script = operands[0]
        if not any("c" in option for option in options):
            try:
                script = ctx.fs.read(resolve_path(ctx.cwd, operands[0]))
            except FileSystemError as error:
                stderr.write(f"{name}: {operands[0]}: {error.strerror}\n")
                return 127
        shell = _new_shell(replace(ctx, interactive=False))
        try:
            return shell.run_line(script, stdout, stderr,
                                  stdin if stdin is not None else io.StringIO())
        except ShellExit as done:
            return done.status
    if stdin is None:
        return 0
    if ctx.interactive:
        return interactive_session(_new_shell(ctx), stdout, stderr)
    return _read_commands(_new_shell(ctx), stdin, stdout, stderr)


def interactive_session(shell, stdout: TextIO, stderr: TextIO) -> int:
    """A terminal session with ``shell``: prompt, read, run, until ``exit`` or end of input.

    Ctrl-C at the prompt abandons the line; during a command it ends that command (status 130)
    and the session goes on, as bash in a container does. When the container stops (its pod
    deleted, the container restarted) the shell dies with it.
    """
    read_line = shell.ctx.read_line
    while True:
        if not _alive(shell.ctx):
            return KILLED
        try:
            if read_line is None:
                raise EOFError
            text = read_line(shell.prompt())
            while not shell.is_complete(text):
                text += "\n" + read_line(shell.get_var("PS2") or "")
        except EOFError:
            stdout.write("exit\n")
            return shell.last_status
        except KeyboardInterrupt:
            stdout.write("^C\n")
            shell.last_status = 130
            continue
        if not _alive(shell.ctx):
            return KILLED
        if not text.strip():
            continue
        shell.history.append(text)
        try:
            shell.run_line(text, stdout, stderr)
        except ShellExit as done:
            return done.status
        except KeyboardInterrupt:
            stdout.write("\n")
            shell.last_status = 130


def _alive(ctx: CommandContext) -> bool:
    with ctx.sandbox.transaction() as cluster:
        return ctx.extra["container"].still_running(cluster)


def _read_commands(shell, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """bash without a terminal: commands from its input, no prompt, until the input ends."""
    piped = stdin.read()
    if piped:
        lines = iter(piped.splitlines())

        def next_line(prompt: str) -> str:
            line = next(lines, None)
            if line is None:
                raise EOFError
            return line
    else:
        next_line = shell.ctx.read_line
    pending = ""
    while True:
        try:
            if next_line is None:
                raise EOFError
            line = next_line("")
        except EOFError:
            if pending:
                shell.run_line(pending, stdout, stderr)
            return shell.last_status
        pending = f"{pending}\n{line}" if pending else line
        if not shell.is_complete(pending):
            continue
        text, pending = pending, ""
        try:
            shell.run_line(text, stdout, stderr)
        except ShellExit as done:
            return done.status
