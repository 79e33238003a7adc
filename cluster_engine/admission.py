"""The API server's admission of a create or an update, whoever sends it.

kubectl's write commands (``tools/kubectl/mutations.py``) and the REST façade's POST/PUT/PATCH
(``api/writes.py``) hand every object to ``admit_create`` or ``admit_update`` before it reaches
the store, so both paths validate, default and limit in the same way: names checked as the API
server checks them (``Invalid`` with the field path), Service types, the immutable parts of a
pod's spec, containers without an image, workloads whose selector is missing or misses their
template's labels, requests within limits, the defaulting of Pods, Deployments, Services (ClusterIP and NodePort allocation),
Secrets and Namespaces, the status an update cannot change, ``metadata.generation`` following spec changes, and the sandbox's pod
quota for workloads.
"""

from __future__ import annotations

import copy
import re

from .defaults import default_pod
from .errors import AlreadyExists, Invalid
from .quantities import parse_quantity
from .resources import ResourceType
from .services import default_service
from .workloads import (DEPLOYMENTS, REPLICASETS, bump_generation_if_spec_changed,
                        check_replica_limit, default_deployment, selector_matches)

_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS_1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_SUBDOMAIN_RULE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
_LABEL_RULE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
_DNS_1035_RULE = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")

#: Types whose status is written only through ``/status``: updates of the object keep it.
STATUS_SUBRESOURCE = ("pods", "services", "nodes", "namespaces", "deployments", "replicasets",
                      "daemonsets")
#: Pod spec fields an update may change; everything else in a pod's spec is immutable.
POD_MUTABLE = ("`spec.containers[*].image`,`spec.initContainers[*].image`,"
               "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
               "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
               "was previously negative)")


def _invalid(rt: ResourceType, name: str, *field_errors: str) -> Invalid:
    return Invalid.of(rt.kind, rt.group, name, list(field_errors))


def validate(rt: ResourceType, obj: dict) -> None:
    """The API server's checks on what clients commonly get wrong: names and Service types."""
    name = obj["metadata"].get("name")
    if name is None:
        return
    pattern, rule = {"Service": (_DNS_1035, _DNS_1035_RULE),
                     "Namespace": (_LABEL, _LABEL_RULE)}.get(rt.kind, (_SUBDOMAIN, _SUBDOMAIN_RULE))
    if not (pattern.match(name) and len(name) <= (63 if pattern is not _SUBDOMAIN else 253)):
        raise _invalid(rt, name, f'metadata.name: Invalid value: "{name}": {rule}')
    if rt.kind == "Service" and (obj.get("spec") or {}).get("type", "ClusterIP") \
            not in _SERVICE_TYPES:
        supported = ", ".join(f'"{kind}"' for kind in _SERVICE_TYPES)
        raise _invalid(rt, name, f'spec.type: Unsupported value: "{obj["spec"]["type"]}": '
                                 f"supported values: {supported}")


def _go_labels(labels: dict | None) -> str:
    """A label map as Go's ``%#v`` prints a ``map[string]string`` (keys sorted)."""
    if labels is None:
        return "map[string]string(nil)"
    pairs = ", ".join(f'"{key}":"{value}"' for key, value in sorted(labels.items()))
    return f"map[string]string{{{pairs}}}"


def _selects(selector, labels: dict) -> bool:
    """Whether a label selector matches ``labels``; a missing or malformed one matches nothing."""
    try:
        return selector_matches(selector, labels)
    except (AttributeError, KeyError, TypeError):
        return False


def _check_required(rt: ResourceType, obj: dict) -> None:
    """The field errors learners' manifests meet most: a workload without a selector, or whose
    selector does not select its template's labels, and a container without an image. All are
    reported together, in the order the API server's validation finds them."""
    spec, path, problems = obj.get("spec") or {}, "spec", []
    if rt is DEPLOYMENTS or rt is REPLICASETS:
        selector = spec.get("selector")
        if selector is None:
            problems.append("spec.selector: Required value")
        template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
        if not _selects(selector, template_labels):
            problems.append(f"spec.template.metadata.labels: Invalid value: "
                            f"{_go_labels(template_labels)}: `selector` does not match template "
                            "`labels`")
        spec, path = (spec.get("template") or {}).get("spec") or {}, "spec.template.spec"
    elif rt.kind != "Pod":
        return
    for field in ("initContainers", "containers"):
        for index, container in enumerate(spec.get(field) or []):
            if isinstance(container, dict) and not container.get("image"):
                problems.append(f"{path}.{field}[{index}].image: Required value")
    if problems:
        raise _invalid(rt, obj["metadata"].get("name", ""), *problems)


def _check_resources(rt: ResourceType, obj: dict) -> None:
    """No container of a Pod or of a Deployment's or ReplicaSet's template may request more of a
    resource than its limit (``ValidateResourceRequirements``); every offending request is
    listed, as the API server aggregates field errors."""
    spec, path = obj.get("spec") or {}, "spec"
    if rt is DEPLOYMENTS or rt is REPLICASETS:
        spec, path = (spec.get("template") or {}).get("spec") or {}, "spec.template.spec"
    elif rt.kind != "Pod":
        return
    problems = []
    for field in ("containers", "initContainers"):
        for index, container in enumerate(spec.get(field) or []):
            resources = container.get("resources") or {}
            limits, requests = resources.get("limits") or {}, resources.get("requests") or {}
            for resource in sorted(set(requests) & set(limits)):
                try:
                    over = parse_quantity(requests[resource]) > parse_quantity(limits[resource])
                except ValueError:
                    continue
                if over:
                    problems.append(f"{path}.{field}[{index}].resources.requests: Invalid value: "
                                    f'"{requests[resource]}": must be less than or equal to '
                                    f"{resource} limit of {limits[resource]}")
    if problems:
        raise _invalid(rt, obj["metadata"].get("name", ""), *problems)


def _without_mutable_pod_fields(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    for field in ("containers", "initContainers"):
        for container in spec.get(field) or []:
            container.pop("image", None)
    for field in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        spec.pop(field, None)
    return spec


def _check_pod_update(old: dict, new: dict) -> None:
    if _without_mutable_pod_fields(new.get("spec") or {}) \
            != _without_mutable_pod_fields(old.get("spec") or {}):
        raise Invalid.of("Pod", "", old["metadata"]["name"],
                         [f"spec: Forbidden: pod updates may not change fields other than "
                          f"{POD_MUTABLE}"])


def _check_quota(cluster, rt: ResourceType, obj: dict, old: dict | None) -> None:
    replicas = obj["spec"].get("replicas", 1)
    if replicas != (old or {}).get("spec", {}).get("replicas"):
        check_replica_limit(cluster, rt, obj["metadata"].get("namespace", "default"),
                            obj["metadata"]["name"], replicas)


def admit_create(cluster, rt: ResourceType, obj: dict) -> dict:
    """``obj`` as the API server would store it when created (not stored here)."""
    validate(rt, obj)
    meta = obj["metadata"]
    if meta.get("name") and cluster.store.find(rt, meta.get("namespace") if rt.namespaced
                                               else None, meta["name"]):
        raise AlreadyExists(rt.qualified_name, meta["name"])
    _check_required(rt, obj)
    _check_resources(rt, obj)
    if rt is DEPLOYMENTS:
        default_deployment(obj)
    if rt is DEPLOYMENTS or rt is REPLICASETS:
        _check_quota(cluster, rt, obj, None)
    elif rt.kind == "Service":
        obj = default_service(cluster, obj)
    elif rt.kind == "Pod":
        obj = default_pod(obj, cluster.rng)
    elif rt.kind == "Secret":
        obj.setdefault("type", "Opaque")
    elif rt.kind == "Namespace":
        obj["spec"] = {"finalizers": ["kubernetes"]}
        obj["status"] = {"phase": "Active"}
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = \
            obj["metadata"]["name"]
    return obj


def admit_update(cluster, rt: ResourceType, old: dict, new: dict) -> dict:
    """``new``, replacing the stored ``old``, as the API server would store it."""
    if rt.plural in STATUS_SUBRESOURCE:
        new["status"] = copy.deepcopy(old.get("status", {}))
    if rt.kind == "Pod":
        _check_pod_update(old, new)
    _check_required(rt, new)
    _check_resources(rt, new)
    if rt is DEPLOYMENTS:
        default_deployment(new)
    if rt is DEPLOYMENTS or rt is REPLICASETS:
        _check_quota(cluster, rt, new, old)
    elif rt.kind == "Service":
        new = default_service(cluster, new, old=old)
    if "generation" in old["metadata"]:
        bump_generation_if_spec_changed(old, new)
    return new
