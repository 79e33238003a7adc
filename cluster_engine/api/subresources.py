"""Subresources: a pod's ``log``, the pod and service ``proxy``, ``scale`` and ``status``.

The proxy subresources are how
``curl localhost:8001/api/v1/namespaces/default/pods/NAME:8080/proxy/`` reaches the tutorial app
through ``kubectl proxy``: the API server dials the pod's IP (for a service, one ready endpoint)
and passes the app's answer back, or answers 503 with the dial error when nothing listens there.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..cluster import Cluster
from ..containers import listening_ports
from ..controllers.kubelet import container_logs, serve_request
from ..loopback import HttpResponse
from ..printers.workload_tables import format_selector
from ..resources import ResourceType
from ..services import PODS, pick_endpoint
from ..workloads import update_spec
from .wire import (REASON_PHRASES, BadRequest, Call, ServiceUnavailable, failure, in_go_order,
                   method_not_allowed, negotiate, not_found_path, plain, read_body, respond)
from .writes import patched_document

DEFAULT_HTTP_PORT = 80


def serve(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None, name: str,
          subresource: list[str]) -> HttpResponse:
    kind = subresource[0]
    if kind == "proxy" and rt.plural in ("pods", "services"):
        return _proxy(cluster, call, rt, namespace, name, subresource[1:])
    if len(subresource) > 1:
        return not_found_path(call)
    if kind == "log" and rt.plural == "pods":
        return _log(cluster, call, namespace, name)
    if kind == "status":
        if call.method != "GET":
            return method_not_allowed(call)
        obj = cluster.store.get(rt, namespace if rt.namespaced else None, name)
        return respond(call, 200, in_go_order(obj), negotiate(call, False))
    if kind == "scale" and rt.plural in ("deployments", "replicasets"):
        return _scale(cluster, call, rt, namespace, name)
    return not_found_path(call)


# -- proxy ---------------------------------------------------------------------------------------
def _split_target(name: str) -> tuple[str, str]:
    """``NAME``, ``NAME:PORT`` or ``SCHEME:NAME:PORT`` → (name, port); the port may be empty."""
    parts = name.split(":")
    if len(parts) == 3:
        return parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], parts[1]
    return name, ""


def _forwarded_path(call: Call, rest: list[str]) -> str:
    path = "/" + "/".join(rest)
    if rest and call.path.endswith("/"):
        path += "/"
    return path + (f"?{call.raw_query}" if call.raw_query else "")


def _proxy(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None, name: str,
           rest: list[str]) -> HttpResponse:
    target, port = _split_target(name)
    if not rest and not call.path.endswith("/"):
        query = f"?{call.raw_query}" if call.raw_query else ""
        return HttpResponse(301, REASON_PHRASES[301], [("Location", f"{call.path}/{query}")])
    if rt.plural == "pods":
        pod = cluster.store.get(rt, namespace, target)
        if not port:
            port = next((str(container["ports"][0]["containerPort"])
                         for container in pod["spec"].get("containers", [])
                         if container.get("ports")), str(DEFAULT_HTTP_PORT))
        return _dial(cluster, call, pod, port, rest)
    service = cluster.store.get(rt, namespace, target)
    service_port = next((entry for entry in service["spec"].get("ports") or []
                         if port in ("", entry.get("name"), str(entry.get("port")))), None)
    if service_port is None:
        raise ServiceUnavailable(f'no service port "{port}" found for service "{target}"')
    picked = pick_endpoint(cluster, service, service_port["port"])
    if picked is None:
        raise ServiceUnavailable(f'no endpoints available for service "{target}"')
    pod, _container, target_port = picked
    return _dial(cluster, call, pod, str(target_port), rest)


def _dial(cluster: Cluster, call: Call, pod: dict, port: str, rest: list[str]) -> HttpResponse:
    ip = pod.get("status", {}).get("podIP")
    if not ip:
        raise BadRequest("address not allowed")
    address = f"{ip}:{port}"
    container = listening_ports(cluster, pod).get(int(port)) if port.isdigit() else None
    if container is None:
        raise ServiceUnavailable(
            f"error trying to reach service: dial tcp {address}: connect: connection refused")
    body = serve_request(cluster, pod, container, _forwarded_path(call, rest),
                         user_agent=call.header("user-agent"), method=call.method)
    if body is None:
        raise ServiceUnavailable("error trying to reach service: EOF")
    return plain(200, body)


# -- log -----------------------------------------------------------------------------------------
def _rfc3339_nano(at: float) -> str:
    moment = datetime.fromtimestamp(at, tz=timezone.utc)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def _log(cluster: Cluster, call: Call, namespace: str | None, name: str) -> HttpResponse:
    if call.method != "GET":
        return method_not_allowed(call)
    pod = cluster.store.get(PODS, namespace, name)
    containers = [container["name"] for container in pod["spec"].get("containers", [])]
    container = call.query.get("container") or ""
    if not container:
        if len(containers) != 1:
            raise BadRequest(f"a container name must be specified for pod {name}, choose one of: "
                             f"[{' '.join(containers)}]")
        container = containers[0]
    if container not in containers:
        raise BadRequest(f"container {container} is not valid for pod {name}")
    previous = call.flag("previous")
    status = next((entry for entry in pod.get("status", {}).get("containerStatuses") or []
                   if entry["name"] == container), {})
    if previous:
        if not (status.get("lastState") or {}).get("terminated"):
            raise BadRequest(f'previous terminated container "{container}" in pod "{name}" '
                             "not found")
    elif "waiting" in (status.get("state") or {"waiting": {}}):
        reason = ((status.get("state") or {}).get("waiting") or {}).get("reason") \
            or "ContainerCreating"
        raise BadRequest(f'container "{container}" in pod "{name}" is waiting to start: {reason}')
    lines = container_logs(cluster, pod, container, previous)
    if call.query.get("sinceSeconds", "").isdigit():
        since = cluster.now - int(call.query["sinceSeconds"])
        lines = [(at, line) for at, line in lines if at >= since]
    if call.query.get("tailLines", "").isdigit():
        tail = int(call.query["tailLines"])
        lines = lines[len(lines) - tail:] if tail else []
    stamped = call.flag("timestamps")
    text = "".join(f"{_rfc3339_nano(at)} {line}\n" if stamped else f"{line}\n"
                   for at, line in lines)
    if call.query.get("limitBytes", "").isdigit():
        text = text.encode()[:int(call.query["limitBytes"])].decode(errors="ignore")
    return plain(200, text)


# -- scale ---------------------------------------------------------------------------------------
def _scale_document(obj: dict) -> dict:
    meta = obj["metadata"]
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {key: meta[key] for key in ("name", "namespace", "uid", "resourceVersion",
                                                     "creationTimestamp") if key in meta},
            "spec": {"replicas": obj["spec"].get("replicas", 0)},
            "status": {"replicas": obj.get("status", {}).get("replicas", 0),
                       "selector": format_selector(obj["spec"].get("selector")).replace(
                           "<none>", "")}}


def _scale(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None,
           name: str) -> HttpResponse:
    obj = cluster.store.get(rt, namespace, name)
    if call.method == "GET":
        return respond(call, 200, _scale_document(obj), negotiate(call, False))
    if call.method not in ("PUT", "PATCH"):
        return method_not_allowed(call)
    sent = read_body(call) if call.method == "PUT" else patched_document(call,
                                                                       _scale_document(obj))
    replicas = (sent.get("spec") if isinstance(sent.get("spec"), dict) else {}).get("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        return failure(call, 422, "Invalid", f'Scale.autoscaling "{name}" is invalid: '
                       f"spec.replicas: Invalid value: {replicas}: must be greater than or equal "
                       "to 0", {"name": name, "group": "autoscaling", "kind": "Scale"})
    obj["spec"]["replicas"] = replicas
    updated = update_spec(cluster, rt, obj)
    cluster.reconcile()
    return respond(call, 200, _scale_document(updated), negotiate(call, False))

