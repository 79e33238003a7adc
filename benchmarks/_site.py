"""What the benchmarks share: the site on a free port, a session, a terminal socket, /proc readings."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
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


def start_site(data_dir: str, port: int, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    env = {**os.environ, "TUTORIAL_DATA_DIR": data_dir, "TUTORIAL_DEBUG": "0"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    server = subprocess.Popen([str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p",
                               str(port), "config.asgi:application"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=stderr)
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
    def __init__(self, socket_, timeout: float = 30):
        self.socket = socket_
        self.timeout = timeout
        self.screen = ""

    async def read_until(self, text: str, since: int) -> None:
        while self.screen.find(text, since) < 0:
            kind, payload = json.loads(await asyncio.wait_for(self.socket.recv(), self.timeout))
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


def server_processes(server_pid: int) -> tuple[list[int], list[int]]:
    """The server's zygotes, and its sandbox shells: its own children or those a zygote forked."""
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
    shells = [pid for pid, ppid in parents.items()
              if (ppid == server_pid and pid not in zygotes) or ppid in zygotes]
    return sorted(zygotes), shells


def sandbox_processes(server_pid: int) -> list[int]:
    return server_processes(server_pid)[1]


def smaps_rollup_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0])
    return fields


def memory_kib(pid: int) -> tuple[int, int]:
    """RSS, and the unshared part of it (Private_Clean + Private_Dirty)."""
    fields = smaps_rollup_kib(pid)
    return fields["Rss"], fields["Private_Clean"] + fields["Private_Dirty"]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
