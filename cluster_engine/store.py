"""The object store: what etcd and the API server's storage layer are to a real cluster.

Objects are kept in Kubernetes wire form (the dicts the JSON API returns). Reads hand out deep
copies, so nobody changes stored state by accident; writes bump ``resourceVersion`` and refuse a
stale one with the API server's Conflict error.
"""

from __future__ import annotations

import bisect
import copy
from typing import Callable, Iterator

from .clock import rfc3339
from .errors import AlreadyExists, Conflict, NotFound
from .resources import ResourceType
from .rng import SandboxRandom


#: A generated name is its base cut to 58 characters plus 5 random ones (apiserver names.go).
_MAX_GENERATED_BASE = 58
_GENERATE_NAME_ATTEMPTS = 8


def clone(value):
    """A deep copy of wire-form data (dicts, lists, scalars), several times faster than
    ``copy.deepcopy``, which pays for memo bookkeeping JSON data never needs."""
    if type(value) is dict:
        return {key: item if type(item) in _SCALARS else clone(item)
                for key, item in value.items()}
    if type(value) is list:
        return [item if type(item) in _SCALARS else clone(item) for item in value]
    if type(value) in _SCALARS:
        return value
    return copy.deepcopy(value)


_SCALARS = frozenset((str, int, float, bool, type(None)))

Listener = Callable[[str, "dict | None", "dict | None"], None]


def status_copy(obj: dict) -> dict:
    """``obj`` copied for writing back a changed status (``ObjectStore.find_for_status``)."""
    copy_ = dict(obj)
    copy_["metadata"] = dict(obj["metadata"])
    if "status" in obj:
        copy_["status"] = {key: [dict(item) if type(item) is dict else item for item in value]
                           if type(value) is list else value
                           for key, value in obj["status"].items()}
    return copy_


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
        #: Writes per resource type in this store's life, so derived indexes know they are stale.
        self.writes: dict[str, int] = {}
        self._sorted_keys: dict[str, list[str]] = {}
        self._watchers: dict[str | None, list[Listener]] = {}

    # -- reads -------------------------------------------------------------------------------
    def get(self, rt: ResourceType, namespace: str | None, name: str) -> dict:
        obj = self._objects.get(rt.qualified_name, {}).get(_key(namespace, name))
        if obj is None:
            raise NotFound(rt.qualified_name, name)
        return clone(obj)

    def find(self, rt: ResourceType, namespace: str | None, name: str) -> dict | None:
        obj = self._objects.get(rt.qualified_name, {}).get(_key(namespace, name))
        return clone(obj) if obj is not None else None

    def peek(self, rt: ResourceType, namespace: str | None, name: str) -> dict | None:
        """The stored object itself, without copying, for reading only (as ``iter_stored``)."""
        return self._objects.get(rt.qualified_name, {}).get(_key(namespace, name))

    def find_for_status(self, rt: ResourceType, namespace: str | None, name: str) -> dict | None:
        """A copy for writing back a changed status, cheaper than ``find`` (the kubelet's hot
        path): ``metadata`` and ``status`` are the caller's own one level deep, and so is every
        entry of a list in ``status`` (container statuses, conditions); what lies deeper is
        the stored object's, to be replaced and never changed, like ``spec`` and the rest."""
        obj = self._objects.get(rt.qualified_name, {}).get(_key(namespace, name))
        return status_copy(obj) if obj is not None else None

    def list(self, rt: ResourceType, namespace: str | None = None,
             predicate: Callable[[dict], bool] | None = None) -> list[dict]:
        """Objects of one type in key order (namespace, then name), as etcd returns them."""
        return [clone(obj) for obj in self.iter_stored(rt, namespace)
                if predicate is None or predicate(obj)]

    def iter_stored(self, rt: ResourceType, namespace: str | None = None) -> Iterator[dict]:
        """The stored objects themselves, without copying: callers must not change them."""
        bucket = self._objects.get(rt.qualified_name, {})
        keys = self._keys_in_order(rt.qualified_name, bucket)
        if namespace is None or not rt.namespaced:
            for key in keys:
                yield bucket[key]
            return
        prefix = f"{namespace}/"
        for position in range(bisect.bisect_left(keys, prefix), len(keys)):
            key = keys[position]
            if not key.startswith(prefix):
                return
            yield bucket[key]

    def _keys_in_order(self, qualified_name: str, bucket: dict) -> list[str]:
        """The bucket's keys sorted, kept between scans until a create or delete.

        A cached list is replaced, never changed, so a scan survives writes made while it runs;
        the length check catches buckets emptied behind the store's back (``minikube delete``).
        """
        keys = self._sorted_keys.get(qualified_name)
        if keys is None or len(keys) != len(bucket):
            keys = self._sorted_keys[qualified_name] = sorted(bucket)
        return keys

    def watch(self, listener: Listener, *qualified_names: str) -> None:
        """Call ``listener(qualified_name, old, new)`` after every write of those types (of
        every type if none is named), as informers watch etcd; ``old`` is None for a create,
        ``new`` None for a delete. Both are the stored objects."""
        for name in qualified_names or (None,):
            self._watchers.setdefault(name, []).append(listener)

    def _wrote(self, qualified_name: str, keys_changed: bool, old: dict | None,
               new: dict | None) -> None:
        self.changed = True
        self.writes[qualified_name] = self.writes.get(qualified_name, 0) + 1
        if keys_changed:
            self._sorted_keys.pop(qualified_name, None)
        for listener in self._watchers.get(None, ()):
            listener(qualified_name, old, new)
        for listener in self._watchers.get(qualified_name, ()):
            listener(qualified_name, old, new)

    def count(self) -> int:
        return sum(len(bucket) for bucket in self._objects.values())

    # -- writes ------------------------------------------------------------------------------
    def _next_resource_version(self) -> str:
        self._counters["resourceVersion"] = self._counters.get("resourceVersion", 0) + 1
        return str(self._counters["resourceVersion"])

    def create(self, rt: ResourceType, obj: dict, *, handed_over: bool = False) -> dict:
        """Store a new object. ``handed_over``: the caller built ``obj`` for this write and only
        reads it afterwards, so it is stored and returned as it is, without the two copies
        (the controllers' hot paths)."""
        obj = obj if handed_over else clone(obj)
        meta = obj.setdefault("metadata", {})
        namespace = meta.get("namespace") if rt.namespaced else None
        if rt.namespaced:
            namespace = meta.setdefault("namespace", namespace or "default")
        bucket = self._objects.setdefault(rt.qualified_name, {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = self._generate_name(bucket, namespace, meta["generateName"])
        key = _key(namespace, meta["name"])
        if key in bucket:
            raise AlreadyExists(rt.qualified_name, meta["name"])
        obj["apiVersion"], obj["kind"] = rt.api_version, rt.kind
        meta["uid"] = self._rng.uuid()
        meta["resourceVersion"] = self._next_resource_version()
        if "creationTimestamp" not in meta:
            meta["creationTimestamp"] = rfc3339(self._now())
        bucket[key] = obj
        self._wrote(rt.qualified_name, True, None, obj)
        return obj if handed_over else clone(obj)

    def _generate_name(self, bucket: dict, namespace: str | None, base: str) -> str:
        """A free generated name: like the API server since 1.32 (RetryGenerateName), a taken
        one is drawn again, up to 8 attempts, so big ReplicaSets do not fail on a collision."""
        for _attempt in range(_GENERATE_NAME_ATTEMPTS):
            name = base[:_MAX_GENERATED_BASE] + self._rng.token(5)
            if _key(namespace, name) not in bucket:
                return name
        return name

    def update(self, rt: ResourceType, obj: dict, *, handed_over: bool = False) -> dict:
        """Replace an object; a ``resourceVersion`` that is not the stored one is a Conflict.
        ``handed_over`` as for ``create``."""
        sent, obj = obj, obj if handed_over else clone(obj)
        meta = obj["metadata"]
        key = _key(meta.get("namespace") if rt.namespaced else None, meta["name"])
        bucket = self._objects.get(rt.qualified_name, {})
        stored = bucket.get(key)
        if stored is None:
            raise NotFound(rt.qualified_name, meta["name"])
        if sent is stored:
            raise RuntimeError(f"{rt.qualified_name} {key} was changed in place in the store; "
                               "update a copy (find/get/list), never what iter_stored yields")
        sent_version = meta.get("resourceVersion")
        if sent_version and sent_version != stored["metadata"]["resourceVersion"]:
            raise Conflict(rt.qualified_name, meta["name"])
        for immutable in ("uid", "creationTimestamp"):
            meta[immutable] = stored["metadata"][immutable]
        meta["resourceVersion"] = self._next_resource_version()
        bucket[key] = obj
        self._wrote(rt.qualified_name, False, stored, obj)
        return obj if handed_over else clone(obj)

    def delete(self, rt: ResourceType, namespace: str | None, name: str) -> dict:
        bucket = self._objects.get(rt.qualified_name, {})
        obj = bucket.pop(_key(namespace if rt.namespaced else None, name), None)
        if obj is None:
            raise NotFound(rt.qualified_name, name)
        self._next_resource_version()
        self._wrote(rt.qualified_name, True, obj, None)
        return obj
