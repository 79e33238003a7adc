"""``python -m cluster_engine serve-api``: the REST API of a saved sandbox state over real HTTP.

This is how the real ``/usr/bin/kubectl --server http://127.0.0.1:PORT`` talks to a simulated
cluster, so tests can hold the simulated kubectl's output against the real client's. Every
request is one transaction on an in-memory copy of the state, like one command in the sandbox:
the cluster is advanced to the clock's present, ``server.handle`` answers, and changes are kept
for the next request (the file itself is not rewritten).

A watch (``?watch=true``: ``kubectl get -w``, ``rollout status``) is streamed here: the
server compares the selected objects with what it last sent, a few times a second, and sends
the differences as ADDED/MODIFIED/DELETED events.

Two clocks: ``frozen`` (the default) keeps the state's own moment forever, so AGE columns
read the same as the simulated kubectl's on the same file; ``real`` starts at the state's
moment and runs with the wall clock from there, so pods keep starting and backoffs keep
expiring while a person watches.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..clock import FakeClock
from ..loopback import HttpRequest
from ..sandbox import LocalBackend, Sandbox
from ..state import SandboxState
from .server import handle, is_watch, watch
from .wire import Call

#: How often a watch looks for changes, and how long one lasts unless the client says.
WATCH_POLL_SECONDS = 0.25
WATCH_LIMIT = 1800


class RunningClock:
    """Wall-clock time, shifted so that it starts at ``start``."""

    def __init__(self, start: float):
        self._offset = start - time.time()

    def now(self) -> float:
        return time.time() + self._offset

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def sandbox_for(state_json: str, clock_kind: str = "frozen") -> Sandbox:
    state = SandboxState.from_json(state_json)
    start = state.now if state.now is not None else time.time()
    clock = FakeClock(start) if clock_kind == "frozen" else RunningClock(start)
    return Sandbox(LocalBackend(state), clock)


class ApiServer(ThreadingHTTPServer):
    """Threads read and write sockets; one lock lets a single request at a time at the state."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox):
        super().__init__(address, _RequestHandler)
        self.sandbox = sandbox
        self.state_lock = threading.Lock()


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ApiServer

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = HttpRequest(self.command, self.path, list(self.headers.items()), body)
        if is_watch(request):
            self._stream(request)
            return
        with self.server.state_lock, self.server.sandbox.transaction() as cluster:
            response = handle(cluster, request)
        self._start(response)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _start(self, response) -> None:
        self.send_response(response.status, response.reason)
        for name, value in response.headers:
            self.send_header(name, value)

    def _stream(self, request: HttpRequest) -> None:
        """A watch: the events of each step as one chunk, until ``timeoutSeconds`` or until
        the client hangs up."""
        timeout = Call(request).query.get("timeoutSeconds", "")
        deadline = time.monotonic() + (int(timeout) if timeout.isdigit() else WATCH_LIMIT)
        with self.server.state_lock, self.server.sandbox.transaction() as cluster:
            response, seen = watch(cluster, request, None)
        self._start(response)
        if seen is None:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            while True:
                if response.body:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(response.body), response.body))
                    self.wfile.flush()
                if time.monotonic() >= deadline:
                    break
                time.sleep(WATCH_POLL_SECONDS)
                with self.server.state_lock, self.server.sandbox.transaction() as cluster:
                    response, seen = watch(cluster, request, seen)
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args) -> None:
        """Quiet: a test runs many requests and reads only kubectl's output."""


def serve(state_json: str, port: int, clock_kind: str = "frozen",
          host: str = "127.0.0.1") -> ApiServer:
    """A server bound to ``host:port`` (0: any free port); call ``serve_forever`` on it."""
    return ApiServer((host, port), sandbox_for(state_json, clock_kind))
