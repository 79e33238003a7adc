"""``kubectl proxy``: the API server on the learner machine's loopback, without credentials.

The command takes its port through ``loopback.listen`` (so ``curl localhost:8001`` in another
tab reaches it, and a second ``kubectl proxy`` finds the port taken), prints ``Starting to serve
on ...`` and then only waits, in ``ctx.sleep``, until Ctrl-C (or ``kill``) ends it and frees the
port. Requests are answered by ``answer_request`` in curl's own transaction: kubectl proxy's
request filter first (it refuses ``exec``/``attach`` paths and hosts other than localhost with a
plain ``Forbidden``), then the API itself through ``api.server.handle``. With no API server to
forward to, the proxy answers 502 with an empty body, as Go's reverse proxy does.
"""

from __future__ import annotations

import re

from ...api import server
from ...loopback import HttpRequest, HttpResponse, PortInUse, close, free_port, handles, listen
from .app import KubectlError, implement
from .cobra import Invocation
from .connection import unreachable_endpoint

DEFAULT_PORT = 8001
#: How long each wait lasts; Ctrl-C ends the wait at once.
IDLE_SECONDS = 3600.0


def _patterns(text: str) -> list[str]:
    return [pattern for pattern in text.split(",") if pattern]


def _serving_address(address: str, port: int) -> str:
    """What Go's listener reports: the unspecified address listens on both stacks, ``[::]``."""
    if address in ("0.0.0.0", "::", ""):
        return f"[::]:{port}"
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


@implement("proxy")
def run_proxy(invocation: Invocation) -> int:
    flags, ctx = invocation.flags, invocation.ctx
    address = flags.get("address") or "127.0.0.1"
    requested = int(flags.get("port", DEFAULT_PORT))
    prefix = flags.get("api-prefix") or "/"
    for unsupported in ("www", "unix-socket"):
        if flags.get(unsupported):
            raise KubectlError(f'"--{unsupported}" is not supported yet')
    for flag in ("accept-hosts", "accept-paths", "reject-paths", "reject-methods"):
        for pattern in _patterns(flags.get(flag) or ""):
            try:
                re.compile(pattern)
            except re.error as error:
                raise KubectlError(f"error parsing regexp: {error.msg}: `{pattern}`") from None
    with ctx.sandbox.transaction() as cluster:
        port = requested or free_port(cluster)
        try:
            listen(cluster, port, "proxy", ctx.shell.pid if ctx.shell else 0,
                   api_prefix=prefix if prefix.endswith("/") else prefix + "/",
                   filter=not flags.get("disable-filter"),
                   accept_hosts=flags.get("accept-hosts") or "",
                   accept_paths=flags.get("accept-paths") or "",
                   reject_paths=flags.get("reject-paths") or "",
                   reject_methods=flags.get("reject-methods") or "")
        except PortInUse:
            raise KubectlError(f"listen tcp {address}:{port}: bind: address already in use") \
                from None
    invocation.stdout.write(f"Starting to serve on {_serving_address(address, port)}\n")
    invocation.stdout.flush()
    try:
        while True:
            ctx.sleep(IDLE_SECONDS)
    finally:
        with ctx.sandbox.transaction() as cluster:
            close(cluster, port)


def _matches_any(patterns: str, text: str) -> bool:
    return any(re.search(pattern, text) for pattern in _patterns(patterns))


def _accepted(record: dict, method: str, path: str, host: str) -> bool:
    """kubectl's FilterServer: an accepted path that is not rejected, from an accepted host."""
    if not record.get("filter", True):
        return True
    return (_matches_any(record["accept_paths"], path)
            and not _matches_any(record["reject_paths"], path)
            and not _matches_any(record["reject_methods"], method)
            and _matches_any(record["accept_hosts"], host))


def _host_of(request: HttpRequest) -> str:
    host = next((value for name, value in request.headers if name.lower() == "host"),
                "localhost")
    if host.startswith("["):
        return host[:host.index("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host


@handles("proxy")
def answer_request(cluster, record: dict, request: HttpRequest) -> HttpResponse:
    path, _, query = request.target.partition("?")
    if not _accepted(record, request.method, path, _host_of(request)):
        return HttpResponse(403, "Forbidden", [("Content-Type", "text/plain; charset=utf-8"),
                                               ("X-Content-Type-Options", "nosniff")],
                            b"Forbidden\n")
    prefix = record.get("api_prefix", "/")
    if not (path + "/").startswith(prefix):
        return HttpResponse(404, "Not Found", [("Content-Type", "text/plain; charset=utf-8"),
                                               ("X-Content-Type-Options", "nosniff")],
                            b"404 page not found\n")
    if unreachable_endpoint(cluster) is not None:
        return HttpResponse(502, "Bad Gateway", [], b"")
    forwarded = "/" + path[len(prefix):] + (f"?{query}" if query else "")
    return server.handle(cluster, HttpRequest(request.method, forwarded, request.headers,
                                              request.body))
