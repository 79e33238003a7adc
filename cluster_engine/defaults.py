"""What the API server fills in when a pod is created.

``kubectl run x --image=nginx --dry-run=client -o yaml`` shows what the client sends; ``kubectl get
pod x -o yaml`` shows much more: the defaulting of core/v1 (grace period, restart policy, DNS
policy, pull policy, termination message, probe timings ...) and the admission plugins of a
kubeadm cluster (ServiceAccount adds the ``kube-api-access-xxxxx`` projected volume and its mount,
DefaultTolerationSeconds adds the not-ready/unreachable tolerations, Priority sets ``priority``).
A pod is stored in that defaulted form, whoever creates it (``kubectl run``, a ReplicaSet, a
manifest), so everything that reads it later sees what a real cluster would show.

Every function here is idempotent: defaulting an already defaulted pod changes nothing and draws
no random numbers.
"""

from __future__ import annotations

from .quantities import parse_quantity
from .rng import SandboxRandom
from .store import clone

SERVICE_ACCOUNT_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
API_ACCESS_PREFIX = "kube-api-access-"
DEFAULT_TOLERATION_SECONDS = 300
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"

_POD_SPEC_DEFAULTS = {
    "dnsPolicy": "ClusterFirst",
    "enableServiceLinks": True,
    "preemptionPolicy": "PreemptLowerPriority",
    "priority": 0,
    "restartPolicy": "Always",
    "schedulerName": "default-scheduler",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30,
}
_CONTAINER_DEFAULTS = {
    "resources": {},
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
}
_PROBE_DEFAULTS = {"failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1,
                   "timeoutSeconds": 1}
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PRIORITY_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


def image_pull_policy(image: str) -> str:
    """``Always`` for ``:latest`` or an untagged image (unless pinned by digest), else ``IfNotPresent``."""
    if "@" in image:
        return "IfNotPresent"
    last_segment = image.rsplit("/", 1)[-1]
    tag = last_segment.split(":", 1)[1] if ":" in last_segment else ""
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def fill_defaults(target: dict, defaults: dict) -> None:
    """Set each key ``target`` lacks to its own copy of the default, in place (``setdefault``
    without copying the defaults that are not taken)."""
    for key, value in defaults.items():
        if key not in target:
            target[key] = clone(value)


def _default_probe(probe: dict) -> None:
    for key, value in _PROBE_DEFAULTS.items():
        probe.setdefault(key, value)
    if "httpGet" in probe:
        probe["httpGet"].setdefault("path", "/")
        probe["httpGet"].setdefault("scheme", "HTTP")


def _default_env(env: list[dict]) -> None:
    for variable in env:
        field_ref = variable.get("valueFrom", {}).get("fieldRef")
        if field_ref is not None:
            field_ref.setdefault("apiVersion", "v1")


def default_container(container: dict, host_network: bool = False) -> dict:
    """Container defaults of core/v1, in place; returns the container."""
    fill_defaults(container, _CONTAINER_DEFAULTS)
    if container.get("image"):
        container.setdefault("imagePullPolicy", image_pull_policy(container["image"]))
    for port in container.get("ports", []):
        port.setdefault("protocol", "TCP")
        if host_network:
            port.setdefault("hostPort", port.get("containerPort"))
    for probe in _PROBES:
        if probe in container:
            _default_probe(container[probe])
    _default_env(container.get("env", []))
    return container


def _default_requests_to_limits(container: dict) -> None:
    """A limit without a request makes the request: for a Pod's containers only, never for a
    pod template (the API server's ``SetDefaults_Pod``)."""
    resources = container["resources"]
    if resources.get("limits"):
        requests = resources.setdefault("requests", {})
        for resource, limit in resources["limits"].items():
            requests.setdefault(resource, limit)


def _default_volume(volume: dict) -> None:
    for source in ("configMap", "secret"):
        if source in volume:
            volume[source].setdefault("defaultMode", 420)
    if "hostPath" in volume:
        volume["hostPath"].setdefault("type", "")
    if "emptyDir" in volume and volume["emptyDir"] is None:
        volume["emptyDir"] = {}


def api_access_volume(name: str) -> dict:
    """The projected service-account volume the ServiceAccount admission plugin adds."""
    return {"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1",
                                                 "fieldPath": "metadata.namespace"},
                                    "path": "namespace"}]}},
    ]}}


def _has_api_access(spec: dict) -> bool:
    if any(volume.get("name", "").startswith(API_ACCESS_PREFIX) for volume in spec.get("volumes", [])):
        return True
    return any(mount.get("mountPath") == SERVICE_ACCOUNT_MOUNT_PATH
               for container in spec.get("containers", []) + spec.get("initContainers", [])
               for mount in container.get("volumeMounts", []))


def _add_api_access(spec: dict, rng: SandboxRandom) -> None:
    if spec.get("automountServiceAccountToken") is False or _has_api_access(spec):
        return
    name = API_ACCESS_PREFIX + rng.token(5)
    spec.setdefault("volumes", []).append(api_access_volume(name))
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        container.setdefault("volumeMounts", []).append(
            {"mountPath": SERVICE_ACCOUNT_MOUNT_PATH, "name": name, "readOnly": True})


def _tolerates(tolerations: list[dict], key: str) -> bool:
    return any((toleration.get("key", "") in ("", key))
               and toleration.get("effect", "") in ("", "NoExecute")
               for toleration in tolerations)


def _add_default_tolerations(spec: dict) -> None:
    tolerations = spec.get("tolerations", [])
    for key in (NOT_READY_TAINT, UNREACHABLE_TAINT):
        if not _tolerates(tolerations, key):
            tolerations.append({"effect": "NoExecute", "key": key, "operator": "Exists",
                                "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})
    spec["tolerations"] = tolerations


def _default_pod_spec(spec: dict) -> dict:
    """Defaulting of a pod spec, in place, short of ``admit_pod``'s additions; returns the spec."""
    fill_defaults(spec, _POD_SPEC_DEFAULTS)
    if spec.get("priorityClassName") in _PRIORITY_CLASSES:
        spec["priority"] = _PRIORITY_CLASSES[spec["priorityClassName"]]
    spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    host_network = bool(spec.get("hostNetwork"))
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        default_container(container, host_network)
        _default_requests_to_limits(container)
    for volume in spec.get("volumes", []):
        _default_volume(volume)
    return spec


def qos_class(spec: dict) -> str:
    """``Guaranteed``, ``Burstable`` or ``BestEffort``, as the API server computes it on create."""
    containers = spec.get("initContainers", []) + spec.get("containers", [])
    requested = any(parse_quantity(value) != 0
                    for container in containers
                    for kind in ("requests", "limits")
                    for resource, value in (container.get("resources", {}).get(kind) or {}).items()
                    if resource in ("cpu", "memory"))
    if not requested:
        return "BestEffort"
    for container in containers:
        resources = container.get("resources", {})
        limits, requests = resources.get("limits") or {}, resources.get("requests") or {}
        for resource in ("cpu", "memory"):
            if resource not in limits:
                return "Burstable"
            if resource in requests and parse_quantity(requests[resource]) != parse_quantity(
                    limits[resource]):
                return "Burstable"
    return "Guaranteed"


def default_pod(pod: dict, rng: SandboxRandom) -> dict:
    """A pod as the API server stores it on create, in place; returns the pod."""
    return admit_pod(default_pod_fields(pod), rng)


def default_pod_fields(pod: dict) -> dict:
    """All of ``default_pod`` but ``admit_pod``, in place; returns the pod. It draws no random
    number, so a controller creating many pods from one template does this once and admits
    a copy of the result per pod."""
    pod.setdefault("metadata", {})
    _default_pod_spec(pod.setdefault("spec", {}))
    status = pod.get("status") or {}
    status.setdefault("phase", "Pending")
    status.setdefault("qosClass", qos_class(pod["spec"]))
    pod["status"] = status
    return pod


def admit_pod(pod: dict, rng: SandboxRandom) -> dict:
    """What the ServiceAccount and DefaultTolerationSeconds admission plugins add to a pod
    ``default_pod_fields`` defaulted, in place: the ``kube-api-access-xxxxx`` volume, named at
    random, and the not-ready/unreachable tolerations after it. Returns the pod."""
    _add_api_access(pod["spec"], rng)
    _add_default_tolerations(pod["spec"])
    return pod
