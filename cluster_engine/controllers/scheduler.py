"""kube-scheduler: puts each pending pod on a node, or says why none fits.

For every pod without ``spec.nodeName`` the filters of the default profile that matter on a
learner's cluster run against every node (node unschedulable, node selector and required node
affinity, NoSchedule/NoExecute taints, cpu/memory/pod-count fit); among the nodes that pass,
the least allocated one wins. A pod that fits nowhere gets ``PodScheduled=False`` with reason
``Unschedulable`` and one ``FailedScheduling`` event whose message counts the reasons per node,
as the real scheduler words it. The pod is looked at again on every reconcile (level-driven),
but the event and condition are written only when the verdict changes, so a pod that stays
unschedulable costs nothing.

The decisions (``node_fit_failures``, ``pick_node``, ``failed_scheduling_message``) are pure
functions of wire-form objects; ``reconcile`` only applies them.
"""

from __future__ import annotations

import heapq
from collections import Counter
from fractions import Fraction

from ..clock import rfc3339
from ..cluster import Cluster, controller
from ..events import object_reference, record_event
from ..quantities import parse_quantity
from ..resources import resolve

PODS = resolve("pods")
NODES = resolve("nodes")
COMPONENT = "default-scheduler"
_TERMINAL_PHASES = ("Succeeded", "Failed")
_UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
_NOT_READY_TAINT = "node.kubernetes.io/not-ready"
_RESOURCE_REASONS = ("Insufficient cpu", "Insufficient memory", "Too many pods")


# -- pure decisions ------------------------------------------------------------------------------
_NOTHING = Fraction(0)


def pod_requests(pod: dict) -> dict[str, Fraction]:
    """Effective cpu/memory requests: the sum over containers, or the largest init container."""
    spec = pod.get("spec", {})
    result = {"cpu": _NOTHING, "memory": _NOTHING}
    for container in spec.get("containers", ()):
        requests = (container.get("resources") or {}).get("requests")
        if not requests:
            continue
        for resource in ("cpu", "memory"):
            if (value := requests.get(resource)) is not None:
                result[resource] = _added(result[resource], parse_quantity(value))
    init_containers = spec.get("initContainers")
    if init_containers:
        for resource in ("cpu", "memory"):
            largest = max(_request(container, resource) for container in init_containers)
            result[resource] = max(result[resource], largest)
    return result


def _added(total: Fraction, amount: Fraction) -> Fraction:
    """``total + amount`` without Fraction arithmetic when either is zero (most pods request
    nothing or one resource, and every scheduling pass counts every pod again)."""
    if not amount:
        return total
    return total + amount if total else amount


def _request(container: dict, resource: str) -> Fraction:
    value = ((container.get("resources") or {}).get("requests") or {}).get(resource)
    return parse_quantity(value) if value is not None else _NOTHING


def occupies_node(pod: dict) -> bool:
    return bool(pod["spec"].get("nodeName")) and pod["status"].get("phase") not in _TERMINAL_PHASES


def node_ready(node: dict) -> bool:
    return any(condition.get("type") == "Ready" and condition.get("status") == "True"
               for condition in node.get("status", {}).get("conditions", []))


def _effective_taints(node: dict) -> list[dict]:
    taints = list(node.get("spec", {}).get("taints", []))
    if not node_ready(node) and not any(t.get("key") == _NOT_READY_TAINT for t in taints):
        taints.append({"key": _NOT_READY_TAINT, "effect": "NoSchedule"})
    if node.get("spec", {}).get("unschedulable") and \
            not any(t.get("key") == _UNSCHEDULABLE_TAINT for t in taints):
        taints.append({"key": _UNSCHEDULABLE_TAINT, "effect": "NoSchedule"})
    return taints


def tolerates(toleration: dict, taint: dict) -> bool:
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("operator", "Equal") == "Exists":
        return not toleration.get("key") or toleration["key"] == taint.get("key")
    return (toleration.get("key") == taint.get("key")
            and toleration.get("value", "") == taint.get("value", ""))


def _untolerated_taint(pod: dict, node: dict) -> dict | None:
    tolerations = pod["spec"].get("tolerations", [])
    for taint in _effective_taints(node):
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(tolerates(toleration, taint) for toleration in tolerations):
            return taint
    return None


def _match_expression(labels: dict, expression: dict) -> bool:
    key, operator = expression.get("key"), expression.get("operator")
    values = expression.get("values") or []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    if operator in ("Gt", "Lt") and key in labels:
        try:
            value, bound = int(labels[key]), int(values[0])
        except (ValueError, IndexError):
            return False
        return value > bound if operator == "Gt" else value < bound
    return False


def _matches_node_affinity(pod: dict, node: dict) -> bool:
    labels = node["metadata"].get("labels", {})
    selector = pod["spec"].get("nodeSelector") or {}
    if any(labels.get(key) != value for key, value in selector.items()):
        return False
    required = (((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    if not required:
        return True
    fields = {"metadata.name": node["metadata"]["name"]}
    for term in required.get("nodeSelectorTerms", []):
        if all(_match_expression(labels, e) for e in term.get("matchExpressions", [])) and \
                all(_match_expression(fields, e) for e in term.get("matchFields", [])):
            return True
    return False


def _allocatable(node: dict) -> dict[str, Fraction]:
    """The node's allocatable cpu, memory and pod count (zero where it states none)."""
    allocatable = node.get("status", {}).get("allocatable", {})
    return {resource: parse_quantity(value) if (value := allocatable.get(resource)) is not None
            else _NOTHING for resource in ("pods", "cpu", "memory")}


def node_usages(nodes: list[dict], pods) -> dict[str, dict]:
    """What the pods occupying each node request, in one pass over the pods."""
    usages = {node["metadata"]["name"]: {"cpu": _NOTHING, "memory": _NOTHING, "pods": 0}
              for node in nodes}
    for pod in pods:
        usage = usages.get(pod["spec"].get("nodeName"))
        if usage is not None and occupies_node(pod):
            _add_usage(usage, pod_requests(pod))
    return usages


def _add_usage(usage: dict, wanted: dict[str, Fraction]) -> None:
    usage["pods"] += 1
    for resource, amount in wanted.items():
        usage[resource] = _added(usage[resource], amount)


def node_fit_failures(pod: dict, node: dict, usage: dict,
                      wanted: dict[str, Fraction] | None = None) -> list[str]:
    """Why ``pod`` cannot go on ``node`` (already holding ``usage``), in the scheduler's words;
    empty if it fits."""
    return _placement_failures(pod, node) or _resource_failures(
        usage, pod_requests(pod) if wanted is None else wanted, _allocatable(node))


def _placement_failures(pod: dict, node: dict) -> list[str]:
    """The filters that depend on the pod's constraints and the node alone, not on what the
    node already holds: node selector and affinity, taints."""
    if not _matches_node_affinity(pod, node):
        return ["node(s) didn't match Pod's node affinity/selector"]
    taint = _untolerated_taint(pod, node)
    if taint is not None:
        if taint.get("key") == _UNSCHEDULABLE_TAINT and node["spec"].get("unschedulable"):
            return ["node(s) were unschedulable"]
        return [f"node(s) had untolerated taint {{{taint.get('key')}: {taint.get('value', '')}}}"]
    return []


def _resource_failures(usage: dict, wanted: dict[str, Fraction],
                       allocatable: dict[str, Fraction]) -> list[str]:
    failures = []
    if usage["pods"] + 1 > allocatable["pods"]:
        failures.append("Too many pods")
    for resource in ("cpu", "memory"):
        if wanted[resource] and usage[resource] + wanted[resource] > allocatable[resource]:
            failures.append(f"Insufficient {resource}")
    return failures


def _load(node: dict, usage: dict, wanted: dict[str, Fraction],
          allocatable: dict[str, Fraction] | None = None) -> tuple:
    """How full the node would be with the pod: the mean share of its allocatable cpu and
    memory, then its pod count and name; the least allocated node sorts first.

    Every bind re-scores a node, so the exact mean is formed from integer numerators and
    denominators and normalised once, instead of by five Fraction operations."""
    allocatable = _allocatable(node) if allocatable is None else allocatable
    numerator, denominator, shares = 0, 1, 0
    for resource in ("cpu", "memory"):
        amount = allocatable[resource]
        if not amount:
            continue
        used = usage[resource] + wanted[resource] if wanted[resource] else usage[resource]
        share_numerator = used.numerator * amount.denominator
        share_denominator = used.denominator * amount.numerator
        numerator = numerator * share_denominator + share_numerator * denominator
        denominator *= share_denominator
        shares += 1
    return (Fraction(numerator, denominator * max(shares, 1)), usage["pods"],
            node["metadata"]["name"])


def pick_node(pod: dict, nodes: list[dict], pods: list[dict],
              usages: dict[str, dict] | None = None) -> tuple[str | None, dict[str, list[str]]]:
    """The least allocated node that fits, and the failures of the nodes that do not.

    ``usages`` (from ``node_usages``) saves recounting every pod for every node and pod.
    """
    usages = node_usages(nodes, pods) if usages is None else usages
    wanted = pod_requests(pod)
    failures = {node["metadata"]["name"]: node_fit_failures(
        pod, node, usages[node["metadata"]["name"]], wanted) for node in nodes}
    fitting = [node for node in nodes if not failures[node["metadata"]["name"]]]
    if not fitting:
        return None, failures
    best = min(fitting, key=lambda node: _load(node, usages[node["metadata"]["name"]], wanted))
    return best["metadata"]["name"], failures


class SchedulingPass:
    """``pick_node`` for a whole pass over the pending pods, without scoring every node for
    every pod (the real scheduler's snapshot and cache, for 3,000 pods on 100 nodes).

    Pods with the same placement constraints and requests are one kind: the nodes that fit a
    kind are filtered and scored once, then kept in a heap by load. Binding a pod marks only
    its node's entries stale, and a stale entry is scored again when it reaches the top; only
    its resources need checking again, against allocatable amounts parsed once per node, since
    the nodes themselves do not change within a pass.
    Within a pass nodes only gain pods, so a stale entry can only have lost ground: the first
    current entry on top is the node ``pick_node`` would choose.
    """

    def __init__(self, nodes: list[dict], pods):
        self._nodes = nodes
        self._by_name = {node["metadata"]["name"]: node for node in nodes}
        self.usages = node_usages(nodes, pods)
        self._binds = dict.fromkeys(self._by_name, 0)
        self._heaps: dict[tuple, list] = {}
        self._allocatable: dict[str, dict[str, Fraction]] = {}

    def pick(self, pod: dict, wanted: dict[str, Fraction] | None = None
             ) -> tuple[str | None, dict[str, list[str]]]:
        """As ``pick_node``; the failures are worked out only when no node fits. ``wanted``:
        the pod's ``pod_requests``, if the caller has them."""
        wanted = pod_requests(pod) if wanted is None else wanted
        spec = pod["spec"]
        kind = (repr((spec.get("nodeSelector"), spec.get("affinity"), spec.get("tolerations"))),
                wanted["cpu"], wanted["memory"])
        heap = self._heaps.get(kind)
        if heap is None:
            heap = self._heaps[kind] = [
                entry for node in self._nodes
                if not _placement_failures(pod, node)
                and (entry := self._entry(node["metadata"]["name"], wanted))]
            heapq.heapify(heap)
        while heap:
            load, binds = heap[0]
            name = load[-1]
            if binds == self._binds[name]:
                return name, {}
            heapq.heappop(heap)
            if entry := self._entry(name, wanted):
                heapq.heappush(heap, entry)
        return pick_node(pod, self._nodes, [], self.usages)

    def bind(self, pod: dict, node_name: str, wanted: dict[str, Fraction] | None = None) -> None:
        _add_usage(self.usages[node_name], pod_requests(pod) if wanted is None else wanted)
        self._binds[node_name] += 1

    def _entry(self, name: str, wanted: dict[str, Fraction]) -> tuple | None:
        """The heap entry of a node that passed the placement filters, None if the pod's
        requests no longer fit on it."""
        usage, node = self.usages[name], self._by_name[name]
        allocatable = self._allocatable.get(name)
        if allocatable is None:
            allocatable = self._allocatable[name] = _allocatable(node)
        if _resource_failures(usage, wanted, allocatable):
            return None
        return _load(node, usage, wanted, allocatable), self._binds[name]


def failed_scheduling_message(failures: dict[str, list[str]]) -> str:
    """``0/1 nodes are available: 1 Insufficient cpu. preemption: ...`` for an unplaceable pod."""
    total = len(failures)
    if total == 0:
        return "no nodes available to schedule pods"
    reasons = Counter(reason for node_failures in failures.values() for reason in node_failures)
    listed = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    preemption = Counter()
    for node_failures in failures.values():
        helpful = all(reason in _RESOURCE_REASONS for reason in node_failures)
        preemption["No preemption victims found for incoming pod" if helpful
                   else "Preemption is not helpful for scheduling"] += 1
    preemption_listed = ", ".join(f"{count} {reason}" for reason, count in sorted(preemption.items()))
    return (f"0/{total} nodes are available: {listed}. preemption: 0/{total} nodes are available: "
            f"{preemption_listed}.")


def wants_scheduling(pod: dict) -> bool:
    spec, meta = pod.get("spec", {}), pod.get("metadata", {})
    return (not spec.get("nodeName") and not meta.get("deletionTimestamp")
            and spec.get("schedulerName", "default-scheduler") == "default-scheduler"
            and pod.get("status", {}).get("phase", "Pending") == "Pending"
            and not spec.get("schedulingGates"))


def _scheduled_condition(pod: dict) -> dict | None:
    return next((c for c in pod.get("status", {}).get("conditions", [])
                 if c.get("type") == "PodScheduled"), None)


# -- the control loop ----------------------------------------------------------------------------
def _set_condition(pod: dict, condition: dict) -> None:
    conditions = [c for c in pod.setdefault("status", {}).get("conditions", [])
                  if c.get("type") != condition["type"]]
    pod["status"]["conditions"] = conditions + [condition]


def _bind(cluster: Cluster, pod: dict, node_name: str) -> None:
    pod["spec"]["nodeName"] = node_name
    _set_condition(pod, {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                         "lastTransitionTime": rfc3339(cluster.now)})
    bound = cluster.store.update(PODS, pod, handed_over=True)
    meta = bound["metadata"]
    record_event(cluster, object_reference(bound), "Scheduled",
                 f"Successfully assigned {meta['namespace']}/{meta['name']} to {node_name}",
                 COMPONENT)


def _report_unschedulable(cluster: Cluster, pod: dict, message: str) -> None:
    current = _scheduled_condition(pod)
    if current and current.get("status") == "False" and current.get("message") == message:
        return
    _set_condition(pod, {"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                         "lastTransitionTime": rfc3339(cluster.now), "reason": "Unschedulable",
                         "message": message})
    updated = cluster.store.update(PODS, pod, handed_over=True)
    record_event(cluster, object_reference(updated), "FailedScheduling", message, COMPONENT,
                 event_type="Warning")


@controller
def schedule_pending_pods(cluster: Cluster) -> None:
    waiting = cluster.index(PODS.qualified_name, "scheduler.waiting",
                            lambda pod: True if wants_scheduling(pod) else None).get(True)
    if not waiting:
        return
    bucket = cluster.state.objects.get(PODS.qualified_name, {})
    pending = [pod for key in sorted(waiting)
               if (pod := bucket.get(key)) is not None and wants_scheduling(pod)]
    if not pending:
        return
    scheduling = SchedulingPass(list(cluster.store.iter_stored(NODES)),
                                cluster.store.iter_stored(PODS))
    for stored in pending:
        pod = cluster.store.find_for_status(PODS, stored["metadata"]["namespace"],
                                            stored["metadata"]["name"])
        pod["spec"] = dict(pod["spec"])  # binding sets spec.nodeName; the rest is only read
        wanted = pod_requests(pod)
        node_name, failures = scheduling.pick(pod, wanted)
        if node_name is None:
            _report_unschedulable(cluster, pod, failed_scheduling_message(failures))
            continue
        _bind(cluster, pod, node_name)
        scheduling.bind(pod, node_name, wanted)
