"""The kubelet: brings the pods bound to a node to life, keeps them alive, and stops them.

A real kubelet creates a sandbox (the pod's network namespace and IP), pulls each image, creates
and starts each container, restarts the ones that exit, and reports all of it in the pod's
status and in events. Here each container walks a lifecycle table (``STAGES``, in the manner of
kwok's stages): a stage names the events it records, how it changes the container's status and
which stage follows after how long. Timers carry a container from stage to stage, so the pod
moves at its own pace whether the clock is advanced in one step or in many; the pod-level parts
(phase, conditions, IP) are recomputed from the container statuses by pure functions.

Failure branches follow the kubelet's own back-off: a pull of an unknown image fails with
``ErrImagePull`` and is retried after 10 s, 20 s, 40 s ... up to 300 s, showing
``ImagePullBackOff`` meanwhile; a container that exits is restarted at once the first time and
then after the same doubling delay, showing ``CrashLoopBackOff``.

A pod with ``metadata.deletionTimestamp`` is stopped: ``Killing`` events, then it leaves the store
when its containers have stopped, at the latest when the grace period ends (at once for grace 0
or a pod that never reached a node, as the API server does). What the containers print goes to
``state.logs``, keyed by pod UID, where ``kubectl logs`` reads it.

The controller writes only when something is to be done: pods already running (the system pods
of a fresh cluster) are left untouched.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .. import containers, images
from ..clock import parse_rfc3339, rfc3339
from ..cluster import Cluster, WorkQueue, controller, informer
from ..events import object_reference, record_event
from ..resources import resolve
from ..store import status_copy
from ..timers import timer_action
from .nodes import pods_by_node, stopped_kubelets

PODS = resolve("pods")
NODES = resolve("nodes")
COMPONENT = "kubelet"
BACKOFF_INITIAL = 10
BACKOFF_MAX = 300
MAX_LOG_LINES = 2000
_NODE_IMAGE_LIMIT = 50
_CONTAINER_TIMER = "kubelet.container"
_SANDBOX_TIMER = "kubelet.sandbox"
_STOPPED_TIMER = "kubelet.stopped"


# -- pure decisions ------------------------------------------------------------------------------
def backoff_seconds(failures: int) -> int:
    """Back-off after the ``failures``-th failure in a row: 10, 20, 40 ... capped at 300."""
    return min(BACKOFF_INITIAL * 2 ** max(failures - 1, 0), BACKOFF_MAX)


def restart_delay(restart_count: int) -> int:
    """How long after an exit the kubelet restarts a container that has restarted this often.

    The first restart is immediate; the back-off entry it creates then doubles on every exit.
    """
    return 0 if restart_count == 0 else backoff_seconds(restart_count)


def should_restart(restart_policy: str, exit_code: int) -> bool:
    return restart_policy == "Always" or (restart_policy == "OnFailure" and exit_code != 0)


def needs_pull(pull_policy: str, present: bool) -> bool:
    return pull_policy == "Always" or (pull_policy != "Never" and not present)


def pod_phase(pod: dict) -> str:
    """The phase the kubelet derives from its container statuses (kubelet ``getPhase``)."""
    statuses = pod.get("status", {}).get("containerStatuses", [])
    if not statuses:
        return "Pending"
    running = waiting = stopped = succeeded = 0
    for status in statuses:
        state = status.get("state", {})
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            succeeded += state["terminated"].get("exitCode") == 0
        elif status.get("lastState", {}).get("terminated"):
            stopped += 1
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    policy = pod["spec"].get("restartPolicy", "Always")
    if policy == "Always" or (policy == "OnFailure" and succeeded < stopped):
        return "Running"
    return "Succeeded" if succeeded == stopped else "Failed"


def pod_conditions(pod: dict, now: float, sandbox_ready: bool) -> list[dict]:
    """The five pod conditions of a 1.32 kubelet, keeping transition times that did not change."""
    status = pod.get("status", {})
    previous = {c["type"]: c for c in status.get("conditions", [])}
    unready = [s["name"] for s in status.get("containerStatuses", []) if not s.get("ready")]
    stamp = rfc3339(now)
    not_ready = {"reason": "ContainersNotReady",
                 "message": f"containers with unready status: [{' '.join(unready)}]"}
    conditions = []
    for kind, ok, failure in (("PodReadyToStartContainers", sandbox_ready, None),
                              ("Initialized", True, None),
                              ("Ready", not unready, not_ready),
                              ("ContainersReady", not unready, not_ready)):
        value = "True" if ok else "False"
        old = previous.get(kind)
        unchanged = old is not None and old.get("status") == value
        condition = {"type": kind, "status": value, "lastProbeTime": None,
                     "lastTransitionTime": old["lastTransitionTime"] if unchanged else stamp}
        if not ok and failure:
            condition.update(failure)
        conditions.append(condition)
    conditions.append(previous.get("PodScheduled") or {
        "type": "PodScheduled", "status": "True", "lastProbeTime": None,
        "lastTransitionTime": stamp})
    return conditions


@lru_cache(maxsize=256)
def _address_pool(cidr: str) -> tuple[int, int]:
    """The network's own address as a number, and how many addresses IPAM hands out (all but
    the network address, the bridge's gateway and the broadcast address). Every pod's address
    is drawn from its node's pool."""
    network = ipaddress.ip_network(cidr, strict=False)
    return int(network.network_address), network.num_addresses - 3


def next_pod_ip(cidr: str, in_use: Container[str], last: str | None) -> str | None:
    """host-local IPAM: the next free address after the last one handed out, wrapping around.

    The first address is the bridge's gateway; the broadcast address is never handed out.
    """
    last_offset = None if last is None else _address_offset(cidr, last)
    free = _next_free_address(cidr, in_use, last_offset)
    return free[1] if free is not None else None


def _address_offset(cidr: str, address: str) -> int:
    return int(ipaddress.ip_address(address)) - _address_pool(cidr)[0]


def _next_free_address(cidr: str, in_use: Container[str],
                       last_offset: int | None) -> tuple[int, str] | None:
    """``next_pod_ip`` with the last address given as its offset into the network, as the
    kubelet keeps it; returns the free address with its offset."""
    base, count = _address_pool(cidr)
    if count <= 0:
        return None
    first = 2
    start = 0
    if last_offset is not None and 0 <= last_offset - first < count:
        start = last_offset - first + 1
    for step in range(count):
        offset = first + (start + step) % count
        candidate = str(ipaddress.IPv4Address(base + offset))
        if candidate not in in_use:
            return offset, candidate
    return None


# -- the lifecycle table -------------------------------------------------------------------------
@dataclass(slots=True)
class Facts:
    """What a stage's messages and decisions may refer to. Built at every container step, so
    not frozen: a frozen dataclass sets each field through ``object.__setattr__``."""

    pod: dict
    container: dict
    status: dict
    image: images.ImageInfo | None
    present: bool
    data: dict

    def words(self) -> "_Words":
        return _Words(self)


class _Words:
    """The words a stage's messages may use (``{image}``, ``{took}`` ...), as a mapping for
    ``str.format_map``: each is worked out only when a message asks for it, since a message
    uses one or two of them."""

    __slots__ = ("_facts",)

    def __init__(self, facts: Facts):
        self._facts = facts

    def __getitem__(self, word: str) -> object:
        return _WORDS[word](self._facts)


_WORDS: dict[str, Callable[[Facts], object]] = {
    "image": lambda facts: facts.container.get("image", ""),
    "container": lambda facts: facts.container["name"],
    "pod": lambda facts: facts.pod["metadata"]["name"],
    "namespace": lambda facts: facts.pod["metadata"]["namespace"],
    "uid": lambda facts: facts.pod["metadata"]["uid"],
    "error": lambda facts: facts.data.get("error", ""),
    "size": lambda facts: facts.image.size if facts.image else 0,
    "took": lambda facts: images.go_duration(facts.data.get("took", 0)),
    "backoff": lambda facts: f"{facts.data.get('backoff', 0)}s",
}


@dataclass(frozen=True)
class Stage:
    events: tuple[tuple[str, str, str], ...]
    status: str | None
    after: Callable[[Facts], tuple[str | None, str]]


def _after_prepare(facts: Facts) -> tuple[str | None, str]:
    if images.parse_image(facts.container.get("image", "")) is None:
        return "invalid-name", "now"
    policy = facts.container.get("imagePullPolicy", "IfNotPresent")
    if needs_pull(policy, facts.present):
        return "pulling", "now"
    if not facts.present:
        return "never-pull", "now"
    return "present", "now"


def _after_pulling(facts: Facts) -> tuple[str | None, str]:
    return ("pulled" if facts.image is not None else "pull-failed"), "pull"


def _after_image_ready(facts: Facts) -> tuple[str | None, str]:
    if "configError" in facts.data:
        return "config-error", "now"
    return "created", "create"


def _after_started(facts: Facts) -> tuple[str | None, str]:
    if facts.image is None or facts.image.runs or facts.container.get("command") \
            or facts.container.get("args"):
        return None, "never"
    return "exited", "run"


def _after_exited(facts: Facts) -> tuple[str | None, str]:
    terminated = facts.status["state"]["terminated"]
    if not should_restart(facts.pod["spec"].get("restartPolicy", "Always"),
                          terminated.get("exitCode", 0)):
        return None, "never"
    if restart_delay(facts.status.get("restartCount", 0)) == 0:
        return "prepare", "now"
    return "crash-backoff", "sync"


def _then(stage: str | None, delay: str) -> Callable[[Facts], tuple[str | None, str]]:
    return lambda facts: (stage, delay)


_PULL_FAILED = ("Warning", "Failed", 'Failed to pull image "{image}": {error}')
STAGES: dict[str, Stage] = {
    "prepare": Stage((), None, _after_prepare),
    "pulling": Stage((("Normal", "Pulling", 'Pulling image "{image}"'),), None, _after_pulling),
    "pulled": Stage((("Normal", "Pulled", 'Successfully pulled image "{image}" in {took} ({took} '
                                          "including waiting). Image size: {size} bytes."),),
                    None, _after_image_ready),
    "present": Stage((("Normal", "Pulled", 'Container image "{image}" already present on machine'),),
                     None, _after_image_ready),
    "config-error": Stage((("Warning", "Failed", "Error: {error}"),), "config-error",
                          _then("prepare", "config-retry")),
    "created": Stage((("Normal", "Created", "Created container {container}"),), None,
                     _then("started", "start")),
    "started": Stage((("Normal", "Started", "Started container {container}"),), "running",
                     _after_started),
    "exited": Stage((), "terminated", _after_exited),
    "crash-backoff": Stage((("Warning", "BackOff", "Back-off restarting failed container "
                                                   "{container} in pod {pod}_{namespace}({uid})"),),
                           "crash-loop", _then("prepare", "restart")),
    "pull-failed": Stage((_PULL_FAILED, ("Warning", "Failed", "Error: ErrImagePull")),
                         "err-image-pull", _then("pull-backoff", "sync")),
    "pull-backoff": Stage((("Normal", "BackOff", 'Back-off pulling image "{image}"'),
                           ("Warning", "Failed", "Error: ImagePullBackOff")),
                          "image-pull-backoff", _then("pulling", "retry-pull")),
    "invalid-name": Stage((("Warning", "InspectFailed", "{error}"),
                           ("Warning", "Failed", "Error: InvalidImageName")),
                          "invalid-name", _then(None, "never")),
    "never-pull": Stage((("Warning", "ErrImageNeverPull",
                          'Container image "{image}" is not present with pull policy of Never'),
                         ("Warning", "Failed", "Error: ErrImageNeverPull")),
                        "never-pull", _then(None, "never")),
}


# -- container status patches --------------------------------------------------------------------
def _waiting(reason: str, message: str | None = None) -> dict:
    return {"waiting": {"reason": reason, **({"message": message} if message else {})}}


def _status_running(cluster: Cluster, facts: Facts) -> None:
    status, image = facts.status, facts.image
    if "terminated" in status["state"]:
        status["lastState"] = {"terminated": status["state"]["terminated"]}
        status["restartCount"] = status.get("restartCount", 0) + 1
    status.update(containerID="docker://" + cluster.rng.hex(64), image=image.name.familiar,
                  imageID=image.image_id, ready=True, started=True,
                  state={"running": {"startedAt": rfc3339(cluster.now)}})


def _status_terminated(cluster: Cluster, facts: Facts) -> None:
    status = facts.status
    started_at = status["state"].get("running", {}).get("startedAt", rfc3339(cluster.now))
    exit_code = facts.image.exit_code if facts.image else 1
    status.update(ready=False, started=False, state={"terminated": {
        "containerID": status.get("containerID", ""), "exitCode": exit_code,
        "finishedAt": rfc3339(cluster.now), "reason": "Completed" if exit_code == 0 else "Error",
        "startedAt": started_at}})


def _status_crash_loop(cluster: Cluster, facts: Facts) -> None:
    status, words = facts.status, facts.words()
    if "terminated" in status["state"]:
        status["lastState"] = {"terminated": status["state"]["terminated"]}
        status["restartCount"] = status.get("restartCount", 0) + 1
    status["state"] = _waiting("CrashLoopBackOff", (
        f"back-off {words['backoff']} restarting failed container={words['container']} "
        f"pod={words['pod']}_{words['namespace']}({words['uid']})"))


_STATUS_PATCHES: dict[str, Callable[[Cluster, Facts], None]] = {
    "running": _status_running,
    "terminated": _status_terminated,
    "crash-loop": _status_crash_loop,
    "err-image-pull": lambda cluster, facts: facts.status.update(
        state=_waiting("ErrImagePull", f'Failed to pull image "{facts.container["image"]}": '
                                       f'{facts.data.get("error", "")}')),
    "image-pull-backoff": lambda cluster, facts: facts.status.update(
        state=_waiting("ImagePullBackOff", f'Back-off pulling image "{facts.container["image"]}": '
                                           f'ErrImagePull: {facts.data.get("error", "")}')),
    "invalid-name": lambda cluster, facts: facts.status.update(
        state=_waiting("InvalidImageName", facts.data.get("error", ""))),
    "config-error": lambda cluster, facts: facts.status.update(
        state=_waiting("CreateContainerConfigError", facts.data["configError"])),
    "never-pull": lambda cluster, facts: facts.status.update(state=_waiting(
        "ErrImageNeverPull",
        f'Container image "{facts.container["image"]}" is not present with pull policy of Never')),
}


# -- helpers on the cluster ----------------------------------------------------------------------
def _cancel_timers(cluster: Cluster, uid: str, actions: tuple[str, ...]) -> None:
    cluster.timers.cancel(lambda action, args: action in actions and len(args) > 2
                          and args[2] == uid)


def _stored_pod(cluster: Cluster, namespace: str, name: str, uid: str) -> dict | None:
    """The stored pod itself, if it is still the one with ``uid``: for reading only."""
    pod = cluster.store.peek(PODS, namespace, name)
    if pod is None or pod["metadata"].get("uid") != uid:
        return None
    return pod


def _find_pod(cluster: Cluster, namespace: str, name: str, uid: str) -> dict | None:
    """The pod, for the kubelet to write its status (its spec is shared: read it only)."""
    pod = _stored_pod(cluster, namespace, name, uid)
    return status_copy(pod) if pod is not None else None


def _by_name(entries: list[dict], name: str) -> dict | None:
    """The container (or container status) called ``name``."""
    for entry in entries:
        if entry["name"] == name:
            return entry
    return None


def _node_images(cluster: Cluster, node: dict | None) -> frozenset[str]:
    """The names of the images on the node. Every container step asks, so the answer is kept
    per node object: a stored node is replaced on each write, never changed in place."""
    if node is None:
        return frozenset()
    known = cluster.cache.setdefault("kubelet.node-images", {})
    cached = known.get(node["metadata"]["name"])
    if cached is None or cached[0] is not node:
        names = frozenset(name for image in node.get("status", {}).get("images", [])
                          for name in image.get("names", []))
        cached = known[node["metadata"]["name"]] = (node, names)
    return cached[1]


def image_present(cluster: Cluster, node: dict | None, image: images.ImageInfo | None) -> bool:
    """Whether the image exists and the node has it."""
    return image is not None and image.name.familiar in _node_images(cluster, node)


def _remember_image(cluster: Cluster, node_name: str, image: images.ImageInfo) -> None:
    node = cluster.store.peek(NODES, None, node_name)
    if node is None or image.name.familiar in _node_images(cluster, node):
        return
    node = status_copy(node)
    listed = node["status"].get("images", []) + [{"names": image.node_image_names,
                                                  "sizeBytes": image.size}]
    node["status"]["images"] = sorted(listed, key=lambda entry: -entry["sizeBytes"])[
        :_NODE_IMAGE_LIMIT]
    cluster.store.update(NODES, node, handed_over=True)


def _node_ip(node: dict | None) -> str:
    for address in (node or {}).get("status", {}).get("addresses", []):
        if address.get("type") == "InternalIP":
            return address["address"]
    return ""


class _AddressesInUse:
    """The pod addresses taken on one node, looked up one address at a time through an index
    of pods by address (checked against the pods, since index keys may be stale), so handing
    out an address does not read every pod on the node."""

    def __init__(self, cluster: Cluster, node_name: str):
        self._node_name = node_name
        self._bucket = cluster.state.objects.get(PODS.qualified_name, {})
        self._by_address = cluster.index(PODS.qualified_name, "pods.by-address",
                                         lambda pod: pod.get("status", {}).get("podIP"))
        self._cluster = cluster

    def _holds(self, pod: dict | None, address: str) -> bool:
        return (pod is not None and pod["spec"].get("nodeName") == self._node_name
                and not pod["spec"].get("hostNetwork")
                and pod.get("status", {}).get("podIP") == address)

    def __contains__(self, address: str) -> bool:
        return any(self._holds(self._bucket.get(key), address)
                   for key in self._by_address.get(address, ()))

    def all(self) -> set[str]:
        """Every address taken on the node (read only when the node's counter is missing)."""
        return {address for key in pods_by_node(self._cluster).get(self._node_name, ())
                if (pod := self._bucket.get(key)) is not None
                and (address := pod.get("status", {}).get("podIP"))
                and self._holds(pod, address)}


def _allocate_pod_ip(cluster: Cluster, node: dict) -> str | None:
    """The node's next pod address; the counter ``ipam/<node>`` keeps the offset of the last
    one handed out, as host-local IPAM keeps it in a file."""
    cidr = node.get("spec", {}).get("podCIDR")
    if not cidr:
        return None
    node_name = node["metadata"]["name"]
    in_use = _AddressesInUse(cluster, node_name)
    counter = f"ipam/{node_name}"
    last_offset = cluster.state.counters.get(counter)
    if last_offset is None:
        last_offset = max((_address_offset(cidr, address) for address in in_use.all()),
                          default=None)
    free = _next_free_address(cidr, in_use, last_offset)
    if free is None:
        return None
    cluster.state.counters[counter], address = free
    return address


def _event(cluster: Cluster, pod: dict, container_name: str | None, kind: str, reason: str,
           message: str) -> None:
    field_path = f"spec.containers{{{container_name}}}" if container_name else None
    record_event(cluster, object_reference(pod, field_path), reason, message, COMPONENT,
                 event_type=kind, host=pod["spec"].get("nodeName"))


def _pod_summary(cluster: Cluster, pod: dict) -> tuple[list[dict], str]:
    """The conditions and phase the pod's address and container statuses give it now."""
    return pod_conditions(pod, cluster.now, bool(pod["status"].get("podIP"))), pod_phase(pod)


def _refresh_pod_status(cluster: Cluster, pod: dict) -> None:
    pod["status"]["conditions"], pod["status"]["phase"] = _pod_summary(cluster, pod)


def _pods_written(cluster: Cluster) -> dict[str, dict]:
    """Pod UID -> the pod as the kubelet last stored it, with conditions and phase refreshed."""
    return cluster.cache.setdefault("kubelet.written", {})


def _write_pod_status(cluster: Cluster, pod: dict, stored: dict | None = None) -> dict:
    """Store the kubelet's copy of the pod with its conditions and phase refreshed; if the
    ``stored`` pod it was copied from is given, only when the status differs from that one.
    Returns the pod as it stands."""
    _refresh_pod_status(cluster, pod)
    if stored is not None and pod["status"] == stored["status"]:
        return pod
    pod = cluster.store.update(PODS, pod, handed_over=True)
    _pods_written(cluster)[pod["metadata"]["uid"]] = pod
    return pod


def _summary_current(cluster: Cluster, pod: dict) -> bool:
    """Whether the stored pod's conditions and phase are what its statuses give. They are if
    the kubelet stored this very object (a stored pod is replaced on every write, never
    changed in place); if someone else wrote the pod since, they are recomputed to see."""
    if _pods_written(cluster).get(pod["metadata"]["uid"]) is pod:
        return True
    conditions, phase = _pod_summary(cluster, pod)
    return conditions == pod["status"].get("conditions") and phase == pod["status"].get("phase")


# -- logs ----------------------------------------------------------------------------------------
def _log_entry(cluster: Cluster, uid: str, container: str) -> dict:
    return cluster.state.logs.setdefault(uid, {}).setdefault(
        container, {"lines": [], "previous": [], "requests": 0, "startedAt": cluster.now})


def _write_log(entry: dict, at: float, lines: list[str]) -> None:
    entry["lines"].extend([at, line] for line in lines)
    del entry["lines"][:-MAX_LOG_LINES]


def _start_log(cluster: Cluster, pod: dict, container: str, image: images.ImageInfo) -> None:
    entry = _log_entry(cluster, pod["metadata"]["uid"], container)
    if entry["lines"] or entry.get("started"):
        entry["previous"] = entry["lines"]
    entry.update(lines=[], requests=0, startedAt=cluster.now, started=True)
    _write_log(entry, cluster.now, image.startup_log(pod["metadata"]["name"], cluster.now,
                                                     pod["status"].get("podIP", "")))


def container_logs(cluster: Cluster, pod: dict, container: str,
                   previous: bool = False) -> list[tuple[float, str]]:
    """What ``kubectl logs`` prints: (time, line) pairs of the current or previous instance."""
    entry = cluster.state.logs.get(pod["metadata"].get("uid", ""), {}).get(container)
    if entry is None:
        return []
    return [(at, line) for at, line in entry["previous" if previous else "lines"]]


def serve_request(cluster: Cluster, pod: dict, container: str, path: str = "/",
                  client_ip: str = "10.244.0.1", user_agent: str = "curl/8.5.0",
                  method: str = "GET") -> str | None:
    """The body the container answers an HTTP request with (None if nothing listens), logged."""
    spec = next((c for c in pod["spec"].get("containers", []) if c["name"] == container), None)
    status = next((s for s in pod.get("status", {}).get("containerStatuses", [])
                   if s["name"] == container), None)
    image = images.lookup(spec["image"]) if spec else None
    if image is None or image.response is None or not status or "running" not in status["state"]:
        return None
    entry = _log_entry(cluster, pod["metadata"]["uid"], container)
    entry["requests"] += 1
    request = images.Request(pod_name=pod["metadata"]["name"], client_ip=client_ip, path=path,
                             at=cluster.now, started_at=entry["startedAt"],
                             total_requests=entry["requests"], method=method,
                             user_agent=user_agent)
    _write_log(entry, cluster.now, image.request_log(request))
    cluster.mark_state_changed()
    return image.response(request)


# -- timers --------------------------------------------------------------------------------------
def _delay(cluster: Cluster, kind: str, facts: Facts, data: dict) -> float | None:
    if kind == "never":
        return None
    if kind == "now":
        return 0.0
    if kind == "pull":
        took = images.pull_seconds(facts.image, cluster.rng, facts.present)
        data["took"] = took
        return took
    if kind == "create":
        return cluster.rng.between(40, 120) / 1000
    if kind == "start":
        return cluster.rng.between(150, 400) / 1000
    if kind == "run":
        return facts.image.run_seconds if facts.image else 0.0
    if kind == "sync":
        return cluster.rng.between(300, 900) / 1000
    if kind == "config-retry":
        return cluster.rng.between(10_000, 15_000) / 1000
    if kind == "restart":
        return max(data["readyAt"] - cluster.now, 0.0)
    if kind == "retry-pull":
        return max(data["readyAt"] - cluster.now, 0.0)
    raise KeyError(kind)


def _schedule_container(cluster: Cluster, pod: dict, container: str, stage: str, delay: float,
                        data: dict) -> None:
    """Run ``stage`` of the container after ``delay``; a stage due now runs at once, as the
    kubelet's sync loop goes straight on (prepare, then pull), not after the controllers."""
    meta = pod["metadata"]
    args = (meta["namespace"], meta["name"], meta["uid"], container, stage, data)
    if delay == 0:
        _container_step(cluster, *args)
        return
    cluster.timers.schedule(cluster.now + delay, _CONTAINER_TIMER, *args)


@timer_action(_CONTAINER_TIMER)
def _container_step(cluster: Cluster, namespace: str, name: str, uid: str, container_name: str,
                    stage_name: str, data: dict) -> None:
    """Run one stage of the container. The pod is read as stored and copied only for a stage
    that changes the container's status: most stages only record events and schedule the
    next one."""
    if not cluster.running:
        return
    pod = _stored_pod(cluster, namespace, name, uid)
    if pod is None or pod["metadata"].get("deletionTimestamp"):
        return
    container = _by_name(pod["spec"]["containers"], container_name)
    status = _by_name(pod["status"].get("containerStatuses", []), container_name)
    if container is None or status is None:
        return
    node = cluster.store.peek(NODES, None, pod["spec"]["nodeName"])
    image = images.lookup(container.get("image", ""))
    data = dict(data)
    if stage_name == "pulling":
        data["pullStarted"] = cluster.now
    if stage_name in ("pull-failed", "invalid-name"):
        data["failures"] = data.get("failures", 0) + 1
        data["error"] = (images.pull_error(container["image"]) if stage_name == "pull-failed"
                         else images.invalid_name_message(container["image"]))
        data["backoff"] = backoff_seconds(data["failures"])
        data["readyAt"] = cluster.now + data["backoff"]
    if stage_name == "pulled":
        data["took"] = cluster.now - data.get("pullStarted", cluster.now)
    if stage_name in ("pulled", "present"):
        data.pop("configError", None)
        config_error = containers.container_config_error(cluster, pod, container_name)
        if config_error is not None:
            data["configError"] = data["error"] = config_error
    if stage_name == "crash-backoff":
        data["backoff"] = restart_delay(status.get("restartCount", 0))
        finished = status["state"].get("terminated", {}).get("finishedAt")
        exited_at = parse_rfc3339(finished) if finished else cluster.now
        data["readyAt"] = max(exited_at + data["backoff"], cluster.now)

    stage = STAGES[stage_name]
    stored = pod
    if stage.status:
        pod = status_copy(stored)
        status = _by_name(pod["status"]["containerStatuses"], container_name)
    facts = Facts(pod, container, status, image, image_present(cluster, node, image), data)
    if stage.status:
        _STATUS_PATCHES[stage.status](cluster, facts)
        if stage_name == "started":
            _start_log(cluster, pod, container_name, image)
        pod = _write_pod_status(cluster, pod, stored)
    elif not _summary_current(cluster, pod):
        pod = _write_pod_status(cluster, status_copy(pod))
    if stage.events:
        words = facts.words()
        for kind, reason, message in stage.events:
            _event(cluster, pod, container_name, kind, reason, message.format_map(words))
    if stage_name == "pulled" and image is not None:
        _remember_image(cluster, pod["spec"]["nodeName"], image)

    next_stage, delay_kind = stage.after(facts)
    if stage_name == "pull-failed":
        data.pop("took", None)
    delay = _delay(cluster, delay_kind, facts, data)
    if next_stage is not None and delay is not None:
        _schedule_container(cluster, pod, container_name, next_stage, delay, data)


@timer_action(_SANDBOX_TIMER)
def _sandbox_ready(cluster: Cluster, namespace: str, name: str, uid: str) -> None:
    if not cluster.running:
        return
    pod = _find_pod(cluster, namespace, name, uid)
    if pod is None or pod["metadata"].get("deletionTimestamp"):
        return
    node = cluster.store.peek(NODES, None, pod["spec"]["nodeName"])
    address = _node_ip(node) if pod["spec"].get("hostNetwork") else _allocate_pod_ip(cluster, node)
    if address:
        pod["status"].update(podIP=address, podIPs=[{"ip": address}])
    pod = _write_pod_status(cluster, pod)
    for container in pod["spec"]["containers"]:
        _schedule_container(cluster, pod, container["name"], "prepare", 0.0, {})


@timer_action(_STOPPED_TIMER)
def _pod_stopped(cluster: Cluster, namespace: str, name: str, uid: str) -> None:
    pod = _find_pod(cluster, namespace, name, uid)
    if pod is not None:
        _remove_pod(cluster, pod)


# -- the control loop ----------------------------------------------------------------------------
def _initial_container_status(container: dict) -> dict:
    return {
        "image": container.get("image", ""), "imageID": "", "lastState": {},
        "name": container["name"], "ready": False, "restartCount": 0, "started": False,
        "state": _waiting("ContainerCreating"),
        "volumeMounts": [{"mountPath": mount["mountPath"], "name": mount["name"],
                          **({"readOnly": True} if mount.get("readOnly") else {}),
                          "recursiveReadOnly": "Disabled"}
                         for mount in container.get("volumeMounts", [])],
    }


def _admit(cluster: Cluster, pod: dict, node: dict) -> None:
    status = pod.setdefault("status", {})
    host_ip = _node_ip(node)
    status.update(hostIP=host_ip, hostIPs=[{"ip": host_ip}], startTime=rfc3339(cluster.now),
                  containerStatuses=[_initial_container_status(c)
                                     for c in pod["spec"].get("containers", [])])
    pod = _write_pod_status(cluster, pod)
    meta = pod["metadata"]
    cluster.timers.schedule(cluster.now + cluster.rng.between(300, 700) / 1000, _SANDBOX_TIMER,
                            meta["namespace"], meta["name"], meta["uid"])


def restart_node_pods(cluster: Cluster, node_name: str, stopped_at: float) -> None:
    """The node's machine ran again after a stop: its containers died with it (the runtime
    reports them as exited 255, reason Unknown), so each pod gets a new sandbox and address,
    and its containers start again with one more restart."""
    for pod in cluster.store.list(PODS, predicate=lambda p: p["spec"].get("nodeName") == node_name):
        status = pod.get("status", {})
        if pod["metadata"].get("deletionTimestamp") or not status.get("startTime") \
                or status.get("phase") in ("Succeeded", "Failed"):
            continue
        for container in status.get("containerStatuses", []):
            running = container["state"].get("running")
            if running is not None:
                container["lastState"] = {"terminated": {
                    "containerID": container.get("containerID", ""), "exitCode": 255,
                    "finishedAt": rfc3339(stopped_at), "reason": "Unknown",
                    "startedAt": running["startedAt"]}}
                container["restartCount"] = container.get("restartCount", 0) + 1
            container.update(ready=False, started=False, state=_waiting("ContainerCreating"))
        for key in ("podIP", "podIPs"):
            status.pop(key, None)
        pod = _write_pod_status(cluster, pod)
        meta = pod["metadata"]
        _cancel_timers(cluster, meta["uid"], (_SANDBOX_TIMER, _CONTAINER_TIMER))
        cluster.timers.schedule(cluster.now + cluster.rng.between(300, 700) / 1000,
                                _SANDBOX_TIMER, meta["namespace"], meta["name"], meta["uid"])


def _remove_pod(cluster: Cluster, pod: dict) -> None:
    meta = pod["metadata"]
    _cancel_timers(cluster, meta["uid"], (_CONTAINER_TIMER, _SANDBOX_TIMER, _STOPPED_TIMER))
    if meta.get("finalizers"):
        _stop_containers(cluster, pod)
        return
    cluster.store.delete(PODS, meta["namespace"], meta["name"])
    cluster.state.logs.pop(meta["uid"], None)


def stops_on_sigterm(container: dict) -> bool:
    """Whether the program exits on SIGTERM, or (like node as PID 1) waits for the SIGKILL."""
    image = images.lookup(container.get("image", ""))
    return image is None or image.stops_on_sigterm


def _stop_containers(cluster: Cluster, pod: dict) -> None:
    """A deleted pod held by finalizers stays, with its containers stopped and a final phase;
    written once (the write queues it again, and it would be stopped again each round).
    ``pod`` is the caller's own copy, handed over to the store."""
    for status in pod["status"].get("containerStatuses", []):
        state = status.get("state", {})
        if "terminated" in state:
            continue
        started = state.get("running", {}).get("startedAt")
        status.update(ready=False, started=False, state={"terminated": {
            "containerID": status.get("containerID", ""), "exitCode": 137 if started else 0,
            "finishedAt": rfc3339(cluster.now), "reason": "Error" if started else "Completed",
            **({"startedAt": started} if started else {})}})
    _refresh_pod_status(cluster, pod)
    failed = any(status["state"]["terminated"]["exitCode"]
                 for status in pod["status"].get("containerStatuses", []))
    pod["status"]["phase"] = "Failed" if failed else "Succeeded"
    stored = cluster.store.peek(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"])
    if stored is None or pod["status"] != stored.get("status"):
        cluster.store.update(PODS, pod, handed_over=True)


def termination_deadline(pod: dict, now: float) -> float:
    """When the grace period of a deleted pod ends."""
    stamp = pod["metadata"].get("deletionTimestamp")
    return parse_rfc3339(stamp) if stamp else now


def _start_termination(cluster: Cluster, pod: dict) -> None:
    _cancel_timers(cluster, pod["metadata"]["uid"], (_CONTAINER_TIMER, _SANDBOX_TIMER))
    running = [status["name"] for status in pod["status"].get("containerStatuses", [])
               if "running" in status.get("state", {})]
    for name in running:
        _event(cluster, pod, name, "Normal", "Killing", f"Stopping container {name}")
    deadline = max(termination_deadline(pod, cluster.now), cluster.now)
    containers = {c["name"]: c for c in pod["spec"].get("containers", [])}
    stubborn = [name for name in running if not stops_on_sigterm(containers[name])]
    stops_at = deadline if stubborn else min(deadline, cluster.now + (
        cluster.rng.between(100, 600) / 1000 if running else 0.2))
    meta = pod["metadata"]
    cluster.timers.schedule(stops_at, _STOPPED_TIMER, meta["namespace"], meta["name"], meta["uid"])


@informer
def _kubelet_watch(cluster: Cluster) -> tuple[WorkQueue, dict[str, dict[str, int]]]:
    """What the kubelet watches: the queue of pods to look at, and pod UID -> its pending
    kubelet timers counted by action (pods with none left out), gathered once and then kept
    current by one listener on the timer queue's news, which both read.

    Pods to look at are those written, and those whose kubelet timer fired (a pod with no timer
    left may be stalled). Other timer changes cannot give a pod work: a new timer only makes it
    less stalled, and the kubelet cancels timers only of the pod it is working on."""
    watch = cluster.cache.get("kubelet.watch")
    if watch is not None:
        return watch
    queue: WorkQueue = WorkQueue()
    pending: dict[str, dict[str, int]] = {}
    watch = cluster.cache["kubelet.watch"] = (queue, pending)

    def on_write(qualified_name: str, old: dict | None, new: dict | None) -> None:
        if new is not None:
            queue.add(f'{new["metadata"]["namespace"]}/{new["metadata"]["name"]}')

    def on_timer(event: str, action: str, args: list) -> None:
        if not (action.startswith("kubelet.") and len(args) > 2):
            return
        uid = args[2]
        by_action = pending.setdefault(uid, {})
        by_action[action] = by_action.get(action, 0) + (1 if event == "scheduled" else -1)
        if not by_action[action]:
            del by_action[action]
        if not by_action:
            del pending[uid]
        if event == "fired":
            queue.add(f"{args[0]}/{args[1]}")

    for timer in cluster.state.timers:
        on_timer("scheduled", timer[2], timer[3])
    cluster.store.watch(on_write, PODS.qualified_name)
    cluster.timers.listeners.append(on_timer)
    return watch


def _node_view(cluster: Cluster, silent: set[str], queue: WorkQueue) -> dict[str, dict]:
    """The nodes by name; when the set of nodes, of stopped kubelets or of kubelet boots
    (``bootID``) changed, every pod is queued, since any of them may have gained, lost or
    restarted its kubelet — a restarted kubelet picks up the pods it was working on. Rebuilt
    only after node writes, not on every reconcile."""
    cached = cluster.cache.get("kubelet.view")
    writes = (cluster.store.writes.get(NODES.qualified_name, 0), silent)
    if cached is not None and cached[0] == writes:
        return cached[2]
    nodes = {node["metadata"]["name"]: node for node in cluster.store.iter_stored(NODES)}
    boots = frozenset((name, node.get("status", {}).get("nodeInfo", {}).get("bootID"))
                      for name, node in nodes.items())
    view = (boots, writes[1])
    if cached is None or cached[1] != view:
        for pod in cluster.store.iter_stored(PODS):
            queue.add(f'{pod["metadata"]["namespace"]}/{pod["metadata"]["name"]}')
    cluster.cache["kubelet.view"] = (writes, view, nodes)
    return nodes


@controller
def run_pods(cluster: Cluster) -> None:
    silent = stopped_kubelets(cluster.profile)
    queue, pending = _kubelet_watch(cluster)
    nodes = _node_view(cluster, silent, queue)
    if not queue:
        return
    bucket = cluster.state.objects.get(PODS.qualified_name, {})
    dirty = [pod for key in queue.drain() if (pod := bucket.get(key)) is not None]
    work = []
    for pod in dirty:
        meta, spec = pod["metadata"], pod["spec"]
        node_name = spec.get("nodeName")
        if node_name in silent:
            continue
        if meta.get("deletionTimestamp"):
            if not node_name or node_name not in nodes or meta.get("deletionGracePeriodSeconds") == 0:
                work.append(("remove", pod))
            elif _STOPPED_TIMER not in pending.get(meta["uid"], ()) \
                    and pod.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
                work.append(("terminate", pod))
        elif node_name in nodes and not pod.get("status", {}).get("startTime"):
            work.append(("admit", pod))
        elif node_name in nodes and _stalled(pod, pending):
            work.append(("resume", pod))
    for action, stored in work:
        meta = stored["metadata"]
        if action == "admit":
            _admit(cluster, cluster.store.find_for_status(PODS, meta["namespace"], meta["name"]),
                   nodes[stored["spec"]["nodeName"]])
            continue
        pod = cluster.store.get(PODS, meta["namespace"], meta["name"])
        if action == "remove":
            _remove_pod(cluster, pod)
        elif action == "terminate":
            _start_termination(cluster, pod)
        else:
            _resume(cluster, pod)


def _settled(pod: dict, status: dict) -> bool:
    state = status.get("state", {})
    if "running" in state:
        return True
    if "waiting" in state:
        return state["waiting"].get("reason") in ("InvalidImageName", "ErrImageNeverPull")
    terminated = state.get("terminated", {})
    return not should_restart(pod["spec"].get("restartPolicy", "Always"),
                              terminated.get("exitCode", 0))


def _stalled(pod: dict, pending: dict[str, dict[str, int]]) -> bool:
    """An admitted pod with unfinished containers but no timer to move it (e.g. after a restart).
    Asks first for a timer: nearly every pod the kubelet looks at has one."""
    status = pod["status"]
    if pending.get(pod["metadata"]["uid"]) or status.get("phase") in ("Succeeded", "Failed"):
        return False
    return not all(_settled(pod, container) for container in status.get("containerStatuses", []))


def _resume(cluster: Cluster, pod: dict) -> None:
    if not pod["status"].get("podIP"):
        meta = pod["metadata"]
        cluster.timers.schedule(cluster.now, _SANDBOX_TIMER, meta["namespace"], meta["name"],
                                meta["uid"])
        return
    for status in pod["status"].get("containerStatuses", []):
        if not _settled(pod, status):
            _schedule_container(cluster, pod, status["name"], "prepare", 0.0, {})
