"""kubectl's command tree and the path from argv to a subcommand's ``run``.

The tree holds every top-level command the real kubectl v1.32 has, in its registration order
(which is also the order kubectl lists "Did you mean this?" suggestions in), each with the flags
its captured help page lists. Commands the simulation implements set ``run`` through
``@implement("name")``; the others still answer ``--help`` exactly and reject bad flags in
kubectl's words.

kubectl's own error framing lives here too: ``error: ...`` for client-side errors,
``Error from server (Reason): ...`` for API errors, and the connection messages when no API
server answers.
"""

from __future__ import annotations

from typing import TextIO

from ...errors import ApiError
from ...minikube_cluster import has_kubeconfig_context
from .cobra import (Command, CommandLine, Flag, FlagError, Invocation, UnknownCommand,
                    flags_from_help, go_quote, implementer, kubectl_normalize)
from .connection import unreachable_endpoint, write_discovery_errors, write_final_message
from .help import has_help_page, help_page, render


class KubectlError(Exception):
    """A client-side failure, printed as ``error: <message>``."""


class Unreachable(Exception):
    """No API server answers; carries what to print."""

    def __init__(self, endpoint, discovery_attempts: int = 5):
        super().__init__(endpoint.final_message)
        self.endpoint = endpoint
        self.discovery_attempts = discovery_attempts
        self.stdout_before_message = ""


class ConfigurationError(Exception):
    """kubeconfig problems, printed as ``Error in configuration: <message>``."""


COMMAND_NAMES = (
    "create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale",
    "autoscale", "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint",
    "describe", "logs", "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug", "events",
    "diff", "apply", "patch", "replace", "wait", "kustomize", "label", "annotate", "completion",
    "alpha", "config", "plugin", "version", "api-versions", "api-resources", "options",
)

ROOT_LONG = ("kubectl controls the Kubernetes cluster manager.\n\n"
             " Find more information at: https://kubernetes.io/docs/reference/kubectl/")


def _page_flags(page: str) -> list[Flag]:
    return flags_from_help(help_page(page)) if has_help_page(page) else []


#: Commands that work without an API server (the others fail first when none answers).
OFFLINE_COMMANDS = ("completion", "config", "plugin", "kustomize", "alpha", "options", "help")


def _not_implemented(invocation: Invocation) -> int:
    if invocation.command.name not in OFFLINE_COMMANDS:
        with invocation.ctx.sandbox.transaction() as cluster:
            connect(invocation, cluster)
    invocation.stderr.write(
        f'error: unknown command "{invocation.command.name}" for "kubectl"\n')
    return 1


def _alpha(invocation: Invocation) -> int:
    invocation.stderr.write("No alpha commands are available in this version of kubectl\n")
    return 0


def _options(invocation: Invocation) -> int:
    invocation.stdout.write(render("kubectl-options", invocation.ctx, invocation.stdout))
    return 0


def _root(invocation: Invocation) -> int:
    invocation.stdout.write(render("kubectl", invocation.ctx, invocation.stdout))
    return 0


def _help(invocation: Invocation) -> int:
    try:
        command, _rest = KUBECTL.find(invocation.args)
    except UnknownCommand:
        usage = help_page("kubectl")[len(ROOT_LONG):]
        topic = " ".join(f"`{arg}`" for arg in invocation.args)
        invocation.stderr.write(f"Unknown help topic [{topic}]\n{usage}")
        return 0
    write_help(command, invocation.ctx, invocation.stdout)
    return 0


def _build_tree() -> Command:
    root = Command("kubectl", run=_root, help_text="kubectl",
                   persistent_flags=flags_from_help(help_page("kubectl-options")))
    for name in COMMAND_NAMES:
        page = f"kubectl-{name}"
        command = Command(name, run=_not_implemented, flags=_page_flags(page),
                          help_text=page if has_help_page(page) else None)
        if name == "alpha":
            command.hidden, command.run = True, _alpha
        elif name == "options":
            command.run, command.help_text = _options, "kubectl-options"
        elif name == "cluster-info":
            command.add(Command("dump", run=_not_implemented,
                                flags=_page_flags("kubectl-cluster-info-dump"),
                                help_text="kubectl-cluster-info-dump"))
        root.add(command)
    root.add(Command("help", run=_help, hidden=True))
    return root


ROOT = _build_tree()
KUBECTL = CommandLine(ROOT, normalize=kubectl_normalize)


implement = implementer(ROOT)


def write_help(command: Command, ctx, stdout: TextIO) -> None:
    if isinstance(command.help_text, str):
        stdout.write(render(command.help_text, ctx, stdout))
    elif callable(command.help_text):
        stdout.write(command.help_text(command, ctx))


def connect(invocation: Invocation, cluster, discovery_attempts: int = 5) -> None:
    """Raise what kubectl would report if it cannot reach the API server of ``cluster``;
    ``discovery_attempts`` is how many discovery errors the command logs first."""
    context = invocation.flags.get("context")
    if context and (context != "minikube" or not has_kubeconfig_context(cluster.profile)):
        raise ConfigurationError(f"context was not found for specified context: {context}")
    endpoint = unreachable_endpoint(cluster)
    if endpoint is not None:
        raise Unreachable(endpoint, discovery_attempts)


def namespace_of(invocation: Invocation) -> str:
    return invocation.flags.get("namespace") or "default"


def run_kubectl(argv: list[str], stdin, stdout: TextIO, stderr: TextIO, ctx) -> int:
    args = list(argv[1:])
    try:
        command, rest = KUBECTL.find(args)
    except UnknownCommand as unknown:
        if args and args[0].startswith("-"):
            stderr.write(f"Error: flags cannot be placed before plugin name: {args[0]}\n")
            return 1
        message = f'error: unknown command "{unknown.name}" for "kubectl"\n'
        if unknown.suggestions:
            message += "\nDid you mean this?\n" + "".join(f"\t{name}\n"
                                                        for name in unknown.suggestions)
        stderr.write(message)
        return 1
    try:
        flags, positional, before_dash = KUBECTL.parse(command, rest)
    except FlagError as error:
        stderr.write(f"error: {error}\nSee '{command.path} --help' for usage.\n")
        return 1
    if flags.get("help") or not command.runnable:
        write_help(command, ctx, stdout)
        return 0
    invocation = Invocation(command, positional, flags, before_dash, stdin, stdout, stderr, ctx)
    try:
        return command.run(invocation)
    except Unreachable as unreachable:
        stdout.flush()
        write_discovery_errors(ctx, stderr, unreachable.endpoint, unreachable.discovery_attempts)
        if unreachable.stdout_before_message:
            stdout.write(unreachable.stdout_before_message)
            stdout.flush()
        write_final_message(stderr, unreachable.endpoint)
        return 1
    except ConfigurationError as error:
        stderr.write(f"Error in configuration: {error}\n")
        return 1
    except KubectlError as error:
        message = str(error)
        stderr.write(f"error: {message}" + ("" if message.endswith("\n") else "\n"))
        return 1
    except ApiError as error:
        stderr.write(format_api_error(error) + "\n")
        return 1


def format_api_error(error: ApiError) -> str:
    """kubectl's words for a refusal. An Invalid one is written from its Status details: the
    kind without its group and the name, then its one field error, or each on a line of its own
    (``The Deployment "web" is invalid: \n* spec.selector: Required value\n* ...``)."""
    details = getattr(error, "details", None)
    if error.reason == "Invalid" and details and details.get("causes"):
        causes = [f'{cause["field"]}: {cause["message"]}' if cause.get("field")
                  else cause["message"] for cause in details["causes"]]
        listed = causes[0] if len(causes) == 1 else "\n" + "\n".join(f"* {cause}"
                                                                     for cause in causes)
        return f'The {details["kind"]} {go_quote(details["name"])} is invalid: {listed}'
    return f"Error from server ({error.reason}): {error.message}"


__all__ = ["ROOT", "KUBECTL", "implement", "run_kubectl", "connect", "namespace_of",
           "KubectlError", "Unreachable", "ConfigurationError", "format_api_error",
           "write_help"]
