"""``kubectl api-resources`` and ``kubectl api-versions``: what a minikube v1.32 API server serves.

A learner compares these listings with what a real minikube prints, so they list every resource
and group version a fresh v1.32 control plane serves (at each group's preferred version), plus
``metrics.k8s.io`` while the metrics-server addon runs. The simulation stores only some of these
types; the others exist here as discovery facts.

``api-resources`` sorts by group and then name (or by ``--sort-by``), filters by
``--api-group``, ``--namespaced``, ``--verbs`` and ``--categories``, and prints kubectl's table
(``-o wide`` adds VERBS and CATEGORIES, comma-joined) or ``-o name`` (``deployments.apps``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...minikube_addons import is_enabled
from ...printers.tabwriter import kubectl_table_writer
from .app import KubectlError, Unreachable, connect, implement
from .cobra import Invocation
from .connection import write_discovery_errors

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
NO_COLLECTION = ("create", "delete", "get", "list", "patch", "update", "watch")
CREATE_ONLY = ("create",)
READ_ONLY = ("get", "list")


@dataclass(frozen=True)
class ApiResource:
    name: str
    short_names: tuple[str, ...]
    group_version: str
    namespaced: bool
    kind: str
    verbs: tuple[str, ...] = ALL_VERBS
    categories: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        return self.group_version.rpartition("/")[0]

    @property
    def full_name(self) -> str:
        return f"{self.name}.{self.group}" if self.group else self.name


def _r(name, short, group_version, namespaced, kind, verbs=ALL_VERBS, categories=()):
    return ApiResource(name, tuple(short.split(",")) if short else (), group_version, namespaced,
                       kind, verbs, categories)


ALL = ("all",)
EXTENSIONS = ("api-extensions",)
#: The resources of a fresh minikube v1.35 cluster (Kubernetes v1.32.0), preferred versions.
API_RESOURCES: tuple[ApiResource, ...] = (
    _r("bindings", "", "v1", True, "Binding", CREATE_ONLY),
    _r("componentstatuses", "cs", "v1", False, "ComponentStatus", READ_ONLY),
    _r("configmaps", "cm", "v1", True, "ConfigMap"),
    _r("endpoints", "ep", "v1", True, "Endpoints"),
    _r("events", "ev", "v1", True, "Event"),
    _r("limitranges", "limits", "v1", True, "LimitRange"),
    _r("namespaces", "ns", "v1", False, "Namespace", NO_COLLECTION),
    _r("nodes", "no", "v1", False, "Node"),
    _r("persistentvolumeclaims", "pvc", "v1", True, "PersistentVolumeClaim"),
    _r("persistentvolumes", "pv", "v1", False, "PersistentVolume"),
    _r("pods", "po", "v1", True, "Pod", categories=ALL),
    _r("podtemplates", "", "v1", True, "PodTemplate"),
    _r("replicationcontrollers", "rc", "v1", True, "ReplicationController", categories=ALL),
    _r("resourcequotas", "quota", "v1", True, "ResourceQuota"),
    _r("secrets", "", "v1", True, "Secret"),
    _r("serviceaccounts", "sa", "v1", True, "ServiceAccount"),
    _r("services", "svc", "v1", True, "Service", NO_COLLECTION, ALL),
    _r("mutatingwebhookconfigurations", "", "admissionregistration.k8s.io/v1", False,
       "MutatingWebhookConfiguration", categories=EXTENSIONS),
    _r("validatingadmissionpolicies", "", "admissionregistration.k8s.io/v1", False,
       "ValidatingAdmissionPolicy", categories=EXTENSIONS),
    _r("validatingadmissionpolicybindings", "", "admissionregistration.k8s.io/v1", False,
       "ValidatingAdmissionPolicyBinding", categories=EXTENSIONS),
    _r("validatingwebhookconfigurations", "", "admissionregistration.k8s.io/v1", False,
       "ValidatingWebhookConfiguration", categories=EXTENSIONS),
    _r("customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", False,
       "CustomResourceDefinition", categories=EXTENSIONS),
    _r("apiservices", "", "apiregistration.k8s.io/v1", False, "APIService",
       categories=EXTENSIONS),
    _r("controllerrevisions", "", "apps/v1", True, "ControllerRevision"),
    _r("daemonsets", "ds", "apps/v1", True, "DaemonSet", categories=ALL),
    _r("deployments", "deploy", "apps/v1", True, "Deployment", categories=ALL),
    _r("replicasets", "rs", "apps/v1", True, "ReplicaSet", categories=ALL),
    _r("statefulsets", "sts", "apps/v1", True, "StatefulSet", categories=ALL),
    _r("selfsubjectreviews", "", "authentication.k8s.io/v1", False, "SelfSubjectReview",
       CREATE_ONLY),
    _r("tokenreviews", "", "authentication.k8s.io/v1", False, "TokenReview", CREATE_ONLY),
    _r("localsubjectaccessreviews", "", "authorization.k8s.io/v1", True,
       "LocalSubjectAccessReview", CREATE_ONLY),
    _r("selfsubjectaccessreviews", "", "authorization.k8s.io/v1", False,
       "SelfSubjectAccessReview", CREATE_ONLY),
    _r("selfsubjectrulesreviews", "", "authorization.k8s.io/v1", False,
       "SelfSubjectRulesReview", CREATE_ONLY),
    _r("subjectaccessreviews", "", "authorization.k8s.io/v1", False, "SubjectAccessReview",
       CREATE_ONLY),
    _r("horizontalpodautoscalers", "hpa", "autoscaling/v2", True, "HorizontalPodAutoscaler",
       categories=ALL),
    _r("cronjobs", "cj", "batch/v1", True, "CronJob", categories=ALL),
    _r("jobs", "", "batch/v1", True, "Job", categories=ALL),
    _r("certificatesigningrequests", "csr", "certificates.k8s.io/v1", False,
       "CertificateSigningRequest"),
    _r("leases", "", "coordination.k8s.io/v1", True, "Lease"),
    _r("endpointslices", "", "discovery.k8s.io/v1", True, "EndpointSlice"),
    _r("events", "ev", "events.k8s.io/v1", True, "Event"),
    _r("flowschemas", "", "flowcontrol.apiserver.k8s.io/v1", False, "FlowSchema"),
    _r("prioritylevelconfigurations", "", "flowcontrol.apiserver.k8s.io/v1", False,
       "PriorityLevelConfiguration"),
    _r("ingressclasses", "", "networking.k8s.io/v1", False, "IngressClass"),
    _r("ingresses", "ing", "networking.k8s.io/v1", True, "Ingress"),
    _r("networkpolicies", "netpol", "networking.k8s.io/v1", True, "NetworkPolicy"),
    _r("runtimeclasses", "", "node.k8s.io/v1", False, "RuntimeClass"),
    _r("poddisruptionbudgets", "pdb", "policy/v1", True, "PodDisruptionBudget"),
    _r("clusterrolebindings", "", "rbac.authorization.k8s.io/v1", False, "ClusterRoleBinding"),
    _r("clusterroles", "", "rbac.authorization.k8s.io/v1", False, "ClusterRole"),
    _r("rolebindings", "", "rbac.authorization.k8s.io/v1", True, "RoleBinding"),
    _r("roles", "", "rbac.authorization.k8s.io/v1", True, "Role"),
    _r("priorityclasses", "pc", "scheduling.k8s.io/v1", False, "PriorityClass"),
    _r("csidrivers", "", "storage.k8s.io/v1", False, "CSIDriver"),
    _r("csinodes", "", "storage.k8s.io/v1", False, "CSINode"),
    _r("csistoragecapacities", "", "storage.k8s.io/v1", True, "CSIStorageCapacity"),
    _r("storageclasses", "sc", "storage.k8s.io/v1", False, "StorageClass"),
    _r("volumeattachments", "", "storage.k8s.io/v1", False, "VolumeAttachment"),
)

METRICS_RESOURCES = (
    _r("nodes", "", "metrics.k8s.io/v1beta1", False, "NodeMetrics", READ_ONLY),
    _r("pods", "", "metrics.k8s.io/v1beta1", True, "PodMetrics", READ_ONLY),
)

#: Group versions served besides the preferred ones listed above.
OTHER_GROUP_VERSIONS = ("autoscaling/v1",)


def served_resources(cluster) -> list[ApiResource]:
    resources = list(API_RESOURCES)
    if is_enabled(cluster.profile, "metrics-server"):
        resources.extend(METRICS_RESOURCES)
    return resources


def served_group_versions(cluster) -> list[str]:
    versions = {resource.group_version for resource in served_resources(cluster)}
    return sorted(versions | set(OTHER_GROUP_VERSIONS))


@implement("api-versions")
def run_api_versions(invocation: Invocation) -> int:
    with invocation.ctx.sandbox.transaction() as cluster:
        try:
            connect(invocation, cluster)
        except Unreachable as unreachable:
            endpoint = unreachable.endpoint
            write_discovery_errors(invocation.ctx, invocation.stderr, endpoint, 1)
            raise KubectlError(
                f'couldn\'t get available api versions from server: Get "{endpoint.url}/api?'
                f'timeout=32s": dial tcp {endpoint.dial_address}: connect: '
                f"{endpoint.dial_error}") from None
        versions = served_group_versions(cluster)
    invocation.stdout.write("".join(version + "\n" for version in versions))
    return 0


def _sort_key(sort_by: str):
    if sort_by == "name":
        return lambda resource: (resource.name,)
    if sort_by == "kind":
        return lambda resource: (resource.kind, resource.name)
    return lambda resource: (resource.group, resource.name)


@implement("api-resources")
def run_api_resources(invocation: Invocation) -> int:
    flags = invocation.flags
    output = flags.get("output") or ""
    if output not in ("", "wide", "name"):
        raise KubectlError(f"--output {output} is not available")
    sort_by = flags.get("sort-by") or ""
    if sort_by not in ("", "name", "kind"):
        raise KubectlError("--sort-by accepts only name or kind")
    headers = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    if output == "wide":
        headers += ["VERBS", "CATEGORIES"]
    with invocation.ctx.sandbox.transaction() as cluster:
        try:
            connect(invocation, cluster)
        except Unreachable as unreachable:
            unreachable.discovery_attempts = 1
            if output != "name" and not flags.get("no-headers"):
                unreachable.stdout_before_message = "   ".join(headers) + "\n"
            raise
        resources = served_resources(cluster)
    group = flags.get("api-group")
    if flags.was_set("api-group"):
        resources = [resource for resource in resources if resource.group == group]
    if flags.was_set("namespaced"):
        resources = [resource for resource in resources
                     if resource.namespaced == bool(flags.get("namespaced"))]
    verbs = flags.get("verbs") or []
    resources = [resource for resource in resources
                 if all(verb in resource.verbs for verb in verbs)]
    categories = flags.get("categories") or []
    resources = [resource for resource in resources
                 if all(category in resource.categories for category in categories)]
    resources.sort(key=_sort_key(sort_by))
    if output == "name":
        invocation.stdout.write("".join(resource.full_name + "\n" for resource in resources))
        return 0
    writer = kubectl_table_writer(invocation.stdout)
    if not flags.get("no-headers"):
        writer.write("\t".join(headers) + "\n")
    for resource in resources:
        cells = [resource.name, ",".join(resource.short_names), resource.group_version,
                 "true" if resource.namespaced else "false", resource.kind]
        if output == "wide":
            cells += [",".join(resource.verbs), ",".join(resource.categories)]
        writer.write("\t".join(cells) + "\n")
    writer.flush()
    return 0
