"""Kubernetes Events, as the components of a cluster record them.

Every controller, the scheduler and the kubelet report what they do through ``record_event``.
Like the real event recorder, a repeat of the same event for the same object (same reason,
message, source and field path) bumps ``count`` and ``lastTimestamp`` instead of adding a row,
which is what ``kubectl describe`` shows as ``17s (x6 over 98s)``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .clock import rfc3339
from .resources import resolve

if TYPE_CHECKING:
    from .cluster import Cluster

EVENTS = resolve("events")


def object_reference(obj: dict, field_path: str | None = None) -> dict:
    """``involvedObject`` for ``obj``: what ``kubectl describe`` matches events by."""
    meta = obj["metadata"]
    reference = {"kind": obj["kind"], "name": meta["name"], "uid": meta.get("uid", ""),
                 "apiVersion": obj.get("apiVersion", "v1"),
                 "resourceVersion": meta.get("resourceVersion", "")}
    if meta.get("namespace"):
        reference["namespace"] = meta["namespace"]
    if field_path:
        reference["fieldPath"] = field_path
    return reference


def event_name(cluster: "Cluster", object_name: str, at: float) -> str:
    """``<object>.<hex nanoseconds>``, the moment the event was recorded, as real event names
    are; so names sort in recording order, which ``describe`` relies on. The clock here moves
    in milliseconds: the nanoseconds below are made up, but never out of order."""
    counters = cluster.state.counters
    nanos = max(int(at * 1000) * 1_000_000 + cluster.rng.below(1_000_000),
                counters.get("lastEventNanos", 0) + 1)
    counters["lastEventNanos"] = nanos
    return f"{object_name}.{nanos:x}"


def record_event(cluster: "Cluster", involved: dict, reason: str, message: str, component: str,
                 event_type: str = "Normal", host: str | None = None,
                 at: float | None = None, namespace: str | None = None) -> dict:
    """Record (or count again) an event about the object ``involved`` refers to."""
    at = cluster.now if at is None else at
    namespace = namespace or involved.get("namespace") or "default"
    source = {"component": component, **({"host": host} if host else {})}
    index = _event_index(cluster)
    identity = (namespace, involved.get("uid"), involved.get("name"), involved.get("fieldPath"),
                reason, message, _recorder_key(component, host), event_type)
    existing = index.get(identity)
    repeated = cluster.store.find(EVENTS, namespace, existing) if existing is not None else None
    if existing is not None and (repeated is None or _identity(repeated) != identity):
        cluster.cache.pop(_INDEX, None)
        index = _event_index(cluster)
        existing = index.get(identity)
        repeated = cluster.store.find(EVENTS, namespace, existing) if existing is not None else None
    timestamp = rfc3339(at)
    if repeated is not None:
        repeated["count"] = repeated.get("count", 1) + 1
        repeated["lastTimestamp"] = timestamp
        return _written(cluster, index, cluster.store.update(EVENTS, repeated, handed_over=True))
    return _written(cluster, index, cluster.store.create(EVENTS, {
        "metadata": {"name": event_name(cluster, involved["name"], at), "namespace": namespace,
                     "creationTimestamp": timestamp},
        "involvedObject": dict(involved),
        "reason": reason,
        "message": message,
        "source": source,
        "firstTimestamp": timestamp,
        "lastTimestamp": timestamp,
        "count": 1,
        "type": event_type,
        "eventTime": None,
        "reportingComponent": component,
        "reportingInstance": host or "",
    }, handed_over=True), identity)


_INDEX = "events.by-identity"


def _identity(event: dict) -> tuple:
    involved = event.get("involvedObject") or {}
    return (event["metadata"].get("namespace"), involved.get("uid"), involved.get("name"),
            involved.get("fieldPath"), event.get("reason"), event.get("message"),
            _source_key(event.get("source")), event.get("type"))


@lru_cache(maxsize=256)
def _recorder_key(component: str, host: str | None) -> str:
    """``_source_key`` of the source ``record_event`` writes for this component and host."""
    return _source_key({"component": component, **({"host": host} if host else {})})


def _source_key(source) -> str:
    """``source`` in a form that compares equal regardless of key order (events created by
    hand may carry anything there)."""
    return repr(sorted(source.items())) if isinstance(source, dict) else repr(source)


def _event_index(cluster: "Cluster") -> dict:
    """What makes two events the same, mapped to the first such event's name in key order.

    Finding the event to count again by scanning every event made recording quadratic; the
    index is rebuilt whenever events were written by anything but ``record_event``.
    """
    writes = cluster.store.writes.get(EVENTS.qualified_name, 0)
    cached = cluster.cache.get(_INDEX)
    if cached is not None and cached[0] == writes:
        return cached[1]
    index: dict = {}
    for event in cluster.store.iter_stored(EVENTS):
        index.setdefault(_identity(event), event["metadata"]["name"])
    cluster.cache[_INDEX] = (writes, index)
    return index


def _written(cluster: "Cluster", index: dict, event: dict, identity: tuple | None = None) -> dict:
    if identity is not None:
        index[identity] = event["metadata"]["name"]
    cluster.cache[_INDEX] = (cluster.store.writes.get(EVENTS.qualified_name, 0), index)
    return event
