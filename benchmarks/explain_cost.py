"""What ``kubectl explain`` costs a sandbox shell, and what the OpenAPI documents cost the server.

A shell is a small forked process, and explain reads the v1.32 schema data (``openapi_schemas``)
only when it runs. This measures, in one process that has loaded the commands and run a first
``kubectl get pods`` on the tutorial's first state (as a shell would have): the resident memory
(VmRSS) and its peak (VmHWM) before the first ``kubectl explain pods``, after it, and after a
few more explanations (recursive ones included), so a lasting cost would show; then the median
CPU time of ``kubectl explain pods`` and two others through the whole command path (state JSON
loaded by a fresh Sandbox, resolved, rendered); and the CPU time the API server spends building
``/openapi/v3`` (every group version's digest, once per process) and ``/openapi/v3/api/v1``.

Run: ``.venv/bin/python benchmarks/explain_cost.py [--repeat 9]``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cluster_engine.api import openapi  # noqa: E402
from cluster_engine.clock import FakeClock  # noqa: E402
from cluster_engine.commands import COMMANDS, CommandContext, load_commands  # noqa: E402
from cluster_engine.sandbox import LocalBackend, Sandbox  # noqa: E402
from cluster_engine.script import run_script  # noqa: E402
from cluster_engine.state import SandboxState  # noqa: E402

TUTORIAL = ["minikube start",
            "kubectl create deployment kubernetes-bootcamp "
            "--image=gcr.io/google-samples/kubernetes-bootcamp:v1",
            "sleep 30"]
CPU_COMMANDS = (["explain", "pods"], ["explain", "pods.spec.containers.image"],
                ["explain", "pods", "--recursive"])
MORE_EXPLANATIONS = (["explain", "pods", "--recursive"], ["explain", "deployments.spec",
                                                          "--recursive"],
                     ["explain", "svc.spec.ports"], ["explain", "pods"])


def memory_kib() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM", "RssAnon"):
            fields[name] = int(value.split()[0])
    return fields


def kubectl(state_json: str, argv: list[str]) -> str:
    """One kubectl command on a fresh sandbox over ``state_json``; its standard output."""
    state = SandboxState.from_json(state_json)
    clock = FakeClock(state.now)
    ctx = CommandContext(sandbox=Sandbox(LocalBackend(state), clock), clock=clock,
                         env={"HOME": "/home/learner", "LANG": "en_US.UTF-8"})
    out, err = io.StringIO(), io.StringIO()
    status = COMMANDS["kubectl"](["kubectl", *argv], io.StringIO(), out, err, ctx)
    if status:
        raise RuntimeError(err.getvalue())
    return out.getvalue()


def median_cpu(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    options = parser.parse_args()
    load_commands()
    state_json = run_script(TUTORIAL, io.StringIO(), FakeClock(), seed=1).state_json
    kubectl(state_json, ["get", "pods"])

    before = memory_kib()
    kubectl(state_json, ["explain", "pods"])
    after_first = memory_kib()
    for argv in MORE_EXPLANATIONS:
        kubectl(state_json, argv)
    after_more = memory_kib()
    print("memory (KiB)            VmRSS   RssAnon    VmHWM")
    for label, sample in (("before explain", before), ("after explain pods", after_first),
                          (f"after {len(MORE_EXPLANATIONS)} more", after_more)):
        print(f"{label:<22} {sample['VmRSS']:>7} {sample['RssAnon']:>9} {sample['VmHWM']:>8}")
    print(f"first explain: RSS {after_first['VmRSS'] - before['VmRSS']:+} KiB, "
          f"peak {after_first['VmHWM'] - before['VmHWM']:+} KiB")

    print(f"\nCPU, median of {options.repeat}:")
    for argv in CPU_COMMANDS:
        cpu = median_cpu(lambda: kubectl(state_json, argv), options.repeat)
        print(f"  kubectl {' '.join(argv):<36} {cpu * 1000:6.1f} ms")
    root = median_cpu(lambda: (openapi._hash.cache_clear(), openapi.root_document()),
                      options.repeat)
    core = median_cpu(lambda: openapi.document(["api", "v1"]), options.repeat)
    print(f"  server: /openapi/v3 (digests not yet kept) {root * 1000:6.1f} ms")
    print(f"  server: /openapi/v3/api/v1 document        {core * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
