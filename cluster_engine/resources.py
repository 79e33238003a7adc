"""The resource types the simulated API server knows, as discovery would list them.

kubectl resolves what a learner types (``po``, ``deploy``, ``services``, ``Deployment``) through
this table, the store keys objects by it, and the REST façade will serve discovery from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class ResourceType:
    plural: str
    singular: str
    kind: str
    group: str = ""
    version: str = "v1"
    namespaced: bool = True
    short_names: tuple[str, ...] = field(default_factory=tuple)
    categories: tuple[str, ...] = field(default_factory=tuple)

    @cached_property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @cached_property
    def qualified_name(self) -> str:
        """``deployments.apps``; core types have no group suffix (``pods``)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def kind_prefix(self) -> str:
        """What kubectl writes before a name: ``pod``, ``deployment.apps``."""
        return f"{self.kind.lower()}.{self.group}" if self.group else self.kind.lower()


RESOURCE_TYPES: tuple[ResourceType, ...] = (
    ResourceType("pods", "pod", "Pod", short_names=("po",), categories=("all",)),
    ResourceType("services", "service", "Service", short_names=("svc",), categories=("all",)),
    ResourceType("endpoints", "endpoints", "Endpoints", short_names=("ep",)),
    ResourceType("nodes", "node", "Node", namespaced=False, short_names=("no",)),
    ResourceType("namespaces", "namespace", "Namespace", namespaced=False, short_names=("ns",)),
    ResourceType("events", "event", "Event", short_names=("ev",)),
    ResourceType("configmaps", "configmap", "ConfigMap", short_names=("cm",)),
    ResourceType("secrets", "secret", "Secret"),
    ResourceType("serviceaccounts", "serviceaccount", "ServiceAccount", short_names=("sa",)),
    ResourceType("deployments", "deployment", "Deployment", group="apps", short_names=("deploy",),
                 categories=("all",)),
    ResourceType("replicasets", "replicaset", "ReplicaSet", group="apps", short_names=("rs",),
                 categories=("all",)),
    ResourceType("daemonsets", "daemonset", "DaemonSet", group="apps", short_names=("ds",),
                 categories=("all",)),
    ResourceType("endpointslices", "endpointslice", "EndpointSlice", group="discovery.k8s.io"),
    ResourceType("leases", "lease", "Lease", group="coordination.k8s.io"),
)

_BY_NAME: dict[str, ResourceType] = {}
for _rt in RESOURCE_TYPES:
    for _name in (_rt.plural, _rt.singular, _rt.kind.lower(), _rt.qualified_name, *_rt.short_names):
        _BY_NAME.setdefault(_name, _rt)


def resolve(name: str) -> ResourceType | None:
    """The resource type a learner means by ``name``, or None if the server has no such type."""
    return _BY_NAME.get(name.lower())


def by_kind(kind: str) -> ResourceType:
    for rt in RESOURCE_TYPES:
        if rt.kind == kind:
            return rt
    raise KeyError(kind)
