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
from .commands import COMMANDS, CommandContext
from .resources import resolve
from .shell import nested
from .shell.filesystem import ContainerFileSystem

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
    shell = nested.new_shell(ctx)
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
    """bash as the runtime starts it: the first shell of its process tree, dying with the container."""
    ctx = replace(ctx, env={**ctx.env, "PWD": ctx.cwd, "SHLVL": "1"})
    return nested.run_bash(argv, ctx, stdin, stdout, stderr, alive=lambda: _alive(ctx))


def _alive(ctx: CommandContext) -> bool:
    with ctx.sandbox.transaction() as cluster:
        return ctx.extra["container"].still_running(cluster)
