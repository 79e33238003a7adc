"""API discovery: which groups, versions and resources the simulated API server serves.

kubectl learns everything it knows about types from these documents (``/api``, ``/apis``,
``/api/v1``, ``/apis/apps/v1`` ...): plural names, short names, categories such as ``all``,
verbs, and whether a type is namespaced. They are built from ``resources.RESOURCE_TYPES``, with
the verbs and subresources the v1.32 API server lists for each type, so ``kubectl api-resources``
and ``kubectl get all`` resolve exactly the types the engine stores.

``/api`` and ``/apis`` also come in the aggregated form (``apidiscovery.k8s.io/v2``,
``aggregated_discovery``) that kubectl 1.32 asks for first: every group version's resources in
one document, so kubectl needs two requests instead of one per group version.
"""

from __future__ import annotations

from ..resources import RESOURCE_TYPES, ResourceType

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
#: Types whose REST storage has no DeleteCollection.
VERBS = {
    "namespaces": ("create", "delete", "get", "list", "patch", "update", "watch"),
}

#: ``name/subresource`` → (kind, verbs, group, version); group None means the parent's.
SUBRESOURCES: dict[str, tuple[tuple[str, str, tuple[str, ...], str | None, str | None], ...]] = {
    "pods": (
        ("attach", "PodAttachOptions", ("create", "get"), None, None),
        ("binding", "Binding", ("create",), None, None),
        ("ephemeralcontainers", "Pod", ("get", "patch", "update"), None, None),
        ("eviction", "Eviction", ("create",), "policy", "v1"),
        ("exec", "PodExecOptions", ("create", "get"), None, None),
        ("log", "Pod", ("get",), None, None),
        ("portforward", "PodPortForwardOptions", ("create", "get"), None, None),
        ("proxy", "PodProxyOptions", ("create", "delete", "get", "patch", "update"), None, None),
        ("status", "Pod", ("get", "patch", "update"), None, None),
    ),
    "services": (
        ("proxy", "ServiceProxyOptions", ("create", "delete", "get", "patch", "update"), None,
         None),
        ("status", "Service", ("get", "patch", "update"), None, None),
    ),
    "nodes": (
        ("proxy", "NodeProxyOptions", ("create", "delete", "get", "patch", "update"), None, None),
        ("status", "Node", ("get", "patch", "update"), None, None),
    ),
    "namespaces": (
        ("finalize", "Namespace", ("update",), None, None),
        ("status", "Namespace", ("get", "patch", "update"), None, None),
    ),
    "serviceaccounts": (
        ("token", "TokenRequest", ("create",), "authentication.k8s.io", "v1"),
    ),
    "deployments": (
        ("scale", "Scale", ("get", "patch", "update"), "autoscaling", "v1"),
        ("status", "Deployment", ("get", "patch", "update"), None, None),
    ),
    "replicasets": (
        ("scale", "Scale", ("get", "patch", "update"), "autoscaling", "v1"),
        ("status", "ReplicaSet", ("get", "patch", "update"), None, None),
    ),
    "daemonsets": (
        ("status", "DaemonSet", ("get", "patch", "update"), None, None),
    ),
}


def group_versions() -> list[tuple[str, str]]:
    """(group, version) pairs of the named groups, in the order the types list them."""
    seen: list[tuple[str, str]] = []
    for rt in RESOURCE_TYPES:
        if rt.group and (rt.group, rt.version) not in seen:
            seen.append((rt.group, rt.version))
    return seen


def types_in(group: str, version: str) -> list[ResourceType]:
    return [rt for rt in RESOURCE_TYPES if rt.group == group and rt.version == version]


def _api_resource(rt: ResourceType) -> dict:
    entry = {"name": rt.plural, "singularName": rt.singular, "namespaced": rt.namespaced,
             "kind": rt.kind, "verbs": list(VERBS.get(rt.plural, ALL_VERBS))}
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    return entry


def _subresource(rt: ResourceType, name: str, kind: str, verbs: tuple[str, ...],
                 group: str | None, version: str | None) -> dict:
    entry = {"name": f"{rt.plural}/{name}", "singularName": "", "namespaced": rt.namespaced}
    if group is not None:
        entry.update(group=group, version=version)
    entry.update(kind=kind, verbs=list(verbs))
    return entry


def resource_list(group: str, version: str) -> dict | None:
    """The APIResourceList of one group version, or None if the server does not serve it."""
    types = types_in(group, version)
    if not types:
        return None
    resources = []
    for rt in types:
        resources.append(_api_resource(rt))
        resources.extend(_subresource(rt, *sub) for sub in SUBRESOURCES.get(rt.plural, ()))
    resources.sort(key=lambda entry: entry["name"])
    document = {"kind": "APIResourceList"}
    if group:
        document["apiVersion"] = "v1"
    document.update(groupVersion=f"{group}/{version}" if group else version, resources=resources)
    return document


def api_versions(server_address: str) -> dict:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                            "serverAddress": server_address}]}


def _group_version(group: str, version: str) -> dict:
    return {"groupVersion": f"{group}/{version}", "version": version}


def api_group(group: str) -> dict | None:
    versions = [_group_version(g, v) for g, v in group_versions() if g == group]
    if not versions:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": versions,
            "preferredVersion": versions[0]}


def api_group_list() -> dict:
    groups = []
    for group, _version in group_versions():
        if not any(entry["name"] == group for entry in groups):
            document = api_group(group)
            del document["kind"], document["apiVersion"]
            groups.append(document)
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def resource_type(group: str, version: str, plural: str) -> ResourceType | None:
    return next((rt for rt in types_in(group, version) if rt.plural == plural), None)


# -- aggregated discovery (apidiscovery.k8s.io/v2) ---------------------------------------------
def _response_kind(group: str, version: str, kind: str) -> dict:
    return {"group": group, "version": version, "kind": kind}


def _discovery_resource(rt: ResourceType) -> dict:
    entry = {"resource": rt.plural,
             "responseKind": _response_kind(rt.group, rt.version, rt.kind),
             "scope": "Namespaced" if rt.namespaced else "Cluster",
             "singularResource": rt.singular,
             "verbs": list(VERBS.get(rt.plural, ALL_VERBS))}
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    subresources = [{"subresource": name,
                     "responseKind": _response_kind(rt.group if group is None else group,
                                                    rt.version if version is None else version,
                                                    kind),
                     "verbs": list(verbs)}
                    for name, kind, verbs, group, version in SUBRESOURCES.get(rt.plural, ())]
    if subresources:
        entry["subresources"] = subresources
    return entry


def aggregated_discovery(core: bool) -> dict:
    """The APIGroupDiscoveryList of ``/api`` (``core``) or of ``/apis``."""
    items = []
    pairs = [("", "v1")] if core else group_versions()
    for group, version in pairs:
        resources = sorted((_discovery_resource(rt) for rt in types_in(group, version)),
                           key=lambda entry: entry["resource"])
        metadata = {"creationTimestamp": None} if core else {"name": group,
                                                             "creationTimestamp": None}
        items.append({"metadata": metadata, "versions": [
            {"version": version, "resources": resources, "freshness": "Current"}]})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
            "metadata": {}, "items": items}
