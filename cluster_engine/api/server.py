"""The API server's request handling: one ``HttpRequest`` in, one ``HttpResponse`` out.

Paths follow the real layout: ``/api/v1/[namespaces/NS/]PLURAL[/NAME[/SUBRESOURCE...]]`` for the
core group and ``/apis/GROUP/VERSION/...`` for the others, plus ``/version``, discovery and the
health endpoints. Reads come from the store as it is; lists honour ``labelSelector``,
``fieldSelector``, ``limit`` and ``continue``. Asked for ``as=Table`` (what ``kubectl get``
does) the server prints the rows itself with the generators of ``printers.tables``, so the
real kubectl and the simulated one show the same columns. Writes with ``dryRun`` run on a
throwaway copy of the cluster. Errors are ``metav1.Status`` documents with the real reasons,
codes and messages.
"""

from __future__ import annotations

import base64
import json

from ..cluster import Cluster
from ..errors import ApiError
from ..loopback import HttpRequest, HttpResponse
from ..minikube_cluster import API_SERVER_PORT, KUBERNETES_VERSION, NODE_IP
from ..printers.tables import build_table
from ..resources import ResourceType
from ..state import SandboxState
from ..store import clone
from ..tools.kubectl.selectors import (SelectorError, matches_labels, parse_field_selector,
                                       parse_label_selector)
from ..tools.kubectl.version import server_version
from . import discovery, openapi, subresources, writes
from .wire import (AGGREGATED_DISCOVERY, JSON, TABLE, BadRequest, Call, NotAcceptable,
                   encode_json, error_response, in_go_order, metadata_in_go_order,
                   method_not_allowed, negotiate, not_acceptable, not_found_path, plain, respond)

#: ``/api/v1/namespaces/NS/<these>`` are subresources of the namespace, not types inside it.
NAMESPACE_SUBRESOURCES = ("status", "finalize")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
HEALTH_PATHS = ("/healthz", "/livez", "/readyz")
ROOT_PATHS = ["/.well-known/openid-configuration", "/api", "/api/v1", "/apis", "/healthz",
              "/livez", "/openapi/v3", "/openid/v1/jwks", "/readyz", "/version"]


def handle(cluster: Cluster, request: HttpRequest) -> HttpResponse:
    """The API server's answer to ``request`` on the state of ``cluster``."""
    call = Call(request)
    if call.query.get("dryRun") and call.method in WRITE_METHODS:
        cluster = _scratch_copy(cluster)
    try:
        return _route(cluster, call)
    except NotAcceptable:
        return not_acceptable(call)
    except ApiError as error:
        return error_response(call, error)


def _scratch_copy(cluster: Cluster) -> Cluster:
    """The cluster as it is, detached: a ``dryRun`` write goes through admission and defaulting
    there and answers what it would have stored, and nothing is kept."""
    state = SandboxState.from_json(cluster.state.to_json())
    state.now, state.rng_state = cluster.now, cluster.rng.state
    return Cluster(state, cluster.clock)


def _route(cluster: Cluster, call: Call) -> HttpResponse:
    path = call.path.rstrip("/") or "/"
    if path == "/":
        return _read_only(call, lambda: respond(call, 200, {"paths": _root_paths()}))
    if path == "/version":
        version = server_version(cluster.profile.get("kubernetesVersion", KUBERNETES_VERSION))
        return _read_only(call, lambda: _indented(version))
    if path in HEALTH_PATHS:
        return _read_only(call, lambda: plain(200, "ok"))
    parts = [part for part in path.split("/") if part]
    if parts[:2] == ["openapi", "v3"]:
        document = openapi.document(parts[2:])
        return _read_only(call, lambda: respond(call, 200, document) if document is not None
                          else not_found_path(call))
    if parts[0] == "api":
        if len(parts) == 1:
            return _root_discovery(call, True)
        if parts[1] != "v1":
            return not_found_path(call)
        return _group_version(cluster, call, "", "v1", parts[2:])
    if parts[0] == "apis":
        if len(parts) == 1:
            return _root_discovery(call, False)
        if len(parts) == 2:
            group = discovery.api_group(parts[1])
            return _discovery(call, group) if group else not_found_path(call)
        return _group_version(cluster, call, parts[1], parts[2], parts[3:])
    return not_found_path(call)


def _root_paths() -> list[str]:
    groups = [f"/apis/{group}" for group, _version in discovery.group_versions()]
    versions = [f"/apis/{group}/{version}" for group, version in discovery.group_versions()]
    return sorted(set(ROOT_PATHS + ["/apis/"] + groups + versions))


def _indented(document: dict) -> HttpResponse:
    """``/version`` is written with ``json.MarshalIndent`` whoever asks."""
    return HttpResponse(200, "OK", [("Content-Type", JSON)], encode_json(document, True))


def _read_only(call: Call, answer) -> HttpResponse:
    if call.method not in ("GET", "HEAD"):
        return method_not_allowed(call)
    return answer()


def _root_discovery(call: Call, core: bool) -> HttpResponse:
    """``/api`` or ``/apis``: aggregated when the client asks for it, else the legacy list."""
    if call.method not in ("GET", "HEAD"):
        return method_not_allowed(call)
    media_type = negotiate(call, False, discovery_allowed=True)
    if media_type == AGGREGATED_DISCOVERY:
        return respond(call, 200, discovery.aggregated_discovery(core), AGGREGATED_DISCOVERY,
                       [("Vary", "Accept")])
    legacy = (discovery.api_versions(f"{NODE_IP}:{API_SERVER_PORT}") if core
              else discovery.api_group_list())
    return respond(call, 200, legacy, media_type, [("Vary", "Accept")])


def _discovery(call: Call, document: dict) -> HttpResponse:
    return _read_only(call, lambda: respond(call, 200, document, negotiate(call, False)))


def _group_version(cluster: Cluster, call: Call, group: str, version: str,
                   rest: list[str]) -> HttpResponse:
    if not discovery.types_in(group, version):
        return not_found_path(call)
    if not rest:
        return _discovery(call, discovery.resource_list(group, version))
    located = _locate(group, version, rest)
    if located is None:
        return not_found_path(call)
    rt, namespace, name, subresource = located
    if name is None:
        return _collection(cluster, call, rt, namespace)
    if subresource:
        return subresources.serve(cluster, call, rt, namespace, name, subresource)
    return _object(cluster, call, rt, namespace, name)


def _locate(group: str, version: str, rest: list[str]
            ) -> tuple[ResourceType, str | None, str | None, list[str]] | None:
    """(type, namespace, name, subresource path) of a path below a group version."""
    namespace = None
    if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] not in NAMESPACE_SUBRESOURCES:
        namespace, rest = rest[1], rest[2:]
    rt = discovery.resource_type(group, version, rest[0])
    if rt is None or (namespace is not None and not rt.namespaced):
        return None
    return rt, namespace, rest[1] if len(rest) > 1 else None, rest[2:]


def _collection(cluster: Cluster, call: Call, rt: ResourceType,
                namespace: str | None) -> HttpResponse:
    if call.method == "GET":
        if call.flag("watch"):
            return _watch_step(cluster, call, rt, namespace, None)[0]
        return _list(cluster, call, rt, namespace)
    if call.method == "POST" and (namespace is not None or not rt.namespaced):
        return writes.create(cluster, call, rt, namespace)
    return method_not_allowed(call)


def _object(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None,
            name: str) -> HttpResponse:
    if call.method == "GET":
        media_type = negotiate(call, True)
        obj = cluster.store.get(rt, namespace if rt.namespaced else None, name)
        if media_type == TABLE:
            return respond(call, 200, _table(call, rt, [obj], cluster.now,
                                             obj["metadata"].get("resourceVersion", "")), TABLE)
        return respond(call, 200, in_go_order(obj), media_type)
    if call.method == "DELETE":
        return writes.delete(cluster, call, rt, namespace, name)
    if call.method == "PATCH":
        return writes.patch(cluster, call, rt, namespace, name)
    if call.method == "PUT":
        return writes.replace(cluster, call, rt, namespace, name)
    return method_not_allowed(call)


# -- watch ---------------------------------------------------------------------------------------
def is_watch(request: HttpRequest) -> bool:
    call = Call(request)
    return call.method == "GET" and call.flag("watch")


def watch(cluster: Cluster, request: HttpRequest, seen: dict | None
          ) -> tuple[HttpResponse, dict | None]:
    """One step of a watch: the events since the objects ``seen`` (None: the start), and what
    is seen now. A stream is these steps, one after another; ``handle`` answers the first only,
    which is what a client that cannot stream (the sandbox's curl) gets.
    """
    call = Call(request)
    parts = [part for part in call.path.split("/") if part]
    if len(parts) >= 3 and parts[:2] == ["api", "v1"]:
        located = _locate("", "v1", parts[2:])
    elif len(parts) >= 4 and parts[0] == "apis":
        located = _locate(parts[1], parts[2], parts[3:])
    else:
        located = None
    if located is None or located[2] is not None:
        return not_found_path(call), None
    rt, namespace, _name, _subresource = located
    try:
        return _watch_step(cluster, call, rt, namespace, seen)
    except NotAcceptable:
        return not_acceptable(call), None
    except ApiError as error:
        return error_response(call, error), None


def _watch_step(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None,
                seen: dict | None) -> tuple[HttpResponse, dict]:
    media_type = negotiate(call, True)
    current = {_store_key(obj): obj for obj in selected(cluster, call, rt, namespace)}
    if seen is None:
        since = call.query.get("resourceVersion") or "0"
        seen = {} if since == "0" or not since.isdigit() else {
            key: obj for key, obj in current.items()
            if int(obj["metadata"].get("resourceVersion", "0")) <= int(since)}
    events = []
    for key, obj in current.items():
        known = seen.get(key)
        if known is None:
            events.append(("ADDED", obj))
        elif known["metadata"].get("resourceVersion") != obj["metadata"].get("resourceVersion"):
            events.append(("MODIFIED", obj))
    events.extend(("DELETED", obj) for key, obj in seen.items() if key not in current)
    body = b"".join(encode_json({"type": kind, "object": _event_object(call, rt, obj,
                                                                         media_type, cluster)},
                                False) for kind, obj in events)
    content_type = "application/json;stream=watch" if media_type != TABLE else \
        "application/json;as=Table;v=v1;g=meta.k8s.io;stream=watch"
    return HttpResponse(200, "OK", [("Content-Type", content_type)], body), \
        {key: clone(obj) for key, obj in current.items()}


def _store_key(obj: dict) -> str:
    return f'{obj["metadata"].get("namespace") or ""}/{obj["metadata"]["name"]}'


def _event_object(call: Call, rt: ResourceType, obj: dict, media_type: str,
                  cluster: Cluster) -> dict:
    if media_type == TABLE:
        return _table(call, rt, [obj], cluster.now, obj["metadata"].get("resourceVersion", ""))
    return in_go_order(obj)


# -- lists ---------------------------------------------------------------------------------------
def selected(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None) -> list[dict]:
    """The stored objects (not copies) a list or watch of ``call`` covers, in key order."""
    try:
        labels = parse_label_selector(call.query.get("labelSelector"))
        fields = parse_field_selector(call.query.get("fieldSelector"), rt,
                                      call.query.get("labelSelector", ""))
    except SelectorError as error:
        raise BadRequest(str(error)) from None
    return [obj for obj in _candidates(cluster, rt, namespace if rt.namespaced else None, fields)
            if all(field.matches(obj) for field in fields) and matches_labels(labels, obj)]


def _candidates(cluster: Cluster, rt: ResourceType, namespace: str | None, fields: list):
    """The stored objects a field selector can match, in key order. ``kubectl describe`` asks
    for the events of each object it shows by ``involvedObject.name``: those come from an index
    instead of a scan of every event (3,000 pods described, each scanning ~18,000 events, kept
    the server busy for minutes)."""
    involved = next((field.value for field in fields
                     if field.path == "involvedObject.name" and field.operator != "!="), None)
    if rt.kind != "Event" or involved is None:
        return cluster.store.iter_stored(rt, namespace)
    index = cluster.index(rt.qualified_name, "events.by-involved-name",
                          lambda event: (event.get("involvedObject") or {}).get("name"))
    bucket = cluster.state.objects.get(rt.qualified_name, {})
    prefix = f"{namespace}/" if namespace is not None else ""
    return [bucket[key] for key in sorted(index.get(involved, ()))
            if key in bucket and key.startswith(prefix)]


def _continue_token(resource_version: str, start: int) -> str:
    token = json.dumps({"v": "meta.k8s.io/v1", "rv": int(resource_version or 0), "start": start},
                       separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode()


def _continue_start(token: str) -> int:
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["start"])
    except (ValueError, KeyError, TypeError):
        raise BadRequest("continue key is not valid: incorrect encoded start resourceVersion "
                         "(version meta.k8s.io/v1)") from None


def _list(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None) -> HttpResponse:
    media_type = negotiate(call, True)
    objects = selected(cluster, call, rt, namespace)
    resource_version = str(cluster.state.counters.get("resourceVersion", 0))
    metadata: dict = {"resourceVersion": resource_version}
    start = _continue_start(call.query["continue"]) if call.query.get("continue") else 0
    limit = int(call.query["limit"]) if call.query.get("limit", "").isdigit() else 0
    end = len(objects) if limit <= 0 else min(len(objects), start + limit)
    if end < len(objects):
        metadata["continue"] = _continue_token(resource_version, end)
        metadata["remainingItemCount"] = len(objects) - end
    page = objects[start:end]
    if media_type == TABLE:
        return respond(call, 200, _table(call, rt, page, cluster.now, resource_version, metadata),
                       TABLE)
    items = []
    for obj in page:
        item = in_go_order(obj)
        item.pop("kind", None)
        item.pop("apiVersion", None)
        items.append(item)
    return respond(call, 200, {"kind": f"{rt.kind}List", "apiVersion": rt.api_version,
                               "metadata": metadata, "items": items}, media_type)


def _table(call: Call, rt: ResourceType, objects: list[dict], now: float, resource_version: str,
           metadata: dict | None = None) -> dict:
    """A meta.k8s.io/v1 Table; each row carries the object as ``includeObject`` asks."""
    table = build_table(rt.kind, objects, now)
    include = call.query.get("includeObject") or "Metadata"
    rows = []
    for row in table.rows:
        entry: dict = {"cells": row.cells}
        if include == "Object":
            entry["object"] = in_go_order(row.object)
        elif include != "None":
            entry["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                               "metadata": metadata_in_go_order(row.object["metadata"])}
        rows.append(entry)
    columns = [{"name": column.name, "type": column.type, "format": column.format,
                "description": column.description, "priority": column.priority}
               for column in table.columns]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
            "metadata": metadata or {"resourceVersion": resource_version},
            "columnDefinitions": columns, "rows": rows}

