"""Deployments, ReplicaSets and their pods: the decisions, and the calls the API layer makes.

The control loops in ``controllers/workloads.py`` only look, decide and write; what they decide
lives here as pure functions of wire-form objects and the time (``rolling_new_replicas``,
``pods_to_delete``, ``deployment_status``...), so each rule of the real deployment and replicaset
controllers can be read and tested on its own. The rules follow Kubernetes' own
``pkg/controller/deployment`` and ``pkg/controller/replicaset`` (v1.32), re-expressed in Python.

The same module holds what the API layer (kubectl's verbs, the REST façade) calls when it writes
workloads: defaulting and generation on create and update, graceful pod deletion, cascading
deletion, ``rollout undo``, and the sandbox's cap on pods.

One deliberate difference from Kubernetes: ``pod-template-hash`` is fnv32a over a canonical JSON
serialisation of the template, not over Go's ``spew`` dump, which cannot be reproduced byte for
byte. The result is shaped exactly like the real one (the decimal digits of a uint32 mapped
through the 27-character name alphabet, so 9 or 10 characters from ``[4-9bcdf]``), is stable
across runs and machines, and changes exactly when the template does, so a rollback finds its
old ReplicaSet by name.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import struct
from typing import TYPE_CHECKING, Iterable

from .clock import parse_rfc3339, rfc3339
from .errors import NotFound, QuotaExceeded
from .resources import by_kind, resolve
from .rng import NAME_ALPHABET
from .store import clone

if TYPE_CHECKING:
    from .cluster import Cluster
    from .resources import ResourceType

PODS = resolve("pods")
DEPLOYMENTS = resolve("deployments")
REPLICASETS = resolve("replicasets")

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
ROLLBACK_TO = "deprecated.deployment.rollback.to"

#: Deployment annotations that describe the deployment itself and are never copied to its RSs.
_NOT_COPIED_TO_REPLICA_SETS = frozenset({LAST_APPLIED, REVISION, REVISION_HISTORY,
                                         DESIRED_REPLICAS, MAX_REPLICAS})
#: What ``rollout undo`` keeps from the deployment rather than taking from the ReplicaSet.
_KEPT_BY_ROLLBACK = _NOT_COPIED_TO_REPLICA_SETS | {ROLLBACK_TO}

#: Pods one sandbox may ask for, across all its workloads: enough for any lesson, small enough
#: that a typo like ``--replicas=40000`` costs an error message instead of the server's memory.
MAX_PODS_PER_SANDBOX = 500
QUOTA_NAME = "sandbox-pods"
#: The namespace of the cluster's own workloads, which the sandbox's quota leaves out.
SYSTEM_NAMESPACE = "kube-system"

# Condition reasons of the deployment controller (deployment/util/deployment_util.go).
MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable"
NEW_RS_CREATED = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
RS_UPDATED = "ReplicaSetUpdated"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"

_TEMPLATE_SPEC_DEFAULTS = {
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "schedulerName": "default-scheduler",
    "securityContext": {},
    "terminationGracePeriodSeconds": 30,
}


# -- hashing -------------------------------------------------------------------------------------
def fnv32a(data: bytes) -> int:
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def safe_encode(text: str) -> str:
    """apimachinery's ``rand.SafeEncodeString``: each character mapped into the name alphabet."""
    return "".join(NAME_ALPHABET[ord(char) % len(NAME_ALPHABET)] for char in text)


def pod_template_hash(template: dict, collision_count: int | None = None) -> str:
    data = json.dumps(template, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    payload = data.encode()
    if collision_count is not None:
        payload += struct.pack("<Q", collision_count & 0xFFFFFFFF)
    return safe_encode(str(fnv32a(payload)))


def without_hash(template: dict) -> dict:
    template = copy.deepcopy(template)
    labels = template.get("metadata", {}).get("labels")
    if labels is not None:
        labels.pop(HASH_LABEL, None)
    return template


def _labels_without_hash(template: dict) -> dict | None:
    labels = (template.get("metadata") or {}).get("labels")
    if labels is None or HASH_LABEL not in labels:
        return labels
    return {key: value for key, value in labels.items() if key != HASH_LABEL}


def equal_ignoring_hash(first: dict, second: dict) -> bool:
    """``without_hash(first) == without_hash(second)``, compared piecewise instead of copied."""
    if first.keys() != second.keys():
        return False
    for key, value in first.items():
        if key != "metadata":
            if value != second[key]:
                return False
            continue
        other = second["metadata"]
        if not isinstance(value, dict) or not isinstance(other, dict):
            if value != other:
                return False
            continue
        if value.keys() != other.keys():
            return False
        if any(value[k] != other[k] for k in value if k != "labels"):
            return False
        if "labels" in value and _labels_without_hash(first) != _labels_without_hash(second):
            return False
    return True


# -- defaulting and generations (the API layer calls these) -----------------------------------
def default_pod_template_spec(spec: dict) -> dict:
    """The defaults a pod *template* gets: those of the pod spec, none of pod admission's."""
    from .defaults import default_container, fill_defaults

    fill_defaults(spec, _TEMPLATE_SPEC_DEFAULTS)
    host_network = bool(spec.get("hostNetwork"))
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        default_container(container, host_network)
    if spec.get("serviceAccountName"):
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
    for volume in spec.get("volumes", []):
        for source in ("configMap", "secret"):
            if source in volume:
                volume[source].setdefault("defaultMode", 420)
        if "hostPath" in volume:
            volume["hostPath"].setdefault("type", "")
    return spec


def default_deployment(obj: dict) -> dict:
    """apps/v1 ``SetDefaults_Deployment`` plus a fresh object's generation, in place."""
    obj.setdefault("metadata", {}).setdefault("generation", 1)
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    template = spec.setdefault("template", {})
    template.setdefault("metadata", {})
    default_pod_template_spec(template.setdefault("spec", {}))
    obj.setdefault("status", {})
    return obj


def bump_generation_if_spec_changed(old: dict, new: dict) -> dict:
    """``metadata.generation`` counts spec changes, as the API server's update strategies do."""
    generation = old.get("metadata", {}).get("generation", 1)
    if old.get("spec") != new.get("spec"):
        generation += 1
    new.setdefault("metadata", {})["generation"] = generation
    return new


def update_spec(cluster: "Cluster", rt: "ResourceType", obj: dict) -> dict:
    """Write a changed object the way a client update does: generation follows the spec."""
    stored = cluster.store.get(rt, obj["metadata"].get("namespace"), obj["metadata"]["name"])
    bump_generation_if_spec_changed(stored, obj)
    return cluster.store.update(rt, obj)


def check_replica_limit(cluster: "Cluster", rt: "ResourceType", namespace: str, name: str,
                        replicas: int) -> None:
    """Refuse a workload size that would take the sandbox past ``MAX_PODS_PER_SANDBOX``.

    The error reads like a ResourceQuota refusal, which is what a learner would meet on a real
    shared cluster. The cluster's own pods (``kube-system``) are not the learner's to count.
    """
    used = 0
    for other_rt in (DEPLOYMENTS, REPLICASETS):
        for obj in cluster.store.iter_stored(other_rt):
            meta = obj["metadata"]
            if meta.get("namespace") == SYSTEM_NAMESPACE:
                continue
            if other_rt is REPLICASETS and controller_ref(obj) is not None:
                continue
            if other_rt is rt and meta.get("namespace") == namespace and meta["name"] == name:
                continue
            used += obj.get("spec", {}).get("replicas", 1)
    used += sum(1 for pod in cluster.store.iter_stored(PODS)
                if pod["metadata"].get("namespace") != SYSTEM_NAMESPACE
                and controller_ref(pod) is None and is_active(pod))
    if replicas > 0 and used + replicas > MAX_PODS_PER_SANDBOX:
        raise QuotaExceeded(
            f'{rt.qualified_name} "{name}" is forbidden: exceeded quota: {QUOTA_NAME}, '
            f"requested: pods={replicas}, used: pods={used}, limited: pods={MAX_PODS_PER_SANDBOX}")


# -- owners, selectors, pods -------------------------------------------------------------------
def controller_ref(obj: dict) -> dict | None:
    for ref in obj["metadata"].get("ownerReferences", ()):
        if ref.get("controller"):
            return ref
    return None


def owner_reference(owner: dict) -> dict:
    meta = owner["metadata"]
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": meta["name"],
            "uid": meta["uid"], "controller": True, "blockOwnerDeletion": True}


def selector_matches(selector: dict | None, labels: dict | None) -> bool:
    """A ``metav1.LabelSelector``; an empty or missing selector matches nothing here, as in
    the workload controllers, which never act on everything."""
    if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        return False
    labels = labels or {}
    if any(labels.get(key) != value for key, value in (selector.get("matchLabels") or {}).items()):
        return False
    for requirement in selector.get("matchExpressions") or []:
        key, operator = requirement["key"], requirement["operator"]
        values = requirement.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def is_active(pod: dict) -> bool:
    return (pod.get("status", {}).get("phase") not in ("Succeeded", "Failed")
            and not pod["metadata"].get("deletionTimestamp"))


def _ready_condition(pod: dict) -> dict | None:
    for condition in pod.get("status", {}).get("conditions", ()):
        if condition.get("type") == "Ready":
            return condition
    return None


def is_ready(pod: dict) -> bool:
    condition = _ready_condition(pod)
    return condition is not None and condition.get("status") == "True"


def available_since(pod: dict, min_ready_seconds: int) -> float | None:
    """When a ready pod counts as available; None if it is not ready."""
    condition = _ready_condition(pod)
    if condition is None or condition.get("status") != "True":
        return None
    if not min_ready_seconds:
        return float("-inf")
    since = condition.get("lastTransitionTime")
    return (parse_rfc3339(since) if since else 0.0) + min_ready_seconds


def _timestamp(value: str | None) -> float | None:
    return parse_rfc3339(value) if value else None


def _log_rank(moment: float | None, now: float) -> int:
    age_ns = (now - moment) * 1e9 if moment is not None else 0
    return int(math.log2(age_ns)) if age_ns > 0 else -1


def pods_to_delete(pods: list[dict], count: int, now: float,
                   related: Iterable[dict] | None = None) -> list[dict]:
    """The ``count`` pods a ReplicaSet gives up first (``ActivePodsWithRanks``, with logarithmic
    scale-down): unscheduled, pending, not ready, cheap to delete, doubled up on a node, ready
    for the shortest time, restarted most, newest."""
    if count <= 0:
        return []
    on_node: dict[str, int] = {}
    for pod in related if related is not None else pods:
        if is_active(pod):
            node = pod.get("spec", {}).get("nodeName", "")
            on_node[node] = on_node.get(node, 0) + 1
    phase_order = {"Pending": 0, "Unknown": 1, "Running": 2}

    def facts(pod):
        ready = is_ready(pod)
        ready_since = _timestamp((_ready_condition(pod) or {}).get("lastTransitionTime"))
        restarts = max((status.get("restartCount", 0)
                        for status in pod.get("status", {}).get("containerStatuses", [])),
                       default=0)
        try:
            cost = int(pod["metadata"].get("annotations", {}).get(DELETION_COST, 0))
        except ValueError:
            cost = 0
        return {"node": pod.get("spec", {}).get("nodeName", ""), "ready": ready,
                "phase": phase_order.get(pod.get("status", {}).get("phase"), 3),
                "cost": cost, "rank": on_node.get(pod.get("spec", {}).get("nodeName", ""), 0),
                "ready_since": ready_since if ready else None, "restarts": restarts,
                "created": _timestamp(pod["metadata"].get("creationTimestamp")),
                "uid": pod["metadata"].get("uid", "")}

    def by_age(first_time, second_time, first_uid, second_uid):
        if first_time is None or second_time is None:
            return -1 if first_time is None else 1
        difference = _log_rank(first_time, now) - _log_rank(second_time, now)
        if difference == 0:
            return -1 if first_uid < second_uid else (1 if first_uid > second_uid else 0)
        return -1 if difference < 0 else 1

    def compare(first, second):
        a, b = first[1], second[1]
        if a["node"] != b["node"] and (not a["node"] or not b["node"]):
            return -1 if not a["node"] else 1
        for key, lower_first in (("phase", True), ("ready", True), ("cost", True),
                                 ("rank", False)):
            if a[key] != b[key]:
                return -1 if (a[key] < b[key]) == lower_first else 1
        if a["ready"] and b["ready"] and a["ready_since"] != b["ready_since"]:
            return by_age(a["ready_since"], b["ready_since"], a["uid"], b["uid"])
        if a["restarts"] != b["restarts"]:
            return -1 if a["restarts"] > b["restarts"] else 1
        if a["created"] != b["created"]:
            return by_age(a["created"], b["created"], a["uid"], b["uid"])
        return 0

    ranked = sorted(((pod, facts(pod)) for pod in pods), key=functools.cmp_to_key(compare))
    return [pod for pod, _facts in ranked[:count]]


def pod_status_facts(rs: dict, pod: dict, now: float) -> tuple[bool, bool, bool]:
    """What a pod adds to its ReplicaSet's status: fully labeled, ready, available. A pod is
    ready exactly when it has an ``available_since``, so one look at its Ready condition
    answers both."""
    template_labels = rs["spec"].get("template", {}).get("metadata", {}).get("labels") or {}
    labels = pod["metadata"].get("labels", {})
    since = available_since(pod, rs["spec"].get("minReadySeconds", 0))
    return (all(labels.get(key) == value for key, value in template_labels.items()),
            since is not None, since is not None and since <= now)


def replica_set_totals(rows: Iterable[tuple[bool, bool, bool]]) -> list[int]:
    """Replicas, then how many are fully labeled, ready and available, from the rows of
    ``pod_status_facts``."""
    totals = [0, 0, 0, 0]
    for row in rows:
        totals[0] += 1
        for position, fact in enumerate(row, start=1):
            totals[position] += fact
    return totals


def replica_set_status(rs: dict, totals: list[int]) -> dict:
    """``status`` of a ReplicaSet whose active, owned pods add up to ``replica_set_totals``
    (zero counts omitted)."""
    status = {key: value for key, value in rs.get("status", {}).items()
              if key not in ("replicas", "fullyLabeledReplicas", "readyReplicas",
                             "availableReplicas", "observedGeneration")}
    status["replicas"] = totals[0]
    for key, count in zip(("fullyLabeledReplicas", "readyReplicas", "availableReplicas"),
                          totals[1:]):
        if count:
            status[key] = count
    generation = rs["metadata"].get("generation")
    if generation:
        status["observedGeneration"] = generation
    return dict(sorted(status.items()))


# -- rolling-update arithmetic -----------------------------------------------------------------
def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """An ``IntOrString``: a count as it is, or a percentage of ``total`` rounded as asked."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        return int(text)
    percent = int(text[:-1])
    return -(-percent * total // 100) if round_up else percent * total // 100


def resolve_fenceposts(max_surge, max_unavailable, desired: int) -> tuple[int, int]:
    surge = scaled_value(max_surge, desired, True)
    unavailable = scaled_value(max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def is_rolling(deployment: dict) -> bool:
    return deployment["spec"].get("strategy", {}).get("type", "RollingUpdate") == "RollingUpdate"


def _rolling_params(deployment: dict) -> dict:
    return deployment["spec"].get("strategy", {}).get("rollingUpdate") or {}


def max_surge(deployment: dict) -> int:
    if not is_rolling(deployment):
        return 0
    params = _rolling_params(deployment)
    return resolve_fenceposts(params.get("maxSurge", "25%"), params.get("maxUnavailable", "25%"),
                              replicas_of(deployment))[0]


def max_unavailable(deployment: dict) -> int:
    desired = replicas_of(deployment)
    if not is_rolling(deployment) or desired == 0:
        return 0
    params = _rolling_params(deployment)
    unavailable = resolve_fenceposts(params.get("maxSurge", "25%"),
                                     params.get("maxUnavailable", "25%"), desired)[1]
    return min(unavailable, desired)


def replicas_of(obj: dict | None) -> int:
    if obj is None:
        return 0
    return obj["spec"].get("replicas", 1)


def total_replicas(replica_sets: Iterable[dict | None]) -> int:
    return sum(replicas_of(rs) for rs in replica_sets if rs is not None)


def _status_sum(replica_sets: Iterable[dict | None], field: str) -> int:
    return sum(rs.get("status", {}).get(field, 0) for rs in replica_sets if rs is not None)


def new_rs_new_replicas(deployment: dict, all_rss: list[dict], new_rs: dict) -> int:
    """How big the new ReplicaSet may be now (``NewRSNewReplicas``)."""
    desired = replicas_of(deployment)
    if not is_rolling(deployment):
        return desired
    current = total_replicas(all_rss)
    ceiling = desired + max_surge(deployment)
    if current >= ceiling:
        return replicas_of(new_rs)
    return replicas_of(new_rs) + min(ceiling - current, desired - replicas_of(new_rs))


def unhealthy_cleanup(old_rss: list[dict], budget: int) -> dict[str, int]:
    """Old ReplicaSets' unavailable pods, scaled away first (``cleanupUnhealthyReplicas``)."""
    sizes: dict[str, int] = {}
    cleaned = 0
    for rs in sorted(old_rss, key=creation_order):
        if cleaned >= budget:
            break
        size, available = replicas_of(rs), rs.get("status", {}).get("availableReplicas", 0)
        if size == 0 or size == available:
            continue
        step = min(budget - cleaned, size - available)
        sizes[rs["metadata"]["name"]] = size - step
        cleaned += step
    return sizes


def old_scale_down(deployment: dict, all_rss: list[dict], old_rss: list[dict]) -> dict[str, int]:
    """Old ReplicaSets' new sizes so availability stays above the floor
    (``scaleDownOldReplicaSetsForRollingUpdate``)."""
    min_available = replicas_of(deployment) - max_unavailable(deployment)
    available = _status_sum(all_rss, "availableReplicas")
    if available <= min_available:
        return {}
    budget = available - min_available
    sizes: dict[str, int] = {}
    done = 0
    for rs in sorted(old_rss, key=creation_order):
        if done >= budget:
            break
        size = replicas_of(rs)
        if size == 0:
            continue
        step = min(size, budget - done)
        sizes[rs["metadata"]["name"]] = size - step
        done += step
    return sizes


def max_scaled_down(deployment: dict, all_rss: list[dict], new_rs: dict) -> int:
    min_available = replicas_of(deployment) - max_unavailable(deployment)
    new_unavailable = replicas_of(new_rs) - new_rs.get("status", {}).get("availableReplicas", 0)
    return total_replicas(all_rss) - min_available - new_unavailable


def creation_order(obj: dict) -> tuple:
    return (obj["metadata"].get("creationTimestamp", ""), obj["metadata"]["name"])


def revision_of(obj: dict) -> int:
    try:
        return int(obj["metadata"].get("annotations", {}).get(REVISION, "0"))
    except ValueError:
        return 0


def is_saturated(deployment: dict, rs: dict | None) -> bool:
    if rs is None:
        return False
    desired = rs["metadata"].get("annotations", {}).get(DESIRED_REPLICAS)
    return (desired == str(replicas_of(deployment)) and replicas_of(rs) == replicas_of(deployment)
            and rs.get("status", {}).get("availableReplicas", 0) == replicas_of(deployment))


def active_or_latest(new_rs: dict | None, old_rss: list[dict]) -> dict | None:
    if new_rs is None and not old_rss:
        return None
    newest_first = sorted(old_rss, key=creation_order, reverse=True)
    active = [rs for rs in newest_first + [new_rs] if rs is not None and replicas_of(rs) > 0]
    if not active:
        return new_rs if new_rs is not None else newest_first[0]
    return active[0] if len(active) == 1 else None


def proportional_sizes(deployment: dict, active_rss: list[dict]) -> tuple[dict[str, int], str]:
    """Spread a scale change of a deployment mid-rollout over its ReplicaSets in proportion
    to their sizes (``DeploymentController.scale``); returns new sizes and "up"/"down"."""
    desired = replicas_of(deployment)
    allowed = desired + max_surge(deployment) if desired > 0 else 0
    to_add = allowed - total_replicas(active_rss)
    if to_add > 0:
        ordered = sorted(active_rss, key=lambda rs: (-replicas_of(rs), _negated(creation_order(rs))))
        operation = "up"
    elif to_add < 0:
        ordered = sorted(active_rss, key=lambda rs: (-replicas_of(rs), creation_order(rs)))
        operation = "down"
    else:
        return {rs["metadata"]["name"]: replicas_of(rs) for rs in active_rss}, ""
    sizes: dict[str, int] = {}
    added = 0
    for rs in ordered:
        share = _proportion(rs, deployment, to_add, added)
        sizes[rs["metadata"]["name"]] = replicas_of(rs) + share
        added += share
    largest = ordered[0]["metadata"]["name"]
    sizes[largest] = max(0, sizes[largest] + to_add - added)
    return sizes, operation


def _negated(order: tuple) -> tuple:
    created, name = order
    return tuple(-ord(char) for char in created), tuple(-ord(char) for char in name)


def _proportion(rs: dict, deployment: dict, to_add: int, added: int) -> int:
    if replicas_of(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    desired = replicas_of(deployment)
    if desired == 0:
        fraction = -replicas_of(rs)
    else:
        try:
            annotated = int(rs["metadata"].get("annotations", {})[MAX_REPLICAS])
        except (KeyError, ValueError):
            annotated = deployment.get("status", {}).get("replicas", 0)
        fraction = (_round_half_away(replicas_of(rs) * (desired + max_surge(deployment))
                                     / annotated) - replicas_of(rs)) if annotated else 0
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _round_half_away(value: float) -> int:
    return int(math.floor(value + 0.5)) if value >= 0 else -int(math.floor(-value + 0.5))


# -- deployment status -------------------------------------------------------------------------
def find_condition(status: dict, kind: str) -> dict | None:
    for condition in status.get("conditions", ()):
        if condition.get("type") == kind:
            return condition
    return None


def new_condition(kind: str, status: str, reason: str, message: str, now: float) -> dict:
    stamp = rfc3339(now)
    return {"type": kind, "status": status, "lastUpdateTime": stamp,
            "lastTransitionTime": stamp, "reason": reason, "message": message}


def set_condition(status: dict, condition: dict) -> None:
    """``SetDeploymentCondition``: same status and reason is no change; a changed condition
    keeps its transition time if the status did not change, and moves to the end."""
    current = find_condition(status, condition["type"])
    if current is not None and current["status"] == condition["status"] \
            and current.get("reason") == condition.get("reason"):
        return
    if current is not None and current["status"] == condition["status"]:
        condition = {**condition, "lastTransitionTime": current["lastTransitionTime"]}
    remove_condition(status, condition["type"])
    status.setdefault("conditions", []).append(condition)


def remove_condition(status: dict, kind: str) -> None:
    if "conditions" in status:
        status["conditions"] = [c for c in status["conditions"] if c.get("type") != kind]


def deployment_status(deployment: dict, all_rss: list[dict], new_rs: dict | None,
                      now: float) -> dict:
    """``calculateStatus``: counts from the ReplicaSets, and the Available condition.

    The deployment's conditions are carried over in a new list but not copied themselves:
    the condition helpers here replace a condition, never edit one in place."""
    available = _status_sum(all_rss, "availableReplicas")
    unavailable = max(0, total_replicas(all_rss) - available)
    counts = {
        "observedGeneration": deployment["metadata"].get("generation", 0),
        "replicas": _status_sum(all_rss, "replicas"),
        "updatedReplicas": _status_sum([new_rs], "replicas"),
        "readyReplicas": _status_sum(all_rss, "readyReplicas"),
        "availableReplicas": available,
        "unavailableReplicas": unavailable,
        "collisionCount": deployment.get("status", {}).get("collisionCount"),
    }
    status = {key: value for key, value in counts.items() if value}
    old_conditions = deployment.get("status", {}).get("conditions")
    if old_conditions is not None:
        status["conditions"] = list(old_conditions)
    if available >= replicas_of(deployment) - max_unavailable(deployment):
        set_condition(status, new_condition("Available", "True", MINIMUM_REPLICAS_AVAILABLE,
                                            "Deployment has minimum availability.", now))
    else:
        set_condition(status, new_condition("Available", "False", MINIMUM_REPLICAS_UNAVAILABLE,
                                             "Deployment does not have minimum availability.",
                                             now))
    return status


def has_progress_deadline(deployment: dict) -> bool:
    deadline = deployment["spec"].get("progressDeadlineSeconds")
    return deadline is not None and deadline != 2**31 - 1


def deployment_complete(deployment: dict, status: dict) -> bool:
    desired = replicas_of(deployment)
    return (status.get("updatedReplicas", 0) == desired and status.get("replicas", 0) == desired
            and status.get("availableReplicas", 0) == desired
            and status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 0))


def deployment_progressing(old: dict, new: dict) -> bool:
    def old_replicas(status):
        return status.get("replicas", 0) - status.get("updatedReplicas", 0)
    return (new.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
            or old_replicas(new) < old_replicas(old)
            or new.get("readyReplicas", 0) > old.get("readyReplicas", 0)
            or new.get("availableReplicas", 0) > old.get("availableReplicas", 0))


def progress_deadline(deployment: dict, status: dict) -> float | None:
    """When a rollout that shows no progress times out; None if it cannot."""
    if not has_progress_deadline(deployment):
        return None
    condition = find_condition(status, "Progressing")
    if condition is None or condition.get("reason") in (NEW_RS_AVAILABLE, TIMED_OUT):
        return None
    return parse_rfc3339(condition["lastUpdateTime"]) + deployment["spec"]["progressDeadlineSeconds"]


def rollout_status(deployment: dict, all_rss: list[dict], new_rs: dict | None,
                   now: float) -> dict:
    """``syncRolloutStatus``: the status with the Progressing condition brought up to date."""
    status = deployment_status(deployment, all_rss, new_rs, now)
    if not has_progress_deadline(deployment):
        remove_condition(status, "Progressing")
    old = deployment.get("status", {})
    current = find_condition(old, "Progressing")
    complete_before = (status.get("replicas", 0) == status.get("updatedReplicas", 0)
                       and current is not None and current.get("reason") == NEW_RS_AVAILABLE)
    if has_progress_deadline(deployment) and not complete_before:
        name = deployment["metadata"]["name"]
        subject = f'ReplicaSet "{new_rs["metadata"]["name"]}"' if new_rs else f'Deployment "{name}"'
        if deployment_complete(deployment, status):
            set_condition(status, new_condition("Progressing", "True", NEW_RS_AVAILABLE,
                                                f"{subject} has successfully progressed.", now))
        elif deployment_progressing(old, status):
            condition = new_condition("Progressing", "True", RS_UPDATED,
                                      f"{subject} is progressing.", now)
            if current is not None:
                if current["status"] == "True":
                    condition["lastTransitionTime"] = current["lastTransitionTime"]
                remove_condition(status, "Progressing")
            set_condition(status, condition)
        else:
            deadline = progress_deadline(deployment, status)
            progressing = find_condition(status, "Progressing")
            if (progressing is not None and progressing.get("reason") == TIMED_OUT) or (
                    deadline is not None and deadline < now):
                set_condition(status, new_condition("Progressing", "False", TIMED_OUT,
                                                    f"{subject} has timed out progressing.", now))
    remove_condition(status, "ReplicaFailure")
    if status.get("conditions") == [] and "conditions" not in old:
        del status["conditions"]
    return status


def paused_condition(deployment: dict, now: float) -> dict | None:
    """The Progressing condition pausing or resuming sets (``checkPausedConditions``), if any."""
    if not has_progress_deadline(deployment):
        return None
    current = find_condition(deployment.get("status", {}), "Progressing")
    if current is not None and current.get("reason") == TIMED_OUT:
        return None
    paused_now = current is not None and current.get("reason") == PAUSED
    if deployment["spec"].get("paused") and not paused_now:
        return new_condition("Progressing", "Unknown", PAUSED, "Deployment is paused", now)
    if not deployment["spec"].get("paused") and paused_now:
        return new_condition("Progressing", "Unknown", RESUMED, "Deployment is resumed", now)
    return None


def copy_annotations_to_replica_set(deployment: dict, rs: dict) -> bool:
    annotations = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in deployment["metadata"].get("annotations", {}).items():
        if key in _NOT_COPIED_TO_REPLICA_SETS or annotations.get(key) == value:
            continue
        annotations[key] = value
        changed = True
    return changed


def set_replicas_annotations(rs: dict, desired: int, maximum: int) -> bool:
    annotations = rs["metadata"].setdefault("annotations", {})
    wanted = {DESIRED_REPLICAS: str(desired), MAX_REPLICAS: str(maximum)}
    if all(annotations.get(key) == value for key, value in wanted.items()):
        return False
    annotations.update(wanted)
    return True


def set_new_rs_annotations(deployment: dict, rs: dict, new_revision: int, exists: bool) -> bool:
    """``SetNewReplicaSetAnnotations``: copied annotations, the revision (remembering the old one
    when a rollback reuses this ReplicaSet) and, on creation, the replica annotations."""
    changed = copy_annotations_to_replica_set(deployment, rs)
    annotations = rs["metadata"]["annotations"]
    had_revision = REVISION in annotations
    old_revision = revision_of(rs)
    if old_revision < new_revision:
        annotations[REVISION] = str(new_revision)
        changed = True
        if had_revision:
            history = annotations.get(REVISION_HISTORY)
            annotations[REVISION_HISTORY] = (f"{history},{old_revision}" if history
                                             else str(old_revision))
    if not exists:
        desired = replicas_of(deployment)
        changed |= set_replicas_annotations(rs, desired, desired + max_surge(deployment))
    return changed


def replica_set_for(deployment: dict, template_hash: str, replicas: int) -> dict:
    """A new ReplicaSet for the deployment's current template (``getNewReplicaSet``)."""
    template = copy.deepcopy(deployment["spec"]["template"])
    template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = template_hash
    selector = copy.deepcopy(deployment["spec"]["selector"])
    selector.setdefault("matchLabels", {})[HASH_LABEL] = template_hash
    spec = {"replicas": replicas, "selector": selector, "template": template}
    if deployment["spec"].get("minReadySeconds"):
        spec["minReadySeconds"] = deployment["spec"]["minReadySeconds"]
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": f'{deployment["metadata"]["name"]}-{template_hash}',
                     "namespace": deployment["metadata"].get("namespace", "default"),
                     "generation": 1,
                     "labels": dict(template["metadata"]["labels"]),
                     "ownerReferences": [owner_reference(deployment)]},
        "spec": spec,
    }


def pod_for(rs: dict) -> dict:
    """A pod from a ReplicaSet's template, before the API server defaults it."""
    template = clone(rs["spec"]["template"])
    metadata = {"generateName": f'{rs["metadata"]["name"]}-',
                "namespace": rs["metadata"].get("namespace", "default"),
                "labels": template.get("metadata", {}).get("labels", {}),
                "ownerReferences": [owner_reference(rs)]}
    if template.get("metadata", {}).get("annotations"):
        metadata["annotations"] = template["metadata"]["annotations"]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": template.get("spec", {})}


# -- pod deletion and cascading deletion (the API layer calls these) -------------------------
def delete_pod(cluster: "Cluster", pod: dict, grace: int | None = None) -> dict | None:
    """Delete a pod the way the API server does; returns it as stored, None once it is gone.

    A pod on a node gets ``deletionTimestamp`` (now + grace) and ``deletionGracePeriodSeconds``
    and stays, Terminating, until its kubelet has stopped it and removes it. A pod no kubelet
    runs (unscheduled, or already finished) and a zero grace period go at once. A second delete
    may shorten a grace period, never lengthen it.
    """
    meta = pod["metadata"]
    stored = cluster.store.find(PODS, meta.get("namespace"), meta["name"])
    if stored is None or (meta.get("uid") and stored["metadata"]["uid"] != meta["uid"]):
        raise NotFound(PODS.qualified_name, meta["name"])
    if grace is None:
        grace = stored["spec"].get("terminationGracePeriodSeconds", 30)
    grace = max(0, int(grace))
    unscheduled = not stored["spec"].get("nodeName")
    finished = stored.get("status", {}).get("phase") in ("Succeeded", "Failed")
    if grace == 0 or unscheduled or finished:
        cluster.store.delete(PODS, stored["metadata"]["namespace"], stored["metadata"]["name"])
        return None
    deadline = cluster.now + grace
    current = stored["metadata"].get("deletionTimestamp")
    if current is not None and parse_rfc3339(current) <= deadline:
        return stored
    stored["metadata"]["deletionTimestamp"] = rfc3339(deadline)
    stored["metadata"]["deletionGracePeriodSeconds"] = grace
    return cluster.store.update(PODS, stored)


def delete_object(cluster: "Cluster", rt: "ResourceType", namespace: str | None,
                  name: str) -> dict | None:
    """Delete one object; pods gracefully. Returns what was stored."""
    if rt is PODS:
        pod = cluster.store.get(PODS, namespace, name)
        delete_pod(cluster, pod)
        return pod
    return cluster.store.delete(rt, namespace, name)


def delete_with_dependents(cluster: "Cluster", rt: "ResourceType", namespace: str | None,
                           name: str) -> dict:
    """``kubectl delete`` with its default background propagation: the object goes now, and the
    garbage collector removes what it owned (a Deployment's ReplicaSets, then their pods)."""
    obj = delete_object(cluster, rt, namespace, name)
    cluster.reconcile()
    return obj


def dangling_owner_refs(obj: dict, exists) -> tuple[list[dict], list[dict]]:
    """An object's owner references split into (present, gone); ``exists(ref, namespace)``."""
    present, gone = [], []
    namespace = obj["metadata"].get("namespace")
    for ref in obj["metadata"].get("ownerReferences", []):
        (present if exists(ref, namespace) else gone).append(ref)
    return present, gone


def owner_exists_in(objects: dict[str, dict[str, dict]]):
    """``exists(ref, namespace)`` over the store's raw buckets; unknown kinds count as present."""
    def exists(ref: dict, namespace: str | None) -> bool:
        try:
            rt = by_kind(ref.get("kind", ""))
        except KeyError:
            return True
        key = f'{(namespace or "") if rt.namespaced else ""}/{ref.get("name")}'
        owner = objects.get(rt.qualified_name, {}).get(key)
        return owner is not None and owner["metadata"].get("uid") == ref.get("uid")
    return exists


# -- rollout undo ------------------------------------------------------------------------------
class RollbackError(Exception):
    """kubectl's own refusal of ``rollout undo``; the message is what follows ``error: ``."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def rollback(cluster: "Cluster", deployment: dict, to_revision: int | None = None) -> str:
    """``kubectl rollout undo``: put a ReplicaSet's template back into the deployment.

    Returns what kubectl prints after ``deployment.apps/<name>``: ``rolled back`` or the
    ``skipped rollback (...)`` line. Raises RollbackError with kubectl's words.
    """
    name = deployment["metadata"]["name"]
    namespace = deployment["metadata"].get("namespace", "default")
    to_revision = to_revision or 0
    if deployment["spec"].get("paused"):
        raise RollbackError("you cannot rollback a paused deployment; resume it first with "
                            "'kubectl rollout resume' and try again")
    if to_revision < 0:
        raise RollbackError(f"unable to find specified revision {to_revision} in history")
    uid = deployment["metadata"]["uid"]
    owned = [rs for rs in cluster.store.list(REPLICASETS, namespace)
             if (controller_ref(rs) or {}).get("uid") == uid]
    target = _revision_to_restore(owned, to_revision)
    if target is None:
        if to_revision > 0:
            raise RollbackError(f"unable to find specified revision {to_revision} in history")
        raise RollbackError(f'no rollout history found for deployment "{name}"')
    if equal_ignoring_hash(target["spec"]["template"], deployment["spec"]["template"]):
        return (f"skipped rollback (current template already matches revision "
                f"{revision_of(target)})")
    updated = copy.deepcopy(deployment)
    updated["spec"]["template"] = without_hash(target["spec"]["template"])
    annotations = {key: value for key, value in deployment["metadata"].get("annotations", {}).items()
                   if key in _KEPT_BY_ROLLBACK}
    annotations.update({key: value for key, value
                        in target["metadata"].get("annotations", {}).items()
                        if key not in _KEPT_BY_ROLLBACK})
    updated["metadata"]["annotations"] = annotations
    update_spec(cluster, DEPLOYMENTS, updated)
    return "rolled back"


def _revision_to_restore(replica_sets: list[dict], to_revision: int) -> dict | None:
    if to_revision > 0:
        return next((rs for rs in replica_sets if revision_of(rs) == to_revision), None)
    with_revision = sorted((rs for rs in replica_sets if REVISION in
                            rs["metadata"].get("annotations", {})), key=revision_of)
    return with_revision[-2] if len(with_revision) >= 2 else None
