"""``kubectl port-forward``: a local port on the learner machine that reaches a pod's port.

The target is a pod, or the pod kubectl would pick for ``deploy/``, ``rs/`` or ``svc/`` (for a
Service the remote port is a service port, translated to the chosen pod's target port, as
kubectl translates it before it opens the stream). The local ports are taken through
``loopback.listen`` with kind ``port-forward``, so ``curl localhost:8080`` in another tab (or
after ``&``) reaches ``answer_connection``, which answers through the pod's app and counts the
connection in the listener record. The command itself only waits in ``ctx.sleep``; each time
it wakes it prints ``Handling connection for PORT`` once per connection counted since, ends
with ``error: lost connection to pod`` when its pod is gone, and frees its ports in a
``finally`` when Ctrl-C or ``kill`` ends it.
"""

from __future__ import annotations

from ...containers import listening_ports
from ...loopback import (HttpRequest, HttpResponse, PortInUse, close, free_port, handles, listen,
                         listener)
from ...resources import resolve
from ...services import Route
from ..curl import app_response
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .exec import pod_of
from .mutations import usage_error

PODS = resolve("pods")
#: How often the command looks for new connections and for its pod.
POLL_SECONDS = 1.0
KIND = "port-forward"


def _parse_port(text: str, which: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise KubectlError(f"Error parsing {which} port '{text}': strconv.ParseUint: parsing "
                           f'"{text}": ' + ("value out of range" if text.isdigit()
                                            else "invalid syntax"))
    return int(text)


def _split_ports(specs: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for spec in specs:
        local, colon, remote = spec.partition(":")
        pairs.append((local, remote) if colon else (local, local))
    return pairs


def _service_target_port(service: dict, pod: dict, port_text: str) -> str:
    """The pod port behind service port ``port_text`` (a number, or a named container port)."""
    port = int(port_text)
    entry = next((entry for entry in service["spec"].get("ports") or []
                  if entry.get("port") == port), None)
    if entry is None:
        raise KubectlError(f"Service {service['metadata']['name']} does not have a service port "
                           f"{port}")
    target = str(entry.get("targetPort", port))
    return target if target.isdigit() else _named_pod_port(pod, target)


def _named_pod_port(pod: dict, name: str) -> str:
    for container in pod["spec"].get("containers", []):
        for container_port in container.get("ports") or []:
            if container_port.get("name") == name:
                return str(container_port["containerPort"])
    raise KubectlError(f"Pod '{pod['metadata']['name']}' does not have a named port '{name}'")


def _addresses(address_flag) -> list[tuple[str, str]]:
    """(how it prints, how ``bind`` names it) for each address ``--address`` asks for (a
    string slice whose default the help page writes as ``[localhost]``)."""
    if isinstance(address_flag, str):
        address_flag = address_flag.strip("[]").split(",")
    shown = []
    for address in [part for part in address_flag if part]:
        if address == "localhost":
            shown += [("127.0.0.1", "tcp4 127.0.0.1"), ("[::1]", "tcp6 [::1]")]
        elif ":" in address:
            shown.append((f"[{address}]", f"tcp6 [{address}]"))
        else:
            shown.append((address, f"tcp4 {address}"))
    return shown


@implement("port-forward")
def run_port_forward(invocation: Invocation) -> int:
    args, ctx = invocation.args, invocation.ctx
    if len(args) < 2:
        return usage_error(invocation, "TYPE/NAME and list of ports are required for "
                                       "port-forward")
    target, port_specs = args[0], args[1:]
    namespace = namespace_of(invocation)
    addresses = _addresses(invocation.flags.get("address") or ["localhost"])
    with ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=4)
        pod = pod_of(cluster, namespace, target)
        if pod is None:
            raise KubectlError("timed out waiting for the condition")
        type_name = target.partition("/")[0] if "/" in target else "pods"
        owner = resolve(type_name)
        pairs = []
        for local_text, remote_text in _split_ports(port_specs):
            if owner is not None and owner.kind == "Service":
                service = cluster.store.find(owner, namespace, target.partition("/")[2])
                _parse_port(remote_text, "remote")
                remote_text = _service_target_port(service, pod, remote_text)
            elif remote_text and not remote_text.isdigit():
                remote_text = _named_pod_port(pod, remote_text)
            local = _parse_port(local_text, "local") if local_text else 0
            pairs.append((local, _parse_port(remote_text, "remote")))
        phase = pod.get("status", {}).get("phase", "")
        if phase != "Running":
            raise KubectlError("unable to forward port because pod is not running. Current "
                               f"status={phase}")
        taken = []
        for local, remote in pairs:
            port = local or free_port(cluster)
            try:
                listen(cluster, port, KIND, ctx.shell.pid if ctx.shell else 0,
                       namespace=namespace, pod=pod["metadata"]["name"],
                       uid=pod["metadata"]["uid"], remote_port=remote, connections=0)
            except PortInUse:
                for port_taken, _remote in taken:
                    close(cluster, port_taken)
                failures = " ".join(f"unable to create listener: Error listen {bind}:{port}: "
                                    "bind: address already in use" for _shown, bind in addresses)
                invocation.stderr.write(
                    f"Unable to listen on port {port}: Listeners failed to create with the "
                    f"following errors: [{failures}]\n")
                raise KubectlError("unable to listen on any of the requested ports: "
                                   f"[{{{port} {remote}}}]") from None
            taken.append((port, remote))
    for port, remote in taken:
        for shown, _bind in addresses:
            invocation.stdout.write(f"Forwarding from {shown}:{port} -> {remote}\n")
    invocation.stdout.flush()
    try:
        return _forward_until_stopped(invocation, pod["metadata"]["uid"], namespace,
                                      pod["metadata"]["name"], [port for port, _ in taken])
    finally:
        with ctx.sandbox.transaction() as cluster:
            for port, _remote in taken:
                record = listener(cluster, port)
                if record is not None and record.get("kind") == KIND \
                        and record.get("uid") == pod["metadata"]["uid"]:
                    close(cluster, port)


def _forward_until_stopped(invocation: Invocation, uid: str, namespace: str, pod_name: str,
                           ports: list[int]) -> int:
    announced = {port: 0 for port in ports}
    while True:
        invocation.ctx.sleep(POLL_SECONDS)
        with invocation.ctx.sandbox.transaction() as cluster:
            counts = {port: (listener(cluster, port) or {}).get("connections", 0)
                      for port in ports}
            pod = cluster.store.find(PODS, namespace, pod_name)
            alive = pod is not None and pod["metadata"]["uid"] == uid
        for port in ports:
            for _ in range(counts[port] - announced[port]):
                invocation.stdout.write(f"Handling connection for {port}\n")
            announced[port] = counts[port]
        invocation.stdout.flush()
        if not alive:
            raise KubectlError("lost connection to pod")


@handles(KIND)
def answer_connection(cluster, record: dict, request: HttpRequest) -> HttpResponse | None:
    """One connection to a forwarded port: the pod's app answers it, from inside the pod."""
    record["connections"] = record.get("connections", 0) + 1
    cluster.mark_state_changed()
    pod = cluster.store.find(PODS, record["namespace"], record["pod"])
    if pod is None or pod["metadata"]["uid"] != record["uid"]:
        return None
    container = listening_ports(cluster, pod).get(record["remote_port"])
    if container is None:
        return None
    user_agent = next((value for name, value in request.headers
                       if name.lower() == "user-agent"), "")
    route = Route("127.0.0.1", record["remote_port"], pod, container, record["remote_port"])
    return app_response(cluster, route, request, "127.0.0.1", user_agent)
