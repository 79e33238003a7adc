"""``kubectl proxy`` in the sandbox: it holds its loopback port while it waits, answers requests
to that port with the API (through kubectl proxy's filter), and frees the port on Ctrl-C."""

from __future__ import annotations

import io

import pytest

from cluster_engine import loopback
from cluster_engine.clock import FakeClock
from cluster_engine.commands import COMMANDS, CommandContext
from cluster_engine.loopback import HttpRequest
from cluster_engine.sandbox import LocalBackend, Sandbox


class InterruptedClock(FakeClock):
    """A clock whose first wait is cut short by Ctrl-C, after ``while_waiting`` looked around."""

    def __init__(self, while_waiting):
        super().__init__()
        self.while_waiting = while_waiting

    def sleep(self, seconds: float) -> None:
        self.while_waiting()
        raise KeyboardInterrupt


class Terminal:
    def __init__(self, state_json: str):
        self.backend = LocalBackend()
        self.backend.state_json = state_json
        self.seen: list = []

    def ctx(self, clock) -> CommandContext:
        return CommandContext(sandbox=Sandbox(self.backend, clock), clock=clock, env={})

    def kubectl(self, *args: str, while_waiting=lambda: None):
        out, err = io.StringIO(), io.StringIO()
        ctx = self.ctx(InterruptedClock(while_waiting))
        try:
            status = COMMANDS["kubectl"](["kubectl", *args], io.StringIO(), out, err, ctx)
        except KeyboardInterrupt:
            status = 130
        return status, out.getvalue(), err.getvalue()

    def listeners(self) -> dict:
        with self.ctx(FakeClock()).sandbox.transaction() as cluster:
            return dict(cluster.state.loopback)

    def curl(self, port: int, target: str, host: str = "localhost:8001") -> loopback.HttpResponse:
        with self.ctx(FakeClock()).sandbox.transaction() as cluster:
            return loopback.request(cluster, port, HttpRequest(
                "GET", target, [("Host", host), ("User-Agent", "curl/8.5.0")]))


@pytest.fixture
def terminal(lab) -> Terminal:
    return Terminal(lab.state_json)


def test_it_serves_on_8001_until_ctrl_c_and_then_frees_the_port(terminal):
    status, stdout, stderr = terminal.kubectl(
        "proxy", while_waiting=lambda: terminal.seen.append(terminal.listeners()))
    assert (status, stdout, stderr) == (130, "Starting to serve on 127.0.0.1:8001\n", "")
    assert terminal.seen[0]["8001"]["kind"] == "proxy"
    assert terminal.listeners() == {}


def test_curl_through_the_proxy_reaches_the_pod_and_the_api(terminal, lab):
    pod = lab.pod_names()[0]

    def requests():
        terminal.seen.append(
            terminal.curl(8001, f"/api/v1/namespaces/default/pods/{pod}:8080/proxy/"))
        terminal.seen.append(terminal.curl(8001, f"/api/v1/namespaces/default/pods/{pod}/"))

    terminal.kubectl("proxy", while_waiting=requests)
    app, pod_json = terminal.seen
    assert app.body == f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n".encode()
    assert pod_json.body.startswith(b'{\n  "kind": "Pod",\n  "apiVersion": "v1",\n')


def test_the_filter_refuses_exec_paths_and_foreign_hosts(terminal, lab):
    pod = lab.pod_names()[0]

    def requests():
        terminal.seen.append(terminal.curl(8001, f"/api/v1/namespaces/default/pods/{pod}/exec"))
        terminal.seen.append(terminal.curl(8001, "/api/v1/pods", host="evil.example:8001"))

    terminal.kubectl("proxy", while_waiting=requests)
    for refused in terminal.seen:
        assert (refused.status, refused.body) == (403, b"Forbidden\n")


def test_a_taken_port_is_kubectls_bind_error(terminal):
    def second_proxy():
        terminal.seen.append(terminal.kubectl("proxy", "-p", "8001"))

    terminal.kubectl("proxy", while_waiting=second_proxy)
    assert terminal.seen == [
        (1, "", "error: listen tcp 127.0.0.1:8001: bind: address already in use\n")]


def test_port_and_address_flags_choose_where_it_listens(terminal):
    status, stdout, _stderr = terminal.kubectl(
        "proxy", "--port=8011", "--address", "0.0.0.0",
        while_waiting=lambda: terminal.seen.append(sorted(terminal.listeners())))
    assert (status, stdout) == (130, "Starting to serve on [::]:8011\n")
    assert terminal.seen == [["8011"]]


def test_an_api_prefix_moves_the_api_under_it(terminal):
    def requests():
        terminal.seen.append(terminal.curl(8001, "/custom/api"))
        terminal.seen.append(terminal.curl(8001, "/api"))

    terminal.kubectl("proxy", "--api-prefix=/custom/", while_waiting=requests)
    moved, outside = terminal.seen
    assert moved.status == 200 and b'"kind": "APIVersions"' in moved.body
    assert (outside.status, outside.body) == (404, b"404 page not found\n")


def test_port_zero_takes_a_free_ephemeral_port_and_says_which(terminal):
    status, stdout, _stderr = terminal.kubectl(
        "proxy", "--port=0",
        while_waiting=lambda: terminal.seen.append(sorted(terminal.listeners())))
    port = int(stdout.removeprefix("Starting to serve on 127.0.0.1:"))
    assert 32768 <= port <= 60999
    assert terminal.seen == [[str(port)]]


def test_static_files_and_unix_sockets_are_refused_rather_than_ignored(terminal):
    assert terminal.kubectl("proxy", "--www=/tmp") == (
        1, "", 'error: "--www" is not supported yet\n')
    assert terminal.listeners() == {}
