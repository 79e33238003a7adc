"""Server-side tables for the objects the six modules look at most: pods, deployments,
replica sets, services and endpoints.

Each row function follows the rules of the API server's printers (reference §1.2): which
container's state names a pod's STATUS, how RESTARTS shows the last restart, how a service's
EXTERNAL-IP and PORT(S) read. Importing this module registers the tables with ``tables``.
"""

from __future__ import annotations

from .duration import age
from .tables import (AGE_COLUMN, NAME_COLUMN, TableColumn, object_age, parsed_timestamp,
                     table_generator)

TERMINAL_PHASES = ("Succeeded", "Failed")
NODE_LOST_REASON = "NodeLost"
MAX_ENDPOINTS_SHOWN = 3


def _none_if_empty(value: str | None) -> str:
    return value or "<none>"


def _condition_true(pod: dict, kind: str) -> bool:
    return any(condition.get("type") == kind and condition.get("status") == "True"
               for condition in pod.get("status", {}).get("conditions") or [])


def _terminated_reason(terminated: dict) -> str:
    if terminated.get("reason"):
        return terminated["reason"]
    if terminated.get("signal"):
        return f"Signal:{terminated['signal']}"
    return f"ExitCode:{terminated.get('exitCode', 0)}"


def _last_restart(statuses: list[dict]) -> float | None:
    finished = [parsed_timestamp(stamp) for status in statuses
                if (stamp := (status.get("lastState") or {}).get("terminated", {}).get("finishedAt"))]
    return max(finished) if finished else None


def pod_status_cells(pod: dict) -> tuple[str, str, int, float | None]:
    """READY, STATUS, the restart count and the last restart time, as the API server works them out."""
    spec, status = pod.get("spec", {}), pod.get("status", {})
    reason = status.get("reason") or status.get("phase", "")
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_statuses = status.get("initContainerStatuses") or []
    restarts = sum(entry.get("restartCount", 0) for entry in init_statuses)
    last_restart = _last_restart(init_statuses)
    initializing = False
    for index, entry in enumerate(init_statuses):
        state = entry.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated and terminated.get("exitCode") == 0:
            continue
        if terminated:
            reason = "Init:" + _terminated_reason(terminated)
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{index}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break
    containers = status.get("containerStatuses") or []
    ready = 0
    if not initializing or _condition_true(pod, "Initialized"):
        restarts, last_restart, has_running = 0, _last_restart(containers), False
        for entry in reversed(containers):
            restarts += entry.get("restartCount", 0)
            state = entry.get("state") or {}
            terminated, waiting = state.get("terminated"), state.get("waiting")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated:
                reason = _terminated_reason(terminated)
            elif entry.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(pod, "Ready") else "NotReady"
    deleting = pod.get("metadata", {}).get("deletionTimestamp")
    if deleting and status.get("reason") == NODE_LOST_REASON:
        reason = "Unknown"
    elif deleting and status.get("phase") not in TERMINAL_PHASES:
        reason = "Terminating"
    total = len(spec.get("containers") or [])
    return f"{ready}/{total}", reason, restarts, last_restart


def _restarts_cell(restarts: int, last_restart: float | None, now: float) -> str:
    if restarts and last_restart is not None:
        return f"{restarts} ({age(last_restart, now)} ago)"
    return str(restarts)


@table_generator("Pod", (
    NAME_COLUMN,
    TableColumn("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
    TableColumn("Status", description="The aggregate status of the containers in this pod."),
    TableColumn("Restarts", type="string", description="The number of times the containers in this pod "
                "have been restarted and when the last container in this pod has restarted."),
    AGE_COLUMN,
    TableColumn("IP", priority=1, description="IP address allocated to the pod. Routable at least "
                "within the cluster. Empty if not yet allocated."),
    TableColumn("Node", priority=1, description="NodeName is a request to schedule this pod onto a "
                "specific node."),
    TableColumn("Nominated Node", priority=1, description="nominatedNodeName is set only when this "
                "pod preempts other pods on the node."),
    TableColumn("Readiness Gates", priority=1, description="If specified, all readiness gates will "
                "be evaluated for pod readiness."),
))
def pod_row(pod: dict, now: float) -> list:
    ready, reason, restarts, last_restart = pod_status_cells(pod)
    status = pod.get("status", {})
    pod_ips = status.get("podIPs") or []
    gates = pod.get("spec", {}).get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        true_conditions = {condition["type"] for condition in status.get("conditions") or []
                           if condition.get("status") == "True"}
        gates_cell = f"{sum(gate.get('conditionType') in true_conditions for gate in gates)}/{len(gates)}"
    return [
        pod["metadata"]["name"], ready, reason, _restarts_cell(restarts, last_restart, now),
        object_age(pod, now),
        _none_if_empty(pod_ips[0].get("ip") if pod_ips else status.get("podIP")),
        _none_if_empty(pod.get("spec", {}).get("nodeName")),
        _none_if_empty(status.get("nominatedNodeName")),
        gates_cell,
    ]


def format_labels(labels: dict | None) -> str:
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels)) if labels else "<none>"


def format_selector(selector: dict | None) -> str:
    """``metav1.FormatLabelSelector``: requirements sorted by key, ``<none>`` when empty."""
    if not selector:
        return "<none>"
    requirements = [(key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()]
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        text = {"In": f"{key} in ({','.join(sorted(values))})",
                "NotIn": f"{key} notin ({','.join(sorted(values))})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(operator, key)
        requirements.append((key, text))
    return ",".join(text for _key, text in sorted(requirements)) or "<none>"


def _template_cells(obj: dict) -> list[str]:
    containers = obj.get("spec", {}).get("template", {}).get("spec", {}).get("containers") or []
    return [",".join(container["name"] for container in containers),
            ",".join(container.get("image", "") for container in containers),
            format_selector(obj.get("spec", {}).get("selector"))]


WORKLOAD_WIDE_COLUMNS = (
    TableColumn("Containers", priority=1, description="Names of each container in the template."),
    TableColumn("Images", priority=1, description="Images referenced by each container in the template."),
    TableColumn("Selector", priority=1, description="Label selector for pods."),
)


@table_generator("Deployment", (
    NAME_COLUMN,
    TableColumn("Ready", description="Number of the pod with ready state"),
    TableColumn("Up-to-date", type="integer", description="Total number of non-terminated pods "
                "targeted by this deployment that have the desired template spec."),
    TableColumn("Available", type="integer", description="Total number of available pods "
                "(ready for at least minReadySeconds) targeted by this deployment."),
    AGE_COLUMN,
    *WORKLOAD_WIDE_COLUMNS,
))
def deployment_row(deployment: dict, now: float) -> list:
    spec, status = deployment.get("spec", {}), deployment.get("status", {})
    return [deployment["metadata"]["name"],
            f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            status.get("updatedReplicas", 0), status.get("availableReplicas", 0),
            object_age(deployment, now), *_template_cells(deployment)]


@table_generator("ReplicaSet", (
    NAME_COLUMN,
    TableColumn("Desired", type="integer", description="Number of desired pods."),
    TableColumn("Current", type="integer", description="Number of actual replicas."),
    TableColumn("Ready", type="integer", description="The number of ready replicas for this replica set."),
    AGE_COLUMN,
    *WORKLOAD_WIDE_COLUMNS,
))
def replicaset_row(replicaset: dict, now: float) -> list:
    spec, status = replicaset.get("spec", {}), replicaset.get("status", {})
    return [replicaset["metadata"]["name"], spec.get("replicas", 0), status.get("replicas", 0),
            status.get("readyReplicas", 0), object_age(replicaset, now), *_template_cells(replicaset)]


def service_external_ip(service: dict) -> str:
    """The API server builds its tables as if for ``-o wide`` (GenerateOptions{Wide: true}), so
    the 16-character cut of long load-balancer addresses never shows through ``kubectl get``."""
    spec = service.get("spec", {})
    kind = spec.get("type", "ClusterIP")
    external = spec.get("externalIPs") or []
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if kind == "ExternalName":
        return spec.get("externalName", "")
    if kind == "LoadBalancer":
        ingress = [entry.get("ip") or entry.get("hostname") or ""
                   for entry in service.get("status", {}).get("loadBalancer", {}).get("ingress") or []]
        return ",".join(ingress + external) or "<pending>"
    return "<unknown>"


def service_ports(service: dict) -> str:
    cells = []
    for port in service.get("spec", {}).get("ports") or []:
        protocol = port.get("protocol", "TCP")
        if port.get("nodePort"):
            cells.append(f"{port['port']}:{port['nodePort']}/{protocol}")
        else:
            cells.append(f"{port['port']}/{protocol}")
    return ",".join(cells) or "<none>"


@table_generator("Service", (
    NAME_COLUMN,
    TableColumn("Type", description="type determines how the Service is exposed."),
    TableColumn("Cluster-IP", description="clusterIP is the IP address of the service and is usually "
                "assigned randomly."),
    TableColumn("External-IP", description="externalIPs is a list of IP addresses for which nodes in "
                "the cluster will also accept traffic for this service."),
    TableColumn("Port(s)", description="The list of ports that are exposed by this service."),
    AGE_COLUMN,
    TableColumn("Selector", priority=1, description="Route service traffic to pods with label keys "
                "and values matching this selector."),
))
def service_row(service: dict, now: float) -> list:
    spec = service.get("spec", {})
    return [service["metadata"]["name"], spec.get("type", "ClusterIP"),
            _none_if_empty(spec.get("clusterIP")), service_external_ip(service),
            service_ports(service), object_age(service, now), format_labels(spec.get("selector"))]


def format_endpoints(endpoints: dict) -> str:
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    shown, total = [], 0
    for subset in subsets:
        addresses = [address["ip"] for address in subset.get("addresses") or []]
        ports = subset.get("ports") or [None]
        for port in ports:
            total += len(addresses)
            for ip in addresses:
                if len(shown) == MAX_ENDPOINTS_SHOWN:
                    break
                shown.append(ip if port is None else
                             (f"[{ip}]:{port['port']}" if ":" in ip else f"{ip}:{port['port']}"))
    text = ",".join(shown)
    return f"{text} + {total - MAX_ENDPOINTS_SHOWN} more..." if total > MAX_ENDPOINTS_SHOWN else text


@table_generator("Endpoints", (
    NAME_COLUMN,
    TableColumn("Endpoints", description="Endpoints of the service"),
    AGE_COLUMN,
))
def endpoints_row(endpoints: dict, now: float) -> list:
    return [endpoints["metadata"]["name"], format_endpoints(endpoints), object_age(endpoints, now)]
