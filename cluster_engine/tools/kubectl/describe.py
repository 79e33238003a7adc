"""``kubectl describe``: one page per object, with what the real describers fetch alongside it.

Arguments follow the resource builder as in ``get`` (``TYPE``, ``TYPE NAME...``, ``TYPE/NAME``,
``-l``, ``-n``, ``-A``). Pages are separated as kubectl separates them (two empty lines). Like
kubectl, ``describe TYPE NAME`` for a name that does not exist falls back to describing every
object of that type whose name starts with NAME, each page followed by one empty line.

This module gathers the related objects (events matched by involvedObject, the pods on a node,
the ReplicaSets of a Deployment, a Service's EndpointSlices, a node's Lease); the pages themselves
are laid out in ``printers.describe`` and its sibling modules.
"""

from __future__ import annotations

from ...errors import NotFound
from ...printers.describe import describe_pod
from ...printers.describe_config import (describe_config_map, describe_namespace, describe_secret,
                                         describe_service_account)
from ...printers.describe_generic import describe_generic
from ...printers.describe_nodes import describe_node
from ...printers.describe_services import (describe_endpoint_slice, describe_endpoints,
                                           describe_service)
from ...printers.describe_workloads import (describe_daemon_set, describe_deployment,
                                            describe_replica_set)
from ...resources import ResourceType, resolve
from ...workloads import controller_ref, equal_ignoring_hash, selector_matches
from .app import (KubectlError, Unreachable, connect, format_api_error, implement,
                  namespace_of)
from .cobra import Invocation
from .get import discovery_attempts, parse_requests
from .selectors import SelectorError, matches_labels, parse_label_selector

NO_TYPE_MESSAGE = ('You must specify the type of resource to describe. Use "kubectl '
                   'api-resources" for a complete list of supported resources.\n')

EVENTS = resolve("events")
PODS = resolve("pods")
REPLICA_SETS = resolve("replicasets")
ENDPOINT_SLICES = resolve("endpointslices")
LEASES = resolve("leases")
SECRETS = resolve("secrets")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def _involved(event: dict) -> tuple[str, str | None]:
    involved = event.get("involvedObject") or {}
    return involved.get("namespace") or "", involved.get("name")


def _events_about(cluster, obj: dict, match_kind: bool = True,
                  extra_uids: tuple[str, ...] = ()) -> list[dict]:
    """The events a describer's field selector finds: same name, namespace, (kind,) uid."""
    meta = obj["metadata"]
    namespace = meta.get("namespace") or ""
    uids = {meta.get("uid", ""), *extra_uids}
    by_involved = cluster.index(EVENTS.qualified_name, "describe.events-by-involved", _involved)
    bucket = cluster.state.objects.get(EVENTS.qualified_name, {})
    found = []
    for key in sorted(by_involved.get((namespace, meta["name"]), ())):
        event = bucket.get(key)
        if event is None or (namespace and event["metadata"].get("namespace") != namespace):
            continue
        involved = event.get("involvedObject") or {}
        if (involved.get("name") == meta["name"]
                and (involved.get("namespace") or "") == namespace
                and involved.get("uid", "") in uids
                and (not match_kind or involved.get("kind") == obj["kind"])):
            found.append(event)
    return found


def _deployment_replica_sets(cluster, deployment: dict) -> tuple[list[dict], dict | None]:
    """The old ReplicaSets and the new one (the one whose template matches the deployment's)."""
    owned = [rs for rs in cluster.store.iter_stored(REPLICA_SETS, deployment["metadata"]["namespace"])
             if (controller_ref(rs) or {}).get("uid") == deployment["metadata"]["uid"]
             and selector_matches(deployment["spec"].get("selector"),
                                  rs["metadata"].get("labels"))]
    owned.sort(key=lambda rs: (rs["metadata"].get("creationTimestamp", ""),
                               rs["metadata"]["name"]))
    template = deployment["spec"].get("template") or {}
    new = next((rs for rs in owned if equal_ignoring_hash(rs["spec"].get("template") or {},
                                                            template)), None)
    return [rs for rs in owned if rs is not new], new


def _controlled_pod_phases(cluster, controller: dict) -> list[str]:
    """``getPodStatusForController``: phases of the selected pods this controller owns."""
    uid = controller["metadata"]["uid"]
    return [pod.get("status", {}).get("phase", "")
            for pod in cluster.store.iter_stored(PODS, controller["metadata"]["namespace"])
            if selector_matches(controller["spec"].get("selector"), pod["metadata"].get("labels"))
            and (controller_ref(pod) or {}).get("uid") == uid]


def describe_object(cluster, resource_type: ResourceType, obj: dict, show_events: bool) -> str:
    """The describe page for one stored object."""
    now = cluster.now
    kind = resource_type.kind

    def events(**options) -> list[dict] | None:
        return _events_about(cluster, obj, **options) if show_events else None

    if kind == "Pod":
        return describe_pod(obj, events(match_kind=False), now)
    if kind == "Deployment":
        old, new = _deployment_replica_sets(cluster, obj)
        return describe_deployment(obj, old, new, events(), now)
    if kind == "ReplicaSet":
        return describe_replica_set(obj, _controlled_pod_phases(cluster, obj), events(), now)
    if kind == "DaemonSet":
        return describe_daemon_set(obj, _controlled_pod_phases(cluster, obj), events(), now)
    if kind == "ServiceAccount":
        secrets = list(cluster.store.iter_stored(SECRETS, obj["metadata"]["namespace"]))
        return describe_service_account(obj, secrets, events(), now)
    if kind == "Service":
        slices = [endpoint_slice for endpoint_slice
                  in cluster.store.iter_stored(ENDPOINT_SLICES, obj["metadata"]["namespace"])
                  if (endpoint_slice["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL)
                  == obj["metadata"]["name"]]
        return describe_service(obj, slices, events(), now)
    if kind == "Node":
        name = obj["metadata"]["name"]
        pods = [pod for pod in cluster.store.iter_stored(PODS)
                if pod.get("spec", {}).get("nodeName") == name
                and pod.get("status", {}).get("phase") not in ("Succeeded", "Failed")]
        lease = cluster.store.find(LEASES, "kube-node-lease", name)
        return describe_node(obj, pods, events(extra_uids=(name,)), lease, now)
    if kind == "Endpoints":
        return describe_endpoints(obj, events(), now)
    if kind == "EndpointSlice":
        return describe_endpoint_slice(obj, events(), now)
    if kind == "ConfigMap":
        return describe_config_map(obj, events(), now)
    if kind == "Secret":
        return describe_secret(obj)
    if kind == "Namespace":
        return describe_namespace(obj)
    return describe_generic(obj, events(), now)


def _matching_prefix(cluster, resource_type: ResourceType, namespace: str,
                     prefix: str) -> list[dict]:
    scope = namespace if resource_type.namespaced else None
    return [obj for obj in cluster.store.iter_stored(resource_type, scope)
            if obj["metadata"]["name"].startswith(prefix)]


@implement("describe")
def run_describe(invocation: Invocation) -> int:
    flags, args = invocation.flags, invocation.args
    stdout, stderr = invocation.stdout, invocation.stderr
    if not args:
        raise KubectlError(NO_TYPE_MESSAGE)
    namespace = namespace_of(invocation)
    all_namespaces = bool(flags.get("all-namespaces"))
    show_events = flags.get("show-events", True)
    selector = flags.get("selector") or ""
    with invocation.ctx.sandbox.transaction() as cluster:
        try:
            connect(invocation, cluster)
        except Unreachable as unreachable:
            unreachable.discovery_attempts = discovery_attempts(args)
            raise
        requests, _single = parse_requests(args)
        if selector and any(request.names for request in requests):
            raise KubectlError("name cannot be provided when a selector is specified")
        if all_namespaces and any(request.names for request in requests):
            raise KubectlError("a resource cannot be retrieved by name across all namespaces")
        try:
            labels = parse_label_selector(selector)
        except SelectorError as error:
            raise KubectlError(str(error)) from None
        found: list[tuple[ResourceType, dict]] = []
        errors: list[str] = []
        for request in requests:
            rt = request.resource_type
            scope = None if (all_namespaces or not rt.namespaced) else namespace
            if request.names:
                for name in request.names:
                    obj = cluster.store.find(rt, scope, name)
                    if obj is None:
                        errors.append(format_api_error(NotFound(rt.qualified_name, name)))
                    else:
                        found.append((rt, obj))
            else:
                found.extend((rt, obj) for obj in cluster.store.iter_stored(rt, scope)
                             if matches_labels(labels, obj))

        if errors and len(args) == 2 and "/" not in args[0]:
            rt = requests[0].resource_type
            matches = _matching_prefix(cluster, rt, namespace, args[1])
            if matches:
                for obj in matches:
                    stdout.write(describe_object(cluster, rt, obj, show_events) + "\n")
                return 0

        for index, (rt, obj) in enumerate(found):
            page = describe_object(cluster, rt, obj, show_events)
            stdout.write(page if index == 0 else "\n\n" + page)
    stdout.flush()
    if not found and not errors:
        stderr.write("No resources found\n" if all_namespaces
                     else f"No resources found in {namespace} namespace.\n")
    for error in errors:
        stderr.write(error + "\n")
    return 1 if errors else 0
