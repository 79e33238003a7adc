"""How the simulated control plane scales: the engine goals of DEVELOPERS.md, measured as CPU time.

Two states are built on a fake clock and measured the same way:
- ``scale``: 100 Ready nodes, one Deployment scaled from 0 to 3,000 replicas, advanced 1 s at a
  time until every pod is Running and Ready and the Deployment reports 3,000 available;
- ``tutorial``: the one-node minikube cluster with ``kubernetes-bootcamp`` at 4 replicas.

For each: CPU to converge (for the tutorial also the median over fresh clusters, once the
process's caches are warm), steps, resourceVersions written, ``kubectl get pods`` through the real
command path (state JSON loaded by a fresh Sandbox, then listed and rendered; and in a sandbox
that already holds the current state, as a terminal does after its first command), list +
render alone on the live Cluster, state size, ``to_json`` and ``from_json``.

Run: ``.venv/bin/python benchmarks/engine_scale.py [--pods 3000] [--nodes 100] [--profile converge]``.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster_engine import workloads as w  # noqa: E402
from cluster_engine.clock import FakeClock  # noqa: E402
from cluster_engine.cluster import Cluster  # noqa: E402
from cluster_engine.commands import CommandContext, load_commands  # noqa: E402
from cluster_engine.minikube_cluster import start_cluster  # noqa: E402
from cluster_engine.resources import resolve  # noqa: E402
from cluster_engine.sandbox import LocalBackend, Sandbox  # noqa: E402
from cluster_engine.state import SandboxState  # noqa: E402
from cluster_engine.tools.kubectl.get import _print_tables, fetch, parse_requests  # noqa: E402

NODES, PODS = resolve("nodes"), resolve("pods")
IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"
NAME = "kubernetes-bootcamp"
_CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane",
                         "node.kubernetes.io/exclude-from-external-load-balancers",
                         "minikube.k8s.io/primary")


def cpu(function, *args, repeat: int = 1):
    """Best-of-``repeat`` CPU seconds of ``function(*args)``, and its last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = function(*args)
        best = min(best, time.process_time() - start)
    return best, result


def started(seed: int = 5) -> tuple[Cluster, FakeClock]:
    clock = FakeClock()
    cluster = Cluster(SandboxState.fresh(seed), clock)
    start_cluster(cluster)
    return cluster, clock


def add_nodes(cluster: Cluster, count: int) -> None:
    """``count`` more Ready workers cloned from the minikube node: minikube-m02, 192.168.49.3..."""
    template = cluster.store.get(NODES, None, "minikube")
    for index in range(2, count + 2):
        node = copy.deepcopy(template)
        name = f"minikube-m{index:02d}"
        meta = node["metadata"]
        for key in ("uid", "resourceVersion", "creationTimestamp"):
            meta.pop(key, None)
        meta["name"] = name
        labels = {k: v for k, v in meta["labels"].items() if k not in _CONTROL_PLANE_LABELS}
        labels.update({"kubernetes.io/hostname": name, "minikube.k8s.io/name": name})
        meta["labels"] = labels
        cidr = f"10.244.{index - 1}.0/24"
        node["spec"] = {"podCIDR": cidr, "podCIDRs": [cidr]}
        node["status"]["addresses"] = [{"address": f"192.168.49.{index + 1}", "type": "InternalIP"},
                                       {"address": name, "type": "Hostname"}]
        node["status"].pop("images", None)
        cluster.store.create(NODES, node)
    cluster.reconcile()


def create_deployment(cluster: Cluster, replicas: int) -> None:
    obj = {"metadata": {"name": NAME, "namespace": "default", "labels": {"app": NAME}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": NAME}},
                    "template": {"metadata": {"labels": {"app": NAME}},
                                 "spec": {"containers": [{"name": NAME, "image": IMAGE}]}}}}
    cluster.store.create(w.DEPLOYMENTS, w.default_deployment(obj))
    cluster.reconcile()


def scale(cluster: Cluster, replicas: int) -> None:
    obj = cluster.store.get(w.DEPLOYMENTS, "default", NAME)
    obj["spec"]["replicas"] = replicas
    w.update_spec(cluster, w.DEPLOYMENTS, obj)
    cluster.reconcile()


def converged(cluster: Cluster, replicas: int) -> bool:
    """Checked after every step, so it reads the stored objects without copying them (its
    own cost counts in the converge time)."""
    d = cluster.store.peek(w.DEPLOYMENTS, "default", NAME)
    if d.get("status", {}).get("availableReplicas", 0) != replicas:
        return False
    ready = 0
    for pod in cluster.store.iter_stored(PODS, "default"):
        status = pod.get("status", {})
        if status.get("phase") == "Running" and any(
                c.get("type") == "Ready" and c.get("status") == "True"
                for c in status.get("conditions", [])):
            ready += 1
    return ready == replicas


def converge(cluster: Cluster, clock: FakeClock, replicas: int, step: float = 1.0,
             limit: int = 600) -> int:
    steps = 0
    while not converged(cluster, replicas):
        steps += 1
        if steps > limit:
            raise RuntimeError(f"not converged after {limit} steps")
        clock.advance(step)
        cluster.advance()
    return steps


def list_and_render(cluster: Cluster, args: list[str], all_namespaces: bool, output: str) -> str:
    """What ``kubectl get`` does once it holds the cluster: fetch, then print the table(s)."""
    requests, _single = parse_requests(args)
    results, _errors = fetch(cluster, requests, "default", all_namespaces, "", "", False,
                             read_only=True)
    out = io.StringIO()
    flags = {"output": output}
    _print_tables(out, results, output, flags, all_namespaces, cluster.now)
    return out.getvalue()


def sandbox_holding(state_json: str, clock: FakeClock) -> Sandbox:
    backend = LocalBackend()
    backend.state_json = state_json
    return Sandbox(backend, clock)


def kubectl(state_json: str, clock: FakeClock, argv: list[str],
            sandbox: Sandbox | None = None) -> str:
    """The full command as a sandbox process runs it: load the JSON (unless ``sandbox`` already
    holds the current state, as a terminal does after its first command), advance, list, render."""
    sandbox = sandbox or sandbox_holding(state_json, clock)
    ctx = CommandContext(sandbox=sandbox, clock=clock, env={"HOME": "/home/learner"})
    out, err = io.StringIO(), io.StringIO()
    status = load_commands()["kubectl"](argv, io.StringIO(), out, err, ctx)
    if status:
        raise RuntimeError(err.getvalue())
    return out.getvalue()


def profiled(enabled: bool, function, *args):
    if not enabled:
        return function(*args)
    profile = cProfile.Profile()
    result = profile.runcall(function, *args)
    pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    return result


def measure(label: str, cluster: Cluster, clock: FakeClock, replicas: int, profile: str,
            fresh_runs: int = 0) -> dict:
    rv_before = cluster.state.counters.get("resourceVersion", 0)
    start = time.process_time()
    scale(cluster, replicas)
    steps = profiled(profile == "converge", converge, cluster, clock, replicas)
    converge_cpu = time.process_time() - start
    written = cluster.state.counters.get("resourceVersion", 0) - rv_before
    cluster.finish()

    repeat = 5
    rows = {"converge (the first in this process)": (
        converge_cpu, f"{steps} steps, {written} resourceVersions")}
    if fresh_runs:
        median, slowest = converge_again(replicas, fresh_runs)
        rows[f"converge (median of {fresh_runs} fresh clusters)"] = (
            median, f"slowest {slowest * 1000:.1f} ms")
    get_cpu, text = cpu(list_and_render, cluster, ["pods"], False, "", repeat=repeat)
    rows["get pods: list+render"] = (get_cpu, f"{text.count(chr(10)) - 1} rows")
    wide_cpu, _ = cpu(list_and_render, cluster, ["pods"], True, "wide", repeat=repeat)
    rows["get pods -A -o wide: list+render"] = (wide_cpu, "")
    to_json_cpu, state_json = cpu(cluster.state.to_json, repeat=repeat)
    rows["state to_json"] = (to_json_cpu, f"{len(state_json) / 1024:.0f} KiB, "
                                          f"{cluster.state.object_count()} objects")
    from_json_cpu, _ = cpu(SandboxState.from_json, state_json, repeat=repeat)
    rows["state from_json"] = (from_json_cpu, "")
    full_cpu, _ = cpu(kubectl, state_json, clock, ["kubectl", "get", "pods"], repeat=repeat)
    rows["kubectl get pods (full: load+advance+list+render)"] = (full_cpu, "")
    held = sandbox_holding(state_json, clock)
    kubectl(state_json, clock, ["kubectl", "get", "pods"], held)
    held_cpu, _ = cpu(kubectl, state_json, clock, ["kubectl", "get", "pods"], held, repeat=repeat)
    rows["kubectl get pods (state already held: advance+list+render)"] = (held_cpu, "")
    if profile == "get":
        profiled(True, kubectl, state_json, clock, ["kubectl", "get", "pods"])
    return {"label": label, "rows": rows}


def converge_again(replicas: int, runs: int) -> tuple[float, float]:
    """Median and slowest CPU of scaling a fresh tutorial cluster to ``replicas`` and converging,
    ``runs`` times: the first run in a process also pays for filling its caches (parsed
    images, quantities, times), which a terminal's pre-forked process may find full."""
    seconds = []
    for seed in range(runs):
        cluster, clock = started(seed)
        create_deployment(cluster, 0)
        start = time.process_time()
        scale(cluster, replicas)
        converge(cluster, clock, replicas)
        seconds.append(time.process_time() - start)
    seconds.sort()
    return seconds[len(seconds) // 2], seconds[-1]


def print_report(results: list[dict]) -> None:
    for result in results:
        print(f"\n== {result['label']}")
        for name, (seconds, note) in result["rows"].items():
            print(f"  {name:<60} {seconds * 1000:10.1f} ms  {note}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--pods", type=int, default=3000)
    parser.add_argument("--profile", choices=("", "converge", "get"), default="")
    parser.add_argument("--skip-scale", action="store_true")
    options = parser.parse_args()
    load_commands()

    results = []
    cluster, clock = started()
    create_deployment(cluster, 0)
    results.append(measure("tutorial: 1 node, 0 -> 4 pods", cluster, clock, 4, "",
                           fresh_runs=31))
    if not options.skip_scale:
        cluster, clock = started()
        add_nodes(cluster, options.nodes - 1)
        create_deployment(cluster, 0)
        results.append(measure(f"scale: {options.nodes} nodes, 0 -> {options.pods} pods", cluster,
                               clock, options.pods, options.profile))
    print_report(results)


if __name__ == "__main__":
    main()
