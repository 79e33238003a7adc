"""Writes through the API: create (POST), replace (PUT), patch (PATCH) and delete (DELETE).

Each write runs the engine's own admission and defaulting (``cluster_engine.admission``, the
same kubectl's write commands use) and deletion semantics (graceful
pods, background garbage collection), then lets the controllers react before answering, as a
kubectl talking to the simulated cluster would expect. Patches take the three types kubectl
sends: JSON merge patch, strategic merge patch (lists merged by their Kubernetes merge keys) and
JSON patch.
"""

from __future__ import annotations

import copy
import json
from contextlib import contextmanager

from ..admission import STATUS_SUBRESOURCE, admit_create, admit_update
from ..cluster import Cluster
from ..errors import Invalid
from ..field_validation import check_fields
from ..loopback import HttpResponse
from ..resources import ResourceType
from ..services import delete_service
from ..workloads import delete_pod, delete_with_dependents
from .wire import (BadRequest, Call, UnsupportedMediaType, in_go_order, negotiate, read_body,
                   respond)

MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
JSON_PATCH = "application/json-patch+json"

#: Lists a strategic merge patch merges item by item, by the key Kubernetes declares for them.
MERGE_KEYS = {"containers": "name", "initContainers": "name", "ephemeralContainers": "name",
              "env": "name", "volumes": "name", "volumeMounts": "mountPath",
              "imagePullSecrets": "name", "conditions": "type", "tolerations": "key",
              "ownerReferences": "uid", "hostAliases": "ip"}
#: ``ports`` merge by ``containerPort`` in a container and by ``port`` in a Service.
PORT_MERGE_KEYS = ("containerPort", "port")

WORKLOADS = ("deployments", "replicasets", "daemonsets")
#: Metadata the server sets on create, whatever the client sent (kubectl sends
#: ``"creationTimestamp": null``).
SERVER_MANAGED_METADATA = ("uid", "creationTimestamp", "deletionTimestamp",
                           "deletionGracePeriodSeconds", "selfLink", "generation")
#: Top-level fields: every kind's are objects.
TOP_LEVEL_OBJECTS = ("metadata", "spec", "status")
#: Fields whose JSON type the engine relies on wherever they appear: name → (container type,
#: item type or None, the Go type a decoder names in its error).
FIELD_TYPES: dict[str, tuple[type, type | tuple | None, str]] = {
    "template": (dict, None, "v1.PodTemplateSpec"),
    "selector": (dict, None, "selector"),
    "strategy": (dict, None, "strategy"),
    "labels": (dict, str, "map[string]string"),
    "annotations": (dict, str, "map[string]string"),
    "matchLabels": (dict, str, "map[string]string"),
    "nodeSelector": (dict, str, "map[string]string"),
    "containers": (list, dict, "[]v1.Container"),
    "initContainers": (list, dict, "[]v1.Container"),
    "ports": (list, dict, "ports"),
    "env": (list, dict, "[]v1.EnvVar"),
    "volumes": (list, dict, "[]v1.Volume"),
    "volumeMounts": (list, dict, "[]v1.VolumeMount"),
    "tolerations": (list, dict, "[]v1.Toleration"),
    "matchExpressions": (list, dict, "[]v1.LabelSelectorRequirement"),
    "name": (str, None, "string"),
    "namespace": (str, None, "string"),
    "image": (str, None, "string"),
    "replicas": (int, None, "int32"),
    "containerPort": (int, None, "int32"),
    "nodePort": (int, None, "int32"),
}


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def _wrong_type(rt: ResourceType, path: str, value, go_type: str) -> BadRequest:
    return BadRequest(f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
                      f"json: cannot unmarshal {_json_type(value)} into Go struct field "
                      f"{rt.kind}.{path} of type {go_type}")


def _check_value(rt: ResourceType, path: str, key: str, value) -> None:
    expected = FIELD_TYPES.get(key)
    if expected is not None and value is not None:
        container, item_type, go_type = expected
        if not isinstance(value, container) or (container is int and isinstance(value, bool)):
            raise _wrong_type(rt, path, value, go_type)
        if item_type is not None:
            items = value.values() if isinstance(value, dict) else value
            for item in items:
                if not isinstance(item, item_type):
                    raise _wrong_type(rt, path, item, go_type)
    if isinstance(value, dict) and key not in ("labels", "annotations", "matchLabels",
                                               "nodeSelector", "data", "stringData"):
        for child_key, child in value.items():
            _check_value(rt, f"{path}.{child_key}", child_key, child)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                _check_value(rt, path, "", item)


def _check_shape(rt: ResourceType, obj: dict) -> None:
    """The typed decoding a real server does first, for the fields the engine relies on."""
    for key in TOP_LEVEL_OBJECTS:
        if obj.get(key) is not None and not isinstance(obj[key], dict):
            raise _wrong_type(rt, key, obj[key], "v1.ObjectMeta" if key == "metadata"
                              else f"v1.{rt.kind}{key.capitalize()}")
    for key, value in obj.items():
        _check_value(rt, key, key, value)
    spec = obj.get("spec") or {}
    name = (obj.get("metadata") or {}).get("name", "")
    replicas = spec.get("replicas")
    if rt.plural in WORKLOADS and isinstance(replicas, int) and replicas < 0:
        raise Invalid.of(rt.kind, rt.group, name, [
            f"spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"])
    if rt.plural == "pods" and not spec.get("containers"):
        raise Invalid.of(rt.kind, rt.group, name, ["spec.containers: Required value"])
    if rt.plural in WORKLOADS and not ((spec.get("template") or {}).get("spec") or {}).get(
            "containers"):
        raise Invalid.of(rt.kind, rt.group, name, ["spec.template.spec.containers: Required value"])


@contextmanager
def _admission(rt: ResourceType):
    """Defaulting and storage assume well-typed fields deeper down; a body whose fields have
    the wrong JSON type is refused as the server's decoder would refuse it."""
    try:
        yield
    except (AttributeError, TypeError, KeyError, ValueError) as error:
        raise BadRequest(f'{rt.kind} in version "{rt.version}" cannot be handled as a '
                         f"{rt.kind}: a field has the wrong type") from error


def _check_identity(rt: ResourceType, obj: dict, namespace: str | None) -> None:
    _check_shape(rt, obj)
    if obj.get("kind") not in (None, rt.kind) or obj.get("apiVersion") not in (None,
                                                                              rt.api_version):
        raise BadRequest(f"the API version in the data ({obj.get('apiVersion')}) does not match "
                         f"the expected API version ({rt.api_version})")
    meta = obj.setdefault("metadata", {})
    if rt.namespaced:
        if meta.get("namespace") and meta["namespace"] != namespace:
            raise BadRequest("the namespace of the provided object does not match the namespace "
                             "sent on the request")
        meta["namespace"] = namespace


def _field_warnings(call: Call, rt: ResourceType, obj: dict) -> list[tuple[str, str]]:
    """The ``fieldValidation`` the client asked for (``Warn`` if none, as since v1.23):
    ``Strict`` refuses unknown fields, ``Warn`` names them in ``Warning`` headers (which
    kubectl prints), and both ``Warn`` and ``Ignore`` drop them from ``obj``."""
    directive = call.query.get("fieldValidation") or "Warn"
    return [("Warning", '299 - "%s"' % text.replace("\\", "\\\\").replace('"', '\\"'))
            for text in check_fields(rt, obj, directive)]


def create(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None) -> HttpResponse:
    media_type = negotiate(call, False)
    obj = read_body(call, rt.kind)
    _check_identity(rt, obj, namespace)
    warnings = _field_warnings(call, rt, obj)
    meta = obj["metadata"]
    if meta.get("resourceVersion"):
        raise BadRequest("resourceVersion should not be set on objects to be created")
    for managed in SERVER_MANAGED_METADATA:
        meta.pop(managed, None)
    if rt.plural in WORKLOADS:
        meta["generation"] = 1
    if rt.plural in STATUS_SUBRESOURCE:
        obj.pop("status", None)
    if not meta.get("name") and not meta.get("generateName"):
        raise Invalid.of(rt.kind, rt.group, "", [
            "metadata.name: Required value: name or generateName is required"])
    with _admission(rt):
        created = cluster.store.create(rt, admit_create(cluster, rt, obj))
    cluster.reconcile()
    return respond(call, 201, in_go_order(created), media_type, warnings)


def _store_update(cluster: Cluster, rt: ResourceType, old: dict, new: dict) -> dict:
    _check_shape(rt, new)
    with _admission(rt):
        updated = cluster.store.update(rt, admit_update(cluster, rt, old, new))
    cluster.reconcile()
    return updated


def replace(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None,
            name: str) -> HttpResponse:
    media_type = negotiate(call, False)
    old = cluster.store.get(rt, namespace if rt.namespaced else None, name)
    obj = read_body(call, rt.kind)
    _check_identity(rt, obj, namespace)
    warnings = _field_warnings(call, rt, obj)
    if obj["metadata"].get("name") != name:
        raise BadRequest("the name of the object (%s) does not match the name on the URL (%s)"
                         % (obj["metadata"].get("name"), name))
    return respond(call, 200, in_go_order(_store_update(cluster, rt, old, obj)), media_type,
                   warnings)


def patch(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None,
          name: str) -> HttpResponse:
    media_type = negotiate(call, False)
    old = cluster.store.get(rt, namespace if rt.namespaced else None, name)
    patched = patched_document(call, old)
    _check_shape(rt, patched)
    patched.setdefault("metadata", {})["name"] = name
    patched["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
    return respond(call, 200, in_go_order(_store_update(cluster, rt, old, patched)), media_type)


def patched_document(call: Call, current: dict) -> dict:
    """``current`` with the PATCH request's patch applied, by the patch type it names."""
    content_type = call.header("content-type").split(";")[0].strip().lower()
    try:
        sent = json.loads(call.request.body or b"null")
    except ValueError as error:
        raise BadRequest(f"error decoding patch: {error}") from None
    if content_type == JSON_PATCH:
        return apply_json_patch(current, sent)
    if content_type in (MERGE_PATCH, STRATEGIC_MERGE_PATCH):
        if not isinstance(sent, dict):
            raise BadRequest("json: cannot unmarshal array into Go value of type "
                             "map[string]interface {}")
        return merge(current, sent, strategic=content_type == STRATEGIC_MERGE_PATCH)
    raise UnsupportedMediaType(f"the body of the request was in an unknown format - "
                               f"accepted media types include: {JSON_PATCH}, {MERGE_PATCH}, "
                               f"application/apply-patch+yaml, {STRATEGIC_MERGE_PATCH}")


def merge(target, patch_value, strategic: bool, field_name: str = ""):
    """RFC 7386 merge; with ``strategic``, lists with a merge key are merged item by item."""
    if not isinstance(patch_value, dict):
        if strategic and isinstance(patch_value, list) and isinstance(target, list):
            key = merge_key(field_name, patch_value + target)
            if key:
                return _merge_keyed_list(target, patch_value, key)
        return copy.deepcopy(patch_value)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch_value.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge(result.get(key), value, strategic, key)
    return result


def merge_key(field_name: str, items: list) -> str | None:
    """The key a strategic merge matches the items of the list ``field_name`` by, if any."""
    if not all(isinstance(item, dict) for item in items):
        return None
    if field_name == "ports":
        return next((key for key in PORT_MERGE_KEYS if all(key in item for item in items)), None)
    return MERGE_KEYS.get(field_name)


def _merge_keyed_list(target: list, patch_items: list, key: str) -> list:
    merged = copy.deepcopy(target)
    for item in patch_items:
        position = next((index for index, existing in enumerate(merged)
                         if existing.get(key) == item.get(key)), None)
        if item.get("$patch") == "delete":
            if position is not None:
                del merged[position]
        elif position is None:
            merged.append(copy.deepcopy(item))
        else:
            merged[position] = merge(merged[position], item, True)
    return merged


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise BadRequest(f'JSON pointer "{path}" must start with "/"')
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _parent(document, parts: list[str], path: str):
    current = document
    for part in parts[:-1]:
        try:
            current = current[int(part)] if isinstance(current, list) else current[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise Invalid(f"doc is missing path: \"{path}\": missing value") from None
    return current


def apply_json_patch(document: dict, operations) -> dict:
    if not isinstance(operations, list):
        raise BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    result = copy.deepcopy(document)
    for operation in operations:
        if not isinstance(operation, dict):
            raise BadRequest("json: cannot unmarshal number into Go value of type "
                             "jsonpatch.Operation")
        op, path = operation.get("op"), operation.get("path", "")
        parts = _pointer(path)
        if op in ("move", "copy"):
            source_parts = _pointer(operation.get("from", ""))
            source_parent = _parent(result, source_parts, operation.get("from", ""))
            value = copy.deepcopy(_get(source_parent, source_parts[-1], path))
            if op == "move":
                _remove(source_parent, source_parts[-1], path)
            _add(_parent(result, parts, path), parts[-1], value, path)
            continue
        parent = _parent(result, parts, path)
        if op == "add":
            _add(parent, parts[-1], copy.deepcopy(operation.get("value")), path)
        elif op == "remove":
            _remove(parent, parts[-1], path)
        elif op == "replace":
            _get(parent, parts[-1], path)
            _set(parent, parts[-1], copy.deepcopy(operation.get("value")))
        elif op == "test":
            if _get(parent, parts[-1], path) != operation.get("value"):
                raise Invalid(f"testing value {path} failed: test failed")
        else:
            raise BadRequest(f"Unexpected kind: {op}")
    return result


def _get(parent, key: str, path: str):
    try:
        return parent[int(key)] if isinstance(parent, list) else parent[key]
    except (KeyError, IndexError, ValueError, TypeError):
        raise Invalid(f'replace operation does not apply: doc is missing key: {path}: '
                      "missing value") from None


def _set(parent, key: str, value) -> None:
    if isinstance(parent, list):
        parent[int(key)] = value
    else:
        parent[key] = value


def _add(parent, key: str, value, path: str) -> None:
    if isinstance(parent, list):
        if key == "-":
            parent.append(value)
        else:
            parent.insert(int(key), value)
    elif isinstance(parent, dict):
        parent[key] = value
    else:
        raise Invalid(f'add operation does not apply: doc is missing path: "{path}": '
                      "missing value")


def _remove(parent, key: str, path: str) -> None:
    _get(parent, key, path)
    if isinstance(parent, list):
        del parent[int(key)]
    else:
        del parent[key]


def _grace_period(call: Call) -> int | None:
    """``gracePeriodSeconds`` from the DeleteOptions body or, failing that, the query."""
    options = read_body(call) if call.request.body else {}
    grace = options.get("gracePeriodSeconds")
    if grace is None and call.query.get("gracePeriodSeconds"):
        text = call.query["gracePeriodSeconds"]
        if not text.lstrip("-").isdigit():
            raise BadRequest(f'strconv.ParseInt: parsing "{text}": invalid syntax')
        grace = int(text)
    if grace is not None and (not isinstance(grace, int) or isinstance(grace, bool)):
        raise BadRequest("json: cannot unmarshal value into Go struct field "
                         "DeleteOptions.gracePeriodSeconds of type int64")
    return grace


def delete(cluster: Cluster, call: Call, rt: ResourceType, namespace: str | None,
           name: str) -> HttpResponse:
    media_type = negotiate(call, False)
    scope = namespace if rt.namespaced else None
    if rt.plural == "pods":
        pod = cluster.store.get(rt, scope, name)
        stored = delete_pod(cluster, pod, _grace_period(call))
        cluster.reconcile()
        return respond(call, 200, in_go_order(stored or pod), media_type)
    if rt.plural == "services":
        return respond(call, 200, in_go_order(delete_service(cluster, scope, name)), media_type)
    deleted = delete_with_dependents(cluster, rt, scope, name)
    details = {"name": name}
    if rt.group:
        details["group"] = rt.group
    details.update(kind=rt.plural, uid=deleted["metadata"].get("uid", ""))
    return respond(call, 200, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                               "status": "Success", "details": details}, media_type)
