"""The object store: what etcd and the API server's storage layer are to a real cluster.

Objects are kept in Kubernetes wire form (the dicts the JSON API returns). Reads hand out deep
copies, so nobody changes stored state by accident; writes bump ``resourceVersion`` and refuse a
stale one with the API server's Conflict error.
"""

from __future__ import annotations

import copy
from typing import Callable, Iterator

from .clock import rfc3339
from .errors import AlreadyExists, Conflict, NotFound
from .resources import ResourceType
from .rng import SandboxRandom


#: A generated name is its base cut to 58 characters plus 5 random ones (apiserver names.go).
_MAX_GENERATED_BASE = 58


def _key(namespace: str | None, name: str) -> str:
    return f"{namespace or ''}/{name}"


class ObjectStore:
    def __init__(self, objects: dict[str, dict[str, dict]], counters: dict, rng: SandboxRandom,
                 now: Callable[[], float]):
        self._objects = objects
        self._counters = counters
        self._rng = rng
        self._now = now
        self.changed = False

    # -- reads -------------------------------------------------------------------------------
    def get(self, rt: ResourceType, namespace: str | None, name: str) -> dict:
        obj = self._objects.get(rt.qualified_name, {}).get(_key(namespace, name))
        if obj is None:
            raise NotFound(rt.qualified_name, name)
        return copy.deepcopy(obj)

    def find(self, rt: ResourceType, namespace: str | None, name: str) -> dict | None:
        obj = self._objects.get(rt.qualified_name, {}).get(_key(namespace, name))
        return copy.deepcopy(obj) if obj is not None else None

    def list(self, rt: ResourceType, namespace: str | None = None,
             predicate: Callable[[dict], bool] | None = None) -> list[dict]:
        """Objects of one type in key order (namespace, then name), as etcd returns them."""
        return [copy.deepcopy(obj) for obj in self.iter_stored(rt, namespace)
                if predicate is None or predicate(obj)]

    def iter_stored(self, rt: ResourceType, namespace: str | None = None) -> Iterator[dict]:
        """The stored objects themselves, without copying: callers must not change them."""
        bucket = self._objects.get(rt.qualified_name, {})
        prefix = f"{namespace}/" if namespace is not None and rt.namespaced else None
        for key in sorted(bucket):
            if prefix is None or key.startswith(prefix):
                yield bucket[key]

    def count(self) -> int:
        return sum(len(bucket) for bucket in self._objects.values())

    # -- writes ------------------------------------------------------------------------------
    def _next_resource_version(self) -> str:
        self._counters["resourceVersion"] = self._counters.get("resourceVersion", 0) + 1
        return str(self._counters["resourceVersion"])

    def create(self, rt: ResourceType, obj: dict) -> dict:
        obj = copy.deepcopy(obj)
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"][:_MAX_GENERATED_BASE] + self._rng.token(5)
        namespace = meta.get("namespace") if rt.namespaced else None
        if rt.namespaced:
            namespace = meta.setdefault("namespace", namespace or "default")
        key = _key(namespace, meta["name"])
        bucket = self._objects.setdefault(rt.qualified_name, {})
        if key in bucket:
            raise AlreadyExists(rt.qualified_name, meta["name"])
        obj["apiVersion"], obj["kind"] = rt.api_version, rt.kind
        meta["uid"] = self._rng.uuid()
        meta["resourceVersion"] = self._next_resource_version()
        meta.setdefault("creationTimestamp", rfc3339(self._now()))
        bucket[key] = obj
        self.changed = True
        return copy.deepcopy(obj)

    def update(self, rt: ResourceType, obj: dict) -> dict:
        """Replace an object; a ``resourceVersion`` that is not the stored one is a Conflict."""
        obj = copy.deepcopy(obj)
        meta = obj["metadata"]
        key = _key(meta.get("namespace") if rt.namespaced else None, meta["name"])
        bucket = self._objects.get(rt.qualified_name, {})
        stored = bucket.get(key)
        if stored is None:
            raise NotFound(rt.qualified_name, meta["name"])
        sent_version = meta.get("resourceVersion")
        if sent_version and sent_version != stored["metadata"]["resourceVersion"]:
            raise Conflict(rt.qualified_name, meta["name"])
        for immutable in ("uid", "creationTimestamp"):
            meta[immutable] = stored["metadata"][immutable]
        meta["resourceVersion"] = self._next_resource_version()
        bucket[key] = obj
        self.changed = True
        return copy.deepcopy(obj)

    def delete(self, rt: ResourceType, namespace: str | None, name: str) -> dict:
        bucket = self._objects.get(rt.qualified_name, {})
        obj = bucket.pop(_key(namespace if rt.namespaced else None, name), None)
        if obj is None:
            raise NotFound(rt.qualified_name, name)
        self._next_resource_version()
        self.changed = True
        return obj
