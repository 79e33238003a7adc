"""``kubectl version``: the client's build, Kustomize's, and the API server's.

The client is kubectl v1.32.5 and the server the v1.32.0 API server minikube v1.35 runs, with
their real build metadata. ``--client`` needs no server; otherwise the client lines come first
and the connection error, if any, after them.
"""

from __future__ import annotations

import hashlib

from ...minikube_cluster import KUBERNETES_VERSION
from ...printers.serialize import go_json, go_yaml
from .app import KubectlError, Unreachable, connect, implement
from .cobra import Invocation

CLIENT_VERSION = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.5",
    "gitCommit": "9894294ef13a5b32803e3ca2c0d620a088cc84d1",
    "gitTreeState": "clean",
    "buildDate": "2025-05-15T09:12:10Z",
    "goVersion": "go1.23.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}
KUSTOMIZE_VERSION = "v5.5.0"
SERVER_VERSIONS = {
    "v1.32.0": {
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.0",
        "gitCommit": "70d3cc986aa8221cd1dfb1121852688902d3bf53",
        "gitTreeState": "clean",
        "buildDate": "2024-12-11T17:59:15Z",
        "goVersion": "go1.23.3",
        "compiler": "gc",
        "platform": "linux/amd64",
    },
}


def server_version(kubernetes_version: str = KUBERNETES_VERSION) -> dict:
    """What the API server reports. Only v1.32.0's build facts are recorded; a cluster started
    with another ``--kubernetes-version`` reports its own version numbers with build details
    derived from the version, stable from run to run."""
    if kubernetes_version in SERVER_VERSIONS:
        return dict(SERVER_VERSIONS[kubernetes_version])
    major, minor = kubernetes_version.lstrip("v").split(".")[:2]
    digest = hashlib.sha1(f"kubernetes {kubernetes_version}".encode()).hexdigest()
    return {**SERVER_VERSIONS[KUBERNETES_VERSION], "major": major, "minor": minor,
            "gitVersion": kubernetes_version, "gitCommit": digest}


@implement("version")
def run_version(invocation: Invocation) -> int:
    output = invocation.flags.get("output") or ""
    client_only = invocation.flags.get("client")
    if invocation.args and not client_only:
        raise KubectlError("extra arguments: [" + " ".join(invocation.args) + "]")
    if output not in ("", "yaml", "json"):
        raise KubectlError("--output must be 'yaml' or 'json'")
    unreachable = None
    server = None
    if not client_only:
        with invocation.ctx.sandbox.transaction() as cluster:
            try:
                connect(invocation, cluster)
                server = server_version(cluster.profile.get("kubernetesVersion", KUBERNETES_VERSION))
            except Unreachable as error:
                unreachable = error
    report = {"clientVersion": CLIENT_VERSION, "kustomizeVersion": KUSTOMIZE_VERSION}
    if server:
        report["serverVersion"] = server
    out = invocation.stdout
    if output == "":
        out.write(f"Client Version: {CLIENT_VERSION['gitVersion']}\n")
        out.write(f"Kustomize Version: {KUSTOMIZE_VERSION}\n")
        if server:
            out.write(f"Server Version: {server['gitVersion']}\n")
    elif output == "json":
        out.write(go_json(report, indent=2) + "\n")
    else:
        out.write(go_yaml(report) + "\n")
    out.flush()
    if unreachable is not None:
        invocation.stderr.write(unreachable.endpoint.final_message + "\n")
        return 1
    return 0
