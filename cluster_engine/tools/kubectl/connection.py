"""Where kubectl's kubeconfig points, and what kubectl prints when nothing answers there.

Before the first ``minikube start`` and after ``minikube stop`` or ``minikube delete`` there is
no minikube context in ~/.kube/config (v1.35 deletes it on stop), so kubectl falls back to
``http://localhost:8080`` and the connection is refused. Commands that look up resource types
first log five discovery errors through klog (``E1125 16:35:27.281503   13030 memcache.go:265]``)
before the final message; ``kubectl version`` asks for the version directly and only prints
the final message. If a context survives a stop (``--keep-context-active``) it points to the
stopped container's address, where nothing answers at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TextIO

from ...minikube_cluster import API_SERVER_URL, has_kubeconfig_context

DISCOVERY_ATTEMPTS = 5
DEFAULT_SERVER = "http://localhost:8080"


@dataclass(frozen=True)
class Endpoint:
    url: str
    host: str
    dial_address: str
    dial_error: str

    @property
    def final_message(self) -> str:
        if self.dial_error == "connection refused":
            return (f"The connection to the server {self.host} was refused - did you specify "
                    "the right host or port?")
        return f"Unable to connect to the server: dial tcp {self.dial_address}: connect: " \
               f"{self.dial_error}"


NO_KUBECONFIG = Endpoint(DEFAULT_SERVER, "localhost:8080", "127.0.0.1:8080", "connection refused")
STOPPED_MINIKUBE = Endpoint(API_SERVER_URL, API_SERVER_URL.split("//")[1],
                            API_SERVER_URL.split("//")[1], "no route to host")


def server_url(profile: dict) -> str:
    return API_SERVER_URL if has_kubeconfig_context(profile) else DEFAULT_SERVER


def unreachable_endpoint(cluster) -> Endpoint | None:
    """Why kubectl cannot talk to the cluster right now, or None when it can."""
    if not has_kubeconfig_context(cluster.profile):
        return NO_KUBECONFIG
    if not cluster.running:
        return STOPPED_MINIKUBE
    return None


def next_pid(ctx) -> int:
    """A process id for this kubectl run: from the shell if it hands them out, else counted here."""
    allocate = getattr(getattr(ctx, "shell", None), "next_pid", None)
    if callable(allocate):
        return int(allocate())
    extra = ctx.extra
    now = ctx.clock.now()
    last = extra.get("kubectl_last_pid")
    if last is None:
        last = 1800 + _jitter(now, "pid-base", 6000)
    pid = last + 3 + _jitter(now, "pid-step", 40)
    extra["kubectl_last_pid"] = pid
    return pid


def _jitter(now: float, salt: str, spread: int) -> int:
    digest = hashlib.sha256(f"{now:.6f}/{salt}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % spread


def klog_header(severity: str, when: float, pid: int, source: str) -> str:
    moment = datetime.fromtimestamp(when, tz=timezone.utc)
    micros = int(round((when - int(when)) * 1_000_000)) % 1_000_000
    return (f"{severity}{moment:%m%d} {moment:%H:%M:%S}.{micros:06d} {pid:7d} {source}] ")


def write_unreachable(ctx, stderr: TextIO, endpoint: Endpoint,
                      discovery_attempts: int = DISCOVERY_ATTEMPTS) -> int:
    """kubectl's output for an API server that does not answer; returns the exit status (1)."""
    write_discovery_errors(ctx, stderr, endpoint, discovery_attempts)
    write_final_message(stderr, endpoint)
    return 1


def write_discovery_errors(ctx, stderr: TextIO, endpoint: Endpoint,
                           attempts: int = DISCOVERY_ATTEMPTS) -> None:
    if not attempts:
        return
    pid = next_pid(ctx)
    now = ctx.clock.now()
    when = now + 0.035 + _jitter(now, "start", 25000) / 1_000_000
    for attempt in range(attempts):
        if attempt:
            when += 0.0012 + _jitter(now, f"gap{attempt}", 700) / 1_000_000
        get = f'Get \\"{endpoint.url}/api?timeout=32s\\"'
        stderr.write(klog_header("E", when, pid, "memcache.go:265")
                     + '"Unhandled Error" err="couldn\'t get current server API group list: '
                     + f'{get}: dial tcp {endpoint.dial_address}: connect: {endpoint.dial_error}"\n')
    stderr.flush()


def write_final_message(stderr: TextIO, endpoint: Endpoint) -> None:
    stderr.write(endpoint.final_message + "\n")
    stderr.flush()
