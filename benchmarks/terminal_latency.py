"""How fast the terminal feels: the numbers DEVELOPERS.md holds us to, measured end to end.

Starts the site with Daphne on a free port (its own data directory), then over real WebSockets:
- connect → first prompt, over N fresh connections (median, p95);
- Enter → complete output of ``kubectl get nodes`` and ``kubectl get pods`` on the tutorial's
  state (four pods behind a NodePort Service) (median, p99);
- memory of one idle sandbox process (RSS, and the unshared part: Private_Clean + Private_Dirty).

Run: ``make bench`` or ``.venv/bin/python benchmarks/terminal_latency.py [--connects 20] [--commands 100]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

from _site import (PROMPT_END, Terminal, connect, free_port, memory_kib, percentile, sandbox_processes,
                   session_cookie, start_site)


#: The state the tutorial's later modules work on: the app at four replicas behind a NodePort.
TUTORIAL_STATE = (
    ("kubectl create deployment kubernetes-bootcamp "
     "--image=gcr.io/google-samples/kubernetes-bootcamp:v1 --replicas=4", "created"),
    ('kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080', "exposed"),
    ("kubectl rollout status deployment/kubernetes-bootcamp", "successfully rolled out"),
)


def report(name: str, samples: list[float], tail: float) -> None:
    print(f"{name}: median {statistics.median(samples) * 1000:.1f} ms, "
          f"p{round(tail * 100)} {percentile(samples, tail) * 1000:.1f} ms  (n={len(samples)})")


async def measure(port: int, server_pid: int, page: str, connects: int, commands: int) -> None:
    cookie = session_cookie(port, page)
    first_prompts = []
    for _ in range(connects):
        started = time.perf_counter()
        async with connect(port, cookie) as ws:
            await Terminal(ws).read_until(PROMPT_END, 0)
            first_prompts.append(time.perf_counter() - started)
    report("connect -> first prompt", first_prompts, 0.95)

    async with connect(port, cookie) as ws:
        terminal = Terminal(ws)
        await terminal.read_until(PROMPT_END, 0)
        (pid,) = sandbox_processes(server_pid)
        report_memory("idle sandbox process at its first prompt", pid)
        await terminal.run("minikube start", "Done!")
        for setup, expect in TUTORIAL_STATE:
            await terminal.run(setup, expect)
        for command, expect in (("kubectl get nodes", "v1.32.0"),
                                ("kubectl get pods", "kubernetes-bootcamp-")):
            samples = [await terminal.run(command, expect) for _ in range(commands)]
            report(f"Enter -> output of `{command}`", samples, 0.99)
        report_memory("idle sandbox process after minikube start and the commands", pid)


def report_memory(name: str, pid: int) -> None:
    rss, unshared = memory_kib(pid)
    print(f"{name}: RSS {rss / 1024:.1f} MiB, unshared {unshared / 1024:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connects", type=int, default=20)
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--page", default="/en/modules/cluster/")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="tutorial-bench-") as data_dir:
        server = start_site(data_dir, port)
        try:
            asyncio.run(measure(port, server.pid, args.page, args.connects, args.commands))
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
