"""``kubectl logs``: what a container wrote to stdout, as the kubelet keeps it in ``state.logs``.

The argument is a pod or ``TYPE/NAME`` of something with a selector (a Deployment, ReplicaSet or
Service); kubectl then picks one pod the way ``podutils.ByLogging`` orders them and says so on
stderr when there were several. Refusals for containers without logs are the kubelet's, passed on
by the API server as BadRequest. ``-f`` keeps printing new lines until the container stops or
Ctrl-C: each poll is one short transaction, and the waiting is ``ctx.sleep``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from ...controllers.kubelet import container_logs
from ...errors import NotFound
from ...printers.describe import parse_timestamp
from ...resources import resolve
from ...workloads import is_ready, selector_matches
from .app import KubectlError, Unreachable, connect, implement, namespace_of
from .cobra import Invocation
from .selectors import BadRequest, SelectorError, matches_labels, parse_label_selector

USAGE = ("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
         "POD or TYPE/NAME is a required argument for the logs command")

PODS = resolve("pods")
FOLLOW_POLL_SECONDS = 1.0
#: How many discovery errors kubectl logs before saying no server answers.
DISCOVERY_ATTEMPTS = 4
#: With ``-l`` and no ``--tail``, kubectl asks for the last 10 lines of each pod.
SELECTOR_TAIL = 10


def _usage_error(message: str) -> KubectlError:
    return KubectlError(f"{message}\nSee 'kubectl logs -h' for help and examples")


# -- choosing the pod ------------------------------------------------------------------------------
def _max_restarts(pod: dict) -> int:
    return max((status.get("restartCount", 0)
                for status in pod.get("status", {}).get("containerStatuses") or []), default=0)


def _ready_since(pod: dict) -> float:
    for condition in pod.get("status", {}).get("conditions") or []:
        if condition["type"] == "Ready":
            return parse_timestamp(condition.get("lastTransitionTime")) or 0.0
    return 0.0


def logging_order(pod: dict) -> tuple:
    """``podutils.ByLogging``: scheduled, running, ready longest, most restarts, oldest first."""
    phase_rank = {"Unknown": 1, "Pending": 2}
    ready = is_ready(pod)
    return (not pod.get("spec", {}).get("nodeName"),
            phase_rank.get(pod.get("status", {}).get("phase"), 0),
            not ready,
            _ready_since(pod) if ready else 0.0,
            -_max_restarts(pod),
            parse_timestamp(pod["metadata"].get("creationTimestamp")) or float("inf"))


def _selector_of(obj: dict) -> dict | None:
    spec = obj.get("spec", {})
    if obj["kind"] == "Service":
        if not spec.get("selector"):
            raise KubectlError(f"cannot get the logs from *v1.Service: invalid service "
                               f"'{obj['metadata']['name']}': Service is defined without a selector")
        return {"matchLabels": spec["selector"]}
    return spec.get("selector")


def _pods_for(cluster, namespace: str, selector: dict | None) -> list[dict]:
    pods = [pod for pod in cluster.store.iter_stored(PODS, namespace)
            if selector_matches(selector, pod["metadata"].get("labels"))]
    return sorted(pods, key=logging_order)


def _find_target(cluster, resource_arg: str, namespace: str) -> tuple[str, dict | None]:
    """``("pod", pod)`` for a pod, ``("selector", selector)`` for anything with a selector."""
    type_name, slash, name = resource_arg.rpartition("/")
    resource_type = resolve(type_name) if slash else PODS
    if resource_type is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{type_name}"')
    if not name:
        raise KubectlError("arguments in resource/name form must have a single resource and name")
    obj = cluster.store.find(resource_type, namespace if resource_type.namespaced else None, name)
    if obj is None:
        not_found = NotFound(resource_type.qualified_name, name)
        raise KubectlError(f"error from server (NotFound): {not_found.message} "
                           f'in namespace "{namespace}"')
    if resource_type.kind == "Pod":
        return "pod", obj
    if resource_type.kind not in ("Deployment", "ReplicaSet", "Service", "DaemonSet"):
        raise KubectlError(f"cannot get the logs from *v1.{resource_type.kind}: selector for "
                           f"*v1.{resource_type.kind} not implemented")
    return "selector", _selector_of(obj)


# -- the kubelet's side ----------------------------------------------------------------------------
def _container_status(pod: dict, name: str) -> dict | None:
    status = pod.get("status", {})
    for entry in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if entry["name"] == name:
            return entry
    return None


def check_log_source(pod: dict, container: str, previous: bool) -> str | None:
    """The container ID whose log the kubelet would serve; BadRequest when it would refuse.

    None means the pod is not on a node yet, for which the API server answers with no log.
    """
    pod_name = pod["metadata"]["name"]
    if not pod.get("spec", {}).get("nodeName"):
        return None
    status = _container_status(pod, container)
    if status is None:
        raise BadRequest(f'container "{container}" in pod "{pod_name}" is not available')
    state = status.get("state") or {}
    last_terminated = (status.get("lastState") or {}).get("terminated")
    if previous:
        if not last_terminated or not last_terminated.get("containerID"):
            raise BadRequest(f'previous terminated container "{container}" in pod "{pod_name}" '
                             "not found")
        return last_terminated["containerID"]
    if state.get("running") is not None:
        return status.get("containerID", "")
    if state.get("terminated") is not None:
        if state["terminated"].get("containerID"):
            return state["terminated"]["containerID"]
        if last_terminated and last_terminated.get("containerID"):
            return last_terminated["containerID"]
        raise BadRequest(f'container "{container}" in pod "{pod_name}" is terminated')
    if last_terminated is not None:
        if not last_terminated.get("containerID"):
            raise BadRequest(f'container "{container}" in pod "{pod_name}" is terminated')
        return last_terminated["containerID"]
    reason = (state.get("waiting") or {}).get("reason")
    if reason is None:
        raise BadRequest(f'container "{container}" in pod "{pod_name}" is waiting to start - '
                         "no logs yet")
    if reason == "ErrImagePull":
        raise BadRequest(f'container "{container}" in pod "{pod_name}" is waiting to start: '
                         "image can't be pulled")
    if reason == "ImagePullBackOff":
        raise BadRequest(f'container "{container}" in pod "{pod_name}" is waiting to start: '
                         "trying and failing to pull image")
    raise BadRequest(f'container "{container}" in pod "{pod_name}" is waiting to start: {reason}')


def log_timestamp(at: float) -> str:
    """RFC 3339 with nanoseconds and trailing zeros trimmed, as the kubelet stamps lines.

    The simulation's clock is a float, exact to about a microsecond, so that is where the
    fraction is rounded."""
    micros = round(at * 1_000_000)
    whole, nanos = micros // 1_000_000, micros % 1_000_000 * 1000
    stamp = datetime.fromtimestamp(whole, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{nanos:09d}".rstrip("0")
    return f"{stamp}.{fraction}Z" if fraction else f"{stamp}Z"


@dataclass
class LogOptions:
    """``PodLogOptions`` as kubectl sends them, and how it prints what comes back."""

    previous: bool = False
    timestamps: bool = False
    tail: int = -1
    since: float | None = None
    since_seconds: int = 0
    limit_bytes: int = 0
    prefix: bool = False

    def select(self, lines: list[tuple[float, str]]) -> list[tuple[float, str]]:
        if self.since is not None:
            lines = [(at, line) for at, line in lines if at >= self.since]
        if self.tail >= 0:
            lines = lines[len(lines) - self.tail:] if self.tail else []
        return lines

    def render(self, lines: list[tuple[float, str]], pod: str, container: str) -> str:
        prefix = f"[pod/{pod}/{container}] " if self.prefix else ""
        text = "".join(prefix + (f"{log_timestamp(at)} {line}\n" if self.timestamps else f"{line}\n")
                       for at, line in lines)
        if self.limit_bytes > 0:
            text = text.encode()[:self.limit_bytes].decode(errors="ignore")
        return text


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def duration_seconds(text: str) -> float:
    """A Go duration (``90s``, ``1h30m``, ``-5m``) in seconds; cobra has already checked it."""
    sign = -1 if text.startswith("-") else 1
    return sign * sum(float(number) * _DURATION_UNITS[unit]
                      for number, unit in _DURATION_PART.findall(text.lstrip("+-")))


def _default_container(pod: dict, stderr, announce: bool) -> str:
    spec = pod.get("spec", {})
    wanted = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
    names = [container["name"] for container in spec.get("containers") or []]
    if wanted:
        if wanted in names or wanted in [c["name"] for c in spec.get("initContainers") or []]:
            return wanted
        stderr.write(f'Default container name "{wanted}" not found in pod '
                     f'{pod["metadata"]["name"]}\n')
    init = [f"{container['name']} (init)" for container in spec.get("initContainers") or []]
    if announce and (len(names) > 1 or init):
        stderr.write(f'Defaulted container "{names[0]}" out of: {", ".join(names + init)}\n')
    return names[0]


def _containers_to_read(pod: dict, container: str, all_containers: bool, stderr) -> list[str]:
    spec = pod.get("spec", {})
    init = [c["name"] for c in spec.get("initContainers") or []]
    regular = [c["name"] for c in spec.get("containers") or []]
    if all_containers:
        return init + regular
    if not container:
        return [_default_container(pod, stderr, announce=True)]
    if container not in init + regular:
        raise KubectlError(f"container {container} is not valid for pod {pod['metadata']['name']}")
    return [container]


def _end_marker(lines: list[tuple[float, str]]) -> tuple[float, int]:
    """Where a follower stands: the last line's time and how many lines carry that time (the
    kubelet keeps a bounded log, so a count from the start would drift)."""
    if not lines:
        return (float("-inf"), 0)
    last = lines[-1][0]
    return (last, sum(1 for at, _line in lines if at == last))


def _after(lines: list[tuple[float, str]], marker: tuple[float, int]) -> list[tuple[float, str]]:
    last, count = marker
    same = [entry for entry in lines if entry[0] == last]
    return same[count:] + [entry for entry in lines if entry[0] > last]


@dataclass
class Stream:
    """One container's log being read (and, with ``-f``, followed)."""

    namespace: str
    pod: str
    container: str
    container_id: str = ""
    seen: tuple[float, int] = (float("-inf"), 0)
    open: bool = True


def _options(invocation: Invocation, selector: str, container: str) -> LogOptions:
    flags = invocation.flags
    tail = flags.get("tail", -1)
    if tail < -1:
        raise KubectlError("--tail must be greater than or equal to -1")
    if flags.get("all-containers") and container:
        raise KubectlError(f"--all-containers=true should not be specified with container name "
                           f"{container}")
    if flags.get("limit-bytes", 0) < 0:
        raise KubectlError("--limit-bytes must be greater than 0")
    since_text, since_time = flags.get("since") or "0s", flags.get("since-time") or ""
    since_seconds = duration_seconds(since_text)
    if since_seconds < 0:
        raise KubectlError("--since must be greater than 0")
    if since_time and since_seconds:
        raise KubectlError("at most one of `sinceTime` or `sinceSeconds` may be specified")
    since = None
    if since_time:
        since = parse_timestamp(since_time)
        if since is None:
            raise KubectlError(f'parsing time "{since_time}" as "2006-01-02T15:04:05Z07:00": '
                               "cannot parse")
    if selector and not flags.was_set("tail"):
        tail = SELECTOR_TAIL
    return LogOptions(previous=bool(flags.get("previous")), timestamps=bool(flags.get("timestamps")),
                      tail=tail, since=since, since_seconds=round(since_seconds),
                      limit_bytes=flags.get("limit-bytes", 0),
                      prefix=bool(flags.get("prefix") or flags.get("all-pods")))


@implement("logs")
def run_logs(invocation: Invocation) -> int:
    flags, args = invocation.flags, invocation.args
    stdout, stderr, ctx = invocation.stdout, invocation.stderr, invocation.ctx
    selector = flags.get("selector") or ""
    container = flags.get("container") or ""
    if not args and not selector or len(args) > 2:
        raise _usage_error(USAGE)
    if args and selector:
        raise _usage_error("only a selector (-l) or a POD name is allowed")
    if len(args) == 2:
        if container:
            raise KubectlError("only one of -c or an inline [CONTAINER] arg is allowed")
        container = args[1]
    options = _options(invocation, selector, container)
    namespace = namespace_of(invocation)

    with ctx.sandbox.transaction() as cluster:
        try:
            connect(invocation, cluster)
        except Unreachable as unreachable:
            unreachable.discovery_attempts = DISCOVERY_ATTEMPTS
            raise
        if options.since_seconds:
            options.since = cluster.now - options.since_seconds
        if selector:
            try:
                labels = parse_label_selector(selector)
            except SelectorError as error:
                raise KubectlError(str(error)) from None
            pods = [pod for pod in cluster.store.iter_stored(PODS, namespace)
                    if matches_labels(labels, pod)]
            if not pods:
                stderr.write(f"No resources found in {namespace} namespace.\n")
                return 0
        else:
            kind, target = _find_target(cluster, args[0], namespace)
            pods = _pods_for(cluster, namespace, target) if kind == "selector" else [target]
    waited, timeout = 0.0, duration_seconds(flags.get("pod-running-timeout") or "20s")
    while not pods:
        if waited >= timeout:
            raise KubectlError("timed out waiting for the condition")
        ctx.sleep(FOLLOW_POLL_SECONDS)
        waited += FOLLOW_POLL_SECONDS
        with ctx.sandbox.transaction() as cluster:
            pods = _pods_for(cluster, namespace, target)
    if not selector and len(pods) > 1:
        if flags.get("all-pods"):
            chosen = pods
        else:
            stderr.write(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
            chosen = pods[:1]
    else:
        chosen = pods
    streams = [Stream(pod["metadata"]["namespace"], pod["metadata"]["name"], name)
               for pod in chosen
               for name in _containers_to_read(pod, container, bool(flags.get("all-containers")),
                                               stderr)]
    follow = bool(flags.get("follow")) and not options.previous
    if follow and len(streams) > flags.get("max-log-requests", 5):
        raise KubectlError(
            f"you are attempting to follow {len(streams)} log streams, but maximum allowed "
            f"concurrency is {flags.get('max-log-requests', 5)}, use --max-log-requests to "
            "increase the limit")
    _read(ctx, streams, options, stdout, first=True)
    while follow and any(stream.open for stream in streams):
        ctx.sleep(FOLLOW_POLL_SECONDS)
        _read(ctx, streams, options, stdout, first=False)
    return 0


def _read(ctx, streams: list[Stream], options: LogOptions, stdout, first: bool) -> None:
    """One short transaction: what each open stream has gained since it was last read."""
    with ctx.sandbox.transaction() as cluster:
        for stream in streams:
            if not stream.open:
                continue
            pod = cluster.store.find(PODS, stream.namespace, stream.pod)
            if pod is None:
                if first:
                    raise NotFound("pods", stream.pod)
                stream.open = False
                continue
            if first:
                container_id = check_log_source(pod, stream.container, options.previous)
                if container_id is None:
                    stream.open = False
                    continue
                stream.container_id = container_id
                lines = container_logs(cluster, pod, stream.container, options.previous)
                fresh = options.select(lines)
            else:
                lines = container_logs(cluster, pod, stream.container)
                fresh = [entry for entry in _after(lines, stream.seen)
                         if options.since is None or entry[0] >= options.since]
                status = _container_status(pod, stream.container) or {}
                stream.open = (status.get("containerID") == stream.container_id
                               and (status.get("state") or {}).get("running") is not None)
            stream.seen = _end_marker(lines)
            if fresh:
                stdout.write(options.render(fresh, stream.pod, stream.container))
    stdout.flush()
