"""``kubectl cluster-info``: the API server's address and the cluster services behind it.

Cluster services are the Services labelled ``kubernetes.io/cluster-service=true`` in
kube-system (or in ``-n``), shown under their ``kubernetes.io/name`` label with a link through
the API server's service proxy. kubectl 1.32 prints no colours. The closing hint is printed even
when the API server cannot be reached.
"""

from __future__ import annotations

from ...resources import resolve
from .app import Unreachable, connect, implement
from .cobra import Invocation
from .connection import server_url

CLUSTER_SERVICE_LABEL = "kubernetes.io/cluster-service"
DUMP_HINT = "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"


def _join_scheme_name_port(scheme: str, name: str, port: str) -> str:
    if scheme:
        return f"{scheme}:{name}:{port}"
    if port:
        return f"{name}:{port}"
    return name


def service_link(host: str, service: dict) -> str:
    ingress = (service.get("status", {}).get("loadBalancer", {}) or {}).get("ingress") or []
    ports = service.get("spec", {}).get("ports") or []
    if ingress:
        address = ingress[0].get("ip") or ingress[0].get("hostname", "")
        return "".join(f"http://{address}:{port['port']} " for port in ports)
    name = service["metadata"]["name"]
    if ports:
        port = ports[0]
        scheme = "https" if port.get("name") == "https" or port.get("port") == 443 else ""
        name = _join_scheme_name_port(scheme, name, port.get("name", ""))
    namespace = service["metadata"]["namespace"]
    return f"{host}/api/v1/namespaces/{namespace}/services/{name}/proxy"


@implement("cluster-info")
def run_cluster_info(invocation: Invocation) -> int:
    namespace = invocation.flags.get("namespace") or "kube-system"
    out = invocation.stdout
    with invocation.ctx.sandbox.transaction() as cluster:
        try:
            connect(invocation, cluster)
        except Unreachable as unreachable:
            unreachable.stdout_before_message = DUMP_HINT
            raise
        host = server_url(cluster.profile)
        services = cluster.store.list(
            resolve("services"), namespace,
            lambda service: (service["metadata"].get("labels") or {}).get(CLUSTER_SERVICE_LABEL)
            == "true")
    out.write(f"Kubernetes control plane is running at {host}\n")
    for service in services:
        labels = service["metadata"].get("labels") or {}
        title = labels.get("kubernetes.io/name") or service["metadata"]["name"]
        out.write(f"{title} is running at {service_link(host, service)}\n")
    out.write(DUMP_HINT)
    return 0
