"""What listens on the learner machine's loopback: ``kubectl proxy``, ``kubectl port-forward``.

Those commands run in one terminal tab (or in the background) while ``curl`` runs in another, so
the fact that a port is taken lives in the sandbox state (``SandboxState.loopback``), not in a
process. A listener is a small record — its kind, the shell process that owns it, the details
its kind needs — and each kind registers the function that answers an HTTP request for it.
``curl http://localhost:PORT/...`` on the learner's machine ends up in ``request``; nothing
listening means curl's "connection refused".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .cluster import Cluster


@dataclass(frozen=True)
class HttpRequest:
    method: str
    #: The request target as sent: path and query, e.g. ``/api/v1/pods?limit=500``.
    target: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


Handler = Callable[["Cluster", dict, HttpRequest], HttpResponse]

#: Listener kind → the function answering requests to a listener of that kind.
HANDLERS: dict[str, Handler] = {}


class PortInUse(Exception):
    def __init__(self, port: int):
        super().__init__(f"port {port} is already in use")
        self.port = port


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler
    return register


def listener(cluster: "Cluster", port: int) -> dict | None:
    return cluster.state.loopback.get(str(port))


def listen(cluster: "Cluster", port: int, kind: str, owner_pid: int, **details) -> dict:
    """Take ``port`` for a listener of ``kind`` owned by the shell process ``owner_pid``."""
    if listener(cluster, port) is not None:
        raise PortInUse(port)
    record = {"kind": kind, "pid": owner_pid, **details}
    cluster.state.loopback[str(port)] = record
    cluster.mark_state_changed()
    return record


#: Where the kernel picks a port when a program asks for "any free port" (Linux's default range).
EPHEMERAL_PORTS = (32768, 60999)


def free_port(cluster: "Cluster") -> int:
    """A port nothing listens on, drawn as the kernel would for ``--port 0``."""
    low, high = EPHEMERAL_PORTS
    while True:
        port = low + cluster.rng.below(high - low + 1)
        if listener(cluster, port) is None:
            return port


def close(cluster: "Cluster", port: int) -> None:
    if cluster.state.loopback.pop(str(port), None) is not None:
        cluster.mark_state_changed()


def close_owned_by(cluster: "Cluster", owner_pid: int) -> None:
    """Free every port of a shell process that ended (a closed tab, a killed job)."""
    for port, record in list(cluster.state.loopback.items()):
        if record.get("pid") == owner_pid:
            del cluster.state.loopback[port]
            cluster.mark_state_changed()


def request(cluster: "Cluster", port: int, http: HttpRequest) -> HttpResponse | None:
    """The answer of whatever listens on ``port``, or None when nothing does (refused)."""
    record = listener(cluster, port)
    if record is None or record["kind"] not in HANDLERS:
        return None
    return HANDLERS[record["kind"]](cluster, record, http)
