"""How fast the terminal feels: the numbers DEVELOPERS.md holds us to, measured end to end.

Starts the site with Daphne on a free port (its own data directory), then over real WebSockets:
- connect → first prompt, over N fresh connections (median, p95);
- Enter → complete output of a command on a started cluster (median, p99);
- memory of one idle sandbox process (RSS, and the unshared part: Private_Clean + Private_Dirty).

Run: ``make bench`` or ``.venv/bin/python benchmarks/terminal_latency.py [--connects 20] [--commands 100]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
PROMPT_END = ":~$"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_site(data_dir: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "TUTORIAL_DATA_DIR": data_dir, "TUTORIAL_DEBUG": "0"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    server = subprocess.Popen([str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p",
                               str(port), "config.asgi:application"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the site did not start")


def session_cookie(port: int, page: str) -> str:
    response = urllib.request.urlopen(f"http://127.0.0.1:{port}{page}")
    cookies = [value.split(";")[0] for key, value in response.headers.items() if key == "Set-Cookie"]
    return "; ".join(cookies)


class Terminal:
    def __init__(self, socket_):
        self.socket = socket_
        self.screen = ""

    async def read_until(self, text: str, since: int) -> None:
        while text not in self.screen[since:]:
            kind, payload = json.loads(await asyncio.wait_for(self.socket.recv(), 30))
            if kind == "stdout":
                self.screen += payload

    async def run(self, command: str, expect: str) -> float:
        """Type ``command``, wait for its echo, then time Enter → output and the next prompt."""
        await self.socket.send(json.dumps(["stdin", command]))
        await self.read_until(command, len(self.screen))
        mark = len(self.screen)
        started = time.perf_counter()
        await self.socket.send(json.dumps(["stdin", "\r"]))
        await self.read_until(expect, mark)
        await self.read_until(PROMPT_END, self.screen.index(expect, mark))
        return time.perf_counter() - started


def connect(port: int, cookie: str):
    return websockets.connect(f"ws://127.0.0.1:{port}/ws/terminal/?lang=en",
                              origin=f"http://127.0.0.1:{port}",
                              additional_headers={"Cookie": cookie})


def sandbox_processes(server_pid: int) -> list[int]:
    """The server's sandbox shells: its own children, or those its zygote forked (not the zygote)."""
    parents: dict[int, int] = {}
    zygotes = set()
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if b"cluster_engine" in cmdline:
                pid = int(proc.name)
                parents[pid] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if parents[pid] == server_pid and b"zygote" in cmdline:
                    zygotes.add(pid)
        except (OSError, ValueError, IndexError):
            continue
    return [pid for pid, ppid in parents.items()
            if (ppid == server_pid and pid not in zygotes) or ppid in zygotes]


def memory_kib(pid: int) -> tuple[int, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0])
    return fields["Rss"], fields["Private_Clean"] + fields["Private_Dirty"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


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
        for command, expect in (("kubectl get nodes", "v1.32.0"),):
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
