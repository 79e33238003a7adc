"""Kubernetes Events, as the components of a cluster record them.

Every controller, the scheduler and the kubelet report what they do through ``record_event``.
Like the real event recorder, a repeat of the same event for the same object (same reason,
message, source and field path) bumps ``count`` and ``lastTimestamp`` instead of adding a row,
which is what ``kubectl describe`` shows as ``17s (x6 over 98s)``.
"""

from __future__ import annotations

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
    """``<object>.<hex nanoseconds>``: how event names look."""
    nanos = int(at) * 1_000_000_000 + cluster.rng.below(1_000_000_000)
    return f"{object_name}.{nanos:x}"


def record_event(cluster: "Cluster", involved: dict, reason: str, message: str, component: str,
                 event_type: str = "Normal", host: str | None = None,
                 at: float | None = None, namespace: str | None = None) -> dict:
    """Record (or count again) an event about the object ``involved`` refers to."""
    at = cluster.now if at is None else at
    namespace = namespace or involved.get("namespace") or "default"
    source = {"component": component, **({"host": host} if host else {})}
    for existing in cluster.store.iter_stored(EVENTS, namespace):
        same_object = (existing["involvedObject"].get("uid") == involved.get("uid")
                       and existing["involvedObject"].get("name") == involved.get("name")
                       and existing["involvedObject"].get("fieldPath") == involved.get("fieldPath"))
        if (same_object and existing["reason"] == reason and existing["message"] == message
                and existing["source"] == source and existing["type"] == event_type):
            repeated = cluster.store.get(EVENTS, namespace, existing["metadata"]["name"])
            repeated["count"] = repeated.get("count", 1) + 1
            repeated["lastTimestamp"] = rfc3339(at)
            return cluster.store.update(EVENTS, repeated)
    return cluster.store.create(EVENTS, {
        "metadata": {"name": event_name(cluster, involved["name"], at), "namespace": namespace,
                     "creationTimestamp": rfc3339(at)},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "source": source,
        "firstTimestamp": rfc3339(at),
        "lastTimestamp": rfc3339(at),
        "count": 1,
        "type": event_type,
        "eventTime": None,
        "reportingComponent": component,
        "reportingInstance": host or "",
    })
