"""Does one Daphne hold a classroom? DEVELOPERS.md asks for 300 concurrent learners, each typing a
command every 5 s, at p99 ≤ 100 ms with no error, and ≤ 8 MB of unshared memory per live terminal.

Starts the site once (its own data directory, Daphne's stderr kept in a temporary file and scanned
at the end) and opens one terminal to start the zygote, then N learners, each with its own session
and one terminal WebSocket, ramped up a few per second. Each runs ``minikube start`` once, then every 5 s ± jitter types a command from a small
mix and times Enter → complete output and the next prompt. It reports errors, latency, connect →
prompt under load, the server's CPU (Daphne, zygote and shells, from /proc), the unshared memory of
the shells and the zygote's RSS at the end, and what the client itself used: client and server
share the machine's cores.

Run: ``.venv/bin/python benchmarks/concurrent_learners.py [--learners 300] [--duration 120]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets

from _site import (PROMPT_END, Terminal, connect, free_port, percentile, server_processes,
                   session_cookie, smaps_rollup_kib, start_site)

COMMANDS = (
    ("kubectl get nodes", "v1.32.0"),
    ("kubectl get nodes -o wide", "docker://"),
    ("minikube status", "kubeconfig: Configured"),
    ("kubectl version", "Server Version:"),
    ("echo $HOME", "/home/learner"),
    ("kubectl cluster-info", "cluster-info dump"),
)
SLOW = 5.0
GIVE_UP = 60.0
SCREEN_ERRORS = ("internal error", "Traceback (most recent call last)")
LOG_PROBLEMS = re.compile(r"Traceback|Error|WARNING|warning|locked|Too many open files|Exception")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Results:
    connect_to_prompt: list[float] = field(default_factory=list)
    minikube_start: list[float] = field(default_factory=list)
    ramp_latencies: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    per_command: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_examples: list[str] = field(default_factory=list)
    connected: int = 0
    ready: int = 0

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_examples) < 10:
            self.error_examples.append(f"{kind}: {detail}")


class Run:
    def __init__(self, args, port: int, server_pid: int, data_dir: str):
        self.args = args
        self.data_dir = data_dir
        self.port = port
        self.server_pid = server_pid
        self.results = Results()
        self.steady = asyncio.Event()
        self.steady_at = float("inf")
        self.deadline = float("inf")
        self.release = asyncio.Event()
        self.failed = 0
        self.stopped = 0
        self.loop_lags: list[float] = []

    async def learner(self, index: int, start_at: float) -> None:
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        results = self.results
        socket_ = terminal = None
        ready = stopped = False
        stage = "session page failed"
        try:
            cookie = await asyncio.to_thread(session_cookie, self.port, self.args.page)
            stage = "connection failed"
            started = time.perf_counter()
            socket_ = await asyncio.wait_for(connect(self.port, cookie), GIVE_UP)
            terminal = Terminal(socket_, timeout=GIVE_UP)
            await terminal.read_until(PROMPT_END, 0)
            results.connect_to_prompt.append(time.perf_counter() - started)
            results.connected += 1
            stage = "during `minikube start`"
            results.minikube_start.append(await terminal.run("minikube start", "Done!"))
            ready = True
            results.ready += 1
            self.check_all_ready()
            stage = "during commands"
            await self.type_commands(index, terminal)
            stopped = True
            self.stopped += 1
            await self.release.wait()
        except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as error:
            screen = terminal.screen[-200:] if terminal else ""
            if isinstance(error, websockets.ConnectionClosed) and stage.startswith("during"):
                kind = f"unexpected close {stage}"
            elif isinstance(error, asyncio.TimeoutError) and terminal:
                kind = f"no output for {GIVE_UP:.0f} s {stage}"
            else:
                kind = stage
            results.error(kind, f"learner {index}: {error!r} {screen!r}")
        finally:
            if not ready:
                self.failed += 1
                self.check_all_ready()
            if not stopped:
                self.stopped += 1
            if socket_ is not None:
                await socket_.close()

    async def type_commands(self, index: int, terminal: Terminal) -> None:
        results, args = self.results, self.args
        scanned = self.scan(index, terminal, 0)
        next_at = time.monotonic() + random.uniform(0, args.interval)
        while True:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            if time.monotonic() >= self.deadline:
                return
            command, expect = random.choice(COMMANDS)
            in_window = self.steady.is_set()
            latency = await terminal.run(command, expect)
            if latency > SLOW:
                results.error(f"slower than {SLOW:.0f} s", f"learner {index} `{command}`: {latency:.1f} s")
            if in_window:
                results.latencies.append(latency)
                results.per_command.setdefault(command, []).append(latency)
            else:
                results.ramp_latencies.append(latency)
            scanned = self.scan(index, terminal, scanned)
            next_at = max(next_at + args.interval + random.uniform(-args.jitter, args.jitter), time.monotonic())

    def scan(self, index: int, terminal: Terminal, scanned: int) -> int:
        """Record error text that appeared on the screen since ``scanned``; return where to resume."""
        for marker in SCREEN_ERRORS:
            at = terminal.screen.find(marker, scanned)
            if at >= 0:
                self.results.error(f"`{marker}` on screen", f"learner {index}: {terminal.screen[at:at + 300]!r}")
        return max(0, len(terminal.screen) - max(map(len, SCREEN_ERRORS)) + 1)

    def check_all_ready(self) -> None:
        if not self.steady.is_set() and self.results.ready + self.failed >= self.args.learners:
            self.steady_at = time.monotonic()
            self.deadline = self.steady_at + self.args.duration
            self.steady.set()

    async def watch_loop_lag(self) -> None:
        period = 0.05
        while not self.release.is_set():
            before = time.monotonic()
            await asyncio.sleep(period)
            if self.steady.is_set() and time.monotonic() < self.deadline:
                self.loop_lags.append(time.monotonic() - before - period)

    async def warm_up(self) -> None:
        """One terminal first, as on a running site: the zygote starts once, not under the ramp."""
        cookie = await asyncio.to_thread(session_cookie, self.port, self.args.page)
        async with connect(self.port, cookie) as socket_:
            await Terminal(socket_).read_until(PROMPT_END, 0)

    async def measure(self) -> None:
        args = self.args
        await self.warm_up()
        lag_watcher = asyncio.create_task(self.watch_loop_lag())
        began = time.monotonic()
        cpu_start, client_start, machine_start = self.server_cpu_ticks(), time.process_time(), machine_busy()
        tasks = [asyncio.create_task(self.learner(i, began + i / args.rate)) for i in range(args.learners)]
        try:
            await asyncio.wait_for(self.steady.wait(), args.learners / args.rate + GIVE_UP)
        except asyncio.TimeoutError:
            self.steady_at = time.monotonic()
            self.deadline = self.steady_at + args.duration
            self.steady.set()
            print("not every learner got through `minikube start` in time; measuring from now")
        ramp_seconds = self.steady_at - began
        cpu_ramp, client_ramp, machine_ramp = self.server_cpu_ticks(), time.process_time(), machine_busy()
        await asyncio.sleep(max(0.0, self.deadline - time.monotonic()))
        cpu_end, client_end, machine_end = self.server_cpu_ticks(), time.process_time(), machine_busy()
        window = time.monotonic() - self.steady_at
        while self.stopped < args.learners and time.monotonic() < self.deadline + GIVE_UP:
            await asyncio.sleep(0.1)
        memory = self.memory()
        fds = self.server_fds()
        commits = self.sandbox_commits()
        self.release.set()
        await asyncio.gather(*tasks, lag_watcher, return_exceptions=True)

        self.report(ramp_seconds, window, memory, fds, commits, {
            "ramp-up": (cores(cpu_start, cpu_ramp, ramp_seconds), (client_ramp - client_start) / ramp_seconds,
                        (machine_ramp - machine_start) / CLOCK_TICKS / ramp_seconds),
            "window": (cores(cpu_ramp, cpu_end, window), (client_end - client_ramp) / window,
                       (machine_end - machine_ramp) / CLOCK_TICKS / window),
        })

    def server_cpu_ticks(self) -> dict[int, int]:
        zygotes, shells = server_processes(self.server_pid)
        ticks = {}
        for pid in (self.server_pid, *zygotes, *shells):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[pid] = int(fields[11]) + int(fields[12])
        return ticks

    def memory(self) -> dict:
        zygotes, shells = server_processes(self.server_pid)
        rollups = {pid: smaps_rollup_kib(pid) for pid in (self.server_pid, *zygotes, *shells)}
        unshared = [rollups[pid]["Private_Clean"] + rollups[pid]["Private_Dirty"] for pid in shells]
        return {
            "shells": len(shells),
            "unshared": unshared,
            "shell_rss": [rollups[pid]["Rss"] for pid in shells],
            "zygote_rss": [rollups[pid]["Rss"] for pid in zygotes],
            "server_rss": rollups[self.server_pid]["Rss"],
            "pss_total": sum(rollup["Pss"] for rollup in rollups.values()),
        }

    def server_fds(self) -> tuple[int, str]:
        count = len(os.listdir(f"/proc/{self.server_pid}/fd"))
        limits = Path(f"/proc/{self.server_pid}/limits").read_text()
        soft = re.search(r"Max open files\s+(\S+)", limits).group(1)
        return count, soft

    def sandbox_commits(self) -> tuple[int, int]:
        """Sandbox rows, and state commits they took (each row starts at version 1)."""
        with sqlite3.connect(f"file:{Path(self.data_dir) / 'db.sqlite3'}?mode=ro", uri=True) as db:
            rows, versions = db.execute("SELECT count(*), coalesce(sum(version), 0) FROM tutorial_sandbox").fetchone()
        return rows, versions - rows

    def report(self, ramp_seconds, window, memory, fds, commits, cpu) -> None:
        args, results = self.args, self.results
        ncpu = os.cpu_count()
        print(f"\n== {args.learners} learners, a command every {args.interval:g} s ± {args.jitter:g} s, "
              f"ramp-up {args.rate:g}/s, {args.duration:g} s measured after ramp-up ==")
        print(f"machine: {ncpu} cores, shared by this client and the server: client CPU is listed "
              f"so it can be subtracted")
        print(f"learners connected: {results.connected}/{args.learners}; through `minikube start`: "
              f"{results.ready}; shell processes alive at the end: {memory['shells']}")
        print(f"ramp-up (connects + minikube start): {ramp_seconds:.1f} s")
        steady_count = len(results.latencies)
        print(f"commands run: {steady_count} in the {window:.1f} s window "
              f"({steady_count / window:.1f}/s), {len(results.ramp_latencies)} during ramp-up")
        total_errors = sum(results.errors.values())
        print(f"errors: {total_errors}" + "".join(f"\n  {kind}: {count}" for kind, count in results.errors.items()))
        for example in results.error_examples:
            print(f"    e.g. {example}")
        if results.latencies:
            print("Enter -> output + next prompt, window: " + summary(results.latencies))
            for command, samples in sorted(results.per_command.items()):
                print(f"  {command:28} " + summary(samples))
        if results.ramp_latencies:
            print("Enter -> output + next prompt, during ramp-up: " + summary(results.ramp_latencies))
        if results.connect_to_prompt:
            print("connect -> first prompt under load: " + summary(results.connect_to_prompt, (0.95,)))
        if results.minikube_start:
            print("`minikube start` Enter -> Done! + prompt: " + summary(results.minikube_start, (0.95,)))
        if self.loop_lags:
            print("client event-loop lag in the window: " + summary(self.loop_lags))
        for phase, (server, client, machine) in cpu.items():
            print(f"CPU in {phase}, in cores of {ncpu}: server (daphne + zygote + shells) {server:.2f}, "
                  f"client {client:.2f}, anything else on the machine {max(0.0, machine - server - client):.2f}")
        unshared = memory["unshared"]
        if unshared:
            print(f"shell unshared memory (Private_Clean + Private_Dirty) at the end: total "
                  f"{sum(unshared) / 1024:.1f} MiB, per terminal mean {statistics.mean(unshared) / 1024:.2f} MiB, "
                  f"median {statistics.median(unshared) / 1024:.2f} MiB, max {max(unshared) / 1024:.2f} MiB "
                  f"(goal ≤ 8 MB = {8e6 / 2**20:.2f} MiB)")
            print(f"shell RSS: median {statistics.median(memory['shell_rss']) / 1024:.1f} MiB")
        print(f"zygote RSS: {', '.join(f'{rss / 1024:.1f} MiB' for rss in memory['zygote_rss']) or 'none'}; "
              f"daphne RSS: {memory['server_rss'] / 1024:.1f} MiB; "
              f"PSS of all server processes: {memory['pss_total'] / 1024:.1f} MiB")
        print(f"sandbox rows in SQLite: {commits[0]}, state commits over the whole run: {commits[1]}")
        print(f"daphne open file descriptors at the end: {fds[0]} (its soft limit: {fds[1]})")
        p99 = percentile(results.latencies, 0.99) if results.latencies else float("inf")
        per_terminal = statistics.mean(unshared) * 1024 if unshared else float("inf")
        print(f"goal p99 ≤ 100 ms with no error: {'met' if p99 <= 0.1 and not total_errors else 'NOT met'}; "
              f"goal ≤ 8 MB unshared per terminal: {'met' if per_terminal <= 8e6 else 'NOT met'}")


def cores(before: dict[int, int], after: dict[int, int], seconds: float) -> float:
    ticks = sum(value - before.get(pid, 0) for pid, value in after.items())
    return ticks / CLOCK_TICKS / seconds


def machine_busy() -> int:
    """Clock ticks all CPUs spent running something since boot (user, nice, system, irq, softirq)."""
    user, nice, system, _idle, _iowait, irq, softirq = map(int, Path("/proc/stat").read_text().split()[1:8])
    return user + nice + system + irq + softirq


def summary(samples: list[float], tails=(0.95, 0.99)) -> str:
    parts = [f"median {statistics.median(samples) * 1000:.1f} ms"]
    parts += [f"p{round(tail * 100)} {percentile(samples, tail) * 1000:.1f} ms" for tail in tails]
    parts.append(f"max {max(samples) * 1000:.1f} ms  (n={len(samples)})")
    return ", ".join(parts)


def raise_file_limit(learners: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = learners * 6 + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


def scan_server_log(path: Path) -> None:
    lines = path.read_text(errors="replace").splitlines()
    problems = [line for line in lines if LOG_PROBLEMS.search(line)]
    print(f"server log (daphne stderr): {len(lines)} lines, {len(problems)} matching "
          f"traceback/error/warning/locked")
    for line in problems[:15]:
        print(f"  | {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--duration", type=float, default=120, help="seconds measured after ramp-up")
    parser.add_argument("--rate", type=float, default=20, help="learners started per second")
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--jitter", type=float, default=1)
    parser.add_argument("--page", default="/en/modules/cluster/")
    parser.add_argument("--keep-log", action="store_true", help="print the path of Daphne's stderr and keep it")
    args = parser.parse_args()
    raise_file_limit(args.learners)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="tutorial-bench-") as data_dir:
        log_path = Path(tempfile.mkstemp(prefix="daphne-", suffix=".log")[1])
        with log_path.open("wb") as log:
            server = start_site(data_dir, port, stderr=log)
            try:
                asyncio.run(Run(args, port, server.pid, data_dir).measure())
            finally:
                server.terminate()
                server.wait(10)
        scan_server_log(log_path)
        if args.keep_log:
            print(f"server log kept at {log_path}")
        else:
            log_path.unlink()


if __name__ == "__main__":
    main()
