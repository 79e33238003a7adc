"""The endpoints and EndpointSlice controllers of kube-controller-manager.

For every Service with a selector they keep an Endpoints object of the same name and
EndpointSlices named ``<service>-<5 random>`` in step with the pods the selector matches: ready
pods are addresses, not-ready ones ``notReadyAddresses`` (or ``ready: false`` in a slice),
terminating pods leave the Endpoints at once but stay in slices marked ``terminating``. kube-proxy
(see ``services.route``) and ``kubectl describe service`` read what they write.

Services without a selector belong to whoever wrote their Endpoints (the API server for
``kubernetes``, a learner for a hand-made one): these are never touched. A sync that would write
what is already stored writes nothing, so a settled cluster stays settled.
"""

from __future__ import annotations

import copy

from .. import services as s
from ..clock import rfc3339
from ..cluster import Cluster, WorkQueue, controller, informer


def _labels(service: dict, extra: dict | None = None) -> dict:
    labels = dict(service["metadata"].get("labels") or {})
    if service["spec"].get("clusterIP") == "None":
        labels[s.HEADLESS_LABEL] = ""
    labels.update(extra or {})
    return labels


def _owner(service: dict) -> dict:
    meta = service["metadata"]
    return {"apiVersion": "v1", "kind": "Service", "name": meta["name"], "uid": meta["uid"],
            "controller": True, "blockOwnerDeletion": True}


def _manages(service: dict) -> bool:
    return bool(service["spec"].get("selector")) and service["spec"].get("type") != "ExternalName"


def _sync_endpoints(cluster: Cluster, service: dict) -> None:
    namespace, name = service["metadata"]["namespace"], service["metadata"]["name"]
    subsets = s.endpoints_subsets(cluster, service)
    labels = _labels(service)
    existing = cluster.store.find(s.ENDPOINTS, namespace, name)
    if existing is None:
        obj = {"metadata": {"name": name, "namespace": namespace,
                            "annotations": {s.TRIGGER_TIME: rfc3339(cluster.now)}}}
        if labels:
            obj["metadata"]["labels"] = labels
        if subsets:
            obj["subsets"] = subsets
        cluster.store.create(s.ENDPOINTS, obj)
        return
    same_subsets = (existing.get("subsets") or []) == subsets
    if same_subsets and (existing["metadata"].get("labels") or {}) == labels:
        return
    updated = copy.deepcopy(existing)
    meta = updated["metadata"]
    if labels:
        meta["labels"] = labels
    else:
        meta.pop("labels", None)
    if not same_subsets:
        meta.setdefault("annotations", {})[s.TRIGGER_TIME] = rfc3339(cluster.now)
    if subsets:
        updated["subsets"] = subsets
    else:
        updated.pop("subsets", None)
    cluster.store.update(s.ENDPOINTS, updated)


def _managed_slices(cluster: Cluster, namespace: str, name: str) -> list[dict]:
    return [obj for obj in cluster.store.iter_stored(s.ENDPOINT_SLICES, namespace)
            if (obj["metadata"].get("labels") or {}).get(s.SERVICE_NAME_LABEL) == name
            and (obj["metadata"].get("labels") or {}).get(s.MANAGED_BY_LABEL) == s.SLICE_CONTROLLER]


def _port_key(slice_ports: list[dict] | None) -> tuple:
    return tuple((p.get("name") or "", p.get("port"), p.get("protocol", "TCP"))
                 for p in slice_ports or [])


def _slice_ports(key: tuple) -> list[dict] | None:
    if not key:
        return None
    return [{"name": name, "port": port, "protocol": protocol} for name, port, protocol in key]


def _keep_order(old: list[dict] | None, new: list[dict]) -> list[dict]:
    """Endpoints already in a slice keep their place; new ones are appended, as the reconciler
    updates slices in place rather than rebuilding them."""
    by_uid = {e["targetRef"]["uid"]: e for e in new}
    ordered = [by_uid.pop(e.get("targetRef", {}).get("uid")) for e in old or []
               if e.get("targetRef", {}).get("uid") in by_uid]
    return ordered + [e for e in new if e["targetRef"]["uid"] in by_uid]


def _sync_slices(cluster: Cluster, service: dict) -> None:
    namespace, name = service["metadata"]["namespace"], service["metadata"]["name"]
    groups = s.slice_groups(cluster, service) or {(): []}
    labels = _labels(service, {s.MANAGED_BY_LABEL: s.SLICE_CONTROLLER, s.SERVICE_NAME_LABEL: name})
    existing = {_port_key(obj.get("ports")): obj for obj in _managed_slices(cluster, namespace, name)}
    for key, endpoints in groups.items():
        current = existing.pop(key, None)
        if current is None:
            current = next(iter(existing.values()), None)
            if current is not None:
                existing.pop(_port_key(current.get("ports")))
        wanted = _keep_order(current.get("endpoints") if current else None, endpoints) or None
        if current is None:
            cluster.store.create(s.ENDPOINT_SLICES, {
                "metadata": {"generateName": f"{name}-", "namespace": namespace, "labels": labels,
                             "annotations": {s.TRIGGER_TIME: rfc3339(cluster.now)},
                             "ownerReferences": [_owner(service)]},
                "addressType": "IPv4",
                "endpoints": wanted,
                "ports": _slice_ports(key),
            })
            continue
        same = (current.get("endpoints") == wanted and _port_key(current.get("ports")) == key)
        if same and current["metadata"].get("labels") == labels:
            continue
        updated = copy.deepcopy(current)
        updated["metadata"]["labels"] = labels
        updated["endpoints"], updated["ports"] = wanted, _slice_ports(key)
        if not same:
            updated["metadata"].setdefault("annotations", {})[s.TRIGGER_TIME] = rfc3339(cluster.now)
        cluster.store.update(s.ENDPOINT_SLICES, updated)
    for leftover in existing.values():
        cluster.store.delete(s.ENDPOINT_SLICES, namespace, leftover["metadata"]["name"])


def _remove_orphans(cluster: Cluster, managed: set[tuple[str, str]]) -> None:
    """Controller-written Endpoints and slices whose Service is gone or lost its selector."""
    existing = {(svc["metadata"]["namespace"], svc["metadata"]["name"])
                for svc in cluster.store.iter_stored(s.SERVICES)}
    stale_endpoints = [
        (obj["metadata"]["namespace"], obj["metadata"]["name"])
        for obj in cluster.store.iter_stored(s.ENDPOINTS)
        if (obj["metadata"]["namespace"], obj["metadata"]["name"]) not in existing
        and s.TRIGGER_TIME in (obj["metadata"].get("annotations") or {})]
    stale_slices = [
        (obj["metadata"]["namespace"], obj["metadata"]["name"])
        for obj in cluster.store.iter_stored(s.ENDPOINT_SLICES)
        if (obj["metadata"].get("labels") or {}).get(s.MANAGED_BY_LABEL) == s.SLICE_CONTROLLER
        and (obj["metadata"]["namespace"],
             (obj["metadata"].get("labels") or {}).get(s.SERVICE_NAME_LABEL)) not in managed]
    for namespace, name in stale_endpoints:
        cluster.store.delete(s.ENDPOINTS, namespace, name)
    for namespace, name in stale_slices:
        cluster.store.delete(s.ENDPOINT_SLICES, namespace, name)


@informer
def _service_queue(cluster: Cluster) -> WorkQueue:
    """Services to sync: those written, those whose Endpoints or slices were written, and all
    with a selector in a namespace whose pods were written. (Nodes are not watched: what the
    endpoints say of a node, its name, comes from the pod.)"""
    queue = cluster.cache.get("endpoints.queue")
    if queue is not None:
        return queue
    queue = cluster.cache["endpoints.queue"] = WorkQueue()

    for service in cluster.store.iter_stored(s.SERVICES):
        queue.add(_key(service))
    managed = cluster.index(s.SERVICES.qualified_name, "endpoints.managed-by-namespace",
                            lambda service: service["metadata"]["namespace"]
                            if _manages(service) else None)

    def on_write(qualified_name: str, old: dict | None, new: dict | None) -> None:
        meta = (new or old)["metadata"]
        if qualified_name in (s.SERVICES.qualified_name, s.ENDPOINTS.qualified_name):
            queue.add(f'{meta["namespace"]}/{meta["name"]}')
        elif qualified_name == s.ENDPOINT_SLICES.qualified_name:
            for obj in (old, new):
                service_name = obj and (obj["metadata"].get("labels") or {}).get(
                    s.SERVICE_NAME_LABEL)
                if service_name:
                    queue.add(f'{meta["namespace"]}/{service_name}')
        elif qualified_name == s.PODS.qualified_name:
            for key in managed.get(meta.get("namespace"), ()):
                queue.add(key)  # a stale key is skipped by the sync

    cluster.store.watch(on_write, *(rt.qualified_name for rt in (
        s.SERVICES, s.ENDPOINTS, s.ENDPOINT_SLICES, s.PODS)))
    return queue


def _key(service: dict) -> str:
    return f'{service["metadata"]["namespace"]}/{service["metadata"]["name"]}'


@controller
def reconcile_endpoints(cluster: Cluster) -> None:
    queue = _service_queue(cluster)
    if queue:
        for key in queue.drain():
            namespace, name = key.split("/", 1)
            stored = cluster.store.peek(s.SERVICES, namespace, name)
            if stored is None or not _manages(stored):
                continue
            service = cluster.store.find(s.SERVICES, namespace, name)
            _sync_endpoints(cluster, service)
            _sync_slices(cluster, service)
    writes = cluster.store.writes
    watched = (writes.get(s.SERVICES.qualified_name, 0), writes.get(s.ENDPOINTS.qualified_name, 0),
               writes.get(s.ENDPOINT_SLICES.qualified_name, 0))
    if cluster.cache.get("endpoints.orphans-checked") != watched:
        cluster.cache["endpoints.orphans-checked"] = watched
        managed = {(service["metadata"]["namespace"], service["metadata"]["name"])
                   for service in cluster.store.iter_stored(s.SERVICES) if _manages(service)}
        _remove_orphans(cluster, managed)
