"""``kubectl top pod`` and ``kubectl top node``: CPU and memory use from the Metrics API.

The Metrics API exists only while minikube's ``metrics-server`` addon is enabled and its pod is
ready; otherwise kubectl answers ``error: Metrics API not available``. metrics-server reports
what it scraped over a window, so a pod shows up only once it has run for a scrape window, and a
listing where no pod has metrics yet ends with ``error: metrics not available yet``.

The numbers are made up, but plausibly and reproducibly: each container has a typical use for
its image (an idle Node.js app uses about a millicore and 10Mi), varied by a hash of the pod's
uid (which comes from the sandbox RNG) and of the current scrape window, so two ``top`` runs in
one window agree and the values drift a little between windows. A node's use is its pods' plus
the system's own (kubelet, dockerd, the kernel).

Output goes through kubectl's metrics printer, which ends every cell with a tab, so each line
ends in padding, as the real one's do.
"""

from __future__ import annotations

import hashlib

from ...errors import NotFound
from ...minikube_addons import is_enabled
from ...minikube_cluster import NODE_CAPACITY
from ...printers.tabwriter import kubectl_table_writer
from ...printers.tables import parsed_timestamp
from ...quantities import parse_quantity
from ...resources import resolve
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .mutations import subcommand
from .selectors import SelectorError, matches_labels, parse_label_selector

PODS = resolve("pods")
NODES = resolve("nodes")
METRICS_NAMESPACE = "kube-system"
METRICS_SERVER_LABEL = ("k8s-app", "metrics-server")
#: metrics-server's scrape window: a pod needs this long running before it has metrics.
WINDOW_SECONDS = 15
MEBIBYTE = 1024 * 1024

#: Typical (millicores, MiB) of an idle container, by the start of its image reference.
TYPICAL_USE = (
    ("registry.k8s.io/kube-apiserver", 45, 230),
    ("registry.k8s.io/etcd", 22, 38),
    ("registry.k8s.io/kube-controller-manager", 18, 45),
    ("registry.k8s.io/kube-scheduler", 3, 20),
    ("registry.k8s.io/kube-proxy", 1, 13),
    ("registry.k8s.io/coredns", 3, 14),
    ("registry.k8s.io/metrics-server", 4, 17),
    ("gcr.io/k8s-minikube/storage-provisioner", 2, 8),
    ("docker.io/kubernetesui/dashboard", 1, 9),
    ("docker.io/kubernetesui/metrics-scraper", 1, 7),
    ("nginx", 0, 3),
)
DEFAULT_USE = (1, 10)
#: What the node itself uses besides its pods (kubelet, container runtime, system services).
SYSTEM_USE = (160, 700)

NOT_AVAILABLE = "Metrics API not available"

subcommand("top", grouping=True)
subcommand("top pod", aliases=("pods", "po"))
subcommand("top node", aliases=("nodes", "no"))


def _jitter(*parts: object) -> float:
    """A reproducible number in [0, 1) for these parts."""
    digest = hashlib.sha256("/".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def container_use(pod: dict, container: dict, window: int) -> tuple[int, int]:
    """(millicores, bytes) one container uses in scrape window ``window``."""
    image = container.get("image", "")
    cpu, memory = next(((cpu, memory) for prefix, cpu, memory in TYPICAL_USE
                        if image.startswith(prefix)), DEFAULT_USE)
    uid = pod["metadata"].get("uid", "")
    spread = _jitter(uid, container["name"], "base")
    drift = _jitter(uid, container["name"], window)
    millicores = round(cpu * (0.8 + 0.4 * spread) + (drift - 0.5) * max(1, cpu * 0.2))
    mebibytes = memory * (0.9 + 0.2 * spread) + drift * 0.6
    return max(0, millicores), int(mebibytes * MEBIBYTE)


def _metrics_server_ready(cluster) -> bool:
    key, value = METRICS_SERVER_LABEL
    for pod in cluster.store.iter_stored(PODS, METRICS_NAMESPACE):
        if (pod["metadata"].get("labels") or {}).get(key) == value and any(
                condition.get("type") == "Ready" and condition.get("status") == "True"
                for condition in pod.get("status", {}).get("conditions") or []):
            return True
    return False


def _check_metrics_api(cluster) -> None:
    if not is_enabled(cluster.profile, "metrics-server") or not _metrics_server_ready(cluster):
        raise KubectlError(NOT_AVAILABLE)


def _running_since(pod: dict) -> float | None:
    started = [parsed_timestamp(status["state"]["running"]["startedAt"])
               for status in pod.get("status", {}).get("containerStatuses") or []
               if (status.get("state") or {}).get("running", {}).get("startedAt")]
    return min(started) if started else None


def pod_metrics(pod: dict, now: float) -> list[tuple[str, int, int]] | None:
    """(container, millicores, bytes) per running container; None until a window has passed."""
    since = _running_since(pod)
    if since is None or now - since < WINDOW_SECONDS:
        return None
    window = int(now // WINDOW_SECONDS)
    running = {status["name"] for status in pod.get("status", {}).get("containerStatuses") or []
               if "running" in (status.get("state") or {})}
    return [(container["name"], *container_use(pod, container, window))
            for container in pod["spec"].get("containers", []) if container["name"] in running]


def _cpu_cell(millicores: int) -> str:
    return f"{millicores}m"


def _memory_cell(size: int) -> str:
    return f"{size // MEBIBYTE}Mi"


def _selector(invocation: Invocation):
    try:
        return parse_label_selector(invocation.flags.get("selector") or "")
    except SelectorError as error:
        raise KubectlError(str(error)) from None


def _go_duration(seconds: float) -> str:
    """Go's ``Duration.String`` for whole seconds: ``45s``, ``2m5s``, ``1h0m3s``."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def _write_rows(stdout, rows: list[list[str]], headers: list[str], no_headers: bool) -> None:
    writer = kubectl_table_writer(stdout)
    if not no_headers:
        writer.write("".join(f"{header}\t" for header in headers) + "\n")
    for row in rows:
        writer.write("".join(f"{cell}\t" for cell in row) + "\n")
    writer.flush()


def _sort_key(sort_by: str):
    if sort_by == "cpu":
        return lambda entry: -entry[1]
    if sort_by == "memory":
        return lambda entry: -entry[2]
    return None


@implement("top pod")
def run_top_pod(invocation: Invocation) -> int:
    flags, stdout, stderr = invocation.flags, invocation.stdout, invocation.stderr
    sort_by = flags.get("sort-by") or ""
    if sort_by not in ("", "cpu", "memory"):
        raise KubectlError("--sort-by accepts only cpu or memory")
    if len(invocation.args) > 1:
        raise KubectlError("you can only specify one pod name")
    all_namespaces = bool(flags.get("all-namespaces"))
    namespace = namespace_of(invocation)
    requirements = _selector(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=0)
        _check_metrics_api(cluster)
        now = cluster.now
        if invocation.args:
            name = invocation.args[0]
            pod = cluster.store.find(PODS, namespace, name)
            metrics = pod_metrics(pod, now) if pod is not None else None
            if metrics is None:
                if pod is None:
                    raise NotFound("podmetrics.metrics.k8s.io", f"{namespace}/{name}")
                created = parsed_timestamp(pod["metadata"]["creationTimestamp"])
                raise KubectlError(f"Metrics not available for pod {namespace}/{name}, age: "
                                   f"{_go_duration(now - created)}")
            pods = [(pod, metrics)]
        else:
            scope = None if all_namespaces else namespace
            candidates = [pod for pod in cluster.store.iter_stored(PODS, scope)
                          if matches_labels(requirements, pod)]
            pods = [(pod, metrics) for pod in candidates
                    if (metrics := pod_metrics(pod, now)) is not None]
            if not pods and candidates:
                raise KubectlError("metrics not available yet")
    if not pods:
        stderr.write("No resources found\n" if all_namespaces
                     else f"No resources found in {namespace} namespace.\n")
        return 0
    entries = []
    for pod, metrics in pods:
        meta = pod["metadata"]
        if flags.get("containers"):
            entries.extend(([meta["namespace"], meta["name"], container], cpu, memory)
                           for container, cpu, memory in metrics)
        else:
            entries.append(([meta["namespace"], meta["name"]], sum(m[1] for m in metrics),
                            sum(m[2] for m in metrics)))
    key = _sort_key(sort_by)
    if key is not None:
        entries.sort(key=key)
    headers = (["POD", "NAME"] if flags.get("containers") else ["NAME"]) + \
        ["CPU(cores)", "MEMORY(bytes)"]
    rows = [names[1:] + [_cpu_cell(cpu), _memory_cell(memory)] for names, cpu, memory in entries]
    if all_namespaces:
        headers.insert(0, "NAMESPACE")
        rows = [[names[0]] + row for (names, _cpu, _memory), row in zip(entries, rows)]
    if flags.get("sum"):
        rows.append([""] * (len(headers) - 2) + ["________", "________"])
        rows.append([""] * (len(headers) - 2) + [_cpu_cell(sum(e[1] for e in entries)),
                                                 _memory_cell(sum(e[2] for e in entries))])
    _write_rows(stdout, rows, headers, bool(flags.get("no-headers")))
    return 0


def node_use(cluster, node: dict, now: float) -> tuple[int, int]:
    """(millicores, bytes) the node uses: its pods' use plus the system's."""
    window = int(now // WINDOW_SECONDS)
    name = node["metadata"]["name"]
    cpu = SYSTEM_USE[0] * (0.9 + 0.2 * _jitter(name, window, "cpu"))
    memory = SYSTEM_USE[1] * MEBIBYTE * (0.97 + 0.06 * _jitter(name, window, "memory"))
    for pod in cluster.store.iter_stored(PODS):
        if pod.get("spec", {}).get("nodeName") != name:
            continue
        for container in pod["spec"].get("containers", []):
            used_cpu, used_memory = container_use(pod, container, window)
            cpu += used_cpu
            memory += used_memory
    return int(cpu), int(memory)


def _percent(used: float, allocatable: str) -> str:
    return f"{int(used * 100 / float(parse_quantity(allocatable)))}%"


@implement("top node")
def run_top_node(invocation: Invocation) -> int:
    flags = invocation.flags
    sort_by = flags.get("sort-by") or ""
    if sort_by not in ("", "cpu", "memory"):
        raise KubectlError("--sort-by accepts only cpu or memory")
    requirements = _selector(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=0)
        _check_metrics_api(cluster)
        now = cluster.now
        if invocation.args:
            node = cluster.store.find(NODES, None, invocation.args[0])
            if node is None:
                raise NotFound("nodemetrics.metrics.k8s.io", invocation.args[0])
            nodes = [node]
        else:
            nodes = [node for node in cluster.store.iter_stored(NODES)
                     if matches_labels(requirements, node)]
        entries = []
        for node in nodes:
            allocatable = node.get("status", {}).get("allocatable") or NODE_CAPACITY
            cpu, memory = node_use(cluster, node, now)
            entries.append((node["metadata"]["name"], cpu, memory,
                            _percent(cpu / 1000, allocatable.get("cpu", "1")),
                            _percent(memory, allocatable.get("memory", "1"))))
    key = _sort_key(sort_by)
    if key is not None:
        entries.sort(key=key)
    if not entries:
        invocation.stderr.write("No resources found\n")
        return 0
    rows = [[name, _cpu_cell(cpu), cpu_percent, _memory_cell(memory), memory_percent]
            for name, cpu, memory, cpu_percent, memory_percent in entries]
    _write_rows(invocation.stdout, rows,
                ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
                bool(flags.get("no-headers")))
    return 0
