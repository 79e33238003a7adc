"""``minikube service``, ``minikube tunnel`` and ``minikube dashboard``: reaching the cluster.

What they print follows minikube v1.35 on Linux with the docker driver, where the node's IP
(``192.168.49.2``) is routable from the host:

- ``service NAME`` prints the service's NodePort URLs (a table and "Opening service ... in default
  browser", or with ``--url`` just the URLs) and returns at once; only a service without a
  NodePort makes it open an SSH tunnel to ``127.0.0.1`` and stay until Ctrl-C.
- ``tunnel`` routes the service CIDR to the node, gives every LoadBalancer service its ClusterIP
  as external IP (``services.set_tunnel``), prints its ``Status:`` block whenever the set of
  LoadBalancer services changes, and undoes all of it when Ctrl-C (or ``kill``) ends it.
- ``dashboard`` enables the dashboard addon if needed and serves the API with ``kubectl proxy`` on
  a random loopback port, so the printed URL answers ``curl`` until Ctrl-C.
"""

from __future__ import annotations

import json
import re

from ..loopback import close, free_port, listen, listener
from ..minikube_addons import ADDONS, DASHBOARD_NAMESPACE, is_enabled, set_enabled
from ..minikube_cluster import NODE_IP, PROFILE_NAME
from ..resources import resolve
from ..services import SERVICE_CIDR, set_tunnel, tunnel_running
from .kubectl.cobra import Invocation
from .minikube import (EXIT_PROGRAM_ERROR, EXIT_USAGE, MinikubeExit, Out, implement,
                       render_table, running_profile_or_exit)

SERVICES = resolve("services")
PODS = resolve("pods")
EXIT_SERVICE_NOT_FOUND = 115
DEFAULT_URL_FORMAT = "http://{{.IP}}:{{.Port}}"
EXIT_TUNNEL_ALREADY_RUNNING = 111
#: How often ``tunnel`` looks at the LoadBalancer services (minikube's state check interval).
TUNNEL_CHECK_SECONDS = 5.0
#: How long a blocked ``service``/``dashboard`` sleeps between looks; Ctrl-C ends it at once.
IDLE_SECONDS = 3600.0
#: kubectl proxy's own defaults, which ``minikube dashboard`` does not change.
PROXY_DEFAULTS = {"api_prefix": "/", "filter": True,
                  "accept_hosts": r"^localhost$,^127\.0\.0\.1$,^\[::1\]$", "accept_paths": "^.*",
                  "reject_paths": "^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach",
                  "reject_methods": "^$"}


def _owner_pid(ctx) -> int:
    return ctx.shell.pid if ctx.shell else 0


def _wait_for_interrupt(ctx) -> None:
    while True:
        ctx.sleep(IDLE_SECONDS)


# -- service -----------------------------------------------------------------------------------
def _port_name(port: dict) -> str:
    return f"{port['name']}/{port['port']}" if port.get("name") else str(port["port"])


def _has_running_pod(cluster, service: dict) -> bool:
    """minikube's CheckServicePods: NodePort and LoadBalancer services need a running pod."""
    spec = service["spec"]
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        return True
    selector = spec.get("selector") or {}
    namespace = service["metadata"]["namespace"]
    return any(pod["status"].get("phase") == "Running"
               for pod in cluster.store.list(PODS, namespace)
               if all(pod["metadata"].get("labels", {}).get(key) == value
                      for key, value in selector.items()))


def _service_url(template: str, port: dict, scheme: str) -> str:
    """``--format`` applied to one NodePort: the fields minikube offers are IP, Port and Name;
    ``--https`` then turns a leading ``http://`` into ``https://``."""
    values = {"IP": NODE_IP, "Port": str(port["nodePort"]), "Name": _port_name(port)}
    url = re.sub(r"\{\{\s*\.(IP|Port|Name)\s*\}\}", lambda match: values[match.group(1)],
                 template)
    if scheme == "https" and url.startswith("http://"):
        url = "https://" + url[len("http://"):]
    return url


@implement("service")
def run_service(invocation: Invocation) -> int:
    ctx, flags = invocation.ctx, invocation.flags
    out = Out(ctx, invocation.stdout, invocation.stderr)
    everything = bool(flags.get("all"))
    if bool(invocation.args) == everything:
        out.exit_message("MK_USAGE", out.text("You must specify service name(s) or --all"),
                         EXIT_USAGE)
    running_profile_or_exit(invocation, out)
    namespace = flags.get("namespace") or "default"
    url_mode = bool(flags.get("url"))
    scheme = "https" if flags.get("https") else "http"
    template = flags.get("format") or DEFAULT_URL_FORMAT
    with ctx.sandbox.transaction() as cluster:
        found = cluster.store.list(SERVICES, namespace)
        if invocation.args:
            found = [s for s in found if s["metadata"]["name"] in invocation.args]
        reachable = {s["metadata"]["name"]: _has_running_pod(cluster, s) for s in found}
    if not found and everything:
        out.exit_message("SVC_NOT_FOUND", f"No services were found in the '{namespace}' "
                         "namespace.\nYou may select another namespace by using 'minikube service "
                         "--all -n <namespace>'", EXIT_SERVICE_NOT_FOUND)
    if not found:
        out.exit_message("SVC_NOT_FOUND", out.text(
            "Service '{service}' was not found in '{namespace}' namespace.\nYou may select "
            "another namespace by using 'minikube service {service} -n <namespace>'. Or list out "
            "all the services using 'minikube service list'", service=invocation.args[0],
            namespace=namespace), EXIT_SERVICE_NOT_FOUND)

    opened: list[str] = []
    without_node_port: list[str] = []
    for service in found:
        name = service["metadata"]["name"]
        ports = [port for port in service["spec"].get("ports", []) if port.get("nodePort")]
        urls = [_service_url(template, port, scheme) for port in ports]
        if not url_mode:
            row = ([namespace, name, "\n".join(_port_name(p) for p in ports), "\n".join(urls)]
                   if urls else [namespace, name, "", "No node port"])
            out.stdout.write(render_table(["Namespace", "Name", "Target Port", "URL"], [row]))
        if not urls:
            out.step("sad", "service {namespace_name}/{service_name} has no node port",
                     namespace_name=namespace, service_name=name)
            without_node_port.append(name)
        else:
            opened.append(name)
            if url_mode:
                out.line("\n".join(urls))
        if not reachable[name]:
            out.exit_with_issue_link(
                "SVC_UNREACHABLE", f"service not available: no running pod for service {name} "
                "found", EXIT_SERVICE_NOT_FOUND, ["service", *invocation.args])
    if without_node_port:
        names = " ".join(f"{namespace}/{name}" for name in without_node_port)
        out.step("warning", 'Services [{svc_names}] have type "ClusterIP" not meant to be '
                 "exposed, however for local development minikube allows you to access this !",
                 to_stderr=True, svc_names=names)
    if url_mode:
        return 0
    for name in opened:
        out.step("celebrate", "Opening service {namespace_name}/{service_name} in default "
                 "browser...", namespace_name=namespace, service_name=name)
    if without_node_port:
        _tunnel_to_cluster_ip_services(out, ctx, namespace, without_node_port)
    return 0


def _tunnel_to_cluster_ip_services(out: Out, ctx, namespace: str, names: list[str]) -> None:
    """The SSH tunnel ``service`` opens for services without a NodePort; it lasts until Ctrl-C.

    The tunnel's local port is taken on the loopback for as long as it runs, so nothing else
    can bind it, but nothing answers on it: no simulated SSH forward carries the traffic.
    """
    with ctx.sandbox.transaction() as cluster:
        ports = []
        for _ in names:
            port = free_port(cluster)
            listen(cluster, port, "minikube-service-tunnel", _owner_pid(ctx))
            ports.append(port)
    try:
        ctx.sleep(1.0)
        rows = [[namespace, name, "", f"http://127.0.0.1:{port}"]
                for name, port in zip(names, ports)]
        out.stdout.write(render_table(["Namespace", "Name", "Target Port", "URL"], rows))
        for name in names:
            out.step("celebrate", "Opening service {namespace_name}/{service_name} in default "
                     "browser...", namespace_name=namespace, service_name=name)
        out.step("warning", "Because you are using a Docker driver on {operating_system}, the "
                 "terminal needs to be open to run it.", to_stderr=True, operating_system="linux")
        _wait_for_interrupt(ctx)
    finally:
        with ctx.sandbox.transaction() as cluster:
            for port in ports:
                close(cluster, port)


@implement("service list")
def run_service_list(invocation: Invocation) -> int:
    ctx, flags = invocation.ctx, invocation.flags
    out = Out(ctx, invocation.stdout, invocation.stderr)
    running_profile_or_exit(invocation, out)
    output = (flags.get("output") or "table").lower()
    if output not in ("table", "json"):
        out.exit_message("MK_USAGE", f"invalid output format: {output}. Valid values: 'table', "
                         "'json'", EXIT_USAGE)
    template = flags.get("format") or DEFAULT_URL_FORMAT
    with ctx.sandbox.transaction() as cluster:
        found = cluster.store.list(SERVICES, flags.get("namespace") or None)
    listed = []
    for service in found:
        ports = [port for port in service["spec"].get("ports", []) if port.get("nodePort")]
        listed.append({"Namespace": service["metadata"]["namespace"],
                       "Name": service["metadata"]["name"],
                       "URLs": [_service_url(template, port, "http") for port in ports],
                       "PortNames": [_port_name(port) for port in ports] or ["No node port"]})
    if output == "json":
        invocation.stdout.write(json.dumps(listed, separators=(",", ":")))
        return 0
    invocation.stdout.write(render_table(
        ["Namespace", "Name", "Target Port", "URL"],
        [[entry["Namespace"], entry["Name"], "\n".join(entry["PortNames"]),
          "\n".join(entry["URLs"])] for entry in listed]))
    return 0


# -- tunnel ------------------------------------------------------------------------------------
def tunnel_status(pid: int, services: list[str]) -> str:
    """The block minikube's tunnel reporter prints each time what it manages changes."""
    return (f"Status:\t\n\tmachine: {PROFILE_NAME}\n\tpid: {pid}\n"
            f"\troute: {SERVICE_CIDR} -> {NODE_IP}\n\tminikube: Running\n"
            f"\tservices: [{', '.join(services)}]\n"
            "    errors: \n\t\tminikube: no errors\n\t\trouter: no errors\n"
            "\t\tloadbalancer emulator: no errors\n")


def _load_balancers(cluster) -> list[str]:
    return [service["metadata"]["name"] for service in cluster.store.list(SERVICES)
            if service["spec"].get("type") == "LoadBalancer"]


@implement("tunnel")
def run_tunnel(invocation: Invocation) -> int:
    ctx = invocation.ctx
    out = Out(ctx, invocation.stdout, invocation.stderr)
    running_profile_or_exit(invocation, out)
    with ctx.sandbox.transaction() as cluster:
        if tunnel_running(cluster):
            out.exit_message("TUNNEL_ALREADY_RUNNING", "Another tunnel process is already "
                             "running, terminate the existing instance to start a new one",
                             EXIT_TUNNEL_ALREADY_RUNNING, style="tip")
        set_tunnel(cluster, True)
    pid = ctx.shell.next_pid() if ctx.shell else 1
    reported = None
    try:
        while True:
            with ctx.sandbox.transaction() as cluster:
                if not cluster.running:
                    raise MinikubeExit(0)
                set_tunnel(cluster, True)
                managed = _load_balancers(cluster)
            if managed != reported:
                invocation.stdout.write(tunnel_status(pid, managed))
                invocation.stdout.flush()
                reported = managed
            ctx.sleep(TUNNEL_CHECK_SECONDS)
    finally:
        with ctx.sandbox.transaction() as cluster:
            set_tunnel(cluster, False)


# -- dashboard ---------------------------------------------------------------------------------
def dashboard_url(port: int) -> str:
    return (f"http://127.0.0.1:{port}/api/v1/namespaces/{DASHBOARD_NAMESPACE}/services/"
            "http:kubernetes-dashboard:/proxy/")


@implement("dashboard")
def run_dashboard(invocation: Invocation) -> int:
    ctx, flags = invocation.ctx, invocation.flags
    out = Out(ctx, invocation.stdout, invocation.stderr)
    profile = running_profile_or_exit(invocation, out)
    requested = int(flags.get("port") or 0)
    if requested < 0 or requested > 65535:
        out.exit_message("HOST_KUBECTL_PROXY", "Invalid port", EXIT_PROGRAM_ERROR)
    if not is_enabled(profile, "dashboard"):
        out.step("enabling", "Enabling dashboard ...", to_stderr=True)
        for image in ADDONS["dashboard"].images:
            out.step("option", "Using image {image}", image=image)
        with ctx.sandbox.transaction() as cluster:
            set_enabled(cluster, "dashboard", True)
        out.step("tip", "Some dashboard features require the metrics-server addon. To enable "
                 "all features please run:\n\n\tminikube addons enable metrics-server\n")
        ctx.sleep(1.0)
    out.step("verifying", "Verifying dashboard health ...", to_stderr=True)
    ctx.sleep(0.5)
    out.step("launch", "Launching proxy ...", to_stderr=True)
    with ctx.sandbox.transaction() as cluster:
        port = requested or free_port(cluster)
        if listener(cluster, port) is not None:
            out.exit_with_issue_link(
                "HOST_KUBECTL_PROXY", f"kubectl proxy: proxy stream: listen tcp "
                f"127.0.0.1:{port}: bind: address already in use", EXIT_PROGRAM_ERROR,
                ["dashboard"])
        listen(cluster, port, "proxy", _owner_pid(ctx), **PROXY_DEFAULTS)
    try:
        ctx.sleep(0.5)
        out.step("verifying", "Verifying proxy health ...", to_stderr=True)
        ctx.sleep(0.5)
        if flags.get("url"):
            out.line(dashboard_url(port))
        else:
            out.step("celebrate", "Opening {url} in your default browser...",
                     url=dashboard_url(port))
        _wait_for_interrupt(ctx)
    finally:
        with ctx.sandbox.transaction() as cluster:
            close(cluster, port)
