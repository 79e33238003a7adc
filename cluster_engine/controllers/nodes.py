"""The node lifecycle controller: what the control plane does when a kubelet goes silent.

kube-controller-manager only knows a node through the status its kubelet posts. When a worker's
container stops, the posts stop; after ``node-monitor-grace-period`` (50 s from v1.32) the node's
conditions turn Unknown, it gets the ``node.kubernetes.io/unreachable`` taints, and its pods are
marked not Ready. The taint eviction controller then deletes each pod once its toleration for the
taint runs out (300 s by default, or ``profile["eviction_seconds"]`` so a lesson can shorten the
wait); with no kubelet to confirm, such a pod stays Terminating until the node returns or is
deleted, while its ReplicaSet starts a replacement on a healthy node. The pod garbage collector
removes pods bound to a node that no longer exists.

Time passing is only seen through timers (the controllers wake for changes), so a stopped kubelet
schedules the grace-period check, and each pod's eviction is a timer of its own. A cluster whose
kubelets all run produces no writes here.
"""

from __future__ import annotations

from ..clock import rfc3339
from ..cluster import Cluster, controller
from ..events import object_reference, record_event
from ..resources import resolve
from ..store import clone
from ..timers import timer_action
from ..workloads import delete_pod

NODES = resolve("nodes")
PODS = resolve("pods")
NODE_MONITOR_GRACE_SECONDS = 50
DEFAULT_TOLERATION_SECONDS = 300
UNREACHABLE = "node.kubernetes.io/unreachable"
_GRACE_TIMER = "node.grace-period"
_EVICTION_TIMER = "node.taint-eviction"
_UNKNOWN = {"MemoryPressure": "NodeStatusUnknown", "DiskPressure": "NodeStatusUnknown",
            "PIDPressure": "NodeStatusUnknown", "Ready": "NodeStatusUnknown"}
_MESSAGE = "Kubelet stopped posting node status."


def stopped_kubelets(profile: dict) -> set[str]:
    """Nodes whose container, and so kubelet, minikube has stopped while the cluster runs."""
    return {worker["node"] for worker in profile.get("workers", []) if not worker.get("running")}


def watch_heartbeat(cluster: Cluster, node_name: str, last_heartbeat: float) -> None:
    """Check on the node once the grace period after its last heartbeat has run out."""
    cluster.timers.schedule(last_heartbeat + NODE_MONITOR_GRACE_SECONDS, _GRACE_TIMER, node_name)


def _ready_status(node: dict) -> str | None:
    for condition in node.get("status", {}).get("conditions", []):
        if condition.get("type") == "Ready":
            return condition.get("status")
    return None


def _unreachable_taints(node: dict) -> list[dict]:
    return [taint for taint in node.get("spec", {}).get("taints", [])
            if taint.get("key") == UNREACHABLE]


def pods_by_node(cluster: Cluster) -> dict[str, set[str]]:
    """Store keys of pods by the node they are bound to (keys may be stale: check the pod)."""
    return cluster.index(PODS.qualified_name, "pods.by-node",
                         lambda pod: pod["spec"].get("nodeName") or None)


def _pods_on(cluster: Cluster, node_name: str) -> list[dict]:
    """Copies of the pods bound to the node, in store order, for the caller to change."""
    return cluster.store.list(PODS, predicate=lambda pod: pod["spec"].get("nodeName") == node_name)


@timer_action(_GRACE_TIMER)
def _grace_period_over(cluster: Cluster, node_name: str) -> None:
    node = cluster.store.find(NODES, None, node_name)
    if node is None or node_name not in stopped_kubelets(cluster.profile):
        return
    if _ready_status(node) == "Unknown":
        return
    now = rfc3339(cluster.now)
    for condition in node["status"]["conditions"]:
        if condition["type"] in _UNKNOWN:
            condition.update(status="Unknown", reason=_UNKNOWN[condition["type"]],
                             message=_MESSAGE, lastTransitionTime=now)
    taints = [t for t in node["spec"].get("taints", []) if t.get("key") != UNREACHABLE]
    taints += [{"effect": "NoSchedule", "key": UNREACHABLE, "timeAdded": now},
               {"effect": "NoExecute", "key": UNREACHABLE, "timeAdded": now}]
    node["spec"]["taints"] = taints
    cluster.store.update(NODES, node)
    record_event(cluster, {"kind": "Node", "name": node_name, "uid": node["metadata"]["uid"],
                           "apiVersion": "v1"},
                 "NodeNotReady", f"Node {node_name} status is now: NodeNotReady", "node-controller")
    for pod in _pods_on(cluster, node_name):
        _mark_not_ready(cluster, pod)
        _schedule_eviction(cluster, pod)


def _mark_not_ready(cluster: Cluster, pod: dict) -> None:
    changed = False
    for condition in pod.get("status", {}).get("conditions", []):
        if condition["type"] in ("Ready", "ContainersReady") and condition["status"] != "False":
            condition.update(status="False", lastTransitionTime=rfc3339(cluster.now))
            changed = True
    for status in pod.get("status", {}).get("containerStatuses", []):
        if status.get("ready"):
            status["ready"] = False
            changed = True
    if changed:
        cluster.store.update(PODS, pod)
    record_event(cluster, object_reference(pod), "NodeNotReady", "Node is not ready",
                 "node-controller", event_type="Warning")


def toleration_seconds(cluster: Cluster, pod: dict) -> float | None:
    """How long the pod may stay on an unreachable node; None for as long as it likes."""
    for toleration in pod["spec"].get("tolerations", []):
        if toleration.get("effect") not in (None, "", "NoExecute"):
            continue
        if toleration.get("operator") == "Exists" and not toleration.get("key") \
                or toleration.get("key") == UNREACHABLE:
            seconds = toleration.get("tolerationSeconds")
            if seconds is None:
                return None
            if seconds == DEFAULT_TOLERATION_SECONDS:
                return cluster.profile.get("eviction_seconds", seconds)
            return seconds
    return 0


def _schedule_eviction(cluster: Cluster, pod: dict) -> None:
    if pod["metadata"].get("deletionTimestamp"):
        return
    seconds = toleration_seconds(cluster, pod)
    if seconds is None:
        return
    meta = pod["metadata"]
    cluster.timers.schedule(cluster.now + max(0, seconds), _EVICTION_TIMER, meta["namespace"],
                            meta["name"], meta["uid"], pod["spec"]["nodeName"])


@timer_action(_EVICTION_TIMER)
def _evict(cluster: Cluster, namespace: str, name: str, uid: str, node_name: str) -> None:
    pod = cluster.store.find(PODS, namespace, name)
    node = cluster.store.find(NODES, None, node_name)
    if pod is None or pod["metadata"]["uid"] != uid or pod["metadata"].get("deletionTimestamp"):
        return
    if node is None or not any(t.get("effect") == "NoExecute" for t in _unreachable_taints(node)):
        return
    record_event(cluster, object_reference(pod), "TaintManagerEviction",
                 f"Marking for deletion Pod {namespace}/{name}", "taint-eviction-controller")
    delete_pod(cluster, pod)


def _missing_nodes(cluster: Cluster, by_node: dict[str, set[str]]) -> set[str]:
    """The node names pods are bound to that no node has, kept until a node is written or a
    pod names a node not seen before (the index by node only ever gains names): every
    reconcile asks, and the answer is nearly always none."""
    version = (cluster.store.writes.get(NODES.qualified_name, 0), len(by_node))
    cached = cluster.cache.get("nodes.missing")
    if cached is None or cached[0] != version:
        names = {node["metadata"]["name"] for node in cluster.store.iter_stored(NODES)}
        cached = cluster.cache["nodes.missing"] = (version, by_node.keys() - names)
    return cached[1]


def _ready_but_tainted(node: dict) -> bool | None:
    return True if _ready_status(node) == "True" and _unreachable_taints(node) else None


@controller
def run_node_lifecycle(cluster: Cluster) -> None:
    nodes = cluster.state.objects.get(NODES.qualified_name, {})
    healed = cluster.index(NODES.qualified_name, "nodes.ready-but-tainted",
                           _ready_but_tainted).get(True)
    if healed:
        _lift_unreachable_taints(cluster, nodes, healed)
    by_node = pods_by_node(cluster)
    missing = _missing_nodes(cluster, by_node)
    if missing:
        _delete_orphans(cluster, nodes, by_node, missing)


def _lift_unreachable_taints(cluster: Cluster, nodes: dict, healed: set[str]) -> None:
    """Nodes Ready again lose the unreachable taint, and their pods' evictions are called off."""
    silent = stopped_kubelets(cluster.profile)
    for key in sorted(healed):
        node = nodes.get(key)
        if node is None or node["metadata"]["name"] in silent:
            continue
        node = clone(node)
        name = node["metadata"]["name"]
        if _ready_status(node) == "True" and _unreachable_taints(node):
            node["spec"]["taints"] = [t for t in node["spec"]["taints"]
                                      if t.get("key") != UNREACHABLE]
            if not node["spec"]["taints"]:
                del node["spec"]["taints"]
            cluster.store.update(NODES, node)
            cluster.timers.cancel(lambda action, args, name=name:
                                  action == _EVICTION_TIMER and args[3] == name)


def _delete_orphans(cluster: Cluster, nodes: dict, by_node: dict[str, set[str]],
                    missing: set[str]) -> None:
    """Pods bound to a node that no longer exists go at once (the pod GC's orphan sweep)."""
    bucket = cluster.state.objects.get(PODS.qualified_name, {})
    orphans = [pod for key in sorted(key for node_name in missing for key in by_node[node_name])
               if (pod := bucket.get(key)) is not None
               and pod["spec"].get("nodeName") and f'/{pod["spec"]["nodeName"]}' not in nodes]
    for pod in orphans:
        meta = pod["metadata"]
        cluster.store.delete(PODS, meta["namespace"], meta["name"])
        cluster.state.logs.pop(meta["uid"], None)


__all__ = ["run_node_lifecycle", "watch_heartbeat", "toleration_seconds",
           "NODE_MONITOR_GRACE_SECONDS"]
