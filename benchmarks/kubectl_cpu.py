"""What one kubectl command costs in the sandbox, beside what the real kubectl costs.

For the tutorial state (one node, ``kubernetes-bootcamp`` at 4 replicas) and a 3,000-pod state
(built as ``engine_scale`` builds it), the median CPU time of the sandbox's kubectl through the
full command path (state JSON loaded by a fresh Sandbox, advanced, listed, printed), and of the
real ``/usr/bin/kubectl`` against the same state served by ``serve-api``'s server (frozen
clock): its whole process's wall and CPU time (``RUSAGE_CHILDREN``), and the CPU this process
spent answering it (the server runs in a thread here).

Run: ``.venv/bin/python benchmarks/kubectl_cpu.py [--pods 3000] [--nodes 100] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine_scale import (add_nodes, converge, create_deployment, kubectl, scale,  # noqa: E402
                          started)

from cluster_engine.api.http import serve  # noqa: E402
from cluster_engine.clock import FakeClock  # noqa: E402
from cluster_engine.commands import load_commands  # noqa: E402

REAL_KUBECTL = "/usr/bin/kubectl"
COMMANDS = {
    "get pods": ["get", "pods"],
    "describe pods": ["describe", "pods"],
    "get pods -o go-template": ["get", "pods", "-o",
                                'go-template={{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'],
}


def build_state(nodes: int, pods: int) -> str:
    cluster, clock = started()
    if nodes > 1:
        add_nodes(cluster, nodes - 1)
    create_deployment(cluster, 0)
    scale(cluster, pods)
    converge(cluster, clock, pods)
    cluster.finish()
    return cluster.state.to_json()


def sandbox_cpu(state_json: str, argv: list[str], repeat: int) -> float:
    """Median CPU seconds of the sandbox's kubectl on a fresh copy of ``state_json``."""
    now = FakeClock().now()
    samples = []
    for _ in range(repeat):
        clock = FakeClock(now)
        start = time.process_time()
        kubectl(state_json, clock, ["kubectl", *argv])
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def real_kubectl(server_url: str, cache: str, argv: list[str], repeat: int
                 ) -> tuple[float, float, float]:
    """Medians of the real kubectl's wall time, its process's CPU, and the server's CPU."""
    walls, cpus, server_cpus = [], [], []
    environment = {"PATH": "/usr/bin:/bin", "HOME": cache, "KUBECONFIG": os.devnull}
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_before = time.process_time()
        wall = time.perf_counter()
        done = subprocess.run([REAL_KUBECTL, "--server", server_url, "--cache-dir", cache, *argv],
                              capture_output=True, env=environment, timeout=600)
        walls.append(time.perf_counter() - wall)
        server_cpus.append(time.process_time() - server_before)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode:
            raise RuntimeError(done.stderr.decode())
    return statistics.median(walls), statistics.median(cpus), statistics.median(server_cpus)


def measure(label: str, state_json: str, repeat: int) -> list[tuple]:
    rows = []
    server = serve(state_json, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as cache:
        real_kubectl(url, cache, ["get", "pods"], 1)  # fills the discovery cache
        for name, argv in COMMANDS.items():
            ours = sandbox_cpu(state_json, argv, repeat)
            wall, cpu, server_cpu = real_kubectl(url, cache, argv, repeat)
            rows.append((label, name, ours, wall, cpu, server_cpu))
    server.shutdown()
    server.server_close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--pods", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    load_commands()
    rows = measure("tutorial (4 pods)", build_state(1, 4), options.repeat)
    rows += measure(f"{options.pods} pods, {options.nodes} nodes",
                    build_state(options.nodes, options.pods), max(1, options.repeat // 2))
    print(f"{'state':<24} {'command':<26} {'sandbox CPU':>12} {'real wall':>10} "
          f"{'real CPU':>10} {'server CPU':>11}")
    for label, name, ours, wall, cpu, server_cpu in rows:
        print(f"{label:<24} {name:<26} {ours * 1000:9.1f} ms {wall * 1000:7.0f} ms "
              f"{cpu * 1000:7.0f} ms {server_cpu * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
