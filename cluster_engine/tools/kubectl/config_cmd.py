"""``kubectl config``: reading the kubeconfig minikube writes, and switching to its context.

``minikube start`` writes one cluster, context and user, all named ``minikube``, into
``~/.kube/config``: the API server ``https://192.168.49.2:8443``, and certificates as *paths*
into ``~/.minikube`` (not embedded data, so ``config view`` has nothing to redact), each entry
with minikube's ``cluster_info``/``context_info`` extension stamped with the start time. Without
that context (before the first start, and after ``minikube stop`` or ``delete``) the file has no
entries, which kubectl prints as ``null`` lists.

The learner's kubeconfig is not a file of the sandbox, so the commands that would edit it
(``set-context``, ``set-cluster``, ``delete-context``, ...) are not offered here; they answer with
their help page, as the tree does for any command without a ``run``.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ...minikube_cluster import (API_SERVER_URL, MINIKUBE_VERSION, PROFILE_NAME,
                                 has_kubeconfig_context)
from ...printers.serialize import go_json
from ...printers.tabwriter import kubectl_table_writer
from .app import KubectlError, implement
from .cobra import Invocation
from .get import _print_document, choose_printer
from .help import render
from .mutations import subcommand

subcommand("config", grouping=True)
for _name in ("current-context", "delete-cluster", "delete-context", "delete-user",
              "get-clusters", "get-contexts", "get-users", "rename-context", "set",
              "set-cluster", "set-context", "set-credentials", "unset", "view"):
    subcommand(f"config {_name}")
subcommand("config use-context", aliases=("use",))


def _extension(name: str, started: float) -> dict:
    stamp = datetime.fromtimestamp(started, tz=timezone.utc).strftime("%a, %d %b %Y %H:%M:%S UTC")
    return {"name": name,
            "extension": {"last-update": stamp, "provider": "minikube.sigs.k8s.io",
                          "version": MINIKUBE_VERSION}}


def kubeconfig(profile: dict, home: str) -> dict:
    """``~/.kube/config`` as kubectl reads it, in the field order of its Go struct."""
    if not has_kubeconfig_context(profile):
        return {"kind": "Config", "apiVersion": "v1", "preferences": {}, "clusters": None,
                "users": None, "contexts": None, "current-context": ""}
    started = profile.get("startedAt") or 0.0
    minikube_home = f"{home}/.minikube"
    return {
        "kind": "Config",
        "apiVersion": "v1",
        "preferences": {},
        "clusters": [{"name": PROFILE_NAME, "cluster": {
            "server": API_SERVER_URL,
            "certificate-authority": f"{minikube_home}/ca.crt",
            "extensions": [_extension("cluster_info", started)]}}],
        "users": [{"name": PROFILE_NAME, "user": {
            "client-certificate": f"{minikube_home}/profiles/{PROFILE_NAME}/client.crt",
            "client-key": f"{minikube_home}/profiles/{PROFILE_NAME}/client.key"}}],
        "contexts": [{"name": PROFILE_NAME, "context": {
            "cluster": PROFILE_NAME, "user": PROFILE_NAME, "namespace": "default",
            "extensions": [_extension("context_info", started)]}}],
        "current-context": PROFILE_NAME,
    }


def _read_kubeconfig(invocation: Invocation) -> dict:
    with invocation.ctx.sandbox.transaction() as cluster:
        profile = dict(cluster.profile)
    return kubeconfig(profile, invocation.ctx.env.get("HOME", "/home/learner"))


def _entries(config: dict, kind: str) -> list[dict]:
    return config.get(kind) or []


@implement("config view")
def run_config_view(invocation: Invocation) -> int:
    printer = choose_printer(invocation)
    config = _read_kubeconfig(invocation)
    if printer.format == "json":
        invocation.stdout.write(go_json(config, indent=4) + "\n")
    else:
        _print_document(invocation.stdout, printer, config)
    return 0


@implement("config current-context")
def run_current_context(invocation: Invocation) -> int:
    config = _read_kubeconfig(invocation)
    if not config["current-context"]:
        raise KubectlError("current-context is not set")
    invocation.stdout.write(config["current-context"] + "\n")
    return 0


@implement("config get-contexts")
def run_get_contexts(invocation: Invocation) -> int:
    config = _read_kubeconfig(invocation)
    output = invocation.flags.get("output") or ""
    if output not in ("", "name"):
        raise KubectlError(f"output must be one of '' or 'name': {output}")
    contexts = _entries(config, "contexts")
    wanted = invocation.args
    missing = [name for name in wanted if name not in {c["name"] for c in contexts}]
    shown = [context for context in contexts if not wanted or context["name"] in wanted]
    if output == "name":
        invocation.stdout.write("".join(context["name"] + "\n" for context in shown))
    else:
        writer = kubectl_table_writer(invocation.stdout)
        if not invocation.flags.get("no-headers"):
            writer.write("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n")
        for context in shown:
            details = context["context"]
            current = "*" if context["name"] == config["current-context"] else ""
            writer.write(f"{current}\t{context['name']}\t{details['cluster']}\t"
                         f"{details['user']}\t{details.get('namespace', '')}\n")
        writer.flush()
    if missing:
        raise KubectlError(f"context {missing[0]} not found")
    return 0


def _names(invocation: Invocation, kind: str) -> int:
    config = _read_kubeconfig(invocation)
    invocation.stdout.write("NAME\n" + "".join(entry["name"] + "\n"
                                               for entry in _entries(config, kind)))
    return 0


@implement("config get-clusters")
def run_get_clusters(invocation: Invocation) -> int:
    return _names(invocation, "clusters")


@implement("config get-users")
def run_get_users(invocation: Invocation) -> int:
    return _names(invocation, "users")


@implement("config use-context")
def run_use_context(invocation: Invocation) -> int:
    if len(invocation.args) != 1:
        invocation.stdout.write(render(invocation.command.help_text, invocation.ctx,
                                            invocation.stdout))
        raise KubectlError(f"Unexpected args: [{' '.join(invocation.args)}]")
    name = invocation.args[0]
    config = _read_kubeconfig(invocation)
    if name not in {context["name"] for context in _entries(config, "contexts")}:
        raise KubectlError(f'no context exists with the name: "{name}"')
    invocation.stdout.write(f'Switched to context "{name}".\n')
    return 0
